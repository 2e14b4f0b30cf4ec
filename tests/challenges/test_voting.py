"""Voting rules, on SQLite and PostgreSQL: budget, own ideas, stages, withdrawal, races."""

import io
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from openpyxl import load_workbook
from sqlalchemy import func
from sqlmodel import select

from bot.words import plain
from challenges import ideas, notices, outbox, places, setup, tallies, voting
from challenges.codes import Code
from challenges.errors import (
    LairError,
    NotACoordinator,
    OwnIdea,
    VoteBudgetSpent,
    VotingClosed,
    WrongStage,
)
from challenges.stages import Stage
from challenges.transitions import advance
from challenges.workbook.export import export_workbook
from storage.enums import Platform
from storage.models import AuditEvent, Ballot, ProcessedRequest, Vote
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR


def voting_round(ctx, *, ideas_count=4, advance_to_voting=True, **settings):
    """A challenge with `ideas_count` ideas, idea n by UAUTHOR{n} with UTEAM{n} on its team."""
    challenge = open_challenge(ctx, **settings)
    made = [
        ideas.submit_idea(ctx, f"UAUTHOR{n}", challenge.id, idea_draft(title=f"Idea {n}", team=[f"UTEAM{n}"])).idea
        for n in range(ideas_count)
    ]  # fmt: skip
    if advance_to_voting:
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.SUBMISSIONS)
    return setup.load(ctx, challenge.id), made


def later(clock):
    """Move past the double-click window, so the next click is a deliberate one."""
    clock.advance(seconds=3)


def vote_rows(ctx, **where) -> int:
    with ctx.db.transaction() as s:
        query = select(func.count()).select_from(Vote)
        for name, value in where.items():
            query = query.where(getattr(Vote, name) == value)
        return s.exec(query).one()


def assert_ballots_match_votes(ctx) -> None:
    """Every ballot's counter equals the votes it holds: nothing lost, nothing counted twice."""
    with ctx.db.transaction() as s:
        for ballot in s.exec(select(Ballot)).all():
            held = s.exec(
                select(func.count())
                .select_from(Vote)
                .where(Vote.challenge_id == ballot.challenge_id, Vote.voter_id == ballot.voter_id)
            ).one()
            assert ballot.votes_used == held, ballot


def test_a_vote_is_recorded_and_says_what_is_left(ctx):
    _, made = voting_round(ctx)
    outcome = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    assert (outcome.backed, outcome.changed, outcome.votes_left, outcome.budget) == (
        True,
        True,
        2,
        3,
    )
    assert outcome.idea_title == "Idea 0" and outcome.tally_live is False
    assert vote_rows(ctx, idea_id=made[0].id, voter_id="UVOTER") == 1
    assert voting.votes_left(ctx, "UVOTER", made[0].challenge_id) == 2


def test_fourth_vote_with_budget_of_three_is_refused(ctx, clock):
    _, made = voting_round(ctx)
    for idea in made[:3]:
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=idea.id)
    with pytest.raises(VoteBudgetSpent) as refused:
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[3].id)
    assert refused.value.code is Code.VOTE_BUDGET_SPENT
    assert refused.value.params["budget"] == 3 and refused.value.params["title"] == "Idea 3"
    assert vote_rows(ctx, voter_id="UVOTER") == 3
    assert_ballots_match_votes(ctx)


def test_budget_is_the_challenges_setting(ctx):
    _, made = voting_round(ctx, vote_budget="1")
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    with pytest.raises(VoteBudgetSpent):
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[1].id)


def test_own_idea_and_own_teams_idea_are_refused(ctx):
    _, made = voting_round(ctx)
    with pytest.raises(OwnIdea) as own:
        voting.toggle_vote(ctx, voter="UAUTHOR0", idea_id=made[0].id)
    assert own.value.code is Code.VOTE_OWN_IDEA and own.value.params == {"title": "Idea 0"}
    with pytest.raises(OwnIdea) as team:
        voting.toggle_vote(ctx, voter="UTEAM0", idea_id=made[0].id)
    assert team.value.code is Code.VOTE_TEAM_IDEA
    assert vote_rows(ctx) == 0
    voting.toggle_vote(ctx, voter="UTEAM0", idea_id=made[1].id)  # someone else's is fine
    assert vote_rows(ctx) == 1


def test_toggling_off_gives_the_vote_back(ctx, clock):
    _, made = voting_round(ctx)
    for idea in made[:3]:
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=idea.id)
    later(clock)
    off = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    assert (off.backed, off.changed, off.votes_left) == (False, True, 1)
    assert vote_rows(ctx, idea_id=made[0].id) == 0
    on = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[3].id)  # the freed vote
    assert (on.backed, on.votes_left) == (True, 0)
    assert_ballots_match_votes(ctx)


