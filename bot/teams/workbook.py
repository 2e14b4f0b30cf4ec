"""The fund panel's workbook in Teams, the same round trip as on Slack
(bot/slack/listeners/workbook.py): `challenge export` offers the .xlsx in the coordinator's
own chat with Lair through a file-consent card (Teams lets a bot send a file only there, and
only once the person accepts); on accept Lair uploads it to the place Teams names and shows
the file. A workbook the coordinator sends back in that chat is downloaded (size-capped),
checked by the domain, previewed with Record / Cancel, and recorded on Record.
"""

from __future__ import annotations

import secrets
import threading
import time
from typing import Any

import httpx
from microsoft_teams.api import (
    AdaptiveCardActionCardResponse,
    Attachment,
    FileConsentCard,
    FileInfoCard,
    MessageActivityInput,
)

from bot.teams.args import number
from bot.teams.cards import card, clip, execute, message, plain_note, words
from bot.teams.ids import Verb
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line, sentence
from challenges import directory, setup
from challenges.errors import LairError
from challenges.money import format_pounds
from challenges.workbook import (
    Export,
    ImportPreview,
    cancel_import,
    confirm_import,
    export_workbook,
    stage_import,
)
from challenges.workbook.data import collect_people
from challenges.workbook.importer import check_sender

CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
MAX_BYTES = 20 * 1024 * 1024
CHUNK = 4 * 1024 * 1024  # OneDrive takes an upload in pieces of up to 60 MiB; 4 MiB is safe
KEEP_SECONDS = 30 * 60  # how long a prepared workbook waits for the person to accept it
TIMEOUT = 30.0
LABELS = {None: "no decision", "fund": "fund", "dont_fund": "don't fund", "defer": "defer"}
MAX_LINES = 40


class Prepared:
    """Workbooks offered and not yet accepted, in this process (after a restart an accepted
    offer is built again). Keyed by workspace, person and a random token, so an offer's
    token is of no use to anyone else."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[int, str, str], tuple[float, Export]] = {}

    def keep(self, turn: Turn, export: Export) -> str:
        token = secrets.token_urlsafe(16)
        now = time.monotonic()
        with self._lock:
            self._kept = {k: v for k, v in self._kept.items() if v[0] > now}
            self._kept[(turn.workspace_id, turn.user, token)] = (now + KEEP_SECONDS, export)
        return token

    def take(self, turn: Turn, token: str) -> Export | None:
        with self._lock:
            found = self._kept.pop((turn.workspace_id, turn.user, str(token)), None)
        return found[1] if found and found[0] > time.monotonic() else None


PREPARED = Prepared()


def _export(turn: Turn, challenge_id: int) -> Export:
    setup.load(turn.ctx, challenge_id)  # (in this workspace, or not found)
    names = directory.names(turn.ctx, collect_people(turn.ctx, challenge_id))
    return export_workbook(turn.ctx, turn.user, challenge_id, people=names)


def offer(turn: Turn, challenge_id: int) -> list[Reply]:
    """The file-consent card, in the coordinator's own chat (wherever they asked)."""
    result = _export(turn, challenge_id)
    return offer_file(turn, result, f"The fund panel's workbook for challenge #{challenge_id}",
                      "The fund panel's workbook", {"challenge": challenge_id})  # fmt: skip


def offer_file(turn: Turn, result: Export, description: str, summary: str,
               context: dict[str, Any]) -> list[Reply]:  # fmt: skip
    """A file offered by a file-consent card; `context` comes back with the person's answer."""
    context = {**context, "export": PREPARED.keep(turn, result)}
    consent = Attachment(content_type=CONSENT, name=result.filename, content=FileConsentCard(
        description=description, size_in_bytes=len(result.content), accept_context=context,
        decline_context=context,
    ))  # fmt: skip
    return [Reply(MessageActivityInput(summary=summary).add_attachments(consent))]


def consented(turn: Turn, action: str, context: dict[str, Any],
              upload: dict[str, Any] | None) -> list[Reply]:  # fmt: skip
    if "person" in context:
        from bot.teams import person  # (it offers its file through this module)

        return person.consented(turn, action, context, upload)
    challenge_id = number(context, "challenge")
    if action != "accept":
        return [Reply(plain_note(f"No workbook, then. Send “challenge export {challenge_id}” "
                                 "when you want it."))]  # fmt: skip
    if not upload or not upload.get("uploadUrl"):
        raise LairError("Teams did not say where to put the workbook. Send “challenge export "
                        f"{challenge_id}” again.")  # fmt: skip
    result = PREPARED.take(turn, context.get("export", "")) or _export(turn, challenge_id)
    shown = deliver(result, upload)
    about = line("The fund panel's workbook", f"The fund panel's workbook for challenge "
                 f"#{challenge_id}: {result.summary}. Record decisions in the Shortlist sheet's "
                 "Decision and Award £ columns and send the file back here to load them.")  # fmt: skip
    return [Reply(MessageActivityInput().add_attachments(shown)), Reply(about)]


