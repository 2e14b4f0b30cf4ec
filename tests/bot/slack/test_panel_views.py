"""Block Kit for the panel: within Slack's limits, user text escaped, forms parsed back."""

import json
from fractions import Fraction

from bot.slack import forms
from bot.slack.views.decisions import PAGE_SIZE, decide_modal, outcome_message, shortlist_modal
from bot.slack.views.panel import panel_parent, score_modal
from challenges.decisions import DecisionForm, Outcome
from challenges.funding import recommend
from challenges.ranking import IdeaRank
from challenges.scoring import PanelCard, ScoreForm
from challenges.shortlist import Candidate, ShortlistForm
from storage.models import Challenge, Criterion, Decision, Idea
from tests.fakes.slack_requests import fill

HOSTILE = "<!channel> & <@U999> " + "x" * 120


def challenge(**kw) -> Challenge:
    values = dict(id=4, title=HOSTILE, channel_id="CCH", panel_channel_id="CPANEL",
                  fund_pot=200_000, max_award=5000, stage="panel", created_by="UC")  # fmt: skip
    values.update(kw)
    return Challenge(**values)


def criteria() -> list[Criterion]:
    names = [
        "Impact for residents",
        "Feasibility",
        "Value for money",
        "Innovation",
        "Learning potential",
    ]
    return [Criterion(id=i + 1, challenge_id=4, position=i, key=n.lower().replace(" ", "_"), name=n,
                      weight=2.0 if i == 0 else 1.0) for i, n in enumerate(names)]  # fmt: skip


def ranks(n: int) -> list[IdeaRank]:
    return [
        IdeaRank(idea_id=100 + i, title=f"{HOSTILE} {i}", team=["UA"], funding_requested=4000 + i,
                 votes=n - i, scorers=3, means=[4.0] * 5, weighted=4.0 - i / 100, normalised=0.5,
                 disagreement=i % 2 == 0, disagreement_criteria=["Impact for residents"] if i % 2 == 0 else [],
                 rank=i + 1, weighted_exact=Fraction(400 - i, 100))
        for i in range(n)
    ]  # fmt: skip


def test_decide_modal_for_forty_ideas_fits_in_one_modal():
    r = ranks(40)
    form = DecisionForm(
        challenge(stage="decided"), r, recommend(r, pot=100_000, max_award=5000), {}
    )
    view = decide_modal(form).to_dict()
    assert len(view["blocks"]) <= 100 and len(view["private_metadata"]) <= 3000
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert len(inputs) == 2 * 40 + 1  # outcome and award per idea, and Announce
    assert all(
        len(b["label"]["text"]) <= 2000 and len(b.get("hint", {}).get("text", "")) <= 2000
        for b in inputs
    )
    assert json.loads(view["private_metadata"])["last"] is True
    # The recommendation pre-fills: 24 ideas at ~£4,000 fit in £100,000.
    funded = [b for b in inputs if b["block_id"].startswith("outcome.")
              and b["element"]["initial_option"]["value"] == "fund"]  # fmt: skip
    assert len(funded) == 24
    assert "panel split on Impact for residents" in inputs[0]["hint"]["text"]


def test_decide_modal_pages_a_long_shortlist_and_keeps_earlier_decisions():
    r = ranks(PAGE_SIZE + 7)
    decided = {
        r[PAGE_SIZE].idea_id: Decision(
            idea_id=r[PAGE_SIZE].idea_id, outcome="defer", award=0, decided_by="UC"
        )
    }
    form = DecisionForm(
        challenge(stage="decided"), r, recommend(r, pot=10_000, max_award=5000), decided
    )
    first, second = decide_modal(form, page=0).to_dict(), decide_modal(form, page=1).to_dict()
    assert len(first["blocks"]) <= 100 and len(second["blocks"]) <= 100
    assert len(json.loads(first["private_metadata"])["ideas"]) == PAGE_SIZE
    assert (
        json.loads(first["private_metadata"])["last"] is False
        and first["submit"]["text"] == "Save and next"
    )
    assert not any(b.get("block_id") == "announce" for b in first["blocks"])
    block = next(
        b for b in second["blocks"] if b.get("block_id") == f"outcome.{r[PAGE_SIZE].idea_id}"
    )
    assert block["element"]["initial_option"]["value"] == "defer"