def test_a_double_click_has_no_second_effect(ctx, clock):
    _, made = voting_round(ctx)
    first = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    clock.advance(seconds=1)
    second = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    assert first.changed and not second.changed
    assert second.backed and second.votes_left == 2
    assert vote_rows(ctx) == 1
    # …also when the double click takes a vote back and would have re-cast it.
    later(clock)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    clock.advance(seconds=1)
    repeat = voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    assert not repeat.changed and not repeat.backed and vote_rows(ctx) == 0
    # Clicks on different ideas in quick succession are separate votes.
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[1].id)
    assert voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[2].id).changed
    assert vote_rows(ctx) == 2


def test_nothing_remembers_which_idea_a_person_clicked_once_the_vote_is_gone(ctx, clock):
    """Issue 14, item 4: the double-click marker named the idea and the voter
    (`vote-click:<idea>:<voter>`) and was kept two days after the vote was taken back."""
    _, made = voting_round(ctx)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    later(clock)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)  # taken back
    clock.advance(seconds=1)  # still inside the double-click window
    assert vote_rows(ctx) == 0
    with ctx.db.transaction() as s:
        keys = s.exec(select(ProcessedRequest.key)).all()
    assert not [k for k in keys if str(made[0].id) in k.split(":") or "UVOTER" in k], keys
    # …and the marker still stops the double click from re-casting the vote.
    assert not voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id).changed


def test_clicks_outside_the_voting_stage_are_refused(ctx, clock):
    challenge, made = voting_round(ctx, advance_to_voting=False)
    with pytest.raises(VotingClosed) as early:
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    assert early.value.code is Code.VOTING_NOT_OPEN
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # voting
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # panel
    later(clock)
    with pytest.raises(VotingClosed) as late:
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)  # cannot take it back
    assert late.value.code is Code.VOTING_CLOSED
    with pytest.raises(VotingClosed):
        voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[1].id)
    assert vote_rows(ctx) == 1


def test_early_voting_when_the_challenge_allows_it(ctx):
    _, made = voting_round(ctx, advance_to_voting=False, vote_during_submissions=True)
    assert voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id).backed


def test_withdrawing_an_idea_returns_its_votes(ctx, clock):
    _, made = voting_round(ctx)
    for voter in ("UV1", "UV2"):
        for idea in made[:3]:
            voting.toggle_vote(ctx, voter=voter, idea_id=idea.id)
    ideas.withdraw_idea(ctx, "UAUTHOR0", made[0].id)
    assert vote_rows(ctx, idea_id=made[0].id) == 0
    assert voting.votes_left(ctx, "UV1", made[0].challenge_id) == 1
    assert_ballots_match_votes(ctx)
    with pytest.raises(WrongStage) as withdrawn:
        voting.toggle_vote(ctx, voter="UV1", idea_id=made[0].id)
    assert withdrawn.value.code is Code.VOTE_FOR_WITHDRAWN
    assert voting.toggle_vote(ctx, voter="UV1", idea_id=made[3].id).votes_left == 0
    with ctx.db.transaction() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "idea.withdrawn")).one()
    assert event.detail["votes_released"] == 2


def test_a_team_change_cannot_reveal_a_colleagues_vote(ctx):
    """Issue 14, item 3: with early voting and live counts, an author who added colleagues to
    the team one at a time and watched the count learnt who had backed the idea (4 of 4),
    and each backer's vote was silently deleted. Now the team is fixed once voting starts."""
    _, made = voting_round(ctx, advance_to_voting=False, vote_during_submissions=True,
                           show_tallies_live=True)  # fmt: skip
    idea = made[0]
    backers = {"UCOL1", "UCOL3"}
    for voter in sorted(backers):
        voting.toggle_vote(ctx, voter=voter, idea_id=idea.id)
    inferred, team = set(), ["UTEAM0"]
    for colleague in ("UCOL0", "UCOL1", "UCOL2", "UCOL3"):
        before = notices.idea_card(ctx, idea.id).votes
        try:
            ideas.edit_idea(
                ctx, "UAUTHOR0", idea.id, idea_draft(title="Idea 0", team=[*team, colleague])
            )
        except LairError as refused:
            assert refused.code == Code.TEAM_LOCKED
            continue
        team.append(colleague)
        if notices.idea_card(ctx, idea.id).votes < before:
            inferred.add(colleague)
    assert inferred != backers  # before the fix: {"UCOL1", "UCOL3"}, 4 of 4 right
    assert vote_rows(ctx, idea_id=idea.id) == 2  # no vote silently taken
    # Other edits still go through.
    edited = ideas.edit_idea(
        ctx, "UAUTHOR0", idea.id, idea_draft(title="Idea 0, better", team=["UTEAM0"])
    )
    assert edited.idea.title == "Idea 0, better"


