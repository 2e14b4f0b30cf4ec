"""Issue 12 end to end, through signed requests and the fake Slack: a second round's idea
like a funded first-round idea is shown it before it goes in (never refused); Submit
anyway records it; Back to edit brings the form back; an unrelated idea goes straight
in; `/idea search` and App Home's search box find ideas of every round; `/challenge
report` sends the portfolio across rounds privately."""

import io

from openpyxl import load_workbook
from sqlmodel import select

from challenges import decisions, ideas, panel, setup
from challenges.clock import utc_to_local
from challenges.decisions import DecisionInput
from challenges.transitions import advance
from storage.models import AuditEvent, Decision, Idea, SimilarIdea, Vote
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.test_similar import BIN_SENSORS, LIBRARY, SMART_BINS
from tests.conftest import COORDINATOR
from tests.e2e.test_submission_flow import submit
from tests.waiting import wait_until

SMART_BINS = {**SMART_BINS, "funding_requested": "£2,000"}
LIBRARY = {**LIBRARY, "funding_requested": "£500"}


def funded_first_round(lair) -> Idea:
    """Round one, run to its decisions through the domain: "Bin sensors" funded £4,000."""
    ctx = lair.ctx
    first = setup.create_challenge(ctx, COORDINATOR, challenge_draft(title="Round one"))
    advance(ctx, challenge_id=first.id, actor=COORDINATOR)
    idea = ideas.submit_idea(ctx, "UAUTHOR1", first.id, idea_draft(**BIN_SENSORS)).idea
    advance(ctx, challenge_id=first.id, actor=COORDINATOR)
    with ctx.db.transaction() as s:
        s.add(Vote(challenge_id=first.id, idea_id=idea.id, voter_id="UVOTER1"))
    panel.set_panel(ctx, COORDINATOR, first.id, ["UDRAGON1"])
    advance(ctx, challenge_id=first.id, actor=COORDINATOR)  # panel: the shortlist is drawn
    advance(ctx, challenge_id=first.id, actor=COORDINATOR)  # decided
    decisions.record_decisions(
        ctx, COORDINATOR, first.id, [DecisionInput(idea.id, "fund", 4000)], announce=False
    )
    return idea


def decided_year(lair, idea: Idea) -> int:
    with lair.ctx.db.read() as s:
        return utc_to_local(s.get(Decision, idea.id).decided_at, "Europe/London").year


def second_round(lair) -> int:
    second = setup.create_challenge(lair.ctx, COORDINATOR, challenge_draft(title="Round two"))
    advance(lair.ctx, challenge_id=second.id, actor=COORDINATOR)
    return second.id


def ideas_in(lair, challenge_id: int) -> list[Idea]:
    with lair.ctx.db.transaction() as s:
        return list(s.exec(select(Idea).where(Idea.challenge_id == challenge_id)))


