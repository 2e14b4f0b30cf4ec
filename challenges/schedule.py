"""The schedule as a service: do what is due now for a challenge, and say when it next needs a look.

The clock (bot/clock.py) calls `run_due` at each challenge's next moment and on every
reconcile; both are safe to call any number of times from any number of processes,
because stage changes are compare-and-sets and every message has a dedupe key.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import select

from challenges import reminders, timeline
from challenges.context import Context
from challenges.errors import StageChanged
from challenges.stages import Stage
from challenges.transitions import SCHEDULER, advance
from storage.models import Challenge, Workspace

# Stages the schedule moves on, and `closed`, whose learning-update reminders it sends.
_SCHEDULED = [s.value for s in timeline.ENDS_BY] + [Stage.CLOSED.value]


@dataclass
class Done:
    stages: list[Stage] = field(default_factory=list)
    reminders: int = 0

    def __bool__(self) -> bool:
        return bool(self.stages or self.reminders)


def _scheduled():
    """Challenges the schedule may still have work for: in a stage it moves on (or closed,
    for learning updates), in a workspace where Lair is still installed — a workspace that
    removed Lair is caught up, each missed stage announced, if it adds Lair again."""
    return (
        select(Challenge)
        .join(Workspace, Workspace.id == Challenge.workspace_id)
        .where(Challenge.stage.in_(_SCHEDULED), Workspace.uninstalled_at.is_(None))
    )


def scheduled_ids(ctx: Context) -> list[int]:
    with ctx.transaction() as session:
        return list(
            session.exec(_scheduled().with_only_columns(Challenge.id).order_by(Challenge.id))
        )


def run_due(ctx: Context, challenge_id: int) -> Done:
    """Make every overdue stage change (in order, each announced), then any due reminder."""
    done = Done()
    for _ in range(len(Stage)):
        with ctx.transaction() as session:
            challenge = session.get(Challenge, challenge_id)
            if challenge is None:
                return done
            stage = Stage(challenge.stage)
            due = timeline.ends_at(challenge)
        if due is None or due > ctx.now():
            break
        try:
            done.stages.append(
                advance(ctx, challenge_id=challenge_id, actor=SCHEDULER, expected=stage,
                        by_schedule=True)
            )  # fmt: skip
        except StageChanged:
            continue  # another clock or a coordinator moved it; look again
    now = ctx.now()
    with ctx.transaction() as session:
        challenge = session.get(Challenge, challenge_id)
        done.reminders = reminders.enqueue_due(session, challenge, now) if challenge else 0
    return done


def next_wakeups(ctx: Context) -> dict[int, datetime]:
    """Challenge id → the next moment the schedule has work for it (only those with one)."""
    now = ctx.now()
    with ctx.transaction() as session:
        rows = session.exec(_scheduled()).all()
        return {c.id: at for c in rows if (at := timeline.next_wakeup(c, now)) is not None}


def next_wakeup(ctx: Context, challenge_id: int) -> datetime | None:
    with ctx.transaction() as session:
        challenge = session.get(Challenge, challenge_id)
        return timeline.next_wakeup(challenge, ctx.now()) if challenge else None
