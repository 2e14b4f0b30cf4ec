"""Dialog forms as Adaptive Cards: inputs that keep what was typed, and the domain's
refusals shown under the inputs they are about — nothing is stored until the domain takes
the whole form. Input ids are the domain's field names, so an error's field finds its input.

Every limit on the card (isRequired, maxLength) is a convenience for the person: the domain
checks everything again on submit, whatever the client sends.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from microsoft_teams.cards import (
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    DateInput,
    RichTextBlock,
    SubmitAction,
    TextInput,
    TextRun,
    TimeInput,
    ToggleInput,
)

from bot.teams.cards import CARD_VERSION, clip

TRUE, FALSE = "true", "false"


@dataclass(frozen=True)
class Show:
    """The dialog shows this card (when it opens, or again with the errors)."""

    card: AdaptiveCard
    title: str


@dataclass(frozen=True)
class Say:
    """The dialog shows a short message of Lair's instead (e.g. a refusal)."""

    text: str


Result = Show | Say | None  # None: the dialog closes


def problem(text: str) -> RichTextBlock:
    """An error under an input, shown as written (it may quote what was typed)."""
    return RichTextBlock(inlines=[TextRun(text=text, color="Attention", size="Small")])


def flag(value: Any) -> bool:
    """A Toggle's value as Teams sends it."""
    return str(value).lower() == TRUE


def listed(value: Any) -> list[str]:
    """A multi-select's value ("a,b,c") as a list."""
    if isinstance(value, list | tuple):
        return [str(v) for v in value if str(v)]
    return [v for v in str(value or "").split(",") if v]


class Form:
    """A dialog's card, input by input. `values` are what was typed (a resubmitted form) or
    the starting values; `errors` go under their inputs when the card is made."""

    def __init__(self, values: Mapping[str, Any] | None = None,
                 errors: Mapping[str, str] | None = None):  # fmt: skip
        self.values = dict(values or {})
        self.errors = dict(errors or {})
        self.body: list = []
        self.inputs: list[str] = []

    def add(self, *blocks) -> Form:
        self.body.extend(blocks)
        return self

    def _value(self, id: str, initial: Any) -> str | None:
        value = self.values.get(id, initial)
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return TRUE if value else FALSE
        if isinstance(value, list | tuple):
            return ",".join(str(v) for v in value) or None
        return str(value)

    def _input(self, element) -> Form:
        self.inputs.append(element.id)
        self.body.append(element)
        return self

    def text(self, id: str, label: str, *, initial: Any = None, required: bool = False,
             max_length: int | None = None, multiline: bool = False,
             placeholder: str | None = None) -> Form:  # fmt: skip
        return self._input(TextInput(
            id=id, label=label, is_required=required or None, max_length=max_length,
            is_multiline=multiline or None, placeholder=placeholder,
            error_message=f"Give the {label.lower()}." if required else None,
            value=self._value(id, initial),
        ))  # fmt: skip

    def choices(self, id: str, label: str, options: Iterable[tuple[str, str]], *,
                initial: Any = None, required: bool = False, multi: bool = False,
                expanded: bool = False) -> Form:  # fmt: skip
        """A pick from (value, title) options; `multi` gives "a,b,c"."""
        return self._input(ChoiceSetInput(
            id=id, label=label, is_required=required or None, is_multi_select=multi or None,
            style="expanded" if expanded else "compact", wrap=True,
            choices=[Choice(title=clip(title, 200), value=value) for value, title in options],
            error_message=f"Choose the {label.lower()}." if required else None,
            value=self._value(id, initial),
        ))  # fmt: skip

    def toggle(
        self, id: str, title: str, *, initial: bool = False, label: str | None = None
    ) -> Form:
        return self._input(ToggleInput(id=id, title=title, label=label, value_on=TRUE,
                                       value_off=FALSE, value=self._value(id, initial) or FALSE))  # fmt: skip

    def date(self, id: str, label: str, *, initial: str | None = None) -> Form:
        return self._input(DateInput(id=id, label=label, value=self._value(id, initial)))

    def time(self, id: str, label: str, *, initial: str | None = None) -> Form:
        return self._input(TimeInput(id=id, label=label, value=self._value(id, initial)))

    def card(self, submit: str, data: Mapping[str, Any], *, fallback: str) -> AdaptiveCard:
        """The card, with each error under its input (an error about something not on this
        form goes under `fallback`), and one button that submits `data` and the inputs."""
        placed: dict[str, str] = {}
        for field, message in self.errors.items():
            target = field if field in self.inputs else fallback
            placed[target] = f"{placed[target]} {message}" if target in placed else message
        body: list = []
        for block in self.body:
            body.append(block)
            if getattr(block, "id", None) in placed:
                body.append(problem(placed.pop(block.id)))
        body[:0] = [problem(message) for message in placed.values()]  # no such input at all
        return AdaptiveCard(version=CARD_VERSION, body=body,
                            actions=[SubmitAction(title=submit, data=dict(data))])  # fmt: skip


def view(body: Sequence) -> AdaptiveCard:
    """A dialog that only shows something (it has no button: Teams' own closes it)."""
    return AdaptiveCard(version=CARD_VERSION, body=list(body))
