"""Sends the outbox's Teams rows through the Bot Connector, with the Teams SDK's API client.

For each message: claim it (a compare-and-set with a lease, as for Slack), make sure the
conversation's limits allow it now (Teams: 7 a second, 8 in 2 s, 60 in 30 s per
conversation; a tenant-wide ceiling beside), send it, and only then mark it sent — a
channel post recording where it landed (conversation, activity id, service URL) so its
thread and redraws can find it. The SDK retries nothing; here 412, 429, 502, 503 and 504
are tried again later (429 after its Retry-After), other refusals (403: Lair removed or
blocked; 404: no such conversation; 400: a card Teams will not take) fail for good.

What is guaranteed: a message is never lost — it stays in the outbox until Teams has
accepted it or refused it for good. Teams gives a bot no way to read back what it posted
in a chat (and, without Graph, in a channel), so a send whose answer never came (a
timeout, a dropped connection, a 5xx after Teams may have posted) is sent again: such a
message can, rarely, appear twice. README, "Lair in Microsoft Teams", says so.

A person's private message goes to their own chat with Lair; if Lair has none yet it
opens one with the person's per-bot Teams id (which Teams allows for anyone who has Lair
installed, personally or in a team they are in).
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx

from bot.teams import messages
from bot.teams.sdk import BotToken, make_api
from challenges import directory, outbox, places
from challenges.context import Context
from challenges.outbox import Claim, Head
from storage.enums import Audience, ConversationKind, Platform
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

RETRY_LATER = {412, 429, 502, 503, 504}
UNSENDABLE = {400, 413}  # a card Teams finds invalid, or too large: no try would send it
MAX_ATTEMPTS = 8
# Teams' limits for one bot in one conversation, and a ceiling across a tenant.
CONVERSATION_LIMITS = ((1.0, 7), (2.0, 8), (30.0, 60))
TENANT_LIMITS = ((1.0, 50),)


class Window:
    """Sliding windows of recent sends: how long until one more is allowed."""

    def __init__(self, limits, clock: Callable[[], float] = time.monotonic):
        self.limits = limits
        self.clock = clock
        self.sent: dict[object, deque[float]] = {}
        self.lock = threading.Lock()

    def wait(self, key) -> float:
        """Seconds until a send to `key` keeps within every limit; 0 takes the slot now."""
        now = self.clock()
        with self.lock:
            times = self.sent.setdefault(key, deque())
            longest = max(w for w, _ in self.limits)
            while times and times[0] <= now - longest:
                times.popleft()
            wait = 0.0
            for window, count in self.limits:
                recent = [t for t in times if t > now - window]
                if len(recent) >= count:
                    wait = max(wait, recent[-count] + window - now)
            if wait <= 0:
                times.append(now)
            return max(0.0, wait)


class TeamsSender:
    """The outbox dispatcher for Teams (the Slack one is bot/slack/dispatcher.py)."""

    platform = Platform.TEAMS

    def __init__(self, ctx: Context, settings, token: BotToken, *, workers: int = 4,
                 render=messages.render):  # fmt: skip
        self.ctx = ctx
        self.settings = settings
        self.token = token
        self.render = render
        self.workers = workers
        self.conversations = Window(CONVERSATION_LIMITS)
        self.tenants = Window(TENANT_LIMITS)
        self._apis: dict[str, object] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="lair-teams-send",
                                        daemon=True)  # fmt: skip
        self._thread.start()
        self._pool: ThreadPoolExecutor | None = None

    # the worker's interface --------------------------------------------------------
    def drain(self, *, limit: int = 200) -> int:
        heads = outbox.due_heads(self.ctx, Platform.TEAMS, limit=limit)
        if len(heads) <= 1:
            return sum(self._deliver(h) for h in heads)
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.workers, thread_name_prefix="lair-teams")
        return sum(self._pool.map(self._deliver, heads))

    def close(self) -> None:
        if self._pool:
            self._pool.shutdown(wait=True)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    # one message -------------------------------------------------------------------
    def _deliver(self, head: Head) -> bool:
        claim = outbox.claim(self.ctx, head.id)
        if claim is None:
            return False
        message = claim.message
        try:
            return self._send(claim)
        except httpx.HTTPStatusError as exc:
            return self._refused(message, exc.response)
        except (httpx.TransportError, TimeoutError) as exc:
            log.warning("outbox %s: %s while sending to Teams; will send again",
                        message.id, type(exc).__name__)  # fmt: skip
            self._later(message, type(exc).__name__)
            return False
        except Unreachable as exc:
            log.warning("outbox %s (%s) cannot be sent: %s", message.id, message.kind, exc)
            outbox.mark_failed(self.ctx, message.id, error=str(exc)[:500], retry_at=None)
            return False
        except Exception:
            log.exception("outbox %s (%s) could not be sent", message.id, message.kind)
            self._later(message, "exception")
            return False

    def _send(self, claim: Claim) -> bool:
        message = claim.message
        audience = Audience(message.audience)
        where = self._where(message, audience)
        if where is None:
            return False
        conversation, service_url, activity_id = where
        wait = max(self.conversations.wait(conversation.split(";")[0]),
                   self.tenants.wait(message.workspace_id))  # fmt: skip
        if wait > 0:  # over a limit: its turn comes when the window allows
            outbox.mark_failed(self.ctx, message.id, error="paced", count_attempt=False,
                               retry_at=self.ctx.now() + timedelta(seconds=wait))  # fmt: skip
            return False
        rendered = self.render(self.ctx, message)
        if rendered is None:
            outbox.mark_skipped(self.ctx, message.id, reason="no longer applies")
            return False
        api = self._api(service_url)
        if activity_id is not None:  # a redraw in place
            self._run(api.conversations.update_activity(conversation, activity_id, rendered))
            outbox.mark_sent(self.ctx, message.id, None)
            return True
        sent = self._run(api.conversations.create_activity(conversation, rendered))
        base = conversation.split(";messageid=")[0]
        outbox.mark_sent(self.ctx, message.id, places.Ref(base, sent.id, service_url))
        return True

    def _where(
        self, message: OutboxMessage, audience: Audience
    ) -> tuple[str, str, str | None] | None:
        """(conversation id, service URL, activity id to update or None), or None when the
        message has to wait (its parent not posted yet) or was skipped."""
        if audience in (Audience.THREAD, Audience.UPDATE):
            state = places.place(self.ctx, message.place) if message.place else None
            if state is None or not state.posted:
                if state is not None and state.posting:
                    self._later(message, "not posted yet")
                else:
                    outbox.mark_skipped(self.ctx, message.id, reason="its message was never posted")
                return None
            ref = state.ref
            if audience == Audience.UPDATE:
                return ref.conversation_id, ref.service_url or "", ref.message_id
            return f"{ref.conversation_id};messageid={ref.message_id}", ref.service_url or "", None
        if audience == Audience.PERSON:
            return self._personal_chat(message.workspace_id, message.address) + (None,)
        known = directory.conversation(self.ctx, message.workspace_id, message.address)
        if known is None or not known.service_url:
            raise Unreachable(
                "Lair has not been added to that channel's team (or has not heard from it yet)"
            )
        return message.address, known.service_url, None

    def _personal_chat(self, workspace_id: int, user: str) -> tuple[str, str]:
        chat = directory.personal_chat(self.ctx, workspace_id, user)
        if chat is not None and chat.service_url:
            return chat.conversation_id, chat.service_url
        teams_id = directory.platform_id(self.ctx, workspace_id, user)
        service_url = directory.any_service_url(self.ctx, workspace_id)
        tenant = _tenant(self.ctx, workspace_id)
        if not teams_id or not service_url:
            raise Unreachable("Lair has never met this person in Teams, so it cannot write to them")
        created = self._run(self._api(service_url).conversations.create(
            new_chat(teams_id, tenant, self.settings.teams_app_id)))  # fmt: skip
        directory.remember_conversation(
            self.ctx.in_workspace(workspace_id), created.id, ConversationKind.PERSONAL,
            service_url=service_url, user_id=user,
        )  # fmt: skip
        return created.id, service_url

    # failures ----------------------------------------------------------------------
    def _refused(self, message: OutboxMessage, response: httpx.Response) -> bool:
        status = response.status_code
        if status in RETRY_LATER:
            after = _retry_after(response)
            self._later(message, f"{status}", seconds=after, count=status not in (412, 429))
            return False
        log.warning(
            "outbox %s (%s) refused by Teams for good: %s", message.id, message.kind, status
        )
        if status in UNSENDABLE:  # the message itself: reported to the coordinator, once
            outbox.mark_unsendable(self.ctx, message.id, error=f"teams {status}")
            return False
        outbox.mark_failed(self.ctx, message.id, error=f"teams {status}", retry_at=None)
        return False

    def _later(self, message: OutboxMessage, error: str, *, seconds: float | None = None,
               count: bool = True) -> None:  # fmt: skip
        if count and message.attempts >= MAX_ATTEMPTS:
            log.warning("outbox %s (%s) failed after %d attempts: %s",
                        message.id, message.kind, message.attempts, error)  # fmt: skip
            outbox.mark_failed(self.ctx, message.id, error=error, retry_at=None)
            return
        delay = seconds if seconds is not None else min(300, 2 ** min(message.attempts, 9))
        outbox.mark_failed(self.ctx, message.id, error=error, count_attempt=count,
                           retry_at=self.ctx.now() + timedelta(seconds=delay))  # fmt: skip

    # the SDK's client, on this sender's own event loop -------------------------------
    def _api(self, service_url: str):
        api = self._apis.get(service_url)
        if api is None:
            api = self._apis[service_url] = make_api(self.settings, self.token, service_url)
        return api

    def _run(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=60)


class Unreachable(Exception):
    """Nothing Lair knows lets it reach this audience: the message fails for good."""


def new_chat(teams_id: str, tenant: str | None, app_id: str):
    from microsoft_teams.api import Account, CreateConversationParams

    # isGroup and bot are read by Teams too; the SDK's model keeps extra fields as given.
    return CreateConversationParams(
        members=[Account(id=teams_id)], tenant_id=tenant, isGroup=False, bot={"id": f"28:{app_id}"}
    )


def _tenant(ctx: Context, workspace_id: int) -> str | None:
    from challenges import workspaces

    found = workspaces.tenant_of(ctx, workspace_id)
    return found[1] if found else None


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(1.0, float(response.headers.get("Retry-After", "")))
    except ValueError:
        return None
