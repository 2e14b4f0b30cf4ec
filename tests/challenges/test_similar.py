"""Similar ideas at submission: shown, never a refusal; the choice is kept."""

import pytest
from sqlmodel import select

from challenges import ideas, similar
from challenges.errors import NotFound, WrongStage
from challenges.ideas import IdeaView
from challenges.similar import HeldBack
from challenges.transitions import advance
from storage.enums import Outcome, SimilarChoice
from storage.models import AuditEvent, Decision, Idea, SimilarCheck, SimilarIdea
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR

BIN_SENSORS = dict(
    title="Bin sensors",
    problem="Crews cannot see which communal bins are full, so they empty half-empty ones.",
    proposal="Fit fill-level sensors to communal bins and send crews only to the full ones.",
)
SMART_BINS = dict(
    title="Smart sensors in wheelie bins",
    problem="We waste fuel driving to bins that are nearly empty while others overflow.",
    proposal="Put sensors in the bins that report how full they are so rounds visit full bins first.",
)
LIBRARY = dict(
    title="Fine-free children's books",
    problem="Late fees put families off the library.",
    proposal="Stop charging late fees on children's books.",
)


@pytest.fixture
def past(ctx):
    first = open_challenge(ctx, title="Round one")
    idea = ideas.submit_idea(ctx, "UAUTHOR001", first.id, idea_draft(**BIN_SENSORS)).idea
    with ctx.db.transaction() as s:
        s.add(
            Decision(
                idea_id=idea.id, outcome=Outcome.FUND.value, award=4000, decided_by=COORDINATOR
            )
        )
    return idea


def test_similar_draft_is_held_with_the_funded_idea_named(ctx, past):
    second = open_challenge(ctx, title="Round two")
    held = similar.submit_or_hold(ctx, "UAUTHOR002", second.id, idea_draft(**SMART_BINS))
    assert isinstance(held, HeldBack)
    (first,) = held.similar
    assert (first.found.idea_id, first.found.outcome, first.found.award) == (
        past.id,
        Outcome.FUND,
        4000,
    )
    assert first.found.challenge_title == "Round one" and first.score >= similar.THRESHOLD
    with ctx.db.transaction() as s:
        assert s.exec(select(Idea).where(Idea.challenge_id == second.id)).all() == []
        assert s.get(SimilarCheck, held.check_id).choice == SimilarChoice.PENDING

    view = similar.submit_anyway(ctx, "UAUTHOR002", held.check_id)
    assert view.idea.title == SMART_BINS["title"]
    again = similar.submit_anyway(ctx, "UAUTHOR002", held.check_id)  # a redelivered submission
    assert again.idea.id == view.idea.id
    with ctx.db.transaction() as s:
        assert s.exec(select(Idea).where(Idea.challenge_id == second.id)).one().id == view.idea.id
        assert [(r.similar_id) for r in s.exec(select(SimilarIdea))] == [past.id]
        actions = [e.action for e in s.exec(select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-3:] == ["idea.similar_shown", "idea.submitted", "idea.submitted_anyway"]
    assert similar.similar_in_challenge(ctx, second.id) == {view.idea.id: [past.id]}


def test_unrelated_draft_goes_straight_in(ctx, past):
    second = open_challenge(ctx, title="Round two")
    result = similar.submit_or_hold(ctx, "UAUTHOR002", second.id, idea_draft(**LIBRARY))
    assert isinstance(result, IdeaView) and result.idea.title == LIBRARY["title"]


def test_back_to_edit_returns_the_draft_and_records_it(ctx, past):
    second = open_challenge(ctx, title="Round two")
    held = similar.submit_or_hold(
        ctx, "UAUTHOR002", second.id, idea_draft(**SMART_BINS, team=["UTEAM1"])
    )
    back = similar.back_to_edit(ctx, "UAUTHOR002", held.check_id)
    assert back.draft.title == SMART_BINS["title"] and back.draft.team == ["UTEAM1"]
    with ctx.db.transaction() as s:
        assert s.get(SimilarCheck, held.check_id).choice == SimilarChoice.EDITED


def test_someone_elses_or_a_missing_check_is_refused(ctx, past):
    second = open_challenge(ctx, title="Round two")
    held = similar.submit_or_hold(ctx, "UAUTHOR002", second.id, idea_draft(**SMART_BINS))
    for user, check in (("UAUTHOR003", held.check_id), ("UAUTHOR002", 999)):
        with pytest.raises(NotFound):
            similar.submit_anyway(ctx, user, check)
        with pytest.raises(NotFound):
            similar.back_to_edit(ctx, user, check)


def test_the_challenge_is_checked_before_similarity(ctx, past):
    advance(ctx, challenge_id=past.challenge_id, actor=COORDINATOR)  # round one now voting
    with pytest.raises(WrongStage):
        similar.submit_or_hold(ctx, "UAUTHOR002", past.challenge_id, idea_draft(**SMART_BINS))


def test_withdrawn_ideas_and_the_idea_itself_are_not_similar(ctx):
    challenge = open_challenge(ctx)
    idea = ideas.submit_idea(ctx, "UAUTHOR001", challenge.id, idea_draft(**BIN_SENSORS)).idea
    with ctx.db.read() as s:
        assert similar.similar_ideas(s, *BIN_SENSORS.values(), exclude_idea=idea.id) == []
        assert similar.similar_ideas(s, *BIN_SENSORS.values())[0] == (idea.id, 100)
    ideas.withdraw_idea(ctx, "UAUTHOR001", idea.id)
    with ctx.db.read() as s:
        assert similar.similar_ideas(s, *BIN_SENSORS.values()) == []


def test_similarity_scores():
    assert similar.similarity(["sensor", "bins"], ["sensors", "bin"]) == 100
    assert similar.similarity(["library", "fees"], ["sensors", "bins"]) == 0
    assert similar.similarity([], ["x"]) == 0


def test_the_workbook_names_the_similar_ideas(ctx, past):
    from io import BytesIO

    from openpyxl import load_workbook

    from challenges.workbook import export_workbook

    second = open_challenge(ctx, title="Round two")
    held = similar.submit_or_hold(ctx, "UAUTHOR002", second.id, idea_draft(**SMART_BINS))
    idea = similar.submit_anyway(ctx, "UAUTHOR002", held.check_id).idea
    plain = ideas.submit_idea(ctx, "UAUTHOR003", second.id, idea_draft(**LIBRARY)).idea
    sheet = load_workbook(
        BytesIO(export_workbook(ctx, COORDINATOR, second.id, words=plain).content)
    )["All ideas"]
    header = [c.value for c in sheet[1]]
    column = header.index("Similar to")
    found = {row[0].value: row[column].value for row in sheet.iter_rows(min_row=2)}
    assert found == {idea.id: f"#{past.id}", plain.id: None}
