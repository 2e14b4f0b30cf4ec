"""`lair demo`: a whole round in a minute, with no Slack workspace.

Runs the real app (waitress + Bolt, a SQLite file in a temporary folder) against the
sandbox's fake Slack, and plays a coordinator, six staff and three Dragons through
submit → vote → panel → decide → export with signed, Slack-shaped requests. Every
message the bot sends is printed as readable text; the workbook is left on disk.
"""

import json
import re
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from bot.config import Settings
from bot.sandbox.render import blocks_to_text, plain
from bot.sandbox.slack_api import Call, FakeSlack
from bot.sandbox.slack_requests import SlackSender

SECRET = "demo-signing-secret"
CORA = "UCORA00001"
STAFF = {
    "USAM000001": "Sam (waste crew)", "UPRIYA0001": "Priya (contact centre)", "UADE000001": "Ade (fleet)",
    "UJO0000001": "Jo (digital)", "ULEE000001": "Lee (street scene)", "UMO0000001": "Mo (finance)",
}  # fmt: skip
DRAGONS = {"UDRAGON001": "Dragon Ayo", "UDRAGON002": "Dragon Bea", "UDRAGON003": "Dragon Cal"}
PEOPLE = {CORA: "Cora (coordinator)", **STAFF, **DRAGONS, "UBOTLAIR": "Lair"}
CHANNELS = {"CBINS00001": "bins-challenge", "CPANEL0001": "dragons-panel"}
NAMES = {**PEOPLE, **CHANNELS}
IDEAS = [
    ("Bin sensors on the worst rounds", "Crews cannot see which bins are out on rural rounds.",
     "Fit fill-level sensors to 200 bins on the three worst rounds.", "£4,800"),
    ("Text residents the night before", "People forget which week is recycling.",
     "An opt-in SMS reminder the evening before collection.", "£2,500"),
    ("Photo proof from the cab", "Disputes about missed bins take hours to settle.",
     "Crews tap a photo button when a bin is not out; the contact centre sees it.", "£3,000"),
    ("Swap routes with the neighbours", "Two border streets are served from 15 miles away.",
     "A shared-service agreement with the next council for 40 streets.", "£500"),
    ("Bigger bins for big families", "Overflowing bins get left.", "A simple form to ask for a larger bin.", "£1,200"),
    ("Route app for agency drivers", "Agency drivers miss streets they do not know.",
     "Turn-by-turn rounds on a tablet in each cab.", "£5,000"),
]  # fmt: skip


class Printer:
    """Prints each Web API call as something a person can read."""

    def __init__(self, out=print):
        self.out = out
        self.lock = threading.Lock()

    def who(self, user_or_channel: str) -> str:
        if user_or_channel in CHANNELS:
            return "#" + CHANNELS[user_or_channel]
        key = "U" + user_or_channel[1:] if user_or_channel.startswith("D") else user_or_channel
        return PEOPLE.get(key, user_or_channel)

    def __call__(self, call: Call) -> None:
        a = call.args
        text = None
        if call.method == "chat.postMessage":
            where = self.who(a.get("channel", ""))
            where = f"DM to {where}" if not where.startswith("#") else where
            thread = " (in thread)" if a.get("thread_ts") else ""
            text = f"── {where}{thread}\n{self.body(a)}"
        elif call.method == "chat.postEphemeral":
            text = f"── only {self.who(a.get('user', ''))} sees, in {self.who(a.get('channel', ''))}\n{self.body(a)}"
        elif call.method == "response_url":
            text = f"── reply only the person who acted sees\n{self.body(a)}"
        elif call.method == "chat.update":
            text = f"── message updated in {self.who(a.get('channel', ''))}\n{self.body(a)}"
        elif call.method in ("views.open", "views.update"):
            view = a.get("view") or {}
            title = (view.get("title") or {}).get("text", "")
            text = f"── a form opens: “{title}” ({len(view.get('blocks', []))} fields)"
        elif call.method == "files.completeUploadExternal":
            text = f"── a file is sent privately: {a.get('initial_comment', '')}"
        if text:
            with self.lock:
                self.out(self.indent(text) + "\n")

    def body(self, args: dict) -> str:
        if args.get("blocks"):
            return blocks_to_text(args["blocks"], NAMES)
        return plain(args.get("text") or "", NAMES)

    @staticmethod
    def indent(text: str) -> str:
        first, *rest = text.splitlines()
        return "\n".join([first, *("   " + line for line in rest)])


