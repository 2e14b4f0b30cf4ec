"""Moving a challenge from one stage to the next: the one function everyone calls.

`/challenge advance` and the scheduler both call `advance`. It is a compare-and-set
on the stage column, so two callers racing to move the same challenge produce one
transition and one set of announcements (written to the outbox in the same
transaction).
"""

from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session

from challenges import audit, outbox, timeline
from challenges.context import Context
from challenges.errors import NotDue, StageChanged, WrongStage
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from storage.models import Challenge

# Work done inside the transition's transaction when a stage is entered, after the
# stage column has moved. Later capabilities (shortlist, panel) register here.
OnEnter = Callable[[Session, Challenge, Context], None]
SCHEDULER = "scheduler"  # the actor recorded for stage changes the schedule makes
_on_enter: dict[Stage, list[OnEnter]] = {stage: [] for stage in Stage}


def on_enter(stage: Stage) -> Callable[[OnEnter], OnEnter]:
    def register(fn: OnEnter) -> OnEnter:
        _on_enter[stage].append(fn)
        return fn

    return register


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
    with ctx.db.transaction() as session:
        if not by_schedule:
            require_coordinator(session, ctx, actor)
        challenge = get_challenge(session, challenge_id)
        current = Stage(challenge.stage)
        if expected is not None and current != expected:
            raise StageChanged(
                f"“{challenge.title}” is already at “{current.label}”, so nothing was changed."
            )
        if by_schedule:
            due = timeline.ends_at(challenge)
            if due is None or due > now:
                raise NotDue(f"“{challenge.title}” is not due to leave “{current.label}” yet.")
        target = current.next()
        if target is None:
            raise WrongStage(f"“{challenge.title}” is closed; there is no stage after it.")
        moved = session.execute(
            update(Challenge)
            .where(Challenge.id == challenge_id, Challenge.stage == current.value)
            .values(stage=target.value, stage_changed_at=now, updated_at=now)
        )
        if moved.rowcount != 1:
            raise StageChanged(f"“{challenge.title}” has just moved on; nothing was changed.")
        session.refresh(challenge)
        audit.record(
            session, actor=actor, action="stage.changed", at=now, challenge_id=challenge_id,
            subject=f"challenge:{challenge_id}", **{"from": current.value, "to": target.value,
            "by_schedule": by_schedule},
        )  # fmt: skip
        for fn in _on_enter[target]:
            fn(session, challenge, ctx)
        outbox.enqueue(
            session, key=f"challenge:{challenge_id}:stage:{target.value}",
            kind=outbox.MessageKind.STAGE_ANNOUNCEMENT, target=challenge.channel_id,
            payload={"challenge_id": challenge_id, "stage": target.value}, now=now,
            challenge_id=challenge_id,
        )  # fmt: skip
        return target


# Stage announcements beyond the channel message (e.g. DMs to authors) register here.
from challenges import announcements  # noqa: E402, F401

# Work registered on entering stages lives in these modules; importing them here means
# whoever can move a challenge on also runs it. (They import this module: keep at the end.)
from challenges import shortlist as _shortlist  # noqa: E402, F401