def test_a_team_is_fixed_once_voting_has_started_and_free_before(ctx):
    _, made = voting_round(ctx, advance_to_voting=False, vote_during_submissions=True)
    voting.toggle_vote(ctx, voter="UFRIEND", idea_id=made[0].id)
    with pytest.raises(LairError) as refused:
        ideas.edit_idea(
            ctx, "UAUTHOR0", made[0].id, idea_draft(title="Idea 0", team=["UTEAM0", "UFRIEND"])
        )
    assert (refused.value.code, refused.value.field) == (Code.TEAM_LOCKED, "team")
    assert vote_rows(ctx) == 1 and voting.votes_left(ctx, "UFRIEND", made[0].challenge_id) == 2
    assert_ballots_match_votes(ctx)
    # Without early voting, the team may change until ideas close.
    _, later_round = voting_round(ctx, advance_to_voting=False)
    joined = ideas.edit_idea(ctx, "UAUTHOR0", later_round[0].id,
                             idea_draft(title="Idea 0", team=["UTEAM0", "UFRIEND"]))  # fmt: skip
    assert sorted(joined.team) == ["UFRIEND", "UTEAM0"]


def test_the_audit_trail_records_who_voted_but_never_for_what(ctx, clock):
    _, made = voting_round(ctx)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[2].id)
    later(clock)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[2].id)
    with ctx.db.transaction() as s:
        events = s.exec(select(AuditEvent).where(AuditEvent.action.startswith("vote."))).all()
    assert [e.action for e in events] == ["vote.cast", "vote.withdrawn"]
    for event in events:
        assert event.actor_id == "UVOTER"
        text = f"{event.subject} {event.detail}"
        assert f"idea:{made[2].id}" not in text and "Idea 2" not in text


def test_tallies_are_live_only_when_the_challenge_says_so(ctx):
    _, made = voting_round(ctx, show_tallies_live=True)
    assert voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id).tally_live


def test_coordinators_see_standings_once_tallies_show_others_never(ctx):
    challenge, made = voting_round(ctx, show_tallies_live=True)
    for voter in ("UV1", "UV2"):
        voting.toggle_vote(ctx, voter=voter, idea_id=made[1].id)
    voting.toggle_vote(ctx, voter="UV1", idea_id=made[2].id)
    shown = tallies.standings(ctx, COORDINATOR, challenge.id)
    assert not shown.hidden and not shown.revealed
    assert [(s.title, s.votes) for s in shown.standings] == [
        ("Idea 1", 2),
        ("Idea 2", 1),
        ("Idea 0", 0),
        ("Idea 3", 0),
    ]
    with pytest.raises(NotACoordinator):
        tallies.standings(ctx, "UV1", challenge.id)
    with pytest.raises(NotACoordinator):
        tallies.standings(ctx, "UV1", challenge.id, reveal=True)


def test_hidden_tallies_are_hidden_from_coordinators_unless_revealed_and_audited(ctx):
    """Issue 13 item 4: while voting is open and the challenge hides tallies, a coordinator
    sees the totals only; asking for the counts shows them and is audited."""
    challenge, made = voting_round(ctx)
    for voter in ("UV1", "UV2"):
        voting.toggle_vote(ctx, voter=voter, idea_id=made[1].id)
    hidden = tallies.standings(ctx, COORDINATOR, challenge.id)
    assert hidden.hidden and not hidden.revealed and hidden.standings == []
    _, numbers = setup.status(ctx, COORDINATOR, challenge.id)
    assert (numbers.voters, numbers.votes) == (2, 2)
    with ctx.db.transaction() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == tallies.REVEALED)).all() == []

    shown = tallies.standings(ctx, COORDINATOR, challenge.id, reveal=True)
    assert shown.hidden and shown.revealed
    assert [(s.title, s.votes) for s in shown.standings][:1] == [("Idea 1", 2)]
    with ctx.db.transaction() as s:
        looked = s.exec(select(AuditEvent).where(AuditEvent.action == tallies.REVEALED)).one()
    assert (looked.actor_id, looked.challenge_id) == (COORDINATOR, challenge.id)
    assert looked.detail == {"stage": "voting"}
    # The workbook's Audit sheet carries the look; its All ideas sheet no counts meanwhile.
    book = load_workbook(
        io.BytesIO(export_workbook(ctx, COORDINATOR, challenge.id, words=plain).content)
    )
    audit_rows = [[c for c in row] for row in book["Audit"].iter_rows(values_only=True)]
    assert any(tallies.REVEALED in row for row in audit_rows)
    header, *rows = book["All ideas"].iter_rows(values_only=True)
    assert [row[header.index("Votes")] for row in rows] == [None] * 4

    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.VOTING)
    after = tallies.standings(ctx, COORDINATOR, challenge.id, reveal=True)
    assert not after.hidden and not after.revealed and after.standings
    with ctx.db.transaction() as s:  # counts on show: nothing to audit
        assert (
            len(s.exec(select(AuditEvent).where(AuditEvent.action == tallies.REVEALED)).all()) == 1
        )