class DemoClock:
    """The demo's time: the real time, moved on when the story skips ahead (to a learning date)."""

    def __init__(self):
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def move_to(self, moment: datetime) -> None:
        self.offset = max(self.offset, moment - datetime.now(UTC))


# The round's learning-update date: a month after the demo is run.
LEARNING_DATE = date.today() + timedelta(days=30)


def narrate(line: str) -> None:
    print(f"\n▶ {line}\n")


def run_demo(output: Path, *, quiet: bool = False) -> Path:
    from bot.runtime import build_runtime
    from bot.slack.server import make_server, serve_until_closed

    printer = Printer(out=(lambda _t: None) if quiet else print)
    slack = FakeSlack(on_call=printer).start()
    for user, name in PEOPLE.items():  # their names, as Slack's users.info gives them
        slack.add_person(user, display_name=name, real_name=name)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(_env_file=None, slack_bot_token="xoxb-demo", slack_signing_secret=SECRET,
                            slack_api_url=slack.url, database_url=f"sqlite:///{tmp}/demo.db",
                            lair_coordinators=CORA)  # fmt: skip
        demo_clock = DemoClock()
        runtime = build_runtime(settings, outbox_interval=0.1, clock=demo_clock)
        runtime.worker.start()

        def travel(moment: datetime) -> None:
            """Time passes: the real clock (bot/clock.py) does what is due by then."""
            from bot.clock import Clock

            demo_clock.move_to(moment)
            clock = Clock(runtime.ctx, kick=runtime.worker.kick).start(paused=True)
            try:
                clock.reconcile()
            finally:
                clock.stop()

        server = make_server(runtime, host="127.0.0.1", port=0, threads=8)
        stop = threading.Event()
        serving = threading.Thread(target=serve_until_closed, args=(server, stop), daemon=True)
        serving.start()
        send = SlackSender(
            f"http://127.0.0.1:{server.effective_port}/slack/events", SECRET, slack.response_url()
        )
        try:
            _play(send, slack, output, narrate if not quiet else (lambda _l: None), travel)
        finally:
            stop.set()
            serving.join(timeout=15)
            runtime.close()
            slack.stop()
    return output


def _wait(slack: FakeSlack, method: str, count: int, timeout: float = 15.0) -> list[Call]:
    return slack.wait_for(method, count, timeout=timeout)


