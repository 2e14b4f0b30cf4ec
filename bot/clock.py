"""The clock: runs each challenge's stage changes and reminders on time (APScheduler 3).

- Each challenge with something ahead gets one `date` job at its next moment (a stage
  close or a reminder); when it fires it does what is due and schedules the next.
- A reconcile every `reconcile_seconds` does anything overdue (catch-up after downtime:
  it also runs once at start) and re-reads every date, so an edited date moves its job.
- Only the holder of the "clock" lease acts. A second clock on the same database keeps
  trying to take the lease and stays idle until the first stops renewing it (it died),
  then takes over within `lease_seconds`. A clean stop hands the lease back at once.

Nothing here is needed for correctness under races: stage changes are compare-and-sets
and every message has a dedupe key; the lease only keeps a standby quiet.
"""

import logging
import os
import socket
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from challenges import lease, requests, retention, schedule
from challenges.context import Context

log = logging.getLogger(__name__)

LEASE = "clock"
_JOB = "challenge:"


class Clock:
    def __init__(
        self,
        ctx: Context,
        *,
        kick: Callable[[], None] = lambda: None,
        holder: str | None = None,
        reconcile_seconds: float = 15.0,
        lease_seconds: float = 60.0,
        retention_days: int = retention.DEFAULT_DAYS,
    ):
        self.ctx = ctx
        self.kick = kick
        self.holder = holder or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.reconcile_seconds = reconcile_seconds
        self.lease_seconds = lease_seconds
        self.retention_days = retention_days
        self.leader = False
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )

    # lifecycle ----------------------------------------------------------------
    def start(self, *, paused: bool = False) -> "Clock":
        self.scheduler.add_job(
            self.reconcile, "interval", seconds=self.reconcile_seconds, id="reconcile",
            next_run_time=datetime.now(UTC),
        )  # fmt: skip
        self.scheduler.add_job(
            lambda: requests.forget_older_than(self.ctx), "interval", hours=1, id="forget-requests"
        )
        self.scheduler.start(paused=paused)
        log.info("clock %s started", self.holder)
        return self

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        if self.leader:
            lease.release(self.ctx, LEASE, self.holder)
            self.leader = False

    def is_leader(self) -> bool:
        return self.leader

    # jobs ---------------------------------------------------------------------
    def reconcile(self) -> None:
        """Do everything overdue, then (re)schedule each challenge's next moment."""
        if not self._hold():
            return
        for challenge_id in schedule.scheduled_ids(self.ctx):
            self._run(challenge_id)
        wakeups = schedule.next_wakeups(self.ctx)
        for job in self.scheduler.get_jobs():
            if job.id.startswith(_JOB) and int(job.id.removeprefix(_JOB)) not in wakeups:
                job.remove()
        for challenge_id, at in wakeups.items():
            self._schedule(challenge_id, at)
        self._retain()
        self.kick()  # also sends what a previous clock left unsent

    def run_challenge(self, challenge_id: int) -> None:
        """The date job: do what is due for one challenge, and schedule its next moment."""
        if not self._hold():
            return
        self._run(challenge_id)
        at = schedule.next_wakeup(self.ctx, challenge_id)
        if at is not None:
            self._schedule(challenge_id, at)

    def job_time(self, challenge_id: int) -> datetime | None:
        job = self.scheduler.get_job(f"{_JOB}{challenge_id}")
        return job.next_run_time if job else None

    # inside -------------------------------------------------------------------
    def _hold(self) -> bool:
        was = self.leader
        try:
            self.leader = lease.acquire(self.ctx, LEASE, self.holder, seconds=self.lease_seconds)
        except Exception:
            log.exception("clock %s could not renew its lease; standing by", self.holder)
            self.leader = False
        if self.leader and not was:
            log.info("clock %s is now the active clock", self.holder)
        elif was and not self.leader:
            log.warning("clock %s lost the lease; standing by", self.holder)
        if not self.leader:
            for job in self.scheduler.get_jobs():
                if job.id.startswith(_JOB):
                    job.remove()
        return self.leader

    def _run(self, challenge_id: int) -> None:
        try:
            done = schedule.run_due(self.ctx, challenge_id)
        except Exception:
            log.exception(
                "challenge %s: scheduled work failed; the next reconcile retries", challenge_id
            )
            return
        if done:
            stages = ", ".join(s.value for s in done.stages) or "none"
            log.info("challenge %s: stages entered: %s; reminders queued: %d",
                     challenge_id, stages, done.reminders)  # fmt: skip
            self.kick()

    def _retain(self) -> None:
        """Reduce the records of rounds closed longer ago than the retention time (once each)."""
        try:
            for done in retention.apply_due(self.ctx, self.retention_days):
                log.info("challenge %s: records reduced after %d days (%d votes kept as counts)",
                         done.challenge_id, self.retention_days, done.votes)  # fmt: skip
        except Exception:
            log.exception("retention failed; the next reconcile retries")

    def _schedule(self, challenge_id: int, at: datetime) -> None:
        job_id = f"{_JOB}{challenge_id}"
        if self.job_time(challenge_id) == at:
            return
        self.scheduler.add_job(
            self.run_challenge, "date", run_date=at, args=[challenge_id], id=job_id,
            replace_existing=True,
        )  # fmt: skip
