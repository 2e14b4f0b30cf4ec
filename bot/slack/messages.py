"""How each kind of outbox message looks in Slack."""

from collections.abc import Callable

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock
from sqlalchemy import func
from sqlmodel import select

from bot.slack.views import cards
from bot.slack.views import decisions as decision_views
from bot.slack.views import panel as panel_views
from bot.slack.views import reminders as views_reminders
from challenges import decisions, ideas, reminders, scoring, setup, timeline
from challenges.context import Context
from challenges.outbox import MessageKind
from challenges.stages import Stage
from storage.models import Decision, Idea, OutboxMessage, Scorecard, Vote

Rendered = tuple[str, list[Block]]
# A renderer returns None when the message no longer applies (e.g. a reminder whose close
# has passed by the time its turn comes); the dispatcher then marks it skipped.
Renderer = Callable[[Context, OutboxMessage], Rendered | None]
RENDERERS: dict[str, Renderer] = {}


def renders(kind: MessageKind) -> Callable[[Renderer], Renderer]:
    def register(fn: Renderer) -> Renderer:
        RENDERERS[kind.value] = fn
        return fn

    return register


def render(ctx: Context, message: OutboxMessage) -> Rendered | None:
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
    stage = Stage(message.payload["stage"])
    with ctx.db.transaction() as session:
        challenge = setup.get(session, message.payload["challenge_id"])
        shortlist = reminders.shortlist(session, challenge.id) if stage == Stage.PANEL else []
    return cards.stage_announcement(challenge, stage, shortlist=shortlist)


@renders(MessageKind.REMINDER)
def _reminder(ctx: Context, message: OutboxMessage) -> Rendered | None:
    stage = Stage(message.payload["stage"])
    with ctx.db.transaction() as session:
        challenge = setup.get(session, message.payload["challenge_id"])
        close = timeline.ends_at(challenge)
        if challenge.stage != stage or close is None or close <= ctx.now():
            return None
        scored = expected = 0
        if stage == Stage.PANEL:
            left = sum(len(ideas) for ideas in reminders.unscored(session, challenge.id).values())
            scored = session.exec(
                select(func.count()).select_from(Scorecard).join(Idea, Idea.id == Scorecard.idea_id)
                .where(Idea.challenge_id == challenge.id, Idea.shortlisted == True)  # noqa: E712
            ).one()  # fmt: skip
            expected = scored + left
    return views_reminders.reminder(challenge, stage, close, scored=scored, expected=expected)


@renders(MessageKind.PANEL_NUDGE)
def _panel_nudge(ctx: Context, message: OutboxMessage) -> Rendered | None:
    with ctx.db.transaction() as session:
        challenge = setup.get(session, message.payload["challenge_id"])
        close = timeline.ends_at(challenge)
        if challenge.stage != Stage.PANEL or close is None or close <= ctx.now():
            return None
        left = reminders.unscored(session, challenge.id).get(message.payload["member"])
    return views_reminders.panel_nudge(challenge, close, left) if left else None


@renders(MessageKind.AUTHOR_NOTICE)
def _author_notice(ctx: Context, message: OutboxMessage) -> Rendered | None:
    with ctx.db.transaction() as session:
        challenge = setup.get(session, message.payload["challenge_id"])
        if challenge.stage != Stage.VOTING:
            return None
        theirs = session.exec(
            select(Idea).where(Idea.challenge_id == challenge.id, Idea.status != "withdrawn",
                               Idea.author_id == message.payload["user"]).order_by(Idea.id)
        ).all()  # fmt: skip
    return views_reminders.author_voting_open(challenge, theirs) if theirs else None


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


@renders(MessageKind.LEARNING_UPDATE)
def _learning_update(ctx: Context, message: OutboxMessage) -> Rendered | None:
    view = ideas.load(ctx, message.payload["idea_id"])
    with ctx.db.transaction() as session:
        decision = session.get(Decision, view.idea.id)
    if decision is None or decision.outcome != "fund" or view.idea.status == "withdrawn":
        return None  # no longer funded: nothing to report on
    return views_reminders.learning_update(view.idea, view.challenge, decision.award)
