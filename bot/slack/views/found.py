"""Ideas found by search, and similar ideas shown before a new one goes in. Never an author."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack.ids import Action, Callback
from bot.slack.metadata import SimilarCheckMetadata
from bot.slack.views.text import clip, escape
from challenges.money import format_pounds
from challenges.search import Found, SearchResults
from challenges.similar import HeldBack
from storage.enums import Outcome

OUTCOME_WORDS = {Outcome.DONT_FUND: "not funded", Outcome.DEFER: "deferred"}


def standing(found: Found, *, this_round: int | None = None) -> str:
    """Where an idea stands: "funded £4,000 in 2026", "this round, 12 votes", "Voting"."""
    if found.outcome == Outcome.FUND:
        return f"funded {format_pounds(found.award)} in {found.year}"
    if found.outcome is not None:
        return f"{OUTCOME_WORDS[found.outcome]} in {found.year}"
    votes = (
        f", {found.votes:,} vote{'s' if found.votes != 1 else ''}"
        if found.votes is not None
        else ""
    )
    if found.challenge_id == this_round:
        return f"this round{votes}"
    return f"{found.stage.label.lower()} in {found.year}{votes}"


def found_line(found: Found, *, this_round: int | None = None, link: str | None = None) -> str:
    title = escape(clip(found.title, 100))
    title = f"<{link}|{title}>" if link else title
    where = (
        ""
        if found.challenge_id == this_round
        else f" · _{escape(clip(found.challenge_title, 80))}_"
    )
    return f"*{title}* (#{found.idea_id}) — {standing(found, this_round=this_round)}{where}"


def similar_modal(held: HeldBack) -> View:
    """The idea form's second page: similar ideas, Submit anyway or Back to edit."""
    count = len(held.similar)
    lines = [f"• {found_line(s.found, this_round=held.challenge.id)}" for s in held.similar]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{'An idea like yours has' if count == 1 else f'{count} ideas like yours have'} "
                "been put forward before.* Have a look: you may want to join forces, build on "
                "what they learned, or say how yours differs."
            )
        ),
        SectionBlock(text=MarkdownTextObject(text="\n".join(lines)[:2900])),
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Back to edit",
                    action_id=Action.BACK_TO_EDIT.value,
                    value=str(held.check_id),
                )
            ]
        ),
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Your idea is not refused: *Submit anyway* sends it in as it is."
                )
            ]
        ),
    ]
    return View(
        type="modal",
        callback_id=Callback.IDEA_SIMILAR.value,
        title=PlainTextObject(text="Similar ideas"),
        submit=PlainTextObject(text="Submit anyway"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=SimilarCheckMetadata(check_id=held.check_id).dump(),
        blocks=blocks,
    )


def search_blocks(query: str, results: SearchResults, links: dict[int, str]) -> list[Block]:
    """Search results, best first, each with its round, outcome and a link to its card."""
    if not results.terms:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text="Type some words to search for, e.g. `/idea search bin sensors`."
                )
            )
        ]
    looked_for = escape(" ".join(results.terms))
    if not results.hits:
        return [
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"No ideas match *{looked_for}*. Try fewer or different words."
                )
            )
        ]
    head = (
        f"No idea has all of *{looked_for}*; these have some of those words, best first:"
        if results.some_words
        else f"Ideas matching *{looked_for}*, best first:"
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    for hit in results.hits:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=found_line(hit, link=links.get(hit.idea_id))
                    + (f"\nTheme: {escape(clip(hit.theme, 80))}" if hit.theme else "")
                )
            )
        )
    blocks += [
        DividerBlock(),
        ContextBlock(
            elements=[MarkdownTextObject(text="Every round in this workspace is searched.")]
        ),
    ]
    return blocks


def search_modal(query: str, results: SearchResults, links: dict[int, str]) -> View:
    return View(
        type="modal",
        callback_id=Callback.SEARCH_RESULTS.value,
        title=PlainTextObject(text="Search ideas"),
        close=PlainTextObject(text="Close"),
        blocks=search_blocks(query, results, links),
    )


def notice_modal(title: str, mrkdwn: str) -> View:
    """A page that only tells something (already worded, in mrkdwn)."""
    return View(
        type="modal",
        title=PlainTextObject(text=clip(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=mrkdwn))],
    )
