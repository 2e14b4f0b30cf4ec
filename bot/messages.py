"""How each kind of outbox message looks in Slack."""

from collections.abc import Callable

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from sqlalchemy import func
from sqlmodel import select

from bot.views import cards
from bot.views import decisions as decision_views
from bot.views import panel as panel_views
from challenges import decisions, ideas, scoring, setup
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


def panel_parent_for(ctx: Context, idea_id: int) -> Rendered:
    card = scoring.panel_card(ctx, idea_id)
    with ctx.db.transaction() as session:
        criteria = setup.criteria_of(session, card.challenge.id)
    return panel_views.panel_parent(card, criteria)


@renders(MessageKind.PANEL_PARENT)
def _panel_parent(ctx: Context, message: OutboxMessage) -> Rendered:
    return panel_parent_for(ctx, message.payload["idea_id"])


@renders(MessageKind.RESULTS)
def _results(ctx: Context, message: OutboxMessage) -> Rendered:
    return decision_views.results_message(decisions.results(ctx, message.payload["challenge_id"]))


@renders(MessageKind.OUTCOME)
def _outcome(ctx: Context, message: OutboxMessage) -> Rendered:
    return decision_views.outcome_message(decisions.outcome(ctx, message.payload["idea_id"]))
