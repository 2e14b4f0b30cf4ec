"""Issue 11 end to end: a whole round in Teams, every step a signed activity to the running
bot. A coordinator creates a challenge; ten people submit; voting with the budget, take-back,
the own-idea refusal and 30 simultaneous clicks counted exactly; the panel scores three ideas
by dialog and by thread reply; decisions announced once; the workbook delivered by file
consent and opened with openpyxl; a restart on the same database announces nothing twice."""

import io
from concurrent.futures import ThreadPoolExecutor

from openpyxl import load_workbook
from sqlmodel import func, select

from challenges import ideas, outbox, setup
from challenges.stages import Stage
from storage.models import Vote
from tests.teams.e2e.conftest import COORDINATOR, start_teams_lair
from tests.teams.e2e.driving import Driver, button, card_of, has_button, inputs, text_of
from tests.teams.e2e.world import CRITERIA, World


def votes(ctx, idea_id: int) -> int:
    with ctx.transaction() as session:
        return session.exec(
            select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id)
        ).one()


def everything_posted(fake) -> list[str]:
    """Every message Lair has posted, by where and what (for comparing before and after)."""
    return sorted(f"{m.conversation}|{m.thread}|{m.id}" for m in fake.messages())


def test_a_whole_round_in_teams(database_url, connector, clock):
    cora = connector.person(COORDINATOR)
    lair, stop = start_teams_lair(
        database_url, connector, coordinators=cora.aad_object_id, clock=clock
    )
    try:
        drive = Driver(connector, lair.send)
        drive.install(cora)
        team = drive.team("Innovation", ["Ideas", "Dragons"], [cora], by=cora)
        world = World(lair, drive, cora, team, team.channel("Ideas"), team.channel("Dragons"))
        dragons = [world.person(n) for n in ("Dana Dragon", "Eli Dragon", "Fay Dragon")]

        # 1. Cora creates the challenge from the Ideas channel, with its panel
        [offer] = drive.say(cora, "challenge new", channel=world.ideas)
        form = drive.open(cora, button(card_of(offer), "Create a challenge"))
        assert drive.submit(cora, form.card, {
            "title": "Fewer missed bins", "brief": "Missed bins are the top complaint.",
            "fund_pot": "£10,000", "max_award": "£4,000", "vote_budget": "3", "shortlist_size": "3",
            "panel_channel_id": world.dragons.id, "panel": ",".join(d.aad_object_id for d in dragons),
        }).closed  # fmt: skip
        [challenge] = setup.list_challenges(world.ctx)
        drive.say(cora, f"challenge advance {challenge.id}")
        announcement = connector.wait_until(
            lambda: [m for m in connector.top_level(world.ideas.id) if has_button(card_of(m), "Submit an idea")])[0]  # fmt: skip

        # 2. Ten people submit through the announcement's button
        authors = [world.person(f"Author {n}") for n in range(10)]
        for n, author in enumerate(authors):
            form = drive.open(author, button(card_of(announcement), "Submit an idea"), channel=world.ideas,
                              message_id=announcement.id)  # fmt: skip
            assert drive.submit(author, form.card, {
                "title": f"Idea {n}", "problem": f"Problem {n}", "proposal": f"Proposal {n}",
                "funding_requested": f"£{(n + 1) * 300:,}",
            }, channel=world.ideas).closed  # fmt: skip
        made = sorted(
            (m.idea for a in authors for m in ideas.ideas_of(world.ctx, a.aad_object_id)),
            key=lambda i: i.id,
        )
        assert [i.title for i in made] == [f"Idea {n}" for n in range(10)]

        # 3. Voting: the budget, a take-back, the own-idea refusal, 30 simultaneous clicks
        drive.say(cora, "challenge advance")
        pat = world.person("Pat Voter", install=False)
        cards = {i.id: world.vote_button(i.id) for i in made}

        def click(person, idea):
            posted, vote = cards[idea.id]
            return drive.click(person, vote, message_id=posted.id, channel=world.ideas).json()[
                "value"
            ]

        assert click(pat, made[1]) == "You backed “Idea 1”. 2 of 3 votes left."
        click(pat, made[2])
        click(pat, made[3])
        assert click(pat, made[4]).startswith("⚠️ ")  # the budget is spent
        clock.advance(seconds=3)
        assert click(pat, made[3]) == "You took your vote back from “Idea 3”. 1 of 3 votes left."
        assert click(pat, made[2]).startswith("You took your vote back")
        clock.advance(seconds=3)
        assert click(pat, made[2]).startswith("You backed")
        assert click(authors[0], made[0]).startswith(
            "⚠️ You can't vote for “Idea 0”: it is your own idea."
        )
        voters = [connector.person(f"Voter {n}") for n in range(30)]
        posted, vote = cards[made[0].id]
        burst = [lair.send.card_action(v, vote["verb"], vote["data"], message_id=posted.id, channel=world.ideas)
                 for v in voters]  # fmt: skip
        with ThreadPoolExecutor(30) as pool:
            assert {r.status for r in pool.map(lair.send.post, burst)} == {200}
        for voter in voters[:3]:  # Ideas 1 and 2 come next
            click(voter, made[1])
        click(voters[3], made[2])
        assert [votes(world.ctx, i.id) for i in made[:5]] == [30, 4, 2, 0, 0]

        # 4. The panel: the top three in the Dragons channel, each its thread's root
        drive.say(cora, "challenge advance")
        top = made[:3]
        parents = {i.id: world.panel_parent(i.id) for i in top}
        assert all(
            p.conversation == world.dragons.id and p.thread is None for p in parents.values()
        )
        dana, eli, fay = dragons
        for idea in top:  # Dana scores by the dialog, Eli and Fay by replying in the thread
            parent = parents[idea.id]
            form = drive.open(
                dana, button(card_of(parent), "Score"), channel=world.dragons, message_id=parent.id
            )
            values = {f"score.{k}": "4" for k in CRITERIA}
            assert drive.submit(dana, form.card, {**values, "comment": "Solid", "share_comment": "true"},
                                channel=world.dragons).closed  # fmt: skip
            [ok] = drive.say(
                eli, "score 5 4 4 3 2 strong case", channel=world.dragons, thread=parent.id
            )
            assert "✅ Scored" in text_of(card_of(ok))
            [ok] = drive.say(fay, "impact=3 feasibility=3 value=3 innovation=3 learning=3", channel=world.dragons,
                             thread=parent.id, mention=False)  # fmt: skip
            assert "✅ Scored" in text_of(card_of(ok))
        for idea in top:
            connector.wait_until(
                lambda i=idea: world.scored(i.id) == "3 of 3", what="3 of 3 scored"
            )

        # 5. Decisions, announced once
        drive.say(cora, "challenge advance")
        [offer] = drive.say(cora, "challenge decide")
        form = drive.open(cora, button(card_of(offer), "Record decisions"))
        assert {f"outcome.{i.id}" for i in top} <= set(inputs(form.card))
        chosen = {f"outcome.{top[0].id}": "fund", f"award.{top[0].id}": "£500",
                  f"outcome.{top[1].id}": "fund", f"award.{top[1].id}": "£1,000",
                  f"outcome.{top[2].id}": "dont_fund", "announce": "true"}  # fmt: skip
        assert drive.submit(cora, form.card, chosen).closed
        world.settle()
        results = [
            m
            for m in connector.top_level(world.ideas.id)
            if "The results of" in text_of(card_of(m))
        ]
        assert len(results) == 1 and "Idea 0" in text_of(card_of(results[0]))

        # 6. The workbook, privately, by file consent
        drive.say(cora, "challenge export", channel=world.ideas)
        [consent] = [
            m
            for m in drive.chat(cora)
            if m.attachments and m.attachments[0]["contentType"].endswith("consent")
        ]
        attachment = consent.attachments[0]
        lair.send.post(lair.send.file_consent(cora, "accept", attachment["content"]["acceptContext"],
                                              file_name=attachment["name"], message_id=consent.id))  # fmt: skip
        [upload] = connector.uploaded()
        workbook = load_workbook(io.BytesIO(bytes(upload.content)))
        assert workbook["Summary"]["B2"].value == challenge.id
        assert [r[1] for r in workbook["Shortlist"].iter_rows(min_row=2, max_row=4, values_only=True)] == [
            i.id for i in top]  # fmt: skip

        # 7. A restart on the same database announces nothing twice
        world.settle()
        before = everything_posted(connector)
        stop()
        lair, stop = start_teams_lair(
            database_url, connector, coordinators=cora.aad_object_id, clock=clock
        )
        world.lair, drive.send = lair, lair.send
        drive.say(cora, "home")  # the new process answers…
        world.settle()  # …and its outbox has nothing left to send
        after = everything_posted(connector)
        assert set(before) <= set(after)
        new = set(after) - set(before)
        assert {m.split("|")[0] for m in new} == {
            connector.personal_chat(cora)
        }  # only the answer to "home"
        assert outbox.pending_count(world.ctx) == 0
        assert setup.load(world.ctx, challenge.id).stage == Stage.DECIDED
    finally:
        stop()
