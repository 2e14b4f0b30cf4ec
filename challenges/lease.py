"""A named lease in the database, so that of several processes only one acts at a time.

`acquire` is a compare-and-set: it takes the lease if it is free or expired, or renews
it for its holder. Correctness never rests on it (stage changes and sends are
compare-and-sets of their own); it keeps a second clock idle until the first dies.
"""

from datetime import timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.exc import IntegrityError

from challenges.context import Context
from storage.models import Lease


def acquire(ctx: Context, name: str, holder: str, *, seconds: float) -> bool:
    """Take or renew the lease `name` for `holder`. True if `holder` now holds it."""
    now = ctx.now()
    expires = now + timedelta(seconds=seconds)
    with ctx.transaction() as session:
        taken = session.execute(
            update(Lease)
            .where(Lease.name == name, or_(Lease.holder == holder, Lease.expires_at <= now))
            .values(holder=holder, expires_at=expires)
        )
        if taken.rowcount == 1:
            return True
        if session.get(Lease, name) is not None:
            return False
    try:
        with ctx.transaction() as session:
            session.add(Lease(name=name, holder=holder, expires_at=expires))
        return True
    except IntegrityError:  # another process created it first
        return False


def release(ctx: Context, name: str, holder: str) -> None:
    with ctx.transaction() as session:
        session.execute(delete(Lease).where(Lease.name == name, Lease.holder == holder))


def holder_of(ctx: Context, name: str) -> str | None:
    with ctx.transaction() as session:
        lease = session.get(Lease, name)
        return lease.holder if lease and lease.expires_at > ctx.now() else None
