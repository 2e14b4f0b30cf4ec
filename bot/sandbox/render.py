"""Block Kit as plain text for a terminal: how `lair demo` shows what the bot sent."""

import re
import textwrap
from typing import Any

_MENTION = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([A-Z0-9]+)(?:\|([^>]*))?>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_DATE = re.compile(r"<!date\^\d+\^[^|]*\|([^>]*)>")


def plain(text: str, people: dict[str, str] | None = None) -> str:
    """mkdwn to readable text: mentions as @name, dates as their fallback, entities decoded."""
    people = people or {}
    text = _MENTION.sub(lambda m: "@" + people.get(m.group(1), m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or people.get(m.group(1), m.group(1))), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = _DATE.sub(lambda m: m.group(1), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _text(obj: Any, people) -> str:
    if isinstance(obj, dict):
        return plain(obj.get("text", ""), people)
    return plain(str(obj or ""), people)


def blocks_to_text(
    blocks: list[dict], people: dict[str, str] | None = None, width: int = 88
) -> str:
    lines: list[str] = []

    def add(text: str, indent: str = "") -> None:
        for paragraph in text.splitlines() or [""]:
            wrapped = textwrap.wrap(paragraph, width - len(indent)) or [""]
            lines.extend(indent + w for w in wrapped)

    for block in blocks or []:
        kind = block.get("type")
        if kind == "header":
            add(_text(block.get("text"), people).upper())
        elif kind == "section":
            if block.get("text"):
                add(_text(block["text"], people))
            for field in block.get("fields") or []:
                add(_text(field, people).replace("\n", ": ", 1), "  ")
            if block.get("accessory", {}).get("type") == "button":
                add(f"[ {_text(block['accessory']['text'], people)} ]", "  ")
        elif kind == "context":
            add(
                " · ".join(
                    _text(e, people) for e in block.get("elements", []) if e.get("type") != "image"
                ),
                "  ",
            )
        elif kind == "actions":
            labels = [
                f"[ {_text(e.get('text'), people)} ]"
                for e in block.get("elements", [])
                if e.get("text")
            ]
            add("  ".join(labels), "  ")
        elif kind == "divider":
            lines.append("  " + "─" * 20)
        elif kind == "input":
            add(f"{_text(block.get('label'), people)}: ____", "  ")
    return "\n".join(lines)