def deliver(result: Export, upload: dict[str, Any]) -> Attachment:
    """Upload an accepted file where Teams said, and the card that shows it in the chat."""
    _upload(str(upload["uploadUrl"]), result.content)
    kind = upload.get("fileType") or result.filename.rsplit(".", 1)[-1]
    return Attachment(content_type=FILE_INFO, name=upload.get("name") or result.filename,
                      content_url=upload.get("contentUrl"),
                      content=FileInfoCard(unique_id=upload.get("uniqueId"), file_type=kind))  # fmt: skip


def _upload(url: str, content: bytes) -> None:
    """PUT the file to the upload session Teams opened (pre-authorised: no token), in pieces."""
    total = len(content)
    with httpx.Client(timeout=TIMEOUT) as client:
        for start in range(0, max(total, 1), CHUNK):
            piece = content[start : start + CHUNK]
            end = start + len(piece) - 1
            answer = client.put(url, content=piece,
                                headers={"Content-Range": f"bytes {start}-{end}/{total}"})  # fmt: skip
            answer.raise_for_status()


# the workbook coming back ------------------------------------------------------------------


def _is_workbook(file: dict) -> bool:
    return (file.get("type") or "").lower() == "xlsx" or str(
        file.get("name") or ""
    ).lower().endswith(".xlsx")


def download(url: str) -> bytes:
    """A file a person sent Lair (Teams' pre-authorised download URL), at most MAX_BYTES."""
    if not url.startswith(("https://", "http://")):
        raise LairError("Teams did not give Lair a way to fetch that file. Send it again.")
    data = bytearray()
    with httpx.stream("GET", url, timeout=TIMEOUT, follow_redirects=True) as answer:
        answer.raise_for_status()
        for piece in answer.iter_bytes():
            data += piece
            if len(data) > MAX_BYTES:
                raise LairError("That file is larger than 20 MB; a Lair workbook is much smaller. "
                                "Check it is the right file.")  # fmt: skip
    return bytes(data)


def receive(turn: Turn, files: list[dict]) -> list[Reply]:
    """Files sent in a person's chat with Lair: perhaps the fund panel's workbook coming back."""
    replies = []
    for file in files:
        if not _is_workbook(file):
            replies.append(Reply(plain_note(
                "Lair only reads back the fund panel's workbook (the .xlsx from “challenge "
                "export”); that file is not one, so nothing was recorded.")))  # fmt: skip
            continue
        check_sender(turn.ctx, turn.user)  # someone who may not send decisions: before the download
        preview = stage_import(turn.ctx, turn.user, download(str(file.get("url") or "")))
        replies.append(Reply(message(preview_card(preview), "Decisions from your workbook")))
    return replies


def _label(outcome: str | None, award: int) -> str:
    return f"fund {format_pounds(award)}" if outcome == "fund" else LABELS.get(outcome, outcome)


def preview_card(preview: ImportPreview):
    title = Bold(preview.challenge_title)
    if not preview.changes:
        return card([sentence("Your workbook for ", title, f" (#{preview.challenge_id}) has no "
                              "changes to the decisions Lair holds.")])  # fmt: skip
    body = [sentence("Your workbook for ", title, f" (#{preview.challenge_id}) changes "
                     f"{len(preview.changes)} decision(s). Nothing is recorded until you press Record.")]  # fmt: skip
    for c in preview.changes[:MAX_LINES]:
        body.append(sentence("• ", Bold(clip(c.title, 80)), f" (#{c.idea_id}): "
                             f"{_label(c.old_outcome, c.old_award)} → {_label(c.new_outcome, c.new_award)}"))  # fmt: skip
    if len(preview.changes) > MAX_LINES:
        body.append(words(f"…and {len(preview.changes) - MAX_LINES} more.", subtle=True))
    unchanged = f" {preview.unchanged} row(s) already match." if preview.unchanged else ""
    body.append(words(f"Awards would total {format_pounds(preview.total_awarded)} of the "
                      f"{format_pounds(preview.pot)} pot.{unchanged}", subtle=True))  # fmt: skip
    body += [sentence("⚠️ ", warning) for warning in preview.warnings]
    body.append(words("Recorded decisions are audited. Results are announced separately, "
                      f"with “challenge decide {preview.challenge_id}”.", subtle=True))  # fmt: skip
    actions = [execute("Record these decisions", Verb.IMPORT_CONFIRM, pending=preview.import_id),
               execute("Cancel", Verb.IMPORT_CANCEL, pending=preview.import_id)]  # fmt: skip
    return card(body, actions)


def confirm(turn: Turn, data: dict) -> tuple[AdaptiveCardActionCardResponse, list[Reply]]:
    result = confirm_import(turn.ctx, turn.user, number(data, "pending"))
    done = sentence(f"✅ Recorded {result.changed} decision(s) for ", Bold(result.challenge.title),
                    f": {result.funded} funded, {format_pounds(result.total_awarded)} awarded. "
                    f"“challenge decide {result.challenge.id}” reviews them and announces the results.")  # fmt: skip
    return AdaptiveCardActionCardResponse(value=card([done])), []


def cancel(turn: Turn, data: dict) -> tuple[AdaptiveCardActionCardResponse, list[Reply]]:
    cancel_import(turn.ctx, turn.user, number(data, "pending"))
    return AdaptiveCardActionCardResponse(
        value=card([words("Cancelled: nothing from that workbook was recorded.")])
    ), []
