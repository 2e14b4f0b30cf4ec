"""Fuzzing every modal submission and block action through signed requests to the running
app (issue 14): whatever is typed or clicked, by whoever, Lair never answers 5xx, never says
"something went wrong", never leaves a partial write, and every message and view it sends
passes Block Kit's limits (slack_sdk's validation and the fake Slack's checks).

Seeded and bounded (Hypothesis): the same requests on every run, about half a minute.
"""

import json
import string

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from slack_sdk.models.views import View
from sqlalchemy import func
from sqlmodel import select

from bot.sandbox.slack_api import block_kit_error
from bot.sandbox.slack_requests import initial
from bot.slack.ids import Action
from challenges import ideas, setup
from challenges.stages import Stage
from challenges.transitions import advance
from storage.models import (
    AuditEvent,
    Ballot,
    Criterion,
    Idea,
    IdeaMember,
    OutboxMessage,
    Score,
    Scorecard,
    Vote,
)
from tests.challenges.factories import idea_draft, open_challenge
from tests.challenges.panel_factories import PANEL, panel_challenge
from tests.conftest import COORDINATOR
from tests.waiting import wait_until

AUTHOR, STRANGER = "UAUTHOR1", "USTRANGER"
PEOPLE = [COORDINATOR, AUTHOR, STRANGER, PANEL[0], "UAUTHOR000"]
SORRY = "something went wrong"

HOSTILE = [
    "", " ", "0", "-1", "1", "3", "£1,500", "£2,147,483,648", str(2**63), "9" * 4400, "1.5",
    "x" * 3001, "&" * 2000, "<" * 1400, "<!channel> <@U1> <https://e|x>", "R&D\x00", "😀" * 300,
    "e\u0301" * 50, "\n\n", "Europe/" + "x" * 300, "../../etc/passwd", "2027-02-30", "25:61",
    "Impact: 2\nCost: x", "a" * 81,
]  # fmt: skip
TEXT = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(list("&<>a1£,.-\n😀\x00 " + string.digits)), max_size=40),
)


@pytest.fixture
def world(lair):
    """Challenges at each stage, ideas, a panel; and every modal Lair shows, as opened."""
    ctx = lair.ctx
    taking = open_challenge(ctx, themes="Waste, Digital")
    open_challenge(ctx, title="Also taking ideas")  # so /idea first asks which challenge
    mine = ideas.submit_idea(ctx, AUTHOR, taking.id, idea_draft(team=["UTEAM1"])).idea
    scoring, shortlisted = panel_challenge(ctx, [3, 2, 1])
    deciding, _ = panel_challenge(ctx, [2, 1], title="Decided")
    advance(ctx, challenge_id=deciding.id, actor=COORDINATOR, expected=Stage.PANEL)
    views = {}

    def opened(send) -> None:
        before = len(lair.slack.calls_to("views.open"))
        assert send().status == 200
        view = lair.slack.wait_for("views.open", before + 1)[-1].args["view"]
        views[view["callback_id"]] = {**view, "id": f"V{len(views)}", "hash": "h1"}  # as sent back

    opened(lambda: lair.send.command(STRANGER, "/idea"))  # the challenge picker
    before = len(lair.slack.calls_to("views.update"))
    picker = views["idea_pick_challenge"]
    choice = {"value": str(taking.id), "text": {"type": "plain_text", "text": "x"}}
    lair.send.block_action(STRANGER, Action.PICK_CHALLENGE.value, None, view=picker,
                           selected_option=choice)  # fmt: skip
    view = lair.slack.wait_for("views.update", before + 1)[-1].args["view"]
    views[view["callback_id"]] = {**view, "id": f"VU{len(views)}", "hash": "h1"}
    opened(lambda: lair.send.block_action(AUTHOR, Action.EDIT_IDEA.value, str(mine.id)))
    opened(lambda: lair.send.command(COORDINATOR, "/challenge", "new"))
    opened(lambda: lair.send.command(COORDINATOR, "/challenge", f"edit {taking.id}"))
    opened(
        lambda: lair.send.block_action(PANEL[0], Action.SCORE_IDEA.value, str(shortlisted[0].id))
    )
    opened(lambda: lair.send.block_action(PANEL[1], Action.DECLARE_CONFLICT.value, str(shortlisted[1].id)))  # fmt: skip
    opened(lambda: lair.send.command(COORDINATOR, "/challenge", f"shortlist {scoring.id}"))
    before = len(lair.slack.calls_to("views.update"))
    lair.send.command(COORDINATOR, "/challenge", f"decide {deciding.id}")  # opens, then updates
    view = lair.slack.wait_for("views.update", before + 1)[-1].args["view"]
    views[view["callback_id"]] = {**view, "id": f"VU{len(views)}", "hash": "h1"}
    lair.runtime.worker.kick()
    ids = [
        str(i) for i in (taking.id, scoring.id, deciding.id, mine.id, *(s.id for s in shortlisted))
    ]
    return lair, views, ids


