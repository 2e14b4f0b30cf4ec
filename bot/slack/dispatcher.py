"""Sends the outbox to Slack: each message once, in order per channel, within rate limits.

For each message: claim it (a compare-and-set with a lease), post it with its outbox id
in Slack message metadata, and only then mark it sent. If an earlier try may have
reached Slack — the sender died between posting and marking (its claim expired), or
Slack answered 5xx or the connection failed mid-request — the channel's history is
searched for a message carrying that outbox id before posting again; if one is found
it is marked sent instead. So a crash can delay a message but never post it twice.

The dispatcher's WebClient has no retry handlers: retrying a post blindly inside the
SDK is exactly what duplicates messages, and sleeping on `Retry-After` in-line would
hold a claim past its lease. Instead a 429 puts the message back with `not_before` =
now + `Retry-After` and tells the pacer (bot/slack/pacing.py), which pauses that channel or,
for the app-wide limit, every send; other channels carry on.
"""

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack import messages
from bot.slack.pacing import Pacer
from challenges import outbox
from challenges.context import Context
from challenges.outbox import Claim, Head
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

# Errors that will not go away by trying again.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "invalid_blocks",
             "msg_too_long", "no_text", "account_inactive", "cannot_dm_bot", "invalid_metadata_format",
             "invalid_auth", "not_authed", "missing_scope", "message_not_found",
             "cant_update_message", "edit_window_closed"}  # fmt: skip
