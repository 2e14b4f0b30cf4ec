"""Messages Lair posted that it needs again: an idea's card (redrawn as its tally or stage
changes), its panel message (whose thread the panel scores in), a challenge's
announcement and results. Each is a `PostedMessage` keyed by what it is; the platform's
own reference (Slack channel + ts; Teams conversation + activity id + service URL) is
kept as data the domain never reads.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from challenges.context import Context
from challenges.scope import workspace_of
from storage.enums import OutboxStatus
from storage.models import OutboxMessage, PostedMessage


def card(idea_id: int) -> str:
    return f"idea:{idea_id}:card"


def panel(idea_id: int) -> str:
    return f"idea:{idea_id}:panel"


def announcement(challenge_id: int) -> str:
    return f"challenge:{challenge_id}:announcement"


def results(challenge_id: int) -> str:
    return f"challenge:{challenge_id}:results"


@dataclass(frozen=True)
class Ref:
    """A platform's reference to one posted message."""

    conversation_id: str
    message_id: str
    service_url: str | None = None


@dataclass(frozen=True)
class Place:
    """Where a message is, or why it has no place yet."""

    ref: Ref | None
    posting: bool  # the message that will make it is still waiting to be sent

    @property
    def posted(self) -> bool:
        return self.ref is not None


def ref_of(row: PostedMessage) -> Ref:
    return Ref(row.conversation_id, row.message_id, row.service_url)


def save(session: Session, key: str, ref: Ref, *, workspace_id: int, challenge_id: int | None,
         idea_id: int | None, outbox_id: int | None, now) -> None:  # fmt: skip
    """Record (or move) the message known as `key`."""
    row = session.get(PostedMessage, key)
    if row is None:
        row = PostedMessage(key=key, workspace_id=workspace_id, challenge_id=challenge_id,
                            idea_id=idea_id, conversation_id="", message_id="")  # fmt: skip
        session.add(row)
    row.conversation_id, row.message_id, row.service_url = (
        ref.conversation_id, ref.message_id, ref.service_url,
    )  # fmt: skip
    row.outbox_id, row.posted_at = outbox_id, now


def find(session: Session, key: str) -> Ref | None:
    row = session.get(PostedMessage, key)
    workspace = workspace_of(session)
    if row is None or (workspace is not None and row.workspace_id != workspace):
        return None
    return ref_of(row)


def known(session: Session, key: str) -> bool:
    """Whether the message `key` is posted, or on its way (a thread under it will be sent)."""
    return find(session, key) is not None or _on_its_way(session, key)


def _on_its_way(session: Session, key: str) -> bool:
    """Whether a message that will become `key` waits in the outbox, unsent."""
    return session.exec(
        select(OutboxMessage.id).where(OutboxMessage.save_as == key,
                                       OutboxMessage.status.in_(_UNSENT))
    ).first() is not None  # fmt: skip


_UNSENT = [OutboxStatus.PENDING.value, OutboxStatus.SENDING.value, OutboxStatus.UNSURE.value]


def place(ctx: Context, key: str) -> Place:
    """Where the message `key` is, and whether one is still on its way (a read)."""
    with ctx.read() as session:
        ref = find(session, key)
        return Place(ref, posting=ref is None and _on_its_way(session, key))


def idea_under(ctx: Context, conversation_id: str, message_id: str) -> int | None:
    """The idea whose panel message is this one (a reply in its thread scores it), if any."""
    with ctx.transaction() as session:
        query = select(PostedMessage).where(
            PostedMessage.conversation_id == conversation_id,
            PostedMessage.message_id == message_id,
            PostedMessage.key.like("idea:%:panel"),
        )
        row = session.exec(query).first()
        workspace = workspace_of(session)
        if row is None or (workspace is not None and row.workspace_id != workspace):
            return None
        return row.idea_id