def value_for(element: dict) -> st.SearchStrategy:
    """What a person could send for one input: anything typed in a text input; in a select,
    one of the options Lair offered (Slack sends nothing else); any real date or time."""
    kind = element["type"]
    options = [o["value"] for o in element.get("options", [])]
    if kind == "plain_text_input":
        return st.one_of(st.none(), TEXT)
    if kind == "static_select":
        return st.one_of(st.none(), st.sampled_from(options)) if options else st.none()
    if kind in ("multi_static_select", "checkboxes"):
        return st.lists(st.sampled_from(options), max_size=4) if options else st.just([])
    if kind == "multi_users_select":
        return st.lists(st.sampled_from(PEOPLE + ["UNEWCOMER"]), max_size=4)
    if kind == "conversations_select":
        return st.one_of(st.none(), st.sampled_from(["CCHALLENGE", "CPANEL", "CELSEWHERE"]))
    if kind == "datepicker":
        return st.one_of(st.none(), st.dates().map(str))
    if kind == "timepicker":
        return st.one_of(st.none(), st.times().map(lambda t: t.strftime("%H:%M")))
    return st.none()


def inputs_of(view: dict) -> list[dict]:
    return [b for b in view.get("blocks", []) if b.get("type") == "input"]


# What a person would type to fill a form in correctly, by input (block id).
TYPICAL = {"title": "Bin sensors", "problem": "Crews cannot see bins.", "proposal": "Sensors.",
           "funding_requested": "£1,500", "fund_pot": "£20,000", "max_award": "£5,000",
           "channel_id": "CCHALLENGE", "comment": "Good value.", "reason": "I manage one of them."}  # fmt: skip


def typical(block: dict):
    """A correct value for the input: its initial value, a typical answer, or its first option."""
    element = block["element"]
    if (found := initial(element)) is not None:
        return found
    if block["block_id"] in TYPICAL:
        return TYPICAL[block["block_id"]]
    if element["type"] == "static_select" and element.get("options"):
        return element["options"][0]["value"]
    return None


@st.composite
def submissions(draw, views: dict):
    """A form filled in correctly, then one to three of its inputs given anything at all: so
    most submissions reach the database (a form wrong everywhere stops at validation)."""
    callback = draw(st.sampled_from(sorted(views)))
    view = views[callback]
    inputs = inputs_of(view)
    values = {b["block_id"]: typical(b) for b in inputs}
    for block in draw(st.lists(st.sampled_from(inputs), min_size=1, max_size=3, unique_by=id)):
        values[block["block_id"]] = draw(value_for(block["element"]))
    return draw(st.sampled_from(PEOPLE)), view, values


def valid_view(view: dict) -> None:
    View(**view).to_dict()  # slack_sdk parses and validates every block
    assert len(view.get("blocks", [])) <= 100


def checked_calls(lair, since: int) -> None:
    """Everything Lair sent since call `since`: within Block Kit's limits, never "sorry"."""
    for call in lair.slack.calls[since:]:
        assert block_kit_error(call.method, call.args) is None, (call.method, call.args)
        if call.method.startswith("views."):
            valid_view(call.args["view"])
        assert SORRY not in json.dumps(call.args), call.args