def test_decide_form_parses_outcomes_awards_and_announce():
    r = ranks(2)
    form = DecisionForm(challenge(stage="decided"), r, recommend(r, pot=5000, max_award=5000), {})
    view = decide_modal(form).to_dict()
    state = fill(view, {"award.100": "£3,500"})
    inputs, announce = forms.decide_form({**view, "state": {"values": state}}, [100, 101])
    assert [(d.idea_id, d.outcome, d.award) for d in inputs] == [
        (100, "fund", 3500),
        (101, "dont_fund", 0),
    ]
    assert announce is True


def test_score_modal_has_one_select_per_criterion_and_prefills():
    idea = Idea(
        id=7,
        challenge_id=4,
        author_id="UA",
        title=HOSTILE,
        problem="p",
        proposal="q",
        funding_requested=900,
    )
    form = ScoreForm(idea, challenge(), criteria(), {"feasibility": 2}, "old comment", True)
    view = score_modal(form, channel="CPANEL", thread_ts="1.2").to_dict()
    selects = [b for b in view["blocks"] if b.get("block_id", "").startswith("score.")]
    assert [b["label"]["text"] for b in selects][:2] == [
        "Impact for residents (weight 2)",
        "Feasibility",
    ]
    assert selects[1]["element"]["initial_option"]["value"] == "2"
    assert "initial_option" not in selects[0]["element"]
    assert "&lt;!channel&gt; &amp; &lt;@U999&gt;" in view["blocks"][0]["text"]["text"]
    state = fill(view, {"score.impact_for_residents": "5", "score.value_for_money": "4", "score.innovation": "3",
                        "score.learning_potential": "1"})  # fmt: skip
    values, comment, share = forms.score_form(
        {**view, "state": {"values": state}}, [c.key for c in criteria()]
    )
    assert values == {"impact_for_residents": 5, "feasibility": 2, "value_for_money": 4, "innovation": 3,
                      "learning_potential": 1}  # fmt: skip
    assert comment == "old comment" and share is True
    assert json.loads(view["private_metadata"]) == {
        "idea_id": 7,
        "channel": "CPANEL",
        "thread_ts": "1.2",
    }


def test_panel_parent_escapes_and_shows_the_count_and_buttons():
    idea = Idea(id=7, challenge_id=4, author_id="UA", title=HOSTILE, problem="<b>&", proposal="q",
                funding_requested=1500, shortlisted=True)  # fmt: skip
    text, blocks = panel_parent(PanelCard(idea, challenge(), ["UA", "UB"], 12, 1, 3), criteria())
    dumped = json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    assert "<!channel>" not in dumped and "<!channel>" not in text and "&lt;b&gt;&amp;" in dumped
    assert "1 of 3 scored" in text and "<@UA>, <@UB>" in dumped and "£1,500" in dumped
    assert "`score 4 3 5 4 2 strong case, costs look right`" in dumped
    anonymous = Idea(**{**idea.model_dump(), "anonymous": True})
    _text, blocks = panel_parent(PanelCard(anonymous, challenge(), ["UA"], 0, 0, 3), criteria())
    assert "<@UA>" not in json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    removed = Idea(**{**idea.model_dump(), "shortlisted": False})
    _text, blocks = panel_parent(PanelCard(removed, challenge(), ["UA"], 0, 0, 3), criteria())
    assert all(b.type != "actions" for b in blocks)


def test_shortlist_modal_keeps_every_shortlisted_idea_within_a_hundred_options():
    candidates = [Candidate(i, f"{HOSTILE} {i}", 200 - i, i >= 150) for i in range(200)]
    view = shortlist_modal(ShortlistForm(challenge(), candidates)).to_dict()
    element = view["blocks"][1]["element"]
    assert len(element["options"]) == 100 and all(
        len(o["text"]["text"]) <= 75 for o in element["options"]
    )
    assert {o["value"] for o in element["initial_options"]} == {str(i) for i in range(150, 200)}


def test_outcome_message_quotes_shared_comments_escaped():
    idea = Idea(
        id=7,
        challenge_id=4,
        author_id="UA",
        title="Bins",
        problem="p",
        proposal="q",
        shortlisted=True,
    )
    decision = Decision(idea_id=7, outcome="dont_fund", award=0, decided_by="UC")
    outcome = Outcome(idea, challenge(), True, 3, decision, ["Impact", "Cost"], [4.5, 3.0], 2,
                      ["Good <@U1> & more\nsecond line"])  # fmt: skip
    text, blocks = outcome_message(outcome)
    dumped = json.dumps([b.to_dict() for b in blocks], ensure_ascii=False)
    assert "not funded" in text and "Impact 4.5 · Cost 3.0" in dumped
    assert "> Good &lt;@U1&gt; &amp; more\\n> second line" in dumped
