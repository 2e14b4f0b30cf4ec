"""Lair's dialogs (Teams task modules), one module per surface, and how their results become
the SDK's answers: to a dialog (task/fetch, task/submit) or to the message action that
opened one (composeExtension/fetchTask, composeExtension/submitAction)."""

from __future__ import annotations

from typing import Any

from microsoft_teams.api import (
    AdaptiveCardAttachment,
    CardTaskModuleTaskInfo,
    TaskModuleContinueResponse,
    TaskModuleMessageResponse,
    TaskModuleResponse,
    card_attachment,
)
from microsoft_teams.api.models import MessagingExtensionActionResponse

from bot.teams.dialogs import challenge, decisions, idea, learning, panel  # noqa: F401  (each registers its dialogs)
from bot.teams.dialogs.registry import open_dialog, submit_dialog
from bot.teams.forms import Result, Say, Show
from bot.teams.plain import plain_text
from challenges.inputs import LONG_TEXT_MAX, TITLE_MAX

__all__ = ["as_action", "as_task", "open_dialog", "prefill_from", "submit_dialog"]


def _task(result: Show | Say):
    if isinstance(result, Say):
        return TaskModuleMessageResponse(value=result.text)
    return TaskModuleContinueResponse(value=CardTaskModuleTaskInfo(
        title=result.title, card=card_attachment(AdaptiveCardAttachment(content=result.card)),
    ))  # fmt: skip


def as_task(result: Result) -> TaskModuleResponse | None:
    """The answer to task/fetch or task/submit (None closes the dialog)."""
    return None if result is None else TaskModuleResponse(task=_task(result))


def as_action(result: Result) -> MessagingExtensionActionResponse | None:
    """The answer to a message action's fetchTask or submitAction (None closes the dialog)."""
    return None if result is None else MessagingExtensionActionResponse(task=_task(result))


def prefill_from(message: dict[str, Any]) -> dict[str, str]:
    """An idea started from a message (the message action's payload): its first line as the
    title, all of it as the problem, and its link. The body is HTML: turned into plain text."""
    body = message.get("body") or {}
    content = str(body.get("content") or "")
    text = plain_text(content) if body.get("contentType", "html") == "html" else content.strip()
    first = text.splitlines()[0] if text else ""
    prefill = {"title": first[:TITLE_MAX], "problem": text[:LONG_TEXT_MAX]}
    if message.get("linkToMessage"):
        prefill["source"] = str(message["linkToMessage"])
    return prefill
