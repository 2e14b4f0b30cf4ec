"""Builders for test data through the real service functions."""

from challenges import setup
from challenges.inputs import ChallengeDraft, IdeaDraft
from challenges.transitions import advance
from tests.conftest import COORDINATOR


def challenge_draft(**overrides) -> ChallengeDraft:
    values = dict(
        title="How might we cut missed bin collections?",
        brief="Missed bins are the top complaint.",
        channel_id="CCHALLENGE",
        panel_channel_id="CPANEL",
        fund_pot="£20,000",
        max_award="£5,000",
        themes="Waste, Digital",
    )
    values.update(overrides)
    return ChallengeDraft.parse(**values)


def idea_draft(**overrides) -> IdeaDraft:
    values = dict(
        title="Bin sensors",
        problem="Crews cannot see which bins are out.",
        proposal="Fit sensors to the bins on the worst rounds.",
        funding_requested="£1,500",
    )
    values.update(overrides)
    return IdeaDraft.parse(**values)


def open_challenge(ctx, **overrides):
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(**overrides))
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    return setup.load(ctx, challenge.id)
