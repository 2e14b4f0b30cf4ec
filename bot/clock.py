"""The clock process's scheduler (APScheduler 3): periodic jobs that keep the round moving."""

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot.runtime import Runtime
from challenges import requests

log = logging.getLogger(__name__)


def build_scheduler(runtime: Runtime) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(
        timezone="UTC", job_defaults={"coalesce": True, "max_instances": 1}
    )
    scheduler.add_job(
        runtime.dispatcher.drain, "interval", seconds=5, id="outbox", next_run_time=None
    )
    scheduler.add_job(
        lambda: requests.forget_older_than(runtime.ctx), "interval", hours=1, id="forget-requests"
    )
    return scheduler
