"""Reminders before a close, the panel's scoring nudges, and authors' stage notices."""

from collections.abc import Sequence
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, MarkdownTextObject, SectionBlock

from bot.slack.views.cards import submit_button
from bot.slack.views.text import channel, clip, escape, stop, when
from challenges.stages import Stage
from storage.models import Challenge, Idea


def _ideas(ideas: Sequence[Idea], limit: int = 20) -> str:
    lines = [f"• *{escape(clip(i.title, 100))}* (#{i.id})" for i in ideas[:limit]]
    if len(ideas) > limit:
        lines.append(f"…and {len(ideas) - limit} more.")
    return "\n".join(lines)


def _plain(line: str) -> str:
    return clip(line.replace("*", ""), 300)


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
    title = (
        f"*{escape(clip(idea.title, 100))}* (#{idea.id}) in *{escape(clip(challenge.title, 150))}*"
    )
    if restored:
        line = (f"Your idea {title} is back: a coordinator restored it. Its card is in "
                f"{channel(challenge.channel_id)} again; votes it had before were returned to "
                "their voters, who can back it again.")  # fmt: skip
    else:
        line = (f"A coordinator removed your idea {title}, because: {escape(reason)}\n"
                "Its card now reads “Removed by the coordinator”, and any votes it had went back "
                "to their voters. If you think this is a mistake, reply to the coordinator who "
                "runs the challenge.")  # fmt: skip
    return _plain(line), [SectionBlock(text=MarkdownTextObject(text=line))]
