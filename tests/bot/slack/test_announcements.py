"""How the schedule's messages look when their turn comes (rendered at send time)."""

from datetime import timedelta

from sqlmodel import select

from bot.slack import messages
from challenges import ideas, schedule, setup
from challenges.clock import format_local
from storage.models import Idea, OutboxMessage, PanelMember
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.test_schedule import OPENS, PANEL_CLOSE, SUBS_CLOSE, VOTE_CLOSE
from tests.conftest import COORDINATOR


def queued(ctx, kind: str) -> list[OutboxMessage]:
    with ctx.db.transaction() as s:
        return list(
            s.exec(
                select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
            )
        )


def as_text(rendered) -> str:
    text, blocks = rendered
    return text + "\n" + "\n".join(str(b.to_dict()) for b in blocks)


def round_at_voting(ctx, clock):
    c = setup.create_challenge(ctx, COORDINATOR, challenge_draft(
        title="Bins <b> & more", opens_at=OPENS, submissions_close_at=SUBS_CLOSE,
        voting_close_at=VOTE_CLOSE, panel_close_at=PANEL_CLOSE))  # fmt: skip
    clock.set(OPENS)
    schedule.run_due(ctx, c.id)
    ideas.submit_idea(ctx, "UA", c.id, idea_draft(title="<!channel> sensors"))
    ideas.submit_idea(ctx, "UB", c.id, idea_draft(title="Route app"))
    clock.set(SUBS_CLOSE)
    schedule.run_due(ctx, c.id)
    return c


def test_voting_closed_announcement_lists_the_shortlist_when_sent(ctx, clock):
    c = round_at_voting(ctx, clock)
    clock.set(VOTE_CLOSE)
    schedule.run_due(ctx, c.id)
    (panel,) = [m for m in queued(ctx, "stage_announcement") if m.payload["stage"] == "panel"]
    # Entering the panel stage shortlisted both (no votes: tied at the cut, so both go in).
    text = as_text(messages.render(ctx, panel))
    assert (
        "The shortlist (2)" in text and "&lt;!channel&gt; sensors" in text and "Route app" in text
    )
    with ctx.db.transaction() as s:  # rendered when sent: a coordinator's later change shows
        s.exec(select(Idea).where(Idea.title == "Route app")).one().shortlisted = False
    text = as_text(messages.render(ctx, panel))
    assert "The shortlist (1)" in text and "&lt;!channel&gt; sensors" in text
    assert "<!channel>" not in text and "Route app" not in text
    assert "Bins &lt;b&gt; &amp; more" in text


def test_a_late_opening_announcement_has_no_submit_button(ctx, clock):
    c = round_at_voting(ctx, clock)
    (opening,) = [
        m for m in queued(ctx, "stage_announcement") if m.payload["stage"] == "submissions"
    ]
    _text, blocks = messages.render(ctx, opening)
    assert all(b.type != "actions" for b in blocks)
    assert setup.load(ctx, c.id).stage == "voting"


def test_reminders_render_until_their_close_then_are_skipped(ctx, clock):
    c = round_at_voting(ctx, clock)
    clock.set(VOTE_CLOSE - timedelta(hours=24))
    schedule.run_due(ctx, c.id)
    (reminder,) = queued(ctx, "reminder")
    text = as_text(messages.render(ctx, reminder))
    assert (
        format_local(VOTE_CLOSE, "Europe/London") in text and "3 votes" in text
    )  # the challenge's zone
    clock.set(VOTE_CLOSE)  # its turn came too late (e.g. Slack was down): not sent at all
    assert messages.render(ctx, reminder) is None


def test_authors_hear_about_their_own_ideas_only(ctx, clock):
    round_at_voting(ctx, clock)
    notices = {m.address: as_text(messages.render(ctx, m)) for m in queued(ctx, "author_notice")}
    assert set(notices) == {"UA", "UB"}
    assert "sensors" in notices["UA"] and "Route app" not in notices["UA"]


def test_panel_nudge_lists_what_is_left_and_is_skipped_once_done(ctx, clock):
    c = round_at_voting(ctx, clock)
    clock.set(VOTE_CLOSE)
    schedule.run_due(ctx, c.id)
    with ctx.db.transaction() as s:
        for idea in s.exec(select(Idea)).all():
            idea.shortlisted = True
        s.add(PanelMember(challenge_id=c.id, user_id="UDRAGON", added_by=COORDINATOR))
    clock.set(PANEL_CLOSE - timedelta(hours=24))
    schedule.run_due(ctx, c.id)
    (nudge,) = queued(ctx, "panel_nudge")
    text = as_text(messages.render(ctx, nudge))
    assert "2 ideas left to score" in text and "Route app" in text and "<#CPANEL>" in text
    (reminder,) = queued(ctx, "reminder")
    assert "0 of 2 scorecards are in" in as_text(messages.render(ctx, reminder))
    with ctx.db.transaction() as s:
        s.exec(select(PanelMember)).one().user_id = "USOMEONE_ELSE"
    assert messages.render(ctx, nudge) is None
