"""How each kind of outbox message looks in Teams: the facts `challenges.notices` gives,
as Adaptive Cards. None when a message no longer applies (the sender then skips it)."""

from __future__ import annotations

from microsoft_teams.api import MessageActivityInput

from bot.teams import views
from challenges import decisions, notices, scoring
from challenges.context import Context
from challenges.outbox import MessageKind
from storage.models import OutboxMessage


def render(ctx: Context, message: OutboxMessage) -> MessageActivityInput | None:
    facts = notices.facts(ctx, MessageKind(message.kind), message.payload)
    return None if facts is None else render_facts(facts)


def render_facts(facts: object) -> MessageActivityInput:
    match facts:
        case notices.IdeaCard(view=view, votes=votes):
            return views.idea_card(view, votes)
        case notices.StageNews():
            return views.stage_news(facts)
        case notices.Reminder():
            return views.reminder(facts)
        case notices.PanelNudge():
            return views.panel_nudge(facts)
        case notices.AuthorNotice():
            return views.author_notice(facts)
        case notices.LearningDue():
            return views.learning_due(facts)
        case scoring.PanelCard():
            return views.panel_parent(facts)
        case decisions.Results():
            return views.results(facts)
        case decisions.Outcome():
            return views.outcome(facts)
    raise TypeError(f"no Teams view for {type(facts).__name__}")
