"""How each kind of outbox message looks in Slack: the facts `challenges.notices` gives,
turned into Block Kit. A message whose facts no longer apply is not rendered (None), and
the dispatcher marks it skipped."""

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackObjectFormationError
from slack_sdk.models.blocks import Block

from bot.slack.views import cards
from bot.slack.views import decisions as decision_views
from bot.slack.views import learning as learning_views
from bot.slack.views import panel as panel_views
from bot.slack.views import reminders as views_reminders
from challenges import decisions, learning, notices, places, scoring
from challenges.context import Context
from challenges.outbox import MessageKind
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

Rendered = tuple[str, list[Block]]


def render(ctx: Context, message: OutboxMessage) -> Rendered | None:
    facts = notices.facts(ctx, MessageKind(message.kind), message.payload)
    return None if facts is None else render_facts(facts)


def render_facts(facts: object) -> Rendered:
    match facts:
        case notices.IdeaCard(view=view, votes=votes):
            return cards.idea_card(view.idea, view.challenge, view.team, votes=votes)
        case notices.StageNews(challenge=challenge, stage=stage, shortlist=shortlist):
            return cards.stage_announcement(challenge, stage, shortlist=shortlist)
        case notices.Reminder():
            return views_reminders.reminder(
                facts.challenge, facts.stage, facts.close, scored=facts.scored,
                expected=facts.expected,
            )  # fmt: skip
        case notices.PanelNudge(challenge=challenge, close=close, ideas=todo):
            return views_reminders.panel_nudge(challenge, close, todo)
        case notices.AuthorNotice(challenge=challenge, ideas=theirs):
            return views_reminders.author_voting_open(challenge, theirs)
        case notices.LearningDue(idea=idea, challenge=challenge, award=award, day=day):
            return learning_views.learning_reminder(idea, challenge, award, day)
        case learning.LearningNudge():
            return learning_views.learning_nudge(facts)
        case learning.LearningCard():
            return learning_views.learning_card(facts)
        case notices.IdeaModerated(idea=idea, challenge=challenge, reason=reason, restored=back):
            return views_reminders.idea_moderated(idea, challenge, reason, back)
        case notices.Unsendable():
            return views_reminders.unsendable_report(facts)
        case scoring.PanelCard():
            return panel_views.panel_parent(facts, facts.criteria)
        case decisions.Results():
            return decision_views.results_message(facts)
        case decisions.Outcome():
            return decision_views.outcome_message(facts)
    raise TypeError(f"no Slack view for {type(facts).__name__}")


def idea_card_for(ctx: Context, idea_id: int) -> Rendered:
    return render_facts(notices.idea_card(ctx, idea_id))


def panel_parent_for(ctx: Context, idea_id: int) -> Rendered:
    return render_facts(scoring.panel_card(ctx, idea_id))


def redraw_card(client: WebClient, ctx: Context, idea_id: int) -> bool:
    """Redraw an idea's posted card now (after its author edits or withdraws it). False if
    Slack would not take it: the change itself is saved whatever happens here, so a refusal
    is logged, not raised (the card shows the change at its next redraw)."""
    where = places.place(ctx, places.card(idea_id))
    if not where.posted:
        return True  # not posted yet: the outbox posts it as it is now
    text, blocks = idea_card_for(ctx, idea_id)
    try:
        client.chat_update(
            channel=where.ref.conversation_id, ts=where.ref.message_id, text=text, blocks=blocks
        )
    except (SlackApiError, SlackObjectFormationError) as exc:
        error = exc.response.get("error") if isinstance(exc, SlackApiError) else str(exc)
        log.warning("idea %s: its card could not be redrawn: %s", idea_id, error)
        return False
    return True
