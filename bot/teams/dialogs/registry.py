"""Which function opens and which submits each of Lair's dialogs. A dialog is opened by a
button whose data names it (task/fetch, or the "Submit as idea" message action) and its
form's button submits the same name back (task/submit, or composeExtension/submitAction)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.teams.forms import Result
from bot.teams.registry import into
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from challenges.codes import Code
from challenges.errors import LairError

Opener = Callable[[Turn, dict[str, Any]], Result]
Submitter = Callable[[Turn, dict[str, Any]], tuple[Result, list[Reply]]]

OPENERS: dict[str, Opener] = {}
SUBMITTERS: dict[str, Submitter] = {}


def opens(name: str) -> Callable[[Opener], Opener]:
    return into(OPENERS, name)


def submits(name: str) -> Callable[[Submitter], Submitter]:
    return into(SUBMITTERS, name)


def open_dialog(turn: Turn, data: dict[str, Any]) -> Result:
    opener = OPENERS.get(str(data.get("dialog")))
    if opener is None:
        raise LairError(Code.BUTTON_OUT_OF_DATE)
    return opener(turn, data)


def submit_dialog(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    submitter = SUBMITTERS.get(str(data.get("dialog")))
    if submitter is None:
        raise LairError(Code.BUTTON_OUT_OF_DATE)
    return submitter(turn, data)
