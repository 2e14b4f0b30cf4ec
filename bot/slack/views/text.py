"""Text helpers for mrkdwn: escaping user text and keeping within Block Kit's limits."""

from datetime import datetime

from challenges.clock import format_local
from challenges.privacy import pseudonym_label


def escape(text: str | None) -> str:
    """Escape the three mrkdwn control characters, so user text never becomes a mention or link."""
    if not text:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ENDS_A_SENTENCE = (".", "?", "!", "…")


def stop(text: str | None) -> str:
    """The full stop a sentence ending with `text` (a title) needs: none when the title
    already ends one ("How might we cut missed bin collections?" takes no extra ".")."""
    return "" if (text or "").rstrip().endswith(ENDS_A_SENTENCE) else "."


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters, ending with an ellipsis when cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def mention(user_id: str) -> str:
    """A person as Slack shows them; an erased person by their pseudonym ("Former member 7")."""
    return pseudonym_label(user_id) or f"<@{user_id}>"


def channel(channel_id: str | None) -> str:
    return f"<#{channel_id}>" if channel_id else "not set"


def when(moment: datetime | None, zone: str) -> str:
    """A time in the challenge's own time zone, named: "Mon 1 Mar 2027, 17:00 GMT"."""
    return format_local(moment, zone)


def when_for_reader(moment: datetime | None, zone: str) -> str:
    """A time Slack shows in each reader's own time zone (App Home), with the challenge's
    zone as the fallback for clients that cannot."""
    if moment is None:
        return "not set"
    fallback = format_local(moment, zone)
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} at {{time}}|{fallback}>"


def capped_lines(head: str, lines: list[str], *, limit: int = 2900) -> str:
    """`head` then `lines`, one a line, cut with "…and N more." to fit one section's text."""
    out = [head]
    for n, line in enumerate(lines):
        if sum(len(x) + 1 for x in out) + len(line) > limit - 40:
            out.append(f"…and {len(lines) - n} more.")
            break
        out.append(line)
    return "\n".join(out)


def escape_within(text: str | None, limit: int) -> str:
    """`text` escaped for mrkdwn and cut (before escaping, so no entity is split) to fit
    `limit` characters once escaped — Block Kit measures the escaped text."""
    raw = text or ""
    escaped = escape(raw)
    if len(escaped) <= limit:
        return escaped
    while len(escape(raw)) > limit - 1:
        raw = raw[: len(raw) - max(1, len(escape(raw)) - (limit - 1))]
    return escape(raw.rstrip()) + "…"