def test_cards_are_refreshed_when_voting_opens_and_closes(ctx):
    challenge, made = voting_round(ctx)
    opened = send_card_redraws(ctx)
    ideas.withdraw_idea(ctx, "UAUTHOR3", made[3].id)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    closed = send_card_redraws(ctx)
    assert opened == [f"idea:{i.id}:card:voting" for i in made]
    assert closed == [f"idea:{i.id}:card:panel" for i in made[:3]]  # the withdrawn one's not


def send_card_redraws(ctx) -> list[str]:
    """Send what is queued, in order as a sender would; the keys of the card redraws sent."""
    redrawn = []
    while heads := outbox.due_heads(ctx, Platform.SLACK):
        claim = outbox.claim(ctx, heads[0].id)
        if claim is not None:
            outbox.mark_sent(
                ctx, claim.message.id, places.Ref("CCHALLENGE", f"{claim.message.id}.1")
            )
            if claim.message.kind == "card_update":
                redrawn.append(claim.message.dedupe_key)
    return redrawn


# --- races: real threads against the real database ---------------------------------


def race(calls):
    """Run the calls at the same moment; return each one's result or LairError."""
    barrier = threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            return call()
        except LairError as exc:
            return exc

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def test_concurrent_clicks_by_one_voter_cannot_overrun_the_budget(ctx):
    _, made = voting_round(ctx, ideas_count=6)
    results = race(
        [lambda i=i: voting.toggle_vote(ctx, voter="UVOTER", idea_id=i.id) for i in made]
    )
    assert sum(isinstance(r, voting.VoteOutcome) for r in results) == 3
    assert sum(isinstance(r, VoteBudgetSpent) for r in results) == 3
    assert vote_rows(ctx, voter_id="UVOTER") == 3
    assert_ballots_match_votes(ctx)


def test_concurrent_clicks_on_one_idea_each_count_once(ctx):
    _, made = voting_round(ctx, ideas_count=1)
    voters = [f"UV{n:03d}" for n in range(30)]
    results = race(
        [lambda v=v: voting.toggle_vote(ctx, voter=v, idea_id=made[0].id) for v in voters]
    )
    assert all(isinstance(r, voting.VoteOutcome) and r.backed for r in results)
    assert vote_rows(ctx, idea_id=made[0].id) == 30


def test_withdrawal_racing_votes_leaves_no_budget_lost(ctx):
    _, made = voting_round(ctx, ideas_count=2)
    voters = [f"UV{n:03d}" for n in range(12)]
    calls = [lambda v=v: voting.toggle_vote(ctx, voter=v, idea_id=made[0].id) for v in voters]
    calls.append(lambda: ideas.withdraw_idea(ctx, "UAUTHOR0", made[0].id))
    race(calls)
    assert vote_rows(ctx, idea_id=made[0].id) == 0
    assert_ballots_match_votes(ctx)
    for v in voters:
        assert voting.votes_left(ctx, v, made[0].challenge_id) == 3


def test_the_hot_paths_rows_read_back_like_every_other_rows(ctx, clock):
    """The vote's hand-written SQL (challenges/vote_path.py) writes what the ORM would: times
    as the same UTC moments, the audit detail as the same JSON, the workspace on the audit."""
    challenge, made = voting_round(ctx)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[1].id, request_key="action:UVOTER:1")
    with ctx.db.transaction() as s:
        vote = s.exec(select(Vote).where(Vote.voter_id == "UVOTER")).one()
        ballot = s.get(Ballot, (challenge.id, "UVOTER"))
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "vote.cast")).one()
        seen = s.get(ProcessedRequest, "action:UVOTER:1")
    assert vote.created_at == ballot.updated_at == event.at == seen.seen_at == ctx.now()
    assert event.detail == {"votes_used": 1} and event.subject == f"challenge:{challenge.id}"
    assert event.workspace_id == challenge.workspace_id


def test_a_database_that_lost_the_vote_function_gets_it_back(ctx):
    """PostgreSQL: the function is made on the first click that misses it (after a restore
    from a dump without it, or a new release's version)."""
    if ctx.db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's stored function")
    from sqlalchemy import text

    from challenges import vote_path

    _, made = voting_round(ctx)
    voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[0].id)
    with ctx.db.transaction() as s:
        s.execute(text(f"DROP FUNCTION {vote_path.FUNCTION}"))
    assert voting.toggle_vote(ctx, voter="UVOTER", idea_id=made[1].id).votes_left == 1
