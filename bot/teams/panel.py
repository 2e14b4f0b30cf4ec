"""The panel's words in Teams: the private confirmation after a score (by the Score dialog or
a reply in the idea's thread), the scores a member may see once they have scored, and
scoring by thread reply itself (Slack: bot/slack/listeners/events.py, views/panel.py)."""

from __future__ import annotations

from microsoft_teams.api import MessageActivityInput
from microsoft_teams.cards import AdaptiveCard

from bot.teams import redraw
from bot.teams.cards import card, clip, message, open_dialog, said, words
from bot.teams.forms import view
from bot.teams.ids import Dialog
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, sentence
from challenges import directory, scoring
from storage.models import Criterion


def _line(criteria: list[Criterion], values) -> str:
    """“Impact 4 · Feasibility 3 …” (criterion names are the coordinator's text: shown as typed)."""
    return " · ".join(f"{c.name} {v if isinstance(v, int) else f'{v:.1f}'}"
                      for c, v in zip(criteria, values, strict=True))  # fmt: skip


def confirmation(result: scoring.ScoreResult, *, via_thread: bool) -> MessageActivityInput:
    """What only the scorer sees, in their chat with Lair."""
    values = _line(result.criteria, [result.values[c.key] for c in result.criteria])
    title = Bold(result.idea.title)
    if not result.changed:
        head = sentence("Your scores for ", title, f" are unchanged: {values}.")
    else:
        head = sentence("✅ Scored " if result.created else "✅ Updated your scores for ", title,
                        f": {values}.")  # fmt: skip
    body = [head, words(f"{result.scored} of {result.eligible} panel members have scored it. "
                        "You can change your scores until the panel closes.", subtle=True)]  # fmt: skip
    if via_thread:
        shared = ("Your comment is shared with the author with the results."
                  if result.share_comment and result.comment else
                  "Comments stay within the panel unless you tick **Share** in the Score form.")  # fmt: skip
        body.append(words("Your reply is visible in the thread; the **Score** button keeps scores "
                          f"private. {shared}", subtle=True))  # fmt: skip
    scores = open_dialog("Panel scores", Dialog.PANEL_SCORES, idea=result.idea.id)
    return message(card(body, [scores]), "Your scores")


def score_reply(turn: Turn, idea_id: int, text: str) -> list[Reply]:
    """A reply in an idea's panel thread that scores it. A malformed one is refused with an
    example (the domain's MalformedScore); either way the answer is private."""
    result = scoring.record_reply(turn.ctx, member=turn.user, idea_id=idea_id, text=text)
    if result.changed:
        redraw.panel_parent(turn.ctx, idea_id)
    return [Reply(confirmation(result, via_thread=True))]


def scores_card(turn: Turn, scores: scoring.PanelScores) -> AdaptiveCard:
    """The panel's scores for an idea, for someone allowed to see them (blind scoring: the
    domain refuses anyone else)."""
    criteria = scores.criteria
    counting = [c for c in scores.cards if c.counts]
    body: list = [said(scores.idea.title, bold=True, limit=150),
                  words(f"{scores.scored} of {scores.eligible} panel members have scored.")]  # fmt: skip
    if counting:
        means = [sum(c.values[i] for c in counting) / len(counting) for i in range(len(criteria))]
        body.append(sentence(Bold("Mean — "), _line(criteria, means)))
    names = directory.names(turn.ctx, [c.member for c in scores.cards])
    for member in scores.cards[:45]:
        aside = "" if member.counts else " (conflict declared: not counted)"
        body.append(sentence(Bold(names.get(member.member, "A panel member")), aside))
        body.append(sentence(_line(criteria, member.values), subtle=True))
        if member.comment:
            body.append(said(clip(member.comment, 2500)))
    return view(body)
