"""Messages a stage change sends beyond its channel announcement (which `advance` queues)."""

from sqlmodel import Session, select

from challenges import outbox
from challenges.context import Context
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import Challenge, Idea


def author_key(challenge_id: int, user: str) -> str:
    return f"challenge:{challenge_id}:voting-open:author:{user}"


def tell_authors_voting_is_open(session: Session, challenge: Challenge, ctx: Context) -> None:
    """One DM to every author with an idea in the vote, so they can rally support for it."""
    authors = session.exec(
        select(Idea.author_id)
        .where(Idea.challenge_id == challenge.id, Idea.status == IdeaStatus.SUBMITTED)
        .distinct()
        .order_by(Idea.author_id)
    ).all()
    now = ctx.now()
    for author in authors:
        outbox.enqueue(
            session, key=author_key(challenge.id, author), kind=outbox.MessageKind.AUTHOR_NOTICE,
            to=outbox.to_person(author), payload={"challenge_id": challenge.id, "user": author,
                                                  "stage": Stage.VOTING.value},
            now=now, challenge=challenge,
        )  # fmt: skip
