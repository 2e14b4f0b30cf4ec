"""Adaptive Card building blocks (microsoft-teams-cards), and how people's text goes on them.

Text a person typed never goes through markdown: it is put in a `TextRun` (which Teams
shows as typed), so `<at>…</at>`, HTML, `**bold**` or `[a](link)` in a title stay text —
never a mention, a link or formatting. Lair's own words use `TextBlock` markdown.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from microsoft_teams.api import Attachment, MessageActivityInput
from microsoft_teams.cards import (
    AdaptiveCard,
    ExecuteAction,
    Fact,
    FactSet,
    RichTextBlock,
    SubmitAction,
    TextBlock,
    TextRun,
)

CARD_VERSION = "1.5"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"


def clip(text: str, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def sent_len(text: str) -> int:
    """How long `text` is in the card's JSON as sent (an emoji is 12 characters, a newline 2)."""
    return len(json.dumps(text)) - 2


def clip_sent(text: str, limit: int) -> str:
    """Shorten so the text is at most `limit` characters in the card's JSON, ending with an
    ellipsis when cut (Teams' limits are on the message as sent)."""
    text = text or ""
    if sent_len(text) <= limit:
        return text
    room, kept = limit - sent_len("…"), 0
    for n, char in enumerate(text):
        room -= sent_len(char)
        if room < 0:
            kept = n
            break
    return text[:kept].rstrip() + "…"


def said(text: str, *, bold: bool = False, size: str | None = None, subtle: bool = False,
         limit: int = 3000) -> RichTextBlock:  # fmt: skip
    """Someone's own words, shown exactly as typed (no markdown, no mentions), at most `limit`
    characters as sent."""
    run = TextRun(text=clip_sent(text, limit) or " ")
    if bold:
        run.weight = "Bolder"
    if size:
        run.size = size
    if subtle:
        run.is_subtle = True
    return RichTextBlock(inlines=[run])


def words(text: str, *, bold: bool = False, subtle: bool = False, size: str | None = None,
          color: str | None = None) -> TextBlock:  # fmt: skip
    """Lair's own words (markdown allowed; never a person's text)."""
    block = TextBlock(text=text, wrap=True)
    if bold:
        block.weight = "Bolder"
    if subtle:
        block.is_subtle = True
    if size:
        block.size = size
    if color:
        block.color = color
    return block


def facts(pairs: Iterable[tuple[str, str]]) -> FactSet:
    """Label → value pairs; values are Lair's own (money, counts, dates), never a person's text."""
    return FactSet(facts=[Fact(title=label, value=value) for label, value in pairs])


def labelled(label: str, text: str, *, limit: int = 1400) -> list:
    """A heading of Lair's and a person's text under it."""
    return [words(label, bold=True), said(text, limit=limit)]


def execute(title: str, verb: str, **data) -> ExecuteAction:
    """A button Teams answers through Lair (Action.Execute needs a verb; routing keys ride in data)."""
    return ExecuteAction(title=title, verb=verb, data={"verb": verb, **data})


def open_dialog(title: str, dialog: str, **data) -> SubmitAction:
    """A button that opens one of Lair's dialogs (task/fetch)."""
    return SubmitAction(
        title=title, data={"msteams": {"type": "task/fetch"}, "dialog": dialog, **data}
    )


def card(body: Sequence, actions: Sequence = ()) -> AdaptiveCard:
    return AdaptiveCard(version=CARD_VERSION, body=list(body), actions=list(actions) or None)


def as_json(adaptive: AdaptiveCard) -> dict:
    return adaptive.model_dump(mode="json", by_alias=True, exclude_none=True)


def message(adaptive: AdaptiveCard, summary: str) -> MessageActivityInput:
    """An activity carrying one card; `summary` is the notification text (Lair's words only)."""
    activity = MessageActivityInput(summary=clip(summary, 200))
    activity.add_attachments(Attachment(content_type=CARD_TYPE, content=as_json(adaptive)))
    return activity


def note(text: str) -> MessageActivityInput:
    """A short message of Lair's own words, in a card so it looks the same everywhere."""
    return message(card([words(text)]), text)


def plain_note(text: str) -> MessageActivityInput:
    """A short message that may quote people's text (a refusal): shown exactly as written."""
    return message(card([said(text, limit=3000)]), text)
