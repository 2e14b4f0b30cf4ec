"""Text helpers for mrkdwn: escaping user text and keeping within Block Kit's limits."""

from datetime import datetime

from challenges.clock import format_local
from challenges.privacy import pseudonym_label

# Block Kit's limits, counted on the text as sent (escaped): Slack refuses a message or
# view over any of them, and slack_sdk refuses to build it.
SECTION = 3000  # a section's text, and each of its fields (2,000)
FIELD = 2000
HEADER = 150
BUTTON = 75  # a button's text
OPTION = 75  # an option's text
CONTEXT = 2000  # each context element
MESSAGE_BLOCKS = 50
MODAL_BLOCKS = 100
FALLBACK = 40000  # a message's `text`


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


def escaped_len(text: str) -> int:
    """How long `text` is once escaped: what Slack and slack_sdk measure."""
    return len(text) + 4 * text.count("&") + 3 * (text.count("<") + text.count(">"))


def clip(text: str, limit: int) -> str:
    """Shorten to `limit` characters, ending with an ellipsis when cut (for text that is not
    escaped mrkdwn: see `clip_mrkdwn`, `fit` and `plain`)."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clip_mrkdwn(text: str, limit: int) -> str:
    """Shorten mrkdwn that is already escaped to `limit` characters, ending with an ellipsis
    when cut — never inside an entity (`&amp;`) or a `<…>` mention, link or date."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    for opener, closer in (("&", ";"), ("<", ">")):
        opened = cut.rfind(opener)
        if opened >= 0 and cut.rfind(closer) < opened:
            cut = cut[:opened]  # an entity or <…> left open: drop it whole
    return cut.rstrip() + "…"


def fit(text: str | None, limit: int) -> str:
    """A person's text as mrkdwn: escaped, then shortened so the escaped text is at most
    `limit` characters (never cutting an entity)."""
    return clip_mrkdwn(escape(text), limit)


def plain(text: str | None, limit: int) -> str:
    """A person's text for a plain_text field (header, button, option, label): kept as typed,
    shortened so that even escaped it is at most `limit` characters."""
    text = text or ""
    if escaped_len(text) <= limit:
        return text
    room, kept = limit - 1, 0
    for n, char in enumerate(text):
        room -= escaped_len(char)
        if room < 0:
            kept = n
            break
    return text[:kept].rstrip() + "…"


def quote(text: str | None, limit: int) -> str:
    """A person's text as an mrkdwn block quote, at most `limit` characters as sent."""
    return clip_mrkdwn("> " + escape(text).replace("\n", "\n> "), limit)


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


def capped_lines(head: str | None, lines: list[str], *, limit: int = 2900, more: int = 0) -> str:
    """`head` then `lines` (escaped mrkdwn), one a line, cut with "…and N more." to fit one
    section's text; `more` lines were left out already."""
    out = [] if head is None else [head]
    for n, line in enumerate(lines):
        if sum(len(x) + 1 for x in out) + len(line) > limit - 40:
            more += len(lines) - n
            break
        out.append(line)
    if more > 0:
        out.append(f"…and {more} more.")
    return "\n".join(out)
