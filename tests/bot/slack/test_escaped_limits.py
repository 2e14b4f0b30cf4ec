"""Block Kit limits are measured on the text as sent — escaped — in every Slack view.

`&`, `<` and `>` grow fivefold and fourfold when escaped, so a text shortened *before* it
is escaped can still be over a limit: slack_sdk refuses to build the block and Slack
answers invalid_blocks. The cases from issue 14, then a property test over every view.
"""

import json
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.slack.views import (
    cards,
    challenge_modal,
    decisions,
    home,
    idea_modal,
    lists,
    panel,
    reminders,
    workbook,
)
from bot.slack.views import learning as learning_views
from bot.slack.views import text as limits
from bot.slack.views.text import clip_mrkdwn, escape, escaped_len, fit, plain
from challenges import decisions as decided
from challenges import home as home_facts
from challenges.codes import Code
from challenges.errors import Problem
from challenges.funding import Recommendation, RecommendationEntry
from challenges.ideas import MyIdea
from challenges.inputs import CHALLENGE_TITLE_MAX, LONG_TEXT_MAX, TITLE_MAX
from challenges.learning import LearningCard, LearningNudge
from challenges.ranking import IdeaRank
from challenges.scoring import MemberScores, PanelCard, PanelScores, ScoreForm, ScoreResult
from challenges.shortlist import Candidate, ShortlistForm
from challenges.stages import Stage
from challenges.tallies import Standing, Tallies
from challenges.workbook.importer import DecisionChange, ImportPreview
from storage.models import Challenge, Criterion, Decision, Idea, LearningUpdate

CLOSE = datetime(2027, 3, 1, 17, tzinfo=UTC)


def challenge(**kw) -> Challenge:
    values = dict(id=4, title="Bins", brief="Missed bins", channel_id="C1", panel_channel_id="C2",
                  fund_pot=20000, max_award=5000, created_by="U0", stage="voting",
                  themes=["Waste"], allow_anonymous=True, voting_close_at=CLOSE)  # fmt: skip
    values.update(kw)
    return Challenge(**values)


def idea(**kw) -> Idea:
    values = dict(id=7, challenge_id=4, author_id="U1", title="Sensors", problem="p", proposal="q",
                  benefit="b", theme="Waste", funding_requested=1500, shortlisted=True)  # fmt: skip
    values.update(kw)
    return Idea(**values)


def criteria(name: str = "Impact") -> list[Criterion]:
    return [Criterion(id=1, challenge_id=4, key="impact", name=name, scale_min=1, scale_max=5),
            Criterion(id=2, challenge_id=4, key="cost", name="Cost", scale_min=1, scale_max=5)]  # fmt: skip


# --- what a valid message or view is -------------------------------------------------------
def plain_texts(node, found=None) -> list[tuple[str, str]]:
    """(key, text) of every plain_text object and option text in a Block Kit payload."""
    found = [] if found is None else found
    if isinstance(node, dict):
        if node.get("type") == "plain_text":
            found.append(("plain_text", node["text"]))
        for value in node.values():
            plain_texts(value, found)
    elif isinstance(node, list):
        for value in node:
            plain_texts(value, found)
    return found


def header_and_buttons(blocks: list[dict]) -> None:
    """plain_text limits, measured escaped (Slack counts `&` as `&amp;`)."""
    for block in blocks:
        if block["type"] == "header":
            assert escaped_len(block["text"]["text"]) <= limits.HEADER
        for element in block.get("elements", []) + [block.get("accessory") or {}]:
            if element.get("type") == "button":
                assert escaped_len(element["text"]["text"]) <= limits.BUTTON
            for option in element.get("options", []):
                assert escaped_len(option["text"]["text"]) <= limits.OPTION
        for option in (block.get("element") or {}).get("options", []):
            assert escaped_len(option["text"]["text"]) <= limits.OPTION
        if block["type"] == "input":
            assert escaped_len(block["label"]["text"]) <= 2000


def valid_message(rendered: tuple[str, list[Block]]) -> None:
    """What chat.postMessage accepts: slack_sdk builds every block (its validation), and the
    message is within Slack's limits."""
    text, blocks = rendered
    payload = [b.to_dict() for b in blocks]  # raises SlackObjectFormationError when invalid
    assert len(payload) <= limits.MESSAGE_BLOCKS
    assert 0 < len(text) <= limits.FALLBACK
    header_and_buttons(payload)
    json.dumps(payload)


def valid_view(view: View, *, max_blocks: int = limits.MODAL_BLOCKS) -> None:
    payload = view.to_dict()  # validates every block and the view's own limits
    assert len(payload["blocks"]) <= max_blocks
    header_and_buttons(payload["blocks"])
    for _key, value in plain_texts(payload):
        assert len(value) <= 3000
    json.dumps(payload)


