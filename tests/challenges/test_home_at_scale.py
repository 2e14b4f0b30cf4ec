"""A coordinator's App Home costs the same number of statements with 10 challenges as with
100 (counted, which is deterministic): each list is one statement that reads the rows
shown and counts the rest; every per-challenge figure is a subquery of its row."""

from sqlalchemy import event

from challenges import ideas, voting
from challenges.home import Shown, home_for
from challenges.stages import Stage
from challenges.transitions import advance
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR


def challenges(ctx, n: int, start: int) -> None:
    """n challenges taking ideas; every other one in voting with the coordinator's vote."""
    for k in range(start, start + n):
        challenge = open_challenge(ctx, title=f"Challenge {k}", vote_during_submissions=k % 3 == 0)
        made = ideas.submit_idea(ctx, "UAUTHOR", challenge.id, idea_draft(title=f"Idea {k}"))
        ideas.submit_idea(ctx, COORDINATOR, challenge.id, idea_draft(title=f"Mine {k}"))
        if k % 2:
            advance(ctx, challenge_id=challenge.id, actor=COORDINATOR, expected=Stage.SUBMISSIONS)
            voting.toggle_vote(ctx, voter=COORDINATOR, idea_id=made.idea.id)


EVERY = Shown(challenges=1000, ideas=1000, to_score=1000, coordinator=1000)


def statements(ctx, shown=None) -> tuple[int, object]:
    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        home = (
            home_for(ctx, COORDINATOR) if shown is None else home_for(ctx, COORDINATOR, shown=shown)
        )
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    return len(seen), home


def test_app_home_statements_do_not_grow_with_challenges(ctx):
    challenges(ctx, 10, 0)
    few, home = statements(ctx)
    assert home.total("coordinator") == 10 and home.total("my_ideas") == 10
    assert len(home.coordinator) == 6 and len(home.my_ideas) == 8  # only what the home shows
    challenges(ctx, 90, 10)
    many, home = statements(ctx)
    assert home.total("coordinator") == 100 and home.total("open_challenges") == 100
    assert home.total("my_ideas") == 100 and len(home.open_challenges) == 8
    assert [c.challenge.id for c in home.open_challenges] == sorted(
        (c.challenge.id for c in home.open_challenges), reverse=True
    )
    assert few == many <= 20, (few, many)
    # every row, to check each one's figures (the same statements)
    every, home = statements(ctx, EVERY)
    assert every == many and len(home.coordinator) == 100 and len(home.open_challenges) == 100
    # the figures are still each challenge's own
    voting_ones = [c for c in home.open_challenges if c.votes_left is not None]
    assert voting_ones and all(
        c.votes_left == c.challenge.vote_budget - (1 if c.challenge.stage == "voting" else 0)
        for c in voting_ones
    )
    by_id = {v.challenge.id: v.numbers for v in home.coordinator}
    assert all(n.ideas == 2 and n.votes == (1 if n.voters else 0) for n in by_id.values())
    assert sum(n.votes for n in by_id.values()) == 50
