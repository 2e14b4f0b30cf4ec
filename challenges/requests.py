"""Idempotency for redelivered requests: remember each request's key once."""

from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from challenges.context import Context
from storage.models import ProcessedRequest


def first_time(ctx: Context, key: str) -> bool:
    """True the first time `key` is seen; False for a redelivery or a duplicate."""
    try:
        with ctx.transaction() as session:
            session.add(ProcessedRequest(key=key[:200], seen_at=ctx.now()))
        return True
    except IntegrityError:
        return False


def forget_older_than(ctx: Context, age: timedelta = timedelta(days=2)) -> int:
    with ctx.transaction() as session:
        result = session.execute(
            delete(ProcessedRequest).where(ProcessedRequest.seen_at < ctx.now() - age)
        )
        return result.rowcount or 0