# --- the cases reported --------------------------------------------------------------------
REPORTED = {
    "1,400 <": "<" * 1400,
    "1,400 with 399 &": ("&" * 399 + "x" * 1001),
    "2,900 with 26 & (R&D)": ("R&D " * 26 + "y" * 3000)[:2900],
    "2,800 with 60 &": ("&" * 60 + "z" * 2740),
}


@pytest.mark.parametrize("text", REPORTED.values(), ids=REPORTED.keys())
def test_the_reported_texts_render_within_limits(text):
    c = challenge(brief=text)
    i = idea(problem=text, proposal=text, benefit=text)
    valid_message(cards.idea_card(i, c, ["U2"], votes=2))
    valid_message(cards.stage_announcement(c, Stage.SUBMISSIONS))
    valid_message(panel.panel_parent(PanelCard(i, c.model_copy(update={"stage": "panel"}), ["U1"], 3, 1, 2), criteria()))  # fmt: skip
    outcome = decided.Outcome(i, c, True, 3, Decision(idea_id=7, outcome="dont_fund", award=0),
                              ["Impact"], [3.5], 2, [text, text])  # fmt: skip
    valid_message(decisions.outcome_message(outcome))
    valid_view(panel.scores_modal(PanelScores(i, criteria(), [MemberScores("U3", [3, 4], text, True)], 1, 2)))  # fmt: skip
    valid_view(idea_modal.idea_modal(c, idea=i, team=["U2"]))


def test_fit_never_cuts_an_entity():
    for n in range(1, 40):
        cut = fit("a&<>" * 20, n)
        assert len(cut) <= n
        body = cut.removesuffix("…")
        assert body.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "").count("&") == 0
    assert clip_mrkdwn("hi <@U123> there", 9) == "hi…"
    assert fit("fine", 10) == "fine"
    assert plain("&" * 100, 75) == "&" * 14 + "…" and escaped_len(plain("<" * 80, 75)) <= 75


# --- every view, any text ------------------------------------------------------------------
# Escaped characters, emoji (a ZWJ sequence too: its parts), combining marks, newlines.
ALPHABET = st.sampled_from(["&", "<", ">", "a", " ", "\n", "😀", "👩", "\u200d", "🔬", "é", "\u0301", "\u20dd", "*", "_", "`"])  # fmt: skip


def texts(max_size: int, min_size: int = 0):
    # Often the longest a field allows, since that is where the limits bite.
    return st.one_of(
        st.text(ALPHABET, min_size=min_size, max_size=max_size),
        st.text(ALPHABET, min_size=max_size, max_size=max_size),
    )


def non_blank(max_size: int):
    return texts(max_size, 1).map(lambda t: t if t.strip() else "x" + t[1:])


