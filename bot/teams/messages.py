"""How each kind of outbox message looks in Teams: the facts `challenges.notices` gives,
as Adaptive Cards. None when a message no longer applies (the sender then skips it)."""

from __future__ import annotations

from microsoft_teams.api import MessageActivityInput

from bot.teams import views
from challenges import decisions, directory, learning, notices, scoring
from challenges.context import Context
from challenges.outbox import MessageKind
from storage.models import OutboxMessage


def render(ctx: Context, message: OutboxMessage) -> MessageActivityInput | None:
    facts = notices.facts(ctx, MessageKind(message.kind), message.payload)
    return (
        None
        if facts is None
        else render_facts(facts, _names(ctx.in_workspace(message.workspace_id), facts))
    )


def _names(ctx: Context, facts: object) -> views.Names:
    """People's names for a message that names people (never their ids)."""
    match facts:
        case notices.IdeaCard(view=view):
            ids = [view.idea.author_id, *view.team]
        case scoring.PanelCard(team=team):
            ids = team
        case decisions.Results(winners=winners):
            ids = [u for w in winners for u in w.team]
        case learning.LearningCard(by=by):
            ids = [by] if by else []
        case _:
            return str
    known = directory.names(ctx, ids)
    return lambda user: known.get(user, "a colleague")


def render_facts(facts: object, names: views.Names = str) -> MessageActivityInput:
    match facts:
        case notices.IdeaCard(view=view, votes=votes):
            return views.idea_card(view, votes, names)
        case notices.StageNews():
            return views.stage_news(facts)
        case notices.Reminder():
            return views.reminder(facts)
        case notices.PanelNudge():
            return views.panel_nudge(facts)
        case notices.AuthorNotice():
            return views.author_notice(facts)
        case notices.IdeaModerated():
            return views.idea_moderated(facts)
        case notices.LearningDue():
            return views.learning_due(facts)
        case learning.LearningNudge():
            return views.learning_nudge(facts)
        case learning.LearningCard():
            return views.learning_card(facts, names)
        case notices.Unsendable():
            return views.unsendable_report(facts)
        case scoring.PanelCard():
            return views.panel_parent(facts, names)
        case decisions.Results():
            return views.results(facts, names)
        case decisions.Outcome():
            return views.outcome(facts)
    raise TypeError(f"no Teams view for {type(facts).__name__}")
