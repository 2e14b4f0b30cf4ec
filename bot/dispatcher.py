"""Sends the outbox to Slack: after each action that wrote to it, and on a timer.

A message is claimed (so two senders never take it), sent with its outbox id in
Slack message metadata, and only then marked sent. Rate limits are honoured
through `Retry-After`.
"""

import logging
import threading
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import messages
from challenges import outbox
from challenges.context import Context

log = logging.getLogger(__name__)

# Errors that will not go away by trying again.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "invalid_blocks",
             "msg_too_long", "no_text", "account_inactive", "cannot_dm_bot", "message_not_found",
             "cant_update_message", "edit_window_closed"}  # fmt: skip
MAX_ATTEMPTS = 8
METADATA_EVENT = "lair_outbox"


class Dispatcher:
    def __init__(self, ctx: Context, client: WebClient):
        self.ctx = ctx
        self.client = client

    def drain(self, *, limit: int = 50) -> int:
        """Send what is due now. Returns how many were sent."""
        sent = 0
        for message in outbox.claim_due(self.ctx, limit=limit):
            if self._send(message):
                sent += 1
        return sent

    def _send(self, message) -> bool:
        if message.kind == outbox.MessageKind.CARD_UPDATE:
            return self._deliver(message, self._update_card)
        return self._deliver(message, self._post)

    def _post(self, message):
        text, blocks = messages.render(self.ctx, message)
        return self.client.chat_postMessage(
            channel=message.target,
            text=text,
            blocks=blocks,
            unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"outbox_id": message.id}},
        )

    def _update_card(self, message):
        """Re-render an idea's posted card in place. None when there is nothing to update yet."""
        place = outbox.card_place(self.ctx, message.payload["idea_id"])
        if not place.posted:
            if place.posting:  # try again once the card itself is out
                outbox.mark_failed(
                    self.ctx, message.id, error="card not posted yet",
                    retry_at=self.ctx.now() + timedelta(seconds=2 * message.attempts),
                )  # fmt: skip
            else:
                outbox.mark_skipped(self.ctx, message.id, reason="card was never posted")
            return None
        text, blocks = messages.render(self.ctx, message)
        return self.client.chat_update(channel=place.channel, ts=place.ts, text=text, blocks=blocks)

    def _deliver(self, message, send) -> bool:
        try:
            response = send(message)
        except SlackApiError as exc:
            error = exc.response.get("error", "unknown")
            retry_after = _retry_after(exc)
            if error in PERMANENT or message.attempts >= MAX_ATTEMPTS:
                log.warning("outbox %s (%s) failed for good: %s", message.id, message.kind, error)
                outbox.mark_failed(self.ctx, message.id, error=error, retry_at=None)
            else:
                delay = retry_after or min(300, 2**message.attempts)
                outbox.mark_failed(
                    self.ctx,
                    message.id,
                    error=error,
                    retry_at=self.ctx.now() + timedelta(seconds=delay),
                )
            return False
        except (
            Exception
        ) as exc:  # a rendering bug or a network failure: retry later, keep the rest going
            log.exception("outbox %s (%s) could not be sent", message.id, message.kind)
            outbox.mark_failed(
                self.ctx, message.id, error=type(exc).__name__,
                retry_at=self.ctx.now() + timedelta(seconds=min(300, 2**message.attempts)),
            )  # fmt: skip
            return False
        if response is None:
            return False
        outbox.mark_sent(self.ctx, message.id, channel=response["channel"], ts=response["ts"])
        return True


def _retry_after(exc: SlackApiError) -> int | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(value, list):
        value = value[0]
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class OutboxWorker:
    """A background thread that drains the outbox when kicked, and every `interval` seconds."""

    def __init__(self, dispatcher: Dispatcher, *, interval: float = 5.0):
        self.dispatcher = dispatcher
        self.interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> "OutboxWorker":
        self._thread = threading.Thread(target=self._run, name="lair-outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.interval)
            self._wake.clear()
            try:
                while self.dispatcher.drain() and not self._stop.is_set():
                    pass
            except Exception:
                log.exception("outbox drain failed; will try again")