# ok:false answers after which Slack may nonetheless have posted the message.
AMBIGUOUS = {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
MAX_ATTEMPTS = 8
METADATA_EVENT = "lair_outbox"
HISTORY_MARGIN = timedelta(minutes=5)  # clock skew between us and Slack
HISTORY_PAGES = 20


class Dispatcher:
    def __init__(self, ctx: Context, client: WebClient, *, workers: int = 8,
                 pacer: Pacer | None = None):  # fmt: skip
        self.ctx = ctx
        self.client = client
        self.pacer = pacer or Pacer()
        self.workers = 1 if _in_memory(ctx) else max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()

    def drain(self, *, limit: int = 500) -> int:
        """Send what is due now (up to `limit` channels' next messages). Returns how many were sent."""
        heads = [h for h in outbox.due_heads(self.ctx, limit=limit) if self.pacer.ready(h.target)]
        if len(heads) <= 1 or self.workers == 1:
            return sum(self._deliver(h) for h in heads)
        return sum(self._executor().map(self._deliver, heads))

    def close(self) -> None:
        if self._pool:
            self._pool.shutdown(wait=True)

    def _executor(self) -> ThreadPoolExecutor:
        with self._pool_lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="lair-send")
            return self._pool

    # one message -------------------------------------------------------------
    def _deliver(self, head: Head) -> bool:
        self.pacer.wait()
        if not self.pacer.ready(head.target):
            return False
        claim = outbox.claim(self.ctx, head.id)
        if claim is None:
            return False  # another sender took it, or it is not due any more
        try:
            return self._send(claim)
        except Exception:  # a bug, or the database failing: keep the rest going, try later
            log.exception("outbox %s (%s) could not be sent", claim.message.id, claim.message.kind)
            # Unless it failed before posting (e.g. rendering), it may be in Slack: check first.
            self._retry_later(claim.message, "exception", uncertain=claim.uncertain)
            return False

    def _update_card(self, message: OutboxMessage) -> bool:
        """Re-render an idea's posted card in place. chat.update is idempotent, so a retry
        needs no check; an update for a card not yet posted waits for it."""
        place = outbox.card_place(self.ctx, message.payload["idea_id"])
        if not place.posted:
            if place.posting:  # try again once the card itself is out
                self._retry_later(message, "card not posted yet", uncertain=False)
            else:
                outbox.mark_skipped(self.ctx, message.id, reason="card was never posted")
            return False
        rendered = messages.render(self.ctx, message)
        if rendered is None:
            outbox.mark_skipped(self.ctx, message.id, reason="no longer applies")
            return False
        text, blocks = rendered
        try:
            self.client.chat_update(channel=place.channel, ts=place.ts, text=text, blocks=blocks)
        except SlackApiError as exc:
            return self._failed(message, exc, uncertain=False)
        except OSError as exc:
            self._retry_later(message, type(exc).__name__, uncertain=False)
            return False
        outbox.mark_sent(self.ctx, message.id, channel=place.channel, ts=place.ts)
        return True

    def _send(self, claim: Claim) -> bool:
        """Claim.uncertain is kept true whenever Slack may hold the message, so that if this
        raises, the next try looks before posting."""
        message = claim.message
        if message.kind == outbox.MessageKind.CARD_UPDATE:
            return self._update_card(message)
        uncertain = claim.uncertain
        thread_ts = message.payload.get("thread_ts")
        try:
            if uncertain:
                found = self._find_posted(message, thread_ts)
                if found:
                    log.info("outbox %s was already posted; marking it sent", message.id)
                    outbox.mark_sent(self.ctx, message.id, channel=found[0], ts=found[1])
                    return True
                uncertain = claim.uncertain = False  # not there: no earlier try was posted
        except SlackApiError as exc:
            if _error(exc) not in ("missing_scope", "not_in_channel", "channel_not_found"):
                return self._failed(message, exc, uncertain=True)
            # The history cannot be read, so the check cannot be made: post rather than lose it.
            log.warning("outbox %s: cannot check %s before resending (%s); sending",
                        message.id, message.target, _error(exc))  # fmt: skip
        except OSError as exc:
            self._retry_later(message, type(exc).__name__, uncertain=True)
            return False
        rendered = messages.render(self.ctx, message)
        if rendered is None:
            outbox.mark_skipped(self.ctx, message.id, reason="no longer applies")
            return False
        text, blocks = rendered
        claim.uncertain = True  # from here until it is marked, Slack may have it
        try:
            response = self.client.chat_postMessage(
                channel=message.target, text=text, blocks=blocks, thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_EVENT,
                          "event_payload": {"outbox_id": message.id, "key": message.dedupe_key}},
            )  # fmt: skip
        except SlackApiError as exc:
            return self._failed(message, exc, uncertain=uncertain)
        except OSError as exc:  # connection reset or timeout: the post may have arrived
            log.warning("outbox %s: %s while posting; will check before resending",
                        message.id, type(exc).__name__)  # fmt: skip
            self._retry_later(message, type(exc).__name__, uncertain=True)
            return False
        self.pacer.posted(message.target)
        outbox.mark_sent(self.ctx, message.id, channel=response["channel"], ts=response["ts"])
        return True

    def _failed(self, message: OutboxMessage, exc: SlackApiError, *, uncertain: bool) -> bool:
        error = _error(exc)
        status = getattr(exc.response, "status_code", 200)
        if status == 429 or error == "ratelimited":
            retry_after = _retry_after(exc) or 1
            scope = self.pacer.rate_limited(message.target, retry_after)
            log.debug("outbox %s rate limited (%s) for %ss", message.id, scope, retry_after)
            outbox.mark_failed(
                self.ctx, message.id, error="ratelimited", uncertain=uncertain, count_attempt=False,
                retry_at=self.ctx.now() + timedelta(seconds=retry_after),
            )  # fmt: skip
            return False
        if error in PERMANENT:
            log.warning("outbox %s (%s) failed for good: %s", message.id, message.kind, error)
            outbox.mark_failed(self.ctx, message.id, error=error, retry_at=None)
            return False
        ambiguous = status >= 500 or error in AMBIGUOUS
        self._retry_later(message, f"{status} {error}", uncertain=uncertain or ambiguous)
        return False

    def _retry_later(self, message: OutboxMessage, error: str, *, uncertain: bool) -> None:
        if message.attempts >= MAX_ATTEMPTS and not uncertain:
            log.warning("outbox %s (%s) failed after %d attempts: %s",
                        message.id, message.kind, message.attempts, error)  # fmt: skip
            outbox.mark_failed(self.ctx, message.id, error=error, retry_at=None)
            return
        # An uncertain message is never given up: it may be in Slack, and is resolved by a check.
        delay = min(300, 2 ** min(message.attempts, 9))
        outbox.mark_failed(self.ctx, message.id, error=error, uncertain=uncertain,
                           retry_at=self.ctx.now() + timedelta(seconds=delay))  # fmt: skip

    def _find_posted(self, message: OutboxMessage, thread_ts: str | None) -> tuple[str, str] | None:
        """Where Slack shows a message carrying this outbox id, if it has one."""
        channel = message.target
        if channel.startswith(("U", "W")):  # a DM: find the conversation
            channel = self.client.conversations_open(users=channel)["channel"]["id"]
        oldest = f"{(message.created_at - HISTORY_MARGIN).timestamp():.6f}"
        cursor = None
        for _ in range(HISTORY_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(
                    channel=channel, ts=thread_ts, oldest=oldest, cursor=cursor, limit=200,
                    include_all_metadata=True,
                )  # fmt: skip
            else:
                page = self.client.conversations_history(
                    channel=channel, oldest=oldest, cursor=cursor, limit=200,
                    include_all_metadata=True,
                )  # fmt: skip
            for posted in page.get("messages") or []:
                if _carries(posted, message):
                    return channel, posted["ts"]
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning(
            "outbox %s: not found in %d pages of history; sending", message.id, HISTORY_PAGES
        )
        return None


def _carries(posted: dict, message: OutboxMessage) -> bool:
    meta = posted.get("metadata") or {}
    payload = meta.get("event_payload") or {}
    return (
        meta.get("event_type") == METADATA_EVENT
        and str(payload.get("outbox_id")) == str(message.id)
        and payload.get("key", message.dedupe_key) == message.dedupe_key
    )


def _error(exc: SlackApiError) -> str:
    try:
        return exc.response.get("error") or "unknown"
    except Exception:  # a non-JSON body (e.g. a proxy's 502 page)
        return "unknown"


def _retry_after(exc: SlackApiError) -> int | None:
    headers = getattr(exc.response, "headers", None) or {}
    value = headers.get("Retry-After") or headers.get("retry-after")
    if isinstance(value, list):
        value = value[0]
    try:
        return max(1, int(value)) if value is not None else None
    except ValueError:
        return None


def _in_memory(ctx: Context) -> bool:
    url = ctx.db.engine.url
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


class OutboxWorker:
    """A background thread that drains the outbox when kicked, when the next message falls
    due, and at least every `interval` seconds. `active` lets a standby clock stay idle."""

    def __init__(self, dispatcher: Dispatcher, *, interval: float = 5.0, active=lambda: True):
        self.dispatcher = dispatcher
        self.interval = interval
        self.active = active
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def kick(self) -> None:
        self._wake.set()

    def start(self) -> "OutboxWorker":
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="lair-outbox", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)
        self.dispatcher.close()

    def _run(self) -> None:
        timeout = 0.0
        while not self._stop.is_set():
            self._wake.wait(timeout)
            self._wake.clear()
            try:
                if not self.active():
                    timeout = self.interval  # a standby: woken when it becomes the active clock
                    continue
                while self.dispatcher.drain() and not self._stop.is_set():
                    pass
                timeout = self._until_next()
            except Exception:
                log.exception("outbox drain failed; will try again")
                timeout = self.interval

    def _until_next(self) -> float:
        due = outbox.next_due_at(self.dispatcher.ctx)
        if due is None:
            return self.interval
        seconds = (due - self.dispatcher.ctx.now()).total_seconds()
        return min(self.interval, max(0.05, seconds))