def test_similar_idea_is_shown_then_submitted_anyway(lair):
    past = funded_first_round(lair)
    challenge_id = second_round(lair)

    reply = submit(lair, "USTAFF1", SMART_BINS)
    assert reply.status == 200
    body = reply.json()
    assert body["response_action"] == "update", body
    page = body["view"]
    assert page["callback_id"] == "idea_similar" and page["submit"]["text"] == "Submit anyway"
    shown = page["blocks"][1]["text"]["text"]
    assert (
        f"*Bin sensors* (#{past.id}) — funded £4,000 in {decided_year(lair, past)} · _Round one_"
        in shown
    )
    assert "UAUTHOR1" not in shown
    assert ideas_in(lair, challenge_id) == []  # held, not refused and not yet in

    # Back to edit: the form comes back as it was typed.
    before = len(lair.slack.calls_to("views.update"))
    assert lair.send.block_action("USTAFF1", "similar_back_to_edit", page["blocks"][2]["elements"][0]["value"],
                                  view={**page, "id": "VSIMILAR"}).status == 200  # fmt: skip
    form = lair.slack.wait_for("views.update", before + 1)[-1].args
    assert form["view_id"] == "VSIMILAR" and form["view"]["callback_id"] == "idea_submit"
    initial = {
        b["block_id"]: b["element"].get("initial_value")
        for b in form["view"]["blocks"]
        if b["type"] == "input"
    }
    assert initial["title"] == SMART_BINS["title"] and initial["proposal"] == SMART_BINS["proposal"]

    # Submitted again, shown again; this time Submit anyway.
    page = lair.send.view_submission("USTAFF1", form["view"], SMART_BINS).json()["view"]
    assert lair.send.view_submission("USTAFF1", page, {}).body == ""
    (idea,) = ideas_in(lair, challenge_id)
    assert idea.title == SMART_BINS["title"] and idea.author_id == "USTAFF1"
    wait_until(lambda: any(f"(#{idea.id}) is in" in c.args.get("text", "")
                           for c in lair.slack.calls_to("chat.postMessage")))  # fmt: skip
    with lair.ctx.db.read() as s:
        assert [
            r.similar_id for r in s.exec(select(SimilarIdea).where(SimilarIdea.idea_id == idea.id))
        ] == [past.id]
        actions = [
            e.action
            for e in s.exec(select(AuditEvent).where(AuditEvent.challenge_id == challenge_id))
        ]
    assert actions.count("idea.similar_shown") == 2 and "idea.similar_back_to_edit" in actions
    assert actions[-2:] == ["idea.submitted", "idea.submitted_anyway"]

    # The coordinator sees it in /challenge status.
    lair.send.command(COORDINATOR, "/challenge", f"status {challenge_id}")
    status = str(lair.slack.wait_for("response_url")[-1].args)
    assert f"#{idea.id} is similar to #{past.id}" in status


def test_unrelated_idea_goes_straight_in(lair):
    funded_first_round(lair)
    challenge_id = second_round(lair)
    reply = submit(lair, "USTAFF2", LIBRARY)
    assert reply.status == 200 and not reply.body, reply.body
    assert [i.title for i in ideas_in(lair, challenge_id)] == [LIBRARY["title"]]


def test_idea_search_finds_ideas_of_every_round(lair):
    past = funded_first_round(lair)
    second_round(lair)
    assert not submit(lair, "USTAFF2", LIBRARY).body
    wait_until(lambda: len(lair.slack.calls_to("chat.postMessage")) >= 2)

    lair.send.command("USTAFF3", "/idea", 'search "sensor*" NEAR(bins) -communal:')
    answer = lair.slack.wait_for("response_url")[-1].args
    assert answer["response_type"] == "ephemeral"
    text = str(answer["blocks"])
    assert (
        f"(#{past.id}) — funded £4,000 in {decided_year(lair, past)}" in text
        and "Bin sensors" in text
    )
    assert "Fine-free" not in text and "UAUTHOR1" not in text

    lair.send.command("USTAFF3", "/idea", "search ?!")
    assert "Type some words" in str(lair.slack.wait_for("response_url", 2)[-1].args)

    before = len(lair.slack.calls_to("views.open"))
    lair.send.block_action(
        "USTAFF3", "search", "children's books", view={"type": "home", "id": "VHOME"}
    )
    results = lair.slack.wait_for("views.open", before + 1)[-1].args["view"]
    assert results["callback_id"] == "search_results"
    assert "Fine-free children" in str(results["blocks"]) and "Bin sensors" not in str(
        results["blocks"]
    )


def test_challenge_report_sends_the_portfolio_privately(lair):
    past = funded_first_round(lair)
    second_round(lair)
    lair.send.command("USTAFF1", "/challenge", "report")
    assert "coordinator" in lair.slack.wait_for("response_url")[-1].args["text"]
    assert lair.slack.uploaded() == []

    lair.send.command(COORDINATOR, "/challenge", "report")
    complete = lair.slack.wait_for("files.completeUploadExternal")[-1].args
    assert complete["channel_id"].startswith("D") and "portfolio" in complete["initial_comment"]
    (uploaded,) = lair.slack.uploaded()
    wb = load_workbook(io.BytesIO(uploaded["content"]))
    rounds = {r[1]: r for r in wb["Rounds"].iter_rows(min_row=2, values_only=True)}
    assert set(rounds) == {"Round one", "Round two"} and rounds["Round one"][10] == 4000
    assert [r[0] for r in wb["Funded ideas"].iter_rows(min_row=2, values_only=True)] == [past.id]
    assert len(wb["Rounds"]._charts) == 2 and len(wb["Themes"]._charts) == 1