def consistent(ctx) -> None:
    """No partial write: what is written together is there together."""
    with ctx.db.transaction() as s:
        for ballot in s.exec(select(Ballot)).all():
            held = s.exec(select(func.count()).select_from(Vote).where(
                Vote.challenge_id == ballot.challenge_id, Vote.voter_id == ballot.voter_id)).one()  # fmt: skip
            assert ballot.votes_used == held
        for idea in s.exec(select(Idea)).all():
            authors = s.exec(select(IdeaMember.user_id).where(
                IdeaMember.idea_id == idea.id, IdeaMember.role == "author")).all()  # fmt: skip
            assert authors == [idea.author_id]
            card = s.exec(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == f"idea:{idea.id}:card")).first()  # fmt: skip
            assert card is not None
        for card in s.exec(select(Scorecard)).all():
            idea = s.get(Idea, card.idea_id)
            wanted = s.exec(select(func.count()).select_from(Criterion).where(Criterion.challenge_id == idea.challenge_id)).one()  # fmt: skip
            have = s.exec(select(func.count()).select_from(Score).where(Score.scorecard_id == card.id)).one()  # fmt: skip
            assert have == wanted
        submitted = s.exec(select(AuditEvent.subject).where(AuditEvent.action == "idea.submitted")).all()  # fmt: skip
        assert {f"idea:{i}" for i in s.exec(select(Idea.id))} == set(submitted)


FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])  # fmt: skip


def test_fuzzed_modal_submissions(world):
    lair, views, _ids = world
    assert set(views) >= {"idea_submit", "idea_edit", "challenge_create", "challenge_edit",
                          "score_idea", "declare_conflict", "shortlist", "decide"}  # fmt: skip
    for view in views.values():
        valid_view(view)

    @seed(1414)
    @FUZZ
    @given(submissions(views))
    def submit(case):
        user, view, values = case
        since = len(lair.slack.calls)
        reply = lair.send.view_submission(user, view, values)
        assert reply.status < 500, reply
        answer = reply.json() if reply.body else None
        if answer and answer.get("response_action") in ("update", "push"):
            valid_view(answer["view"])
        checked_calls(lair, since)
        consistent(lair.ctx)

    submit()
    settle_and_check(lair)


# The round's actions. (A person's data is not fuzzed here: its erase and keep buttons are
# a coordinator's answer to one request, tested in tests/e2e/test_person_slack.py.)
ROUND_ACTIONS = [a for a in Action if a not in {"person_erase", "person_keep"}]
ACTIONS = st.tuples(
    st.sampled_from(ROUND_ACTIONS),
    st.sampled_from(PEOPLE),
    # a button's value is Lair's (an id); an old message may carry one that is gone
    st.one_of(st.none(), st.sampled_from(["0", "999999"])),
    st.booleans(),  # from a message, or from inside a modal
)


def test_fuzzed_block_actions(world):
    lair, views, ids = world

    @seed(1415)
    @FUZZ
    @given(ACTIONS, st.sampled_from(ids))
    def click(action, known):
        action_id, user, junk, in_view = action
        value = known if junk is None else junk
        since = len(lair.slack.calls)
        kw = {}
        if action_id == Action.PICK_CHALLENGE:  # a select in the picker modal, nowhere else
            kw["selected_option"] = {"value": value, "text": {"type": "plain_text", "text": "x"}}
            kw["view"], value = views["idea_pick_challenge"], None
        elif in_view:  # a button in a modal (the App Home and modals carry some)
            kw["view"] = views["idea_submit"]
        reply = lair.send.block_action(user, action_id.value, value, **kw)
        assert reply.status < 500, reply
        checked_calls(lair, since)
        consistent(lair.ctx)

    click()
    settle_and_check(lair)


def settle_and_check(lair) -> None:
    """Work done after the ack (listeners, the outbox) is checked too."""
    from challenges import outbox

    lair.runtime.worker.kick()
    wait_until(lambda: outbox.pending_count(lair.ctx) == 0, timeout=60)
    checked_calls(lair, 0)
    consistent(lair.ctx)
    with lair.ctx.db.transaction() as s:
        failed = s.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    assert failed == [], [(m.kind, m.last_error) for m in failed]
    assert setup.list_challenges(lair.ctx)
