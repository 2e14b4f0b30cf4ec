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

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackObjectFormationError

from bot.slack.pacing import Allowance, Pacer
from bot.slack.views.text import FALLBACK, MESSAGE_BLOCKS
from challenges import outbox, places
from challenges.context import Context
from challenges.outbox import Claim, Head
from storage.enums import Audience, Platform
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from bot.slack.messages import Rendered

log = logging.getLogger(__name__)

# Errors that will not go away by trying again.
PERMANENT = {"channel_not_found", "not_in_channel", "is_archived", "user_not_found", "invalid_blocks",
             "msg_too_long", "no_text", "account_inactive", "cannot_dm_bot", "invalid_metadata_format",
             "invalid_auth", "not_authed", "token_revoked", "missing_scope", "message_not_found",
             "cant_update_message", "edit_window_closed"}  # fmt: skip
# Refusals of the message itself: it can never be sent as it is (reported to the coordinator).
UNSENDABLE = {"invalid_blocks", "invalid_blocks_format", "msg_too_long", "no_text",
              "invalid_metadata_format", "invalid_attachments", "too_many_attachments"}  # fmt: skip
# ok:false answers after which Slack may nonetheless have posted the message.
AMBIGUOUS = {"internal_error", "fatal_error", "request_timeout", "service_unavailable"}
MAX_ATTEMPTS = 8
METADATA_EVENT = "lair_outbox"
HISTORY_MARGIN = timedelta(minutes=5)  # clock skew between us and Slack
HISTORY_PAGES = 20
# chat.update is Tier 3 (about 50 a minute per workspace); the live tallies (tallies.py)
# use it too, so queued redraws keep under that.
REDRAWS_PER_MINUTE = 40
REDRAW_BURST = 10


class Dispatcher:
    """Sends the Slack rows of the outbox, each workspace's with its own bot token."""

    platform = Platform.SLACK

    def __init__(self, ctx: Context, clients: WebClient | Callable[[int], WebClient | None], *,
                 workers: int = 8, pacer: Pacer | None = None,
                 render: Callable[[Context, OutboxMessage], Rendered | None] | None = None):  # fmt: skip
        """`clients(workspace_id)` gives the client acting in a workspace (None: Lair is not
        installed there); a single WebClient serves every workspace (one-workspace mode).
        `render` turns a message into Slack's text and blocks (by default bot/slack/messages.py's
        `render`)."""
        self.ctx = ctx
        self.render = render or _render
        self.clients = (lambda _workspace: clients) if isinstance(clients, WebClient) else clients
        self._shared_pacer = pacer
        self._pacers: dict[int, Pacer] = {}
        self.workers = 1 if _in_memory(ctx) else max(1, workers)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_lock = threading.Lock()
        self._redraw_allowance: dict[int, Allowance] = {}
        # Background mode (the outbox worker's): a drain hands each message to the pool and
        # returns, so one slow call (up to its timeout) never holds up the other
        # conversations' messages; `on_done` is called as each send ends (the worker wakes,
        # and the conversation's next message goes at once).
        self.background = False
        self.on_done: Callable[[], None] = lambda: None
        self._in_flight: set[int] = set()

    def pacer(self, workspace_id: int) -> Pacer:
        """Rate limits are per workspace: a 429 in one pauses only its own sends."""
        if self._shared_pacer is not None:
            return self._shared_pacer
        with self._pool_lock:
            return self._pacers.setdefault(workspace_id, Pacer())

    def drain(self, *, limit: int = 500) -> int:
        """Send what is due now (up to `limit` conversations' next messages). Returns how many
        were sent."""
        with self._pool_lock:
            busy = set(self._in_flight)
        heads = [h for h in outbox.due_heads(self.ctx, Platform.SLACK, limit=limit)
                 if h.id not in busy and self.pacer(h.workspace_id).ready(h.address)]  # fmt: skip
        # Announcements, DMs and replies first, all of them; card redraws after (they are
        # many after a stage change, and chat.update is a slower tier), paced.
        first = [h for h in heads if not h.redraw]
        sent = self._deliver_all(first)
        redraws = [h for h in heads if h.redraw and self._redraw_allowed(h)]
        return sent + self._deliver_all(redraws)

    def _deliver_all(self, heads: list[Head]) -> int:
        """Send `heads` (each the next message of its conversation) and return how many were
        sent; in background mode, hand them to the pool and return how many were handed."""
        if self.background and self.workers > 1:
            for head in heads:
                with self._pool_lock:
                    self._in_flight.add(head.id)
                self._executor().submit(self._deliver, head).add_done_callback(
                    lambda _done, sent=head.id: self._finished(sent)
                )
            return len(heads)
        if len(heads) <= 1 or self.workers == 1:
            return sum(self._deliver(h) for h in heads)
        return sum(self._executor().map(self._deliver, heads))

    def _finished(self, message_id: int) -> None:
        with self._pool_lock:
            self._in_flight.discard(message_id)
        self.on_done()

    def in_flight(self) -> int:
        with self._pool_lock:
            return len(self._in_flight)

    def _redraw_allowed(self, head: Head) -> bool:
        """Within the workspace's allowance for chat.update (Tier 3); otherwise the redraw
        waits, in the outbox, until the allowance has room again."""
        with self._pool_lock:
            allowance = self._redraw_allowance.setdefault(
                head.workspace_id, Allowance(REDRAWS_PER_MINUTE / 60, burst=REDRAW_BURST)
            )
        wait = allowance.take()
        if wait > 0:
            outbox.postpone(self.ctx, head.id, until=self.ctx.now() + timedelta(seconds=wait))
        return wait == 0

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
        pacer = self.pacer(head.workspace_id)
        pacer.wait()
        if not pacer.ready(head.address):
            return False
        claim = outbox.claim(self.ctx, head.id)
        if claim is None:
            return False  # another sender took it, or it is not due any more
        try:
            client = self.clients(claim.message.workspace_id)
            if client is None:
                log.warning("outbox %s: Lair is no longer installed in workspace %s",
                            claim.message.id, claim.message.workspace_id)  # fmt: skip
                outbox.mark_failed(self.ctx, claim.message.id, error="workspace_not_installed",
                                   retry_at=None)  # fmt: skip
                return False
            return Send(self, client, claim).run()
        except Exception:  # a bug, or the database failing: keep the rest going, try later
            log.exception("outbox %s (%s) could not be sent", claim.message.id, claim.message.kind)
            # Unless it failed before posting (e.g. rendering), it may be in Slack: check first.
            self._retry_later(claim.message, "exception", uncertain=claim.uncertain)
            return False

    def _failed(self, message: OutboxMessage, exc: SlackApiError, *, uncertain: bool) -> bool:
        error = _error(exc)
        status = getattr(exc.response, "status_code", 200)
        if status == 429 or error == "ratelimited":
            retry_after = _retry_after(exc) or 1
            scope = self.pacer(message.workspace_id).rate_limited(message.address, retry_after)
            log.debug("outbox %s rate limited (%s) for %ss", message.id, scope, retry_after)
            outbox.mark_failed(
                self.ctx, message.id, error="ratelimited", uncertain=uncertain, count_attempt=False,
                retry_at=self.ctx.now() + timedelta(seconds=retry_after),
            )  # fmt: skip
            return False
        if error in UNSENDABLE:
            return self._unsendable(message, error)
        if error in PERMANENT:
            log.warning("outbox %s (%s) failed for good: %s", message.id, message.kind, error)
            outbox.mark_failed(self.ctx, message.id, error=error, retry_at=None)
            return False
        ambiguous = status >= 500 or error in AMBIGUOUS
        self._retry_later(message, f"{status} {error}", uncertain=uncertain or ambiguous)
        return False

    def _unsendable(self, message: OutboxMessage, error: str) -> bool:
        """Slack (or slack_sdk, before sending) refuses the message itself: it fails for good
        and its conversation's queue moves on; the coordinator is told once."""
        log.warning("outbox %s (%s) can never be sent: %s", message.id, message.kind, error)
        outbox.mark_unsendable(self.ctx, message.id, error=error)
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


