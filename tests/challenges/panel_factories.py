"""Builders for panel-stage tests: a challenge whose voting has closed, with votes and a panel."""

from challenges import ideas, panel, setup
from challenges.transitions import advance
from storage.models import Vote
from tests.challenges.factories import challenge_draft, idea_draft
from tests.conftest import COORDINATOR

PANEL = ["UDRAGON1", "UDRAGON2", "UDRAGON3"]


def author(n: int) -> str:
    return f"UAUTHOR{n:03d}"


def add_votes(ctx, challenge_id: int, idea_id: int, count: int) -> None:
    with ctx.db.transaction() as s:
        for v in range(count):
            s.add(
                Vote(
                    challenge_id=challenge_id,
                    idea_id=idea_id,
                    voter_id=f"UVOTER{idea_id:03d}{v:03d}",
                )
            )


def voting_challenge(ctx, votes: list[int], *, teams: dict[int, list[str]] | None = None,
                     requests: list[int] | None = None, **overrides):  # fmt: skip
    """A challenge at the voting stage with one idea per entry of `votes` (that many votes each)."""
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**overrides))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    made = []
    for n, _ in enumerate(votes):
        draft = idea_draft(
            title=f"Idea {n}",
            team=(teams or {}).get(n, []),
            funding_requested=(requests or [1500] * len(votes))[n],
        )
        made.append(ideas.submit_idea(ctx, author(n), challenge.id, draft).idea)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    for idea, count in zip(made, votes, strict=True):
        add_votes(ctx, challenge.id, idea.id, count)
    return challenge, made


def panel_challenge(ctx, votes: list[int], *, members=PANEL, **kwargs):
    """A challenge just moved to the panel stage, its panel set beforehand."""
    challenge, made = voting_challenge(ctx, votes, **kwargs)
    panel.set_panel(ctx, COORDINATOR, challenge.id, list(members))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    return setup.load(ctx, challenge.id), made
