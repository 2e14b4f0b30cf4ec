"""Private lists: my ideas, the challenges, a challenge's status."""

from collections.abc import Mapping

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.ids import Action
from bot.slack.views.text import capped_lines, channel, clip, escape, fit, when
from challenges.ideas import MyIdea
from challenges.money import format_pounds
from challenges.setup import ChallengeNumbers
from challenges.stages import Stage
from challenges.tallies import Standing, Tallies
from storage.models import Challenge

MAX_LISTED = 15  # keeps a message well inside 50 blocks


def _stage(challenge: Challenge, labels: Mapping[int, str]) -> str:
    return labels.get(challenge.id) or Stage(challenge.stage).label


def my_ideas(items: list[MyIdea], labels: Mapping[int, str] = {}) -> list[Block]:  # noqa: B006
    if not items:
        return [
            SectionBlock(
                text=MarkdownTextObject(text="You have no ideas yet. Type `/idea` to submit one.")
            )
        ]
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*Your ideas* ({len(items)})"))
    ]
    for item in items[:MAX_LISTED]:
        idea, challenge = item.idea, item.challenge
        status = {"withdrawn": "Withdrawn", "removed": "Removed by the coordinator"}.get(
            idea.status, _stage(challenge, labels)
        )
        if idea.shortlisted and challenge.stage in (Stage.PANEL, Stage.DECIDED):
            status = "Shortlisted"
        votes = f" · {item.votes} votes" if item.votes is not None else ""
        role = "" if item.role == "author" else " · you are on the team"
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape(idea.title)}* (#{idea.id})\n{escape(clip(challenge.title, 150))} · "
                    f"{format_pounds(idea.funding_requested)} · {status}{votes}{role}"
                )
            )
        )
        if (
            item.role == "author"
            and idea.status == "submitted"  # not withdrawn, not removed by a coordinator
            and challenge.stage in (Stage.SUBMISSIONS, Stage.VOTING)
        ):
            buttons = []
            if challenge.stage == Stage.SUBMISSIONS:
                buttons.append(
                    ButtonElement(text="Edit", action_id=Action.EDIT_IDEA.value, value=str(idea.id))
                )
            buttons.append(
                ButtonElement(
                    text="Withdraw",
                    action_id=Action.WITHDRAW_IDEA.value,
                    value=str(idea.id),
                    style="danger",
                    confirm=ConfirmObject(
                        title="Withdraw this idea?",
                        text=f"“{fit(idea.title, 200)}” will be taken out of the challenge and any votes returned.",
                        confirm="Withdraw",
                        deny="Keep it",
                    ),
                )  # fmt: skip
            )
            blocks.append(ActionsBlock(elements=buttons))
    if len(items) > MAX_LISTED:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text=f"…and {len(items) - MAX_LISTED} older ideas.")]
            )
        )
    return blocks


def challenge_list(challenges: list[Challenge], labels: Mapping[int, str] = {}) -> list[Block]:  # noqa: B006
    if not challenges:
        return [
            SectionBlock(
                text=MarkdownTextObject(text="No challenges yet. `/challenge new` creates one.")
            )
        ]
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="*Challenges*"))]
    for c in challenges[:40]:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*#{c.id} {escape(clip(c.title, 200))}* — {_stage(c, labels)} · {channel(c.channel_id)}"
                )
            )
        )
    if len(challenges) > 40:
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"…and {len(challenges) - 40} more.")])
        )
    return blocks


def challenge_status(
    challenge: Challenge,
    numbers: ChallengeNumbers,
    tallies: Tallies | None = None,
    labels: Mapping[int, str] = {},  # noqa: B006
    similar: dict[int, list[int]] | None = None,
) -> list[Block]:
    z = challenge.timezone
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*#{challenge.id} {escape(challenge.title)}*\nStage: *{_stage(challenge, labels)}*")),
        SectionBlock(
            fields=[
                MarkdownTextObject(text=f"*Ideas*\n{numbers.ideas} ({numbers.withdrawn} withdrawn)"),
                MarkdownTextObject(text=f"*Votes*\n{numbers.votes} from {numbers.voters} people"),
                MarkdownTextObject(text=f"*Panel*\n{numbers.panel_members} members, {numbers.scorecards} scorecards"),
                MarkdownTextObject(text=f"*Fund pot*\n{format_pounds(challenge.fund_pot)} (up to {format_pounds(challenge.max_award)} each)"),
            ]
        ),
        SectionBlock(
            text=MarkdownTextObject(
                text=f"Opens: {when(challenge.opens_at, z)}\nIdeas close: {when(challenge.submissions_close_at, z)}\n"
                f"Voting closes: {when(challenge.voting_close_at, z)}\nPanel closes: {when(challenge.panel_close_at, z)}"
            )
        ),
    ]  # fmt: skip
    if tallies is not None and tallies.standings:
        heading = (
            "*Votes per idea* (hidden from everyone else: this look is in the audit)"
            if tallies.revealed
            else "*Votes per idea*"
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=vote_counts(tallies.standings, heading=heading))
            )
        )
    elif tallies is not None and tallies.hidden:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"Votes per idea are hidden until voting closes, from coordinators too. If you must look (a suspected problem), `/challenge status {challenge.id} --counts` shows them and records that you looked in the audit."
                )
            )
        )
    if similar:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=similar_lines(similar))))
    blocks += [
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(text=f"Times in {z}. Counts are for coordinators only; who voted for what is never shown.")]),
    ]  # fmt: skip
    return blocks


def similar_lines(similar: dict[int, list[int]]) -> str:
    """Ideas submitted although Lair showed their authors similar ones."""
    return capped_lines(
        "*Submitted despite similar ideas*",
        [
            f"#{i} is similar to {', '.join(f'#{s}' for s in others)}"
            for i, others in sorted(similar.items())
        ],
    )


def vote_counts(
    standings: list[Standing], *, heading: str = "*Votes per idea*", limit: int = 2900
) -> str:
    """Votes per idea, most first, as one mrkdwn text within a section's limit."""
    return capped_lines(
        heading,
        [f"{s.votes} · {escape(clip(s.title, 100))} (#{s.idea_id})" for s in standings],
        limit=limit,
    )
