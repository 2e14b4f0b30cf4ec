"""Learning updates (issue 12): shared by funded teams after the award, checked, stored once
per idea and date, editable for a week, audited; the coordinator's overview and nudges."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import func, select

from challenges import decisions, learning, learning_overview, schedule
from challenges.codes import Code
from challenges.decisions import DecisionInput
from challenges.errors import InvalidInput, LairError
from challenges.learning import UpdateDraft
from challenges.learning_overview import DateState
from challenges.transitions import advance
from storage.models import AuditEvent, LearningUpdate, OutboxMessage
from tests.challenges.panel_factories import author, panel_challenge
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR

FIRST = datetime(2027, 9, 1, 9, 0, tzinfo=UTC)  # 10:00 BST on the first learning date
DAY1 = date(2027, 9, 1)
MATE = "UTEAMMATE"


def draft(**overrides) -> UpdateDraft:
    values = dict(status="stopped", did="Fitted 40 sensors.", happened="Rain broke them.",
                  learned="Sensors fail in wet weather.", advice="Test outdoors first.",
                  spent="£1,250.50", link="https://example.org/report")  # fmt: skip
    values.update(overrides)
    return UpdateDraft.parse(**values)


def decided(ctx, *, announce=True, close=True):
    challenge, made = panel_challenge(
        ctx, [5, 4, 3], requests=[3000, 2000, 1000], fund_pot="£5,000", max_award="£3,000",
        teams={0: [MATE]}, learning_update_dates="2028-01-10, 2027-09-01",
    )  # fmt: skip
    for idea in made:
        score(ctx, "UDRAGON1", idea, 4, 4, 4, 4, 4)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # decided
    decisions.record_decisions(ctx, COORDINATOR, challenge.id, [
        DecisionInput(made[0].id, "fund", 3000), DecisionInput(made[1].id, "fund", 2000),
        DecisionInput(made[2].id, "dont_fund", 0)], announce=announce)  # fmt: skip
    if close:
        advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # closed
    return challenge, made


@pytest.fixture
def funded(ctx):
    return decided(ctx)


def stored(ctx) -> int:
    with ctx.transaction() as s:
        return s.exec(select(func.count()).select_from(LearningUpdate)).one()


def outbox_rows(ctx, kind) -> list[OutboxMessage]:
    with ctx.transaction() as s:
        return list(
            s.exec(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def test_a_team_member_shares_an_update_stored_once_and_carded_once(ctx, clock, funded):
    challenge, made = funded
    clock.set(FIRST + timedelta(hours=1))
    form = learning.form(ctx, MATE, made[0].id)
    assert form.due_date == DAY1 and form.existing is None and form.funded.award == 3000
    shared = learning.share(ctx, MATE, made[0].id, DAY1, draft())
    assert shared.first and shared.update.spent_pence == 125050 and shared.update.written_by == MATE
    assert shared.update.status == "stopped"

    # The author changes it within the week: the same row, its card redrawn, both audited.
    clock.advance(days=6)
    changed = learning.share(ctx, author(0), made[0].id, DAY1, draft(status="changed_course"))
    assert not changed.first and changed.update.updated_by == author(0)
    assert stored(ctx) == 1
    cards = outbox_rows(ctx, "learning_card")
    assert [c.audience for c in cards] == ["thread", "update"]  # under the results, then redrawn
    assert cards[0].place == f"challenge:{challenge.id}:results"
    assert cards[0].save_as == cards[1].place == f"idea:{made[0].id}:learning:2027-09-01:card"
    with ctx.transaction() as s:
        actions = [
            e.action for e in s.exec(select(AuditEvent).where(AuditEvent.action.like("learning.%")))
        ]
    assert actions == ["learning.shared", "learning.edited"]

    card = learning.card(ctx, made[0].id, DAY1)
    assert card.by == MATE and card.update.status == "changed_course" and card.award == 3000


def test_after_the_edit_window_nothing_changes(ctx, clock, funded):
    _challenge, made = funded
    clock.set(FIRST)
    learning.share(ctx, MATE, made[0].id, DAY1, draft())
    clock.advance(days=7)
    for attempt in (lambda: learning.form(ctx, MATE, made[0].id),
                    lambda: learning.share(ctx, MATE, made[0].id, DAY1, draft(learned="new"))):  # fmt: skip
        with pytest.raises(LairError) as err:
            attempt()
        assert err.value.code == Code.LEARNING_EDIT_CLOSED
        assert err.value.params["days"] == 7 and err.value.params["date"] == "2027-09-01"
    with ctx.transaction() as s:
        assert s.exec(select(LearningUpdate.learned)).one() == "Sensors fail in wet weather."


@pytest.mark.parametrize(
    ("who", "idea", "code"),
    [
        ("UOUTSIDER", 0, Code.LEARNING_NOT_ON_TEAM),
        (author(2), 2, Code.LEARNING_NOT_FUNDED),
        (COORDINATOR, 0, Code.LEARNING_NOT_ON_TEAM),  # coordinators see, teams share
    ],
)
def test_only_a_funded_team_may_share(ctx, clock, funded, who, idea, code):
    _challenge, made = funded
    clock.set(FIRST)
    with pytest.raises(LairError) as err:
        learning.share(ctx, who, made[idea].id, DAY1, draft())
    assert err.value.code == code and stored(ctx) == 0
    assert outbox_rows(ctx, "learning_card") == []


def test_before_the_award_nothing_is_taken(ctx, clock):
    _challenge, made = decided(ctx, announce=False, close=False)
    clock.set(FIRST)
    with pytest.raises(LairError) as err:
        learning.form(ctx, author(0), made[0].id)
    assert err.value.code == Code.LEARNING_BEFORE_AWARD
    with pytest.raises(LairError):
        learning.share(ctx, author(0), made[0].id, DAY1, draft())
    assert stored(ctx) == 0


def test_a_date_not_on_the_challenge_is_refused(ctx, clock, funded):
    _challenge, made = funded
    clock.set(FIRST)
    with pytest.raises(InvalidInput) as err:
        learning.share(ctx, MATE, made[0].id, date(2027, 9, 2), draft())
    assert err.value.code == Code.LEARNING_NOT_A_DATE and stored(ctx) == 0


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("learned", "x" * 3001, Code.LEARNING_TEXT_TOO_LONG),
        ("did", "x" * 3001, Code.LEARNING_TEXT_TOO_LONG),
        ("happened", "x" * 3001, Code.LEARNING_TEXT_TOO_LONG),
        ("advice", "x" * 3001, Code.LEARNING_TEXT_TOO_LONG),
        ("learned", "   ", Code.LEARNING_TEXT_MISSING),
        ("status", "", Code.LEARNING_STATUS_MISSING),
        ("status", "abandoned", Code.LEARNING_STATUS_MISSING),
        ("spent", "-5", Code.LEARNING_SPENT_NEGATIVE),
        ("spent", "£-5", Code.LEARNING_SPENT_NEGATIVE),
        ("spent", "about 300", Code.LEARNING_SPENT_NOT_MONEY),
        ("spent", "1.234", Code.LEARNING_SPENT_NOT_MONEY),
        ("spent", "", Code.LEARNING_SPENT_MISSING),
        ("spent", "99999999999", Code.LEARNING_SPENT_TOO_LARGE),
        ("link", "javascript:alert(1)", Code.LEARNING_LINK_NOT_WEB),
        ("link", "ftp://example.org/x", Code.LEARNING_LINK_NOT_WEB),
        ("link", "example.org", Code.LEARNING_LINK_NOT_WEB),
        ("link", "https://exa mple.org", Code.LEARNING_LINK_NOT_WEB),
        ("link", "https://example.org/" + "x" * 1000, Code.LEARNING_TEXT_TOO_LONG),
    ],
)
def test_bad_input_is_refused_by_field(field, value, code):
    with pytest.raises(InvalidInput) as err:
        draft(**{field: value})
    assert err.value.errors[field].code == code


def test_money_and_links_that_are_fine():
    assert draft(spent="0").spent_pence == 0
    assert draft(spent="£ 1,500").spent_pence == 150000
    assert draft(spent="12.5").spent_pence == 1250
    assert (
        draft(link="").link is None
        and draft(link="HTTP://Example.org").link == "HTTP://Example.org"
    )
    assert draft(learned="x" * 3000).learned == "x" * 3000
    assert learning.format_pence(125050) == "£1,250.50" and learning.format_pence(300) == "£3"


def test_the_overview_counts_received_due_and_overdue(ctx, clock, funded):
    challenge, made = funded
    clock.set(FIRST - timedelta(days=1))
    view = learning_overview.overview(ctx, COORDINATOR, challenge.id)
    assert [i.idea.id for i in view.ideas] == [made[0].id, made[1].id]  # funded only
    assert view.total(DateState.UPCOMING) == 4
    assert view.ideas[0].team == [author(0), MATE]

    clock.set(FIRST + timedelta(days=1))
    learning.share(ctx, MATE, made[0].id, DAY1, draft())
    view = learning_overview.overview(ctx, COORDINATOR, challenge.id)
    assert (
        view.total(DateState.RECEIVED),
        view.total(DateState.DUE),
        view.total(DateState.OVERDUE),
    ) == (1, 1, 0)

    clock.set(FIRST + timedelta(days=7))
    view = learning_overview.overview(ctx, COORDINATOR, challenge.id)
    assert view.ideas[1].overdue == [DAY1] and view.total(DateState.OVERDUE) == 1
    with pytest.raises(LairError) as err:
        learning_overview.overview(ctx, author(0), challenge.id)
    assert err.value.code == Code.NOT_A_COORDINATOR
    assert learning_overview.default_round(ctx) == challenge.id


def test_an_unanswered_team_is_reminded_once_more_a_week_on(ctx, clock, funded):
    challenge, made = funded
    clock.set(FIRST)
    schedule.run_due(ctx, challenge.id)
    learning.share(ctx, author(0), made[0].id, DAY1, draft())  # idea 0 answers; idea 1 does not
    clock.set(FIRST + timedelta(days=7))
    schedule.run_due(ctx, challenge.id)
    schedule.run_due(ctx, challenge.id)
    again = outbox_rows(ctx, "learning_nudge")
    assert [m.address for m in again] == [author(1)]  # once, only the team that has not answered
    assert again[0].dedupe_key.endswith(":again")


def test_the_clock_down_for_a_week_sends_the_first_reminder_not_both(ctx, clock, funded):
    challenge, _made = funded
    clock.set(FIRST + timedelta(days=8))
    schedule.run_due(ctx, challenge.id)
    assert (
        outbox_rows(ctx, "learning_nudge") == [] and len(outbox_rows(ctx, "learning_update")) == 3
    )


def test_a_coordinator_nudges_an_overdue_team_once_a_day(ctx, clock, funded):
    challenge, made = funded
    clock.set(FIRST + timedelta(days=1))
    with pytest.raises(LairError) as err:
        learning_overview.nudge(ctx, COORDINATOR, made[1].id)  # due, not yet overdue
    assert err.value.code == Code.LEARNING_NOT_OVERDUE
    clock.set(FIRST + timedelta(days=8))
    nudged = learning_overview.nudge(ctx, COORDINATOR, made[0].id)
    assert nudged.people == [author(0), MATE] and nudged.day == DAY1
    with pytest.raises(LairError) as err:
        learning_overview.nudge(ctx, COORDINATOR, made[0].id)
    assert err.value.code == Code.LEARNING_NUDGED_TODAY
    assert learning_overview.overview(ctx, COORDINATOR, challenge.id).ideas[0].nudged_today
    clock.advance(days=1)
    learning_overview.nudge(ctx, COORDINATOR, made[0].id)
    assert len(outbox_rows(ctx, "learning_nudge")) == 4
    with pytest.raises(LairError) as err:
        learning_overview.nudge(ctx, author(1), made[0].id)
    assert err.value.code == Code.NOT_A_COORDINATOR


def test_idea_update_finds_your_funded_idea(ctx, clock, funded):
    _challenge, made = funded
    clock.set(FIRST)
    assert learning.form_for_me(ctx, MATE, None).funded.idea.id == made[0].id
    with pytest.raises(LairError) as err:
        learning.form_for_me(ctx, author(2), None)
    assert err.value.code == Code.LEARNING_NO_FUNDED_IDEA


def test_recently_learned_lists_the_latest_across_rounds(ctx, clock, funded):
    _challenge, made = funded
    clock.set(FIRST)
    learning.share(ctx, MATE, made[0].id, DAY1, draft())
    clock.advance(hours=1)
    learning.share(ctx, author(1), made[1].id, DAY1, draft(learned="Texts work."))
    with ctx.transaction() as s:
        recent = learning_overview.recently_learned(s)
    assert [r.update.learned for r in recent] == ["Texts work.", "Sensors fail in wet weather."]


def test_a_team_that_answered_early_gets_no_reminder_for_that_date(ctx, clock, funded):
    from challenges import notices
    from challenges.outbox import MessageKind

    challenge, made = funded
    clock.set(FIRST - timedelta(days=3))
    assert learning.form(ctx, author(0), made[0].id).due_date == DAY1  # the first date to come
    learning.share(ctx, author(0), made[0].id, DAY1, draft())
    clock.set(FIRST)
    schedule.run_due(ctx, challenge.id)
    payload = {"idea_id": made[0].id, "date": DAY1.isoformat()}
    assert notices.facts(ctx, MessageKind.LEARNING_UPDATE, payload) is None  # skipped when sent
    other = {"idea_id": made[1].id, "date": DAY1.isoformat()}
    assert notices.facts(ctx, MessageKind.LEARNING_UPDATE, other).day == DAY1


def test_a_persons_learning_updates_are_in_their_export_and_pseudonymous_after_erasure(
    ctx, clock, funded
):
    from challenges import privacy

    challenge, made = funded
    clock.set(FIRST + timedelta(hours=1))
    learning.share(ctx, MATE, made[0].id, DAY1, draft())
    [row] = privacy.person_data(ctx, COORDINATOR, MATE).sections["learning_updates"]
    assert row["idea_id"] == made[0].id and row["learned"] == "Sensors fail in wet weather."
    erased = privacy.erase_person(ctx, COORDINATOR, MATE)
    with ctx.transaction() as s:
        update = s.exec(select(LearningUpdate)).one()
    assert update.written_by == update.updated_by == erased.pseudonym
    assert update.learned == "Sensors fail in wet weather." and update.spent_pence == 125050


def test_search_finds_an_idea_by_a_word_only_its_learning_update_has(ctx, clock, funded):
    from challenges import search

    challenge, made = funded
    clock.set(FIRST + timedelta(hours=1))
    assert [h.idea_id for h in search.search(ctx, "hygrometers").hits] == []
    learning.share(ctx, MATE, made[0].id, DAY1, draft(learned="Cheap hygrometers corrode."))
    assert [h.idea_id for h in search.search(ctx, "hygrometer").hits] == [made[0].id]
    # A change reaches the index; the old word no longer finds it.
    learning.share(ctx, MATE, made[0].id, DAY1, draft(learned="Sealed sensors last."))
    assert [h.idea_id for h in search.search(ctx, "hygrometer").hits] == []
    assert made[0].id in [h.idea_id for h in search.search(ctx, "sealed").hits]


def _home_statements(ctx):
    from sqlalchemy import event

    from challenges.home import home_for

    seen = []

    def count(*_args):
        seen.append(1)

    event.listen(ctx.db.engine, "before_cursor_execute", count)
    try:
        home = home_for(ctx, COORDINATOR)
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", count)
    return len(seen), home


def test_the_home_counts_each_rounds_learning_as_the_overview_does(ctx, clock, funded):
    """The App Home's line per announced round: the overview's counts, in as many statements
    for three rounds as for one."""
    clock.set(FIRST + timedelta(days=1))
    learning.share(ctx, MATE, funded[1][0].id, DAY1, draft())
    one, home = _home_statements(ctx)
    assert [(r.received, r.due, r.overdue) for r in home.learning_rounds] == [(1, 1, 0)]
    later, _ = decided(ctx)
    decided(ctx, announce=False)  # not announced: no line
    clock.set(FIRST + timedelta(days=8))
    three, home = _home_statements(ctx)
    assert one == three, (one, three)
    assert [r.challenge.id for r in home.learning_rounds] == [later.id, funded[0].id]
    for line in home.learning_rounds:
        view = learning_overview.overview(ctx, COORDINATOR, line.challenge.id)
        totals = tuple(
            view.total(s) for s in (DateState.RECEIVED, DateState.DUE, DateState.OVERDUE)
        )
        assert (line.received, line.due, line.overdue) == totals
    assert (home.learning_rounds[1].received, home.learning_rounds[1].overdue) == (1, 1)
