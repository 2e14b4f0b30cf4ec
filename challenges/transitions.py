"""Moving a challenge from one stage to the next: the one function everyone calls.

A coordinator's advance command and the scheduler both call `advance`. It is a compare-and-set
on the stage column, so two callers racing to move the same challenge produce one
transition and one set of announcements (written to the outbox in the same
transaction).
"""

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session

from challenges import announcements, audit, outbox, places, shortlist, timeline, voting
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import NotDue, StageChanged, WrongStage
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.models import Challenge

OnEnter = Callable[[Session, Challenge, Context], None]
SCHEDULER = "scheduler"  # the actor recorded for stage changes the schedule makes

# What entering a stage does, in this order, inside the stage change's own transaction,
# after the stage column has moved and the stage's announcement has been queued (so the
# announcement reaches the channel before any card is redrawn).
ON_ENTER: dict[Stage, tuple[OnEnter, ...]] = {
    # Cards gain their Vote button; every author hears their ideas are in the vote.
    Stage.VOTING: (voting.refresh_cards, announcements.tell_authors_voting_is_open),
    # The shortlist is drawn up and posted to the panel; cards lose the button, show counts.
    Stage.PANEL: (shortlist.shortlist_on_panel, voting.refresh_cards),
}


def advance(
    ctx: Context,
    *,
    challenge_id: int,
    actor: str,
    expected: Stage | None = None,
    by_schedule: bool = False,
) -> Stage:
    """Move the challenge on one stage. Returns the new stage.

    `expected` is the stage the caller believes the challenge is in; if it has
    already moved on, StageChanged is raised and nothing happens. `by_schedule`
    (the clock) skips the coordinator check but moves the challenge only if the
    current stage's close, read inside this transaction, has come: a date edited
    later after the clock looked raises NotDue and nothing happens.
    """
    now = ctx.now()
    with ctx.transaction() as session:
        if not by_schedule:
            require_coordinator(session, ctx, actor)
        challenge = get_challenge(session, challenge_id)
        current = Stage(challenge.stage)
        if expected is not None and current != expected:
            raise StageChanged(
                Code.ALREADY_AT_STAGE, challenge=challenge.title, stage=current.label
            )
        if by_schedule:
            due = timeline.ends_at(challenge)
            if due is None or due > now:
                raise NotDue(Code.NOT_DUE, challenge=challenge.title, stage=current.label)
        target = current.next()
        if target is None:
            raise WrongStage(Code.NO_STAGE_AFTER_CLOSED, challenge=challenge.title)
        moved = session.execute(
            update(Challenge)
            .where(Challenge.id == challenge_id, Challenge.stage == current.value)
            .values(stage=target.value, stage_changed_at=now, updated_at=now)
        )
        if moved.rowcount != 1:
            raise StageChanged(Code.STAGE_JUST_MOVED, challenge=challenge.title)
        session.refresh(challenge)
        audit.record(
            session, actor=actor, action="stage.changed", at=now, challenge_id=challenge_id,
            subject=f"challenge:{challenge_id}", **{"from": current.value, "to": target.value,
            "by_schedule": by_schedule},
        )  # fmt: skip
        outbox.enqueue(
            session, key=f"challenge:{challenge_id}:stage:{target.value}",
            kind=outbox.MessageKind.STAGE_ANNOUNCEMENT, to=outbox.to_channel(challenge.channel_id),
            payload={"challenge_id": challenge_id, "stage": target.value}, now=now,
            challenge=challenge,
            save_as=places.announcement(challenge_id) if target == Stage.SUBMISSIONS else None,
        )  # fmt: skip
        for fn in ON_ENTER.get(target, ()):
            fn(session, challenge, ctx)
        return target
