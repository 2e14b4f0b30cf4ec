"""How each kind of outbox message looks in Slack."""

from collections.abc import Callable

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from sqlalchemy import func
from sqlmodel import select

from bot.views import cards
from challenges import ideas, setup
from challenges.context import Context
from challenges.outbox import MessageKind
from challenges.stages import Stage
from storage.models import OutboxMessage, Vote

Rendered = tuple[str, list[Block]]
Renderer = Callable[[Context, OutboxMessage], Rendered]
RENDERERS: dict[str, Renderer] = {}


def renders(kind: MessageKind) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[kind.value] = fn
        return fn

    return register


def render(ctx: Context, message: OutboxMessage) -> Rendered:
    return RENDERERS[message.kind](ctx, message)


def idea_card_for(ctx: Context, idea_id: int) -> Rendered:
    view = ideas.load(ctx, idea_id)
    votes = None
    if ideas.tallies_visible(view.challenge):
        with ctx.db.transaction() as session:
            votes = session.exec(
                select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id)
            ).one()
    return cards.idea_card(view.idea, view.challenge, view.team, votes=votes)


@renders(MessageKind.IDEA_CARD)
@renders(MessageKind.CARD_UPDATE)
def _idea_card(ctx: Context, message: OutboxMessage) -> Rendered:
    return idea_card_for(ctx, message.payload["idea_id"])


@renders(MessageKind.STAGE_ANNOUNCEMENT)
def _stage(ctx: Context, message: OutboxMessage) -> Rendered:
    challenge = setup.load(ctx, message.payload["challenge_id"])
    return cards.stage_announcement(challenge, Stage(message.payload["stage"]))


@renders(MessageKind.DIRECT)
def _direct(ctx: Context, message: OutboxMessage) -> Rendered:
    text = message.payload["text"]
    return text, [SectionBlock(text=MarkdownTextObject(text=text))]