@seed(14)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=non_blank(TITLE_MAX),
    challenge_title=non_blank(CHALLENGE_TITLE_MAX),
    long=texts(LONG_TEXT_MAX),
    short=texts(100),
)
def test_every_view_is_valid_for_any_text(title, challenge_title, long, short):
    c = challenge(title=challenge_title, brief=long, themes=[short or "x"])
    i = idea(title=title, problem=long, proposal=long, benefit=long, theme=short or None)
    crit = criteria(short or "x")
    team = ["U2", "U3"]
    in_panel = c.model_copy(update={"stage": "panel"})

    # channel and private messages
    valid_message(cards.idea_card(i, c, team, votes=2))
    for stage in Stage:
        valid_message(cards.stage_announcement(c, stage, shortlist=[i] * 60))
    for stage in (Stage.SUBMISSIONS, Stage.VOTING, Stage.PANEL):
        valid_message(reminders.reminder(c, stage, CLOSE, scored=1, expected=4))
    valid_message(reminders.panel_nudge(in_panel, CLOSE, [i] * 30))
    valid_message(reminders.author_voting_open(c, [i] * 30))
    valid_message(learning_views.learning_reminder(i, c, 1500, CLOSE.date()))
    valid_message(learning_views.learning_nudge(LearningNudge(i, c, 1500, CLOSE.date(), True)))
    update = LearningUpdate(idea_id=7, challenge_id=4, due_date=CLOSE.date(), status="on_track",
                            did=long, happened=long, learned=long, advice=long, spent_pence=1,
                            link="https://example.org/" + short, written_by="U1", updated_by="U1")  # fmt: skip
    valid_message(learning_views.learning_card(LearningCard(update, i, c, 1500, "U1")))
    valid_message(panel.panel_parent(PanelCard(i, in_panel, team, 3, 1, 2, crit), crit))
    result = ScoreResult(i, in_panel, crit, {"impact": 3, "cost": 4}, long, True, True, True, 1, 2)
    valid_message(panel.score_confirmation(result, via_thread=True))
    winners = [decided.Winner(i, team, 1500)] * 30
    valid_message(decisions.results_message(decided.Results(c, winners, 1, 40, 45000)))
    for outcome in ("fund", "dont_fund", "defer"):
        o = decided.Outcome(i, c, True, 3, Decision(idea_id=7, outcome=outcome, award=1500),
                            [crit[0].name, "Cost"], [3.5, None], 2, [long] * 45)  # fmt: skip
        valid_message(decisions.outcome_message(o))
    valid_message(decisions.outcome_message(decided.Outcome(i, c, False, 3, None, [], [], 0, [])))
    mine = [MyIdea(i, c, "author", 3)] * 20
    valid_message(("x", lists.my_ideas(mine)))
    valid_message(("x", lists.challenge_list([c] * 45)))
    changes = [DecisionChange(n, title, None, 0, "fund", 1500) for n in range(60)]
    over = Problem(Code.IMPORT_OVER_POT, {"total": 2**62, "over": 2**61, "pot": 2**61})
    preview = ImportPreview(1, 4, challenge_title, changes, 0, 9000, 20000, [over] * 60)
    valid_message(workbook.import_preview(preview))
    valid_message(
        (
            "x",
            lists.challenge_status(
                c, _numbers(), Tallies(False, False, [Standing(n, title, 3) for n in range(90)])
            ),
        )
    )

    # modals and the home tab
    valid_view(panel.score_modal(ScoreForm(i, in_panel, crit, {"impact": 3}, long, True), channel="C2", thread_ts="1.2"))  # fmt: skip
    valid_view(panel.conflict_modal(7, title, channel=None, thread_ts=None))
    valid_view(panel.scores_modal(PanelScores(i, crit, [MemberScores("U3", [3, 4], long, True)] * 50, 50, 50)))  # fmt: skip
    candidates = [Candidate(n, title, n, n % 3 == 0) for n in range(120)]
    valid_view(decisions.shortlist_modal(ShortlistForm(c, candidates)))
    valid_view(decisions.loading_modal(challenge_title, long))
    ranks = [IdeaRank(idea_id=n, title=title, team=team, rank=n + 1, weighted=3.2, normalised=0.1,
                      scorers=2, votes=3, means=[3.0, None], funding_requested=1500,
                      disagreement=True, disagreement_criteria=[crit[0].name]) for n in range(50)]  # fmt: skip
    valid_view(decisions.decide_modal(_form(c, ranks), page=0))
    valid_view(decisions.decide_modal(_form(c, ranks), page=1))
    valid_view(idea_modal.idea_modal(c, idea=i, team=team))
    valid_view(
        idea_modal.challenge_picker_modal([c] * 120, prefill={"title": title, "problem": long})
    )
    draft = {"title": challenge_title, "brief": long, "themes": [short], "criteria": [{"name": short, "weight": 2}]}  # fmt: skip
    valid_view(challenge_modal.challenge_modal(draft, challenge_id=4))
    opened = [home_facts.OpenChallenge(c, "voting closes", CLOSE, 2)] * 10
    facts = home_facts.Home("U1", opened, mine, {7: Decision(idea_id=7, outcome="fund", award=1)},
                            [home_facts.ToScore(i, in_panel)] * 10, [])  # fmt: skip
    valid_view(home.home_view(facts))


def _form(c: Challenge, ranks: list[IdeaRank]) -> decided.DecisionForm:
    entries = [
        RecommendationEntry(r.idea_id, r.rank < 5, 1500, Problem(Code.RECOMMEND_UNSCORED))
        for r in ranks
    ]
    return decided.DecisionForm(c, ranks, Recommendation(entries, 6000, c.fund_pot, 12.0), {})


def test_time_zone_labels_stay_inside_the_fields():
    """The dates in a status message are Lair's own text, yet sit beside the title."""
    c = challenge(title="&" * CHALLENGE_TITLE_MAX, opens_at=CLOSE - timedelta(days=9))
    blocks = lists.challenge_status(c, _numbers())
    valid_message(("x", blocks))
    assert escape("&") in blocks[0].to_dict()["text"]["text"]


def _numbers():
    from challenges.setup import ChallengeNumbers

    return ChallengeNumbers(
        ideas=1, withdrawn=0, removed=0, votes=2, voters=2, panel_members=1, scorecards=0
    )
