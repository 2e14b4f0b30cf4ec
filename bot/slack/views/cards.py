"""Channel messages: a challenge's stage announcements and each idea's card."""

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.ids import Action
from bot.slack.views.text import (
    HEADER,
    capped_lines,
    clip,
    clip_mrkdwn,
    escape,
    fit,
    mention,
    plain,
    stop,
    when,
)
from challenges.ideas import tallies_visible
from challenges.money import format_pounds
from challenges.stages import Stage, voting_open
from storage.enums import IdeaStatus
from storage.models import Challenge, Idea


def submit_button(challenge: Challenge) -> ButtonElement:
    return ButtonElement(
        text="Submit an idea",
        action_id=Action.SUBMIT_IDEA.value,
        value=str(challenge.id),
        style="primary",
    )


def stage_announcement(
    challenge: Challenge, stage: Stage, *, shortlist: Sequence[Idea] = ()
) -> tuple[str, list[Block]]:
    """The message posted in the challenge channel when `stage` begins.

    Rendered when sent: `shortlist` is the shortlist then; a catch-up announcement of a
    stage the challenge has already left carries no Submit button.
    """
    title = escape(challenge.title)
    zone = challenge.timezone
    if stage == Stage.SUBMISSIONS:
        text = f"New challenge: {title}"
        blocks: list[Block] = [
            HeaderBlock(text=plain(f"💡 {challenge.title}", HEADER)),
            SectionBlock(text=MarkdownTextObject(text=fit(challenge.brief, 2900) or " ")),
            SectionBlock(
                fields=[
                    MarkdownTextObject(text=f"*Fund pot*\n{format_pounds(challenge.fund_pot)}"),
                    MarkdownTextObject(
                        text=f"*Up to*\n{format_pounds(challenge.max_award)} an idea"
                    ),
                    MarkdownTextObject(
                        text="*Ideas close*\n"
                        + (
                            when(challenge.submissions_close_at, zone)
                            if challenge.submissions_close_at
                            else "when the coordinator says"
                        )
                    ),
                    MarkdownTextObject(text=f"*Votes each*\n{challenge.vote_budget}"),
                ]
            ),
            *(
                [ActionsBlock(elements=[submit_button(challenge)])]
                if challenge.stage == Stage.SUBMISSIONS
                else []
            ),
            ContextBlock(
                elements=[
                    MarkdownTextObject(text="Or type `/idea` anywhere. `/idea help` explains more.")
                ]
            ),
        ]
        return text, blocks
    lines = {
        Stage.VOTING: f"🗳️ *Voting is open for {title}{stop(challenge.title)}* Use the Vote buttons on the ideas above — "
        f"you have {challenge.vote_budget} votes. "
        + (
            f"Voting closes {when(challenge.voting_close_at, zone)}."
            if challenge.voting_close_at
            else "The coordinator will say when voting closes."
        ),  # fmt: skip
        Stage.PANEL: f"🔒 *Voting has closed for {title}{stop(challenge.title)}* The shortlist goes to the panel.",
        Stage.DECIDED: f"⚖️ *The panel has finished scoring {title}{stop(challenge.title)}* Decisions follow shortly.",
        Stage.CLOSED: f"✅ *{title} is closed.* Thank you to everyone who took part.",
        Stage.DRAFT: f"{title} is back in draft.",
    }
    line = lines[stage]
    blocks = [SectionBlock(text=MarkdownTextObject(text=line))]
    if stage == Stage.PANEL and shortlist:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=shortlist_text(shortlist))))
    return clip_mrkdwn(line.replace("*", ""), 300), blocks


def shortlist_text(ideas: Sequence[Idea], *, limit: int = 2900) -> str:
    """The shortlist as mrkdwn lines, kept inside one section's 3,000 characters."""
    return capped_lines(
        f"*The shortlist ({len(ideas)})*",
        [f"• *{fit(idea.title, 500)}* (#{idea.id})" for idea in ideas],
        limit=limit,
    )


def idea_card(
    idea: Idea, challenge: Challenge, team: list[str], *, votes: int | None = None
) -> tuple[str, list[Block]]:
    """An idea as posted in the challenge channel. `votes` is shown only where tallies are visible."""
    if idea.status == IdeaStatus.REMOVED:
        return removed_card(idea, challenge)
    who = "Anonymous" if idea.anonymous else ", ".join(mention(u) for u in [idea.author_id, *team])
    fields = [
        MarkdownTextObject(text=f"*Asking for*\n{format_pounds(idea.funding_requested)}"),
        MarkdownTextObject(text=f"*From*\n{who}"),
    ]
    if idea.theme:
        fields.append(MarkdownTextObject(text=f"*Theme*\n{fit(idea.theme, 1900)}"))
    if votes is not None and tallies_visible(challenge):
        fields.append(MarkdownTextObject(text=f"*Votes*\n{votes}"))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(idea.title)}*")),
        SectionBlock(text=MarkdownTextObject(text=f"*Problem*\n{fit(idea.problem, 1400)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Proposal*\n{fit(idea.proposal, 1400)}")),
        SectionBlock(fields=fields),
    ]
    if idea.status == "withdrawn":
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text="_Withdrawn by its author._")])
        )
    elif voting_open(challenge):
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(text="Vote", action_id=Action.VOTE.value, value=str(idea.id))
                ]
            )
        )
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Idea #{idea.id} · {fit(challenge.title, 1000)}")]
        )
    )
    return f"New idea: {escape(idea.title)}", blocks


REMOVED_TEXT = "Removed by the coordinator"


def removed_card(idea: Idea, challenge: Challenge) -> tuple[str, list[Block]]:
    """An idea a coordinator hid: nothing of it is shown but that it was removed."""
    return REMOVED_TEXT, [
        SectionBlock(text=MarkdownTextObject(text=f"_{REMOVED_TEXT}._")),
        ContextBlock(
            elements=[
                MarkdownTextObject(text=f"Idea #{idea.id} · {escape(clip(challenge.title, 200))}")
            ]
        ),
    ]