def _settle(fake, quiet_for: float = 0.4, timeout: float = 15.0) -> None:
    """Wait until the bot has stopped sending to `fake` (the sandbox's Slack or Bot
    Connector, each recording its `calls`) for a moment: the outbox drains after acks."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        count = len(fake.calls)
        if count == last:
            return
        last = count
        time.sleep(quiet_for)


def _view(slack: FakeSlack, before: int) -> dict:
    calls = _wait(slack, "views.open", before + 1)
    return calls[-1].args["view"]


def _button(message: dict, action_id: str) -> dict:
    for block in message.get("blocks", []):
        for element in block.get("elements", []) if block.get("type") == "actions" else []:
            if element.get("action_id") == action_id:
                return element
        accessory = block.get("accessory") or {}
        if accessory.get("action_id") == action_id:
            return accessory
    raise LookupError(action_id)


def _idea_id(card: dict) -> str:
    """The idea's number, from the card's footer ("Idea #4 · …")."""
    found = re.search(r"Idea #(\d+)", json.dumps(card.get("blocks")))
    if not found:
        raise LookupError("no idea number on the card")
    return found.group(1)


def _posts(slack: FakeSlack, channel: str, prefix: str = "") -> list[dict]:
    """Messages the bot posted top-level in `channel` (each with its ts), oldest first."""
    return [
        m
        for m in slack.posted(channel)
        if not m.get("thread_ts") and (m.get("text") or "").startswith(prefix)
    ]


def _play(send: SlackSender, slack: FakeSlack, output: Path, say,
          travel: Callable[[datetime], None]) -> None:  # fmt: skip
    say("Cora, a coordinator, creates a challenge with /challenge new.")
    opened = len(slack.calls_to("views.open"))
    send.command(CORA, "/challenge", "new", channel="CBINS00001")
    form = _view(slack, opened)
    send.view_submission(CORA, form, {
        "title": "How might we cut missed bin collections?",
        "brief": "Missed bins are our top complaint. Pitch a small idea; the fund is £12,000.",
        "channel_id": "CBINS00001", "panel_channel_id": "CPANEL0001", "fund_pot": "£12,000", "max_award": "£5,000",
        "panel": list(DRAGONS), "learning_update_dates": LEARNING_DATE.isoformat(),
    })  # fmt: skip
    _settle(slack)

    say("Cora opens it for ideas: /challenge advance 1.")
    send.command(CORA, "/challenge", "advance 1")
    _settle(slack)

    say("Six members of staff submit ideas with /idea.")
    for (user, _name), (title, problem, proposal, money) in zip(STAFF.items(), IDEAS, strict=True):
        opened = len(slack.calls_to("views.open"))
        send.command(user, "/idea")
        form = _view(slack, opened)
        team = ["UJO0000001"] if user == "USAM000001" else []
        send.view_submission(user, form, {"title": title, "problem": problem, "proposal": proposal,
                                          "funding_requested": money, "team": team})  # fmt: skip
    _settle(slack)

    say("One idea is refused inline: a title over 100 characters.")
    opened = len(slack.calls_to("views.open"))
    send.command("UMO0000001", "/idea")
    reply = send.view_submission(
        "UMO0000001",
        _view(slack, opened),
        {"title": "x" * 101, "problem": "p", "proposal": "q", "funding_requested": "abc"},
    )
    print("   the form shows: " + "; ".join(reply.json()["errors"].values()) + "\n")

    say("Cora opens voting: /challenge advance 1. Everyone has 3 votes.")
    send.command(CORA, "/challenge", "advance 1")
    _settle(slack)
    cards = {
        c["text"].removeprefix("New idea: "): c for c in _posts(slack, "CBINS00001", "New idea: ")
    }
    ideas_by_title = {title: _idea_id(card) for title, card in cards.items()}
    ballots = {
        "UPRIYA0001": [IDEAS[0][0], IDEAS[2][0], IDEAS[5][0]], "UADE000001": [IDEAS[0][0], IDEAS[1][0], IDEAS[2][0]],
        "ULEE000001": [IDEAS[0][0], IDEAS[2][0], IDEAS[4][0]], "UMO0000001": [IDEAS[1][0], IDEAS[0][0], IDEAS[3][0]],
        "USAM000001": [IDEAS[2][0], IDEAS[5][0], IDEAS[1][0]], "UJO0000001": [IDEAS[2][0], IDEAS[1][0], IDEAS[5][0]],
    }  # fmt: skip
    for voter, titles in ballots.items():
        for title in titles:
            send.block_action(
                voter,
                "vote",
                ideas_by_title[title],
                channel="CBINS00001",
                message_ts=cards[title]["ts"],
            )
    say("Jo tries to vote for an idea Jo is on the team of, and is told why not.")
    send.block_action("UJO0000001", "vote", ideas_by_title[IDEAS[0][0]], channel="CBINS00001")
    _settle(slack)

    say("Voting closes: /challenge advance 1. The top five go to the Dragons in #dragons-panel.")
    send.command(CORA, "/challenge", "advance 1")
    _settle(slack)
    parents = [
        p
        for p in _posts(slack, "CPANEL0001")
        if any(b.get("type") == "actions" for b in p.get("blocks") or [])
    ]

    say("Dragon Ayo scores with the Score button; Bea and Cal reply in each idea's thread.")
    for n, parent in enumerate(parents):
        idea_id = _button(parent, "score_idea")["value"]
        opened = len(slack.calls_to("views.open"))
        send.block_action("UDRAGON001", "score_idea", idea_id, channel="CPANEL0001")
        form = _view(slack, opened)
        values = {
            b["block_id"]: str(5 - (n + k) % 3)
            for k, b in enumerate(form["blocks"])
            if b.get("block_id", "").startswith("score")
        }
        values["comment"] = (
            "Clear problem, credible plan." if n % 2 == 0 else "Good, but costs look light."
        )
        send.view_submission("UDRAGON001", form, values)
        thread = parent["ts"]
        for d, dragon in enumerate(["UDRAGON002", "UDRAGON003"]):
            scores = " ".join(str(2 + (n + d + k) % 4) for k in range(5))
            send.event({"type": "message", "channel": "CPANEL0001", "channel_type": "channel", "user": dragon,
                        "text": f"score {scores} worth a pilot", "ts": f"{time.time():.6f}", "thread_ts": thread})  # fmt: skip
    _settle(slack)

    say(
        "The panel closes: /challenge advance 1. Cora records decisions, pre-filled with the exact recommendation."
    )
    send.command(CORA, "/challenge", "advance 1")
    _settle(slack)
    updates = len(slack.calls_to("views.update"))
    send.command(CORA, "/challenge", "decide 1")
    form = _wait(slack, "views.update", updates + 1)[-1].args["view"]
    send.view_submission(CORA, form, {})
    _settle(slack)

    _after_the_award(send, slack, say, travel)

    say("Cora exports the workbook for the fund panel: /challenge export 1.")
    send.command(CORA, "/challenge", "export 1")
    _wait(slack, "files.completeUploadExternal", 1)
    (upload,) = slack.uploaded()
    output.write_bytes(upload["content"])
    say(f"Done. The workbook is at {output.resolve()}")


# --- after the award: sharing the learning (issue 12) ------------------------------------

UPDATES = {  # what each funded team shares, by the idea's title
    "Route app for agency drivers": ("stopped", "Tried a tablet app in four cabs for three weeks.",
                                     "Drivers kept losing signal on the rural rounds.",
                                     "Offline maps matter more than turn-by-turn; we stopped early.",
                                     "Check mobile coverage on every round before you buy anything.", "£1,180.40"),
    "Photo proof from the cab": ("on_track", "Added a photo button to the crews' existing app.",
                                 "Disputes about missed bins now take minutes.",
                                 "Crews use it when it is one tap; two taps and they don't.",
                                 "Build on the app crews already have.", "£2,100"),
    "Text residents the night before": ("changed_course", "Sent opt-in texts to 900 households.",
                                        "Few signed up by text; many did by the bin-day web page.",
                                        "Ask people where they already are: sign-up moved to the web page.",
                                        "Put the sign-up where residents check bin days.", "£640"),
}  # fmt: skip


def _after_the_award(send: SlackSender, slack: FakeSlack, say,
                     travel: Callable[[datetime], None]) -> None:  # fmt: skip
    """The round closes; on its learning date each funded team is reminded, one shares its update
    through the reminder's form (two more with /idea update), one stays silent; a week later
    the silent team is reminded again and Cora's learning overview shows it overdue."""
    from challenges.clock import local_to_utc

    say("Cora closes the round: /challenge advance 1. Funded teams will share what they learn.")
    send.command(CORA, "/challenge", "advance 1")
    _settle(slack)

    first = local_to_utc(LEARNING_DATE, clock_time(10, 0), "Europe/London")
    say(
        f"A month later, on the learning date ({LEARNING_DATE:%-d %B}), Lair reminds each funded team."
    )
    travel(first + timedelta(minutes=1))
    _settle(slack)
    reminders = {}  # idea title → (member, their reminder)
    for user in STAFF:
        for message in slack.posted(user):
            if "learning update" in (message.get("text") or ""):
                title = next((t for t in UPDATES if t in message["text"]), None)
                reminders.setdefault(title, (user, message))
    sharing = [t for t in UPDATES if t in reminders]
    if not sharing:
        raise LookupError("no learning reminder reached a funded team")

    title = sharing[0]
    user, reminder = reminders[title]
    say(
        f"{PEOPLE[user]} presses Share an update and fills in the form: stopping early is a result too."
    )
    opened = len(slack.calls_to("views.open"))
    send.block_action(user, "share_learning_update", _button(reminder, "share_learning_update")["value"],
                      channel=None)  # fmt: skip
    _share(send, slack, user, _view(slack, opened), UPDATES[title])

    if len(sharing) > 1:
        say("Two more teams share theirs with /idea update.")
    for title in sharing[1:]:
        user, _reminder = reminders[title]
        opened = len(slack.calls_to("views.open"))
        send.command(user, "/idea", "update")
        _share(send, slack, user, _view(slack, opened), UPDATES[title])

    say(
        "A week later, the team that has not shared gets one more reminder; Cora checks: /challenge learning."
    )
    travel(first + timedelta(days=7, hours=1))
    _settle(slack)
    said = len(slack.calls_to("response_url"))
    send.command(CORA, "/challenge", "learning")
    overview = _wait(slack, "response_url", said + 1)[-1].args
    _settle(slack)
    nudge = _button(overview, "nudge_learning")
    say("Cora presses Nudge beside the overdue team.")
    send.block_action(CORA, "nudge_learning", nudge["value"], channel="CBINS00001")
    _settle(slack)


def _share(send: SlackSender, slack: FakeSlack, user: str, form: dict, update: tuple) -> None:
    status, did, happened, learned, advice, spent = update
    send.view_submission(user, form, {"status": status, "did": did, "happened": happened,
                                      "learned": learned, "advice": advice, "spent": spent,
                                      "link": "https://intranet.example.gov.uk/dragons-lair/learning"})  # fmt: skip
    _settle(slack)
