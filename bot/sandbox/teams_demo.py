"""`lair demo --teams`: the demo round in Microsoft Teams, with no tenant.

Runs the real Teams bot (the Teams SDK's app behind uvicorn, its outbox worker, a SQLite file
in a temporary folder) against the sandbox's fake Bot Connector, and plays a coordinator, six
staff and three Dragons through create → submit → vote → panel → decide → export with
signed, Teams-shaped activities. Every card and message the bot sends is printed as readable
text; the workbook, delivered by file consent, is left on disk.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from bot.config import Settings
from bot.sandbox import demo as slack_demo
from bot.sandbox.teams_connector import Call, FakeTeamsConnector, Person, Posted
from bot.sandbox.teams_driving import Driver, button, card_of, has_button, inputs, text_of

# The same people and ideas as the Slack demo, by name.
STAFF = list(slack_demo.STAFF.values())
DRAGONS = list(slack_demo.DRAGONS.values())
COORDINATOR = slack_demo.PEOPLE[slack_demo.CORA]
IDEAS = slack_demo.IDEAS
CRITERIA = ("impact_for_residents", "feasibility", "value_for_money", "innovation",
            "learning_potential")  # fmt: skip


class Printer:
    """Prints each Bot Connector call that shows people something, as readable text."""

    def __init__(self, out=print):
        self.out = out
        self.lock = threading.Lock()
        self.fake: FakeTeamsConnector | None = None
        self.names: dict[str, str] = {}  # conversation id → how to call it
        self.muted = False

    def where(self, conversation: str | None) -> str:
        base = (conversation or "").split(";")[0]
        thread = " (in thread)" if ";messageid=" in (conversation or "") else ""
        return self.names.get(base, base) + thread

    def __call__(self, call: Call) -> None:
        if (
            self.muted
            or call.route not in ("send", "reply", "update")
            or not isinstance(call.body, dict)
        ):
            return
        if call.status and call.status >= 300:
            return
        body = call.body
        what = {"send": "", "reply": "", "update": "updated: "}[call.route]
        cards = [a.get("content") or {} for a in body.get("attachments") or []
                 if str(a.get("contentType", "")).endswith("card.adaptive")]  # fmt: skip
        text = "\n".join(text_of(c) for c in cards) or (body.get("text") or "")
        consent = [a for a in body.get("attachments") or []
                   if str(a.get("contentType", "")).endswith("file.consent")]  # fmt: skip
        if consent:
            text = f"asks to send a file: {consent[0].get('name')}"
        if not text.strip():
            return
        where = self.where(call.conversation)
        lines = text.strip().splitlines()
        shown = "\n".join([lines[0], *("   " + line for line in lines[1:])])
        with self.lock:
            self.out(f"── {what}{where}\n   {shown}\n")


def narrate(line: str) -> None:
    print(f"\n▶ {line}\n")


def run_teams_demo(output: Path, *, quiet: bool = False) -> Path:
    from bot.runtime import build_runtime
    from bot.teams.server import TeamsServer

    printer = Printer(out=(lambda _t: None) if quiet else print)
    fake = FakeTeamsConnector(on_call=printer).start()
    printer.fake = fake
    cora = fake.person(COORDINATOR)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            _env_file=None,
            **fake.lair_settings(),
            database_url=f"sqlite:///{tmp}/demo.db",
            lair_coordinators=cora.aad_object_id,
        )
        runtime = build_runtime(settings, outbox_interval=0.1, slack=False, teams=True)
        runtime.worker.start()
        server = TeamsServer(runtime.teams, host="127.0.0.1", port=0).start()
        from bot.sandbox.teams_requests import TeamsSender

        send = TeamsSender(f"http://127.0.0.1:{server.port}/api/messages", fake)
        try:
            _play(Driver(fake, send), fake, printer, cora, output,
                  narrate if not quiet else (lambda _l: None))  # fmt: skip
        finally:
            server.stop()
            runtime.close()
            fake.stop()
    return output


_settle = slack_demo._settle  # the same wait, on the Bot Connector's calls


def _play(drive: Driver, fake: FakeTeamsConnector, printer: Printer, cora: Person, output: Path,
          say) -> None:  # fmt: skip
    staff = [fake.person(name) for name in STAFF]
    dragons = [fake.person(name) for name in DRAGONS]
    people = [cora, *staff, *dragons]
    for person in people:
        printer.names[fake.personal_chat(person)] = f"chat with {person.name}"

    say("Cora adds Lair for herself and to the Innovation team (channels Ideas and Dragons).")
    drive.install(cora)
    team = drive.team("Innovation", ["Ideas", "Dragons"], people, by=cora)
    ideas_channel, dragons_channel = team.channel("Ideas"), team.channel("Dragons")
    printer.names[ideas_channel.id] = "#Ideas"
    printer.names[dragons_channel.id] = "#Dragons"
    _settle(fake)
    say("Six members of staff and three Dragons add Lair too; each gets the same welcome.")
    printer.muted = True
    for person in [*staff, *dragons]:
        drive.install(person)
    _settle(fake)
    printer.muted = False

    say("Cora creates a challenge: “@Lair challenge new” in #Ideas, then the form.")
    [offer] = drive.say(cora, "challenge new", channel=ideas_channel)
    form = drive.open(cora, button(card_of(offer), "Create a challenge"))
    drive.submit(cora, form.card, {
        "title": "How might we cut missed bin collections?",
        "brief": "Missed bins are our top complaint. Pitch a small idea; the fund is £12,000.",
        "fund_pot": "£12,000", "max_award": "£5,000", "vote_budget": "3", "shortlist_size": "5",
        "channel_id": ideas_channel.id, "panel_channel_id": dragons_channel.id,
        "panel": ",".join(d.aad_object_id for d in dragons),
    })  # fmt: skip
    _settle(fake)

    say("Cora opens it for ideas: “challenge advance” in her chat with Lair.")
    drive.say(cora, "challenge advance")
    announcement = fake.wait_until(
        lambda: [
            m
            for m in fake.top_level(ideas_channel.id)
            if m.cards and has_button(card_of(m), "Submit an idea")
        ],  # fmt: skip
        what="the announcement",
    )[0]
    _settle(fake)

    say("Six members of staff submit ideas from the announcement's button.")
    for n, (author, (title, problem, proposal, money)) in enumerate(zip(staff, IDEAS, strict=True)):
        form = drive.open(author, button(card_of(announcement), "Submit an idea"),
                          channel=ideas_channel, message_id=announcement.id)  # fmt: skip
        values = {"title": title, "problem": problem, "proposal": proposal,
                  "funding_requested": money}  # fmt: skip
        if n == 0:
            values["team"] = staff[3].aad_object_id  # Jo is on Sam's team
        drive.submit(author, form.card, values, channel=ideas_channel)
    _settle(fake)

    say("One idea is refused in its form: a title over 100 characters, money that is not money.")
    form = drive.open(staff[5], button(card_of(announcement), "Submit an idea"),
                      channel=ideas_channel, message_id=announcement.id)  # fmt: skip
    again = drive.submit(staff[5], form.card, {"title": "x" * 101, "problem": "p", "proposal": "q",
                                               "funding_requested": "abc"}, channel=ideas_channel)  # fmt: skip
    from bot.sandbox.teams_driving import problems

    print(
        "   the form comes back showing:\n" + "".join(f"     {p}\n" for p in problems(again.card))
    )

    say("Cora opens voting: “challenge advance”. Everyone has 3 votes.")
    drive.say(cora, "challenge advance")
    _settle(fake)
    cards = {
        title: fake.wait_until(
            lambda t=title: [
                m
                for m in fake.top_level(ideas_channel.id)
                if m.cards and t in text_of(card_of(m)) and has_button(card_of(m), "Vote")
            ],  # fmt: skip
            what=f"the Vote button on {title}",
        )[0]
        for title, *_ in IDEAS
    }
    ballots = {1: [0, 2, 5], 2: [0, 1, 2], 4: [0, 2, 4], 5: [1, 0, 3], 0: [2, 5, 1], 3: [2, 1, 5]}
    for voter, picks in ballots.items():
        for pick in picks:
            card = fake.message(cards[IDEAS[pick][0]].id)
            answer = drive.click(staff[voter], button(card_of(card), "Vote"),
                                 message_id=card.id, channel=ideas_channel).json()  # fmt: skip
            print(f"   only {staff[voter].name} sees: {answer.get('value')}")
    say("Jo tries to vote for the idea Jo is on the team of, and is told why not.")
    card = fake.message(cards[IDEAS[0][0]].id)
    answer = drive.click(staff[3], button(card_of(card), "Vote"), message_id=card.id,
                         channel=ideas_channel).json()  # fmt: skip
    print(f"   only {staff[3].name} sees: {answer.get('value')}")
    _settle(fake)

    say("Voting closes: “challenge advance”. The top five go to the Dragons in #Dragons.")
    drive.say(cora, "challenge advance")
    _settle(fake)
    parents = [m for m in fake.top_level(dragons_channel.id)
               if m.cards and has_button(card_of(m), "Score")]  # fmt: skip

    say("Dragon Ayo scores with the Score button; Bea and Cal reply in each idea's thread.")
    for n, parent in enumerate(parents):
        form = drive.open(dragons[0], button(card_of(parent), "Score"), channel=dragons_channel,
                          message_id=parent.id)  # fmt: skip
        values = {f"score.{key}": str(5 - (n + k) % 3) for k, key in enumerate(CRITERIA)}
        values["comment"] = (
            "Clear problem, credible plan." if n % 2 == 0 else "Good, but costs look light."
        )
        drive.submit(dragons[0], form.card, values, channel=dragons_channel)
        for d, dragon in enumerate(dragons[1:]):
            scores = " ".join(str(2 + (n + d + k) % 4) for k in range(5))
            drive.say(dragon, f"score {scores} worth a pilot", channel=dragons_channel,
                      thread=parent.id)  # fmt: skip
    _settle(fake)

    say("The panel closes: “challenge advance”. Cora records decisions, pre-filled with the "
        "exact recommendation, and announces them.")  # fmt: skip
    drive.say(cora, "challenge advance")
    _settle(fake)
    [offer] = drive.say(cora, "challenge decide")
    form = drive.open(cora, button(card_of(offer), "Record decisions"))
    chosen = {name: node.get("value") for name, node in inputs(form.card).items()}
    drive.submit(cora, form.card, {**chosen, "announce": "true"})
    _settle(fake)

    say("Cora asks for the workbook: “challenge export”. It comes privately, by file consent.")
    drive.say(cora, "challenge export")
    fake.wait_until(lambda: _consent(drive, cora), what="the file consent card")
    consent = _consent(drive, cora)
    attachment = consent.attachments[0]
    drive.send.post(drive.send.file_consent(cora, "accept", attachment["content"]["acceptContext"],
                                            file_name=attachment["name"], message_id=consent.id))  # fmt: skip
    upload = fake.wait_until(lambda: [u for u in fake.uploaded() if u.complete], what="the upload")[
        0
    ]
    output.write_bytes(bytes(upload.content))
    _settle(fake)
    say(f"Done. The workbook is at {output.resolve()}")


def _consent(drive: Driver, person: Person) -> Posted | None:
    found = [m for m in drive.chat(person)
             if m.attachments and str(m.attachments[0]["contentType"]).endswith("file.consent")]  # fmt: skip
    return found[-1] if found else None