class Send:
    """One claimed message, sent with its workspace's client."""

    def __init__(self, dispatcher: Dispatcher, client: WebClient, claim: Claim):
        self.dispatcher = dispatcher
        self.ctx = dispatcher.ctx
        self.client = client
        self.claim = claim
        self.message = claim.message

    def run(self) -> bool:
        """Claim.uncertain is kept true whenever Slack may hold the message, so that if this
        raises, the next try looks before posting."""
        message, claim = self.message, self.claim
        audience = Audience(message.audience)
        if audience == Audience.UPDATE:
            return self._redraw()
        conversation, thread_ts = message.address, None
        if audience == Audience.THREAD:
            parent = self._wait_for_place(message.place)
            if parent is None:
                return False
            conversation, thread_ts = parent.conversation_id, parent.message_id
        try:
            if claim.uncertain:
                found = self._find_posted(
                    conversation, thread_ts, person=audience == Audience.PERSON
                )
                if found:
                    log.info("outbox %s was already posted; marking it sent", message.id)
                    outbox.mark_sent(self.ctx, message.id, found)
                    return True
                claim.uncertain = False  # not there: no earlier try was posted
        except SlackApiError as exc:
            if _error(exc) not in ("missing_scope", "not_in_channel", "channel_not_found"):
                return self.dispatcher._failed(message, exc, uncertain=True)
            # The history cannot be read, so the check cannot be made: post rather than lose it.
            log.warning("outbox %s: cannot check %s before resending (%s); sending",
                        message.id, conversation, _error(exc))  # fmt: skip
        except OSError as exc:
            self.dispatcher._retry_later(message, type(exc).__name__, uncertain=True)
            return False
        rendered = self.dispatcher.render(self.ctx, message)
        if rendered is None:
            outbox.mark_skipped(self.ctx, message.id, reason="no longer applies")
            return False
        try:
            text, blocks = sendable(*rendered)
        except Unsendable as exc:  # checked before anything is sent: it is not in Slack
            return self.dispatcher._unsendable(message, str(exc))
        claim.uncertain = True  # from here until it is marked, Slack may have it
        try:
            response = self.client.chat_postMessage(
                channel=conversation, text=text, blocks=blocks, thread_ts=thread_ts,
                unfurl_links=False, unfurl_media=False,
                metadata={"event_type": METADATA_EVENT,
                          "event_payload": {"outbox_id": message.id, "key": message.dedupe_key}},
            )  # fmt: skip
        except SlackApiError as exc:
            return self.dispatcher._failed(message, exc, uncertain=claim.uncertain)
        except OSError as exc:  # connection reset or timeout: the post may have arrived
            log.warning("outbox %s: %s while posting; will check before resending",
                        message.id, type(exc).__name__)  # fmt: skip
            self.dispatcher._retry_later(message, type(exc).__name__, uncertain=True)
            return False
        self.dispatcher.pacer(message.workspace_id).posted(message.address)
        outbox.mark_sent(self.ctx, message.id, places.Ref(response["channel"], response["ts"]))
        return True

    def _wait_for_place(self, key: str | None) -> places.Ref | None:
        """The posted message a thread reply or a redraw is about; None (and the message put
        back, or skipped) while it has none."""
        where = places.place(self.ctx, key) if key else places.Place(None, posting=False)
        if where.posted:
            return where.ref
        if where.posting:  # try again once it is out
            self.dispatcher._retry_later(self.message, "not posted yet", uncertain=False)
        else:
            outbox.mark_skipped(self.ctx, self.message.id, reason="its message was never posted")
        return None

    def _redraw(self) -> bool:
        """Re-render a posted message in place. chat.update is idempotent, so a retry needs no
        check; a redraw of a message not yet posted waits for it."""
        message = self.message
        ref = self._wait_for_place(message.place)
        if ref is None:
            return False
        rendered = self.dispatcher.render(self.ctx, message)
        if rendered is None:
            outbox.mark_skipped(self.ctx, message.id, reason="no longer applies")
            return False
        try:
            text, blocks = sendable(*rendered)
        except Unsendable as exc:
            return self.dispatcher._unsendable(message, str(exc))
        try:
            self.client.chat_update(channel=ref.conversation_id, ts=ref.message_id, text=text,
                                    blocks=blocks)  # fmt: skip
        except SlackApiError as exc:
            return self.dispatcher._failed(message, exc, uncertain=False)
        except OSError as exc:
            self.dispatcher._retry_later(message, type(exc).__name__, uncertain=False)
            return False
        outbox.mark_sent(self.ctx, message.id, None)
        return True

    def _find_posted(
        self, conversation: str, thread_ts: str | None, *, person: bool
    ) -> places.Ref | None:
        """Where Slack shows a message carrying this outbox id, if it has one."""
        message = self.message
        if person:  # a private message: find the conversation with the person
            conversation = self.client.conversations_open(users=conversation)["channel"]["id"]
        oldest = f"{(message.created_at - HISTORY_MARGIN).timestamp():.6f}"
        cursor = None
        for _ in range(HISTORY_PAGES):
            if thread_ts:
                page = self.client.conversations_replies(
                    channel=conversation, ts=thread_ts, oldest=oldest, cursor=cursor, limit=200,
                    include_all_metadata=True,
                )  # fmt: skip
            else:
                page = self.client.conversations_history(
                    channel=conversation, oldest=oldest, cursor=cursor, limit=200,
                    include_all_metadata=True,
                )  # fmt: skip
            for posted in page.get("messages") or []:
                if _carries(posted, message):
                    return places.Ref(conversation, posted["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        log.warning(
            "outbox %s: not found in %d pages of history; sending", message.id, HISTORY_PAGES
        )
        return None


class Unsendable(Exception):
    """A rendered message over one of Slack's limits: no try could ever send it."""


def sendable(text: str, blocks: list) -> tuple[str, list[dict]]:
    """The message as sent, checked first as Slack would check it: every block valid (slack_sdk's
    own validation, which would otherwise refuse it inside chat_postMessage, after the try
    is marked uncertain), at most 50 blocks, and a `text` within 40,000 characters."""
    try:
        payload = [b.to_dict() if hasattr(b, "to_dict") else b for b in blocks]
    except SlackObjectFormationError as exc:
        raise Unsendable(str(exc)) from exc
    if len(payload) > MESSAGE_BLOCKS:
        raise Unsendable(f"{len(payload)} blocks (at most {MESSAGE_BLOCKS})")
    if not text or len(text) > FALLBACK:
        raise Unsendable(f"a text of {len(text or '')} characters (1 to {FALLBACK:,})")
    return text, payload


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


def _render(ctx: Context, message: OutboxMessage) -> Rendered | None:
    """bot/slack/messages.py's `render`, imported when the first message is sent rather than
    at start: it loads every view and the domain behind them."""
    from bot.slack.messages import render

    return render(ctx, message)
