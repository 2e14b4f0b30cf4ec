"""Wording a code and its facts in a dialect."""

from __future__ import annotations

import re
import string
from typing import Any

from bot.words.catalogue import CATALOGUE
from bot.words.dialects import PLAIN, Dialect
from challenges.errors import InvalidInput, LairError, Problem

_COMMAND = re.compile(r"\[\[([^\[\]]+)\]\]")
_FIELD = r"(\{[A-Za-z_][A-Za-z0-9_]*(?:[:!][^{}]*)?\})"
_STRONG = re.compile(r"\*" + _FIELD + r"\*")
_EXAMPLE = re.compile("`" + _FIELD + "`")
_STRONG_WORDS = re.compile(r"\*([^*{}\n]+)\*")
_FORMATTER = string.Formatter()


def _fact(value: Any, spec: str, dialect: Dialect) -> str:
    if isinstance(value, Problem):  # a part of a sentence with its own wording
        return say_problem(value, dialect)
    if isinstance(value, (list, tuple)):  # a list of problems: one bullet each
        return "".join(f"\n• {_fact(item, spec, dialect)}" for item in value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format(value, spec)
    text = format(value, spec) if spec else ("" if value is None else str(value))
    return dialect.escape(text)


def render(template: str, params: dict[str, Any], dialect: Dialect) -> str:
    """The template with its commands in the dialect's form and its facts escaped."""
    out: list[str] = []
    # A command with a fact in it ([[challenge advance {challenge_id}]]): worded first.
    template = _COMMAND.sub(
        lambda m: (
            _literal(dialect.command(render(m.group(1), params, dialect)))
            if "{" in m.group(1)
            else m.group(0)
        ),
        template,
    )
    strong_fields = {m.group(1) for m in _STRONG.finditer(template)}
    example_fields = {m.group(1) for m in _EXAMPLE.finditer(template)}
    template = _EXAMPLE.sub(lambda m: m.group(1), _STRONG.sub(lambda m: m.group(1), template))
    for literal, name, spec, _conv in _FORMATTER.parse(template):
        literal = _COMMAND.sub(lambda m: dialect.command(m.group(1)), literal)
        out.append(_STRONG_WORDS.sub(lambda m: dialect.strong(m.group(1)), literal))
        if name is None:
            continue
        text = _fact(params[name], spec or "", dialect)
        key = "{" + name + (":" + spec if spec else "") + "}"
        if key in strong_fields:
            text = dialect.strong(text)
        elif key in example_fields:
            text = dialect.example(text)
        out.append(text)
    return "".join(out)


def _literal(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


def say_problem(problem: Problem, dialect: Dialect) -> str:
    return render(CATALOGUE[problem.code], problem.params, dialect)


def say(error: LairError, dialect: Dialect) -> str:
    """A refusal in the dialect's words."""
    return say_problem(error.problem, dialect)


def field_words(error: LairError, fallback: str, dialect: Dialect) -> dict[str, str]:
    """A refusal's words by the input they are about (`fallback` when it names none)."""
    if isinstance(error, InvalidInput):
        return {name: say_problem(p, dialect) for name, p in error.errors.items()}
    return {error.field or fallback: say(error, dialect)}


def plain(problem: Problem) -> str:
    """A problem or note in plain text: for files (the workbook) and the command line."""
    return say_problem(problem, PLAIN)
