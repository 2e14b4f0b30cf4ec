"""Teams cards within Teams' limits, measured on the text as sent (issue 14, item 1).

Teams refuses a message over about 28 KB (413) — the card's JSON, where an emoji is sent as
`\\ud83d\\ude00` (12 bytes), a newline as `\\n`, a quote as `\\"`. A card that shortened people's
text by characters could be four times over; `said()` shortens by the escaped length.
"""

import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from bot.teams import views
from bot.teams.cards import said
from challenges import decisions as decided
from challenges import notices
from challenges.ideas import IdeaView
from challenges.inputs import CHALLENGE_TITLE_MAX, LONG_TEXT_MAX, TITLE_MAX
from challenges.scoring import PanelCard
from challenges.stages import Stage
from storage.models import Challenge, Decision, Idea

TEAMS_MESSAGE_BYTES = 28_000
CLOSE = datetime(2027, 3, 1, 17, tzinfo=UTC)


def size(activity) -> int:
    """The activity as sent: compact JSON, non-ASCII escaped (the most it can take)."""
    dumped = activity.model_dump(mode="json", by_alias=True, exclude_none=True)
    return len(json.dumps(dumped, separators=(",", ":")))


def fits(activity) -> None:
    assert size(activity) <= TEAMS_MESSAGE_BYTES, size(activity)


def test_said_measures_the_escaped_text():
    run = said("😀" * 3000, limit=1400).inlines[0]
    assert len(json.dumps(run.text)) - 2 <= 1400
    assert said("plain", limit=1400).inlines[0].text == "plain"


ALPHABET = st.sampled_from(["&", "<", ">", "a", '"', "\\", "\n", "😀", "é", "\u0301", "\u0000"])


def texts(max_size: int, min_size: int = 1):
    return st.one_of(
        st.text(ALPHABET, min_size=min_size, max_size=max_size),
        st.text(ALPHABET, min_size=max_size, max_size=max_size),
    )


@seed(14)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=texts(TITLE_MAX), challenge_title=texts(CHALLENGE_TITLE_MAX), long=texts(LONG_TEXT_MAX)
)
def test_every_channel_card_fits_in_a_teams_message(title, challenge_title, long):
    c = Challenge(id=4, title=challenge_title, brief=long, channel_id="C1", fund_pot=20000,
                  max_award=5000, created_by="U0", stage="voting", themes=["Waste"],
                  voting_close_at=CLOSE)  # fmt: skip
    i = Idea(id=7, challenge_id=4, author_id="U1", title=title, problem=long, proposal=long,
             benefit=long, theme=title, funding_requested=1500, shortlisted=True)  # fmt: skip
    fits(views.idea_card(IdeaView(i, c, ["U2"]), 3))
    fits(views.stage_news(notices.StageNews(c.model_copy(update={"stage": "submissions"}), Stage.SUBMISSIONS, [])))  # fmt: skip
    fits(views.stage_news(notices.StageNews(c, Stage.PANEL, [i] * 40)))
    fits(views.panel_parent(PanelCard(i, c.model_copy(update={"stage": "panel"}), ["U1"], 3, 1, 2)))
    o = decided.Outcome(i, c, True, 3, Decision(idea_id=7, outcome="fund", award=1500),
                        [title], [3.5], 2, [long] * 10)  # fmt: skip
    fits(views.outcome(o))
    fits(views.results(decided.Results(c, [decided.Winner(i, ["U2"], 1500)] * 30, 0, 30, 45000)))
