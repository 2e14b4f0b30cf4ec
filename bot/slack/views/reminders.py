"""Reminders before a close, the panel's scoring nudges, and authors' stage notices."""

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, MarkdownTextObject, SectionBlock

from bot.slack.views.cards import submit_button
from bot.slack.views.text import capped_lines, channel, clip_mrkdwn, escape, fit, stop, when
from challenges.notices import Unsendable
from challenges.outbox import MessageKind
from challenges.stages import Stage
from storage.models import Challenge, Idea


def _ideas(ideas: Sequence[Idea], limit: int = 20) -> str:
    """Up to `limit` ideas, one a line, within a section's text."""
    lines = [f"• *{fit(i.title, 500)}* (#{i.id})" for i in ideas]
    return capped_lines(None, lines[:limit], limit=2900, more=len(ideas) - limit)


def _plain(line: str) -> str:
    return clip_mrkdwn(line.replace("*", ""), 300)


def reminder(
    challenge: Challenge, stage: Stage, close: datetime, *, scored: int = 0, expected: int = 0
) -> tuple[str, list[Block]]:
    """Posted in the challenge channel (or, for the panel, the panel channel) before a close."""
    title, at = escape(challenge.title), when(close, challenge.timezone)
    if stage == Stage.SUBMISSIONS:
        line = f"⏰ *Ideas for {title} close {at}.* There is still time: press the button or type `/idea`."
        return _plain(line), [
            SectionBlock(text=MarkdownTextObject(text=line)),
            ActionsBlock(elements=[submit_button(challenge)]),
        ]
    if stage == Stage.VOTING:
        line = (
            f"⏰ *Voting for {title} closes {at}.* You have {challenge.vote_budget} votes to use "
            "on the ideas above; `/idea mine` shows where your own ideas stand."
        )
    else:
        line = (
            f"⏰ *Scoring for {title} closes {at}.* {scored} of {expected} scorecards are in. "
            "Open each idea's thread below and press *Score*."
        )
    return _plain(line), [SectionBlock(text=MarkdownTextObject(text=line))]


def panel_nudge(
    challenge: Challenge, close: datetime, ideas: Sequence[Idea]
) -> tuple[str, list[Block]]:
    """A DM to a panel member who still has shortlisted ideas to score."""
    count = f"{len(ideas)} idea{'s' if len(ideas) != 1 else ''}"
    line = (
        f"⏰ Scoring for *{escape(challenge.title)}* closes {when(close, challenge.timezone)}. "
        f"You have {count} left to score:"
    )
    where = f"Open each idea's thread in {channel(challenge.panel_channel_id)} and press *Score*."
    return _plain(line), [
        SectionBlock(text=MarkdownTextObject(text=line)),
        SectionBlock(text=MarkdownTextObject(text=_ideas(ideas))),
        SectionBlock(text=MarkdownTextObject(text=where)),
    ]


def author_voting_open(challenge: Challenge, ideas: Sequence[Idea]) -> tuple[str, list[Block]]:
    """A DM to an author when voting opens on their ideas."""
    yours = "Your idea is" if len(ideas) == 1 else "Your ideas are"
    line = (
        f"🗳️ Voting is open for *{escape(challenge.title)}*{stop(challenge.title)} {yours} in the vote; tell colleagues "
        f"where to find {'it' if len(ideas) == 1 else 'them'} in {channel(challenge.channel_id)}."
    )
    if challenge.voting_close_at:
        line += f" Voting closes {when(challenge.voting_close_at, challenge.timezone)}."
    return _plain(line), [
        SectionBlock(text=MarkdownTextObject(text=line)),
        SectionBlock(text=MarkdownTextObject(text=_ideas(ideas))),
    ]


def idea_moderated(
    idea: Idea, challenge: Challenge, reason: str, restored: bool
) -> tuple[str, list[Block]]:
    """A DM to an author whose idea a coordinator removed (with why) or restored."""
    title = f"*{fit(idea.title, 100)}* (#{idea.id}) in *{fit(challenge.title, 150)}*"
    if restored:
        line = (f"Your idea {title} is back: a coordinator restored it. Its card is in "
                f"{channel(challenge.channel_id)} again; votes it had before were returned to "
                "their voters, who can back it again.")  # fmt: skip
    else:
        line = (f"A coordinator removed your idea {title}, because: {fit(reason, 1000)}\n"
                "Its card now reads “Removed by the coordinator”, and any votes it had went back "
                "to their voters. If you think this is a mistake, reply to the coordinator who "
                "runs the challenge.")  # fmt: skip
    return _plain(line), [SectionBlock(text=MarkdownTextObject(text=line))]


WHAT = {
    MessageKind.IDEA_CARD: "the card of an idea",
    MessageKind.CARD_UPDATE: "an update to an idea's card",
    MessageKind.STAGE_ANNOUNCEMENT: "a stage announcement",
    MessageKind.PANEL_PARENT: "an idea's message in the panel channel",
    MessageKind.RESULTS: "the results announcement",
    MessageKind.OUTCOME: "an author's outcome message",
}


def unsendable_report(report: Unsendable) -> tuple[str, list[Block]]:
    """A DM to the challenge's coordinator: a message Slack will never accept was dropped."""
    what = WHAT.get(report.kind, "a message")
    if report.idea is not None:
        what += f" (*{fit(report.idea.title, 500)}*, #{report.idea.id})"
    line = (
        f"⚠️ Lair could not post {what} for *{fit(report.challenge.title, 750)}*: Slack refused "
        f"it ({fit(report.error, 300)}). It was left out; the messages after it were sent."
    )
    if report.idea is not None:
        line += " Its author can shorten the idea with `/idea mine` → Edit."
    return _plain(line), [SectionBlock(text=MarkdownTextObject(text=line))]
