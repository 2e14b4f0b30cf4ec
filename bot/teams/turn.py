"""Who sent an activity, from where, in which Lair workspace — or why it is refused.

A Teams tenant is a Lair workspace. Lair serves a tenant once it has been added there
(an `installationUpdate` or a `conversationUpdate` adding the bot, recorded as the
workspace's install); an activity from any other tenant — or, for a single-tenant bot
(TEAMS_TENANT_ID), from a tenant other than that one — is refused with nothing stored.

A person is known to the domain by their Entra object id (`aadObjectId`, what
LAIR_COORDINATORS names); their per-bot Teams id ("29:…"), name and personal chat are
remembered so Lair can message them later, and channels so it can post there.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from challenges import directory, workspaces
from challenges.context import Context
from storage.enums import ConversationKind, Platform

log = logging.getLogger(__name__)

REMEMBER_SECONDS = 600  # how long this process trusts that it has recorded a person/chat


@dataclass(frozen=True)
class Turn:
    """One activity, as Lair needs it."""

    ctx: Context  # acting in the activity's workspace
    tenant_id: str
    user: str  # the person, as the domain knows them (Entra object id)
    name: str
    teams_id: str  # their per-bot Teams id, "29:…"
    conversation_id: str  # without any ";messageid=…"
    thread: str | None  # in a channel: the root message of the thread the activity is in
    kind: ConversationKind
    service_url: str
    team_id: str | None
    activity_id: str

    @property
    def workspace_id(self) -> int:
        return self.ctx.workspace_id

    @property
    def personal(self) -> bool:
        return self.kind == ConversationKind.PERSONAL


class Refused(Exception):
    """The activity is not from a workspace Lair serves; `reason` is safe to log."""

    def __init__(self, reason: str, *, tenant_id: str | None):
        super().__init__(reason)
        self.reason = reason
        self.tenant_id = tenant_id


def split_conversation(conversation_id: str) -> tuple[str, str | None]:
    """A channel conversation id carries its thread: "19:…@thread.tacv2;messageid=123"."""
    base, _, thread = conversation_id.partition(";messageid=")
    return base, thread or None


def kind_of(conversation_type: str | None) -> ConversationKind:
    if conversation_type == "channel":
        return ConversationKind.CHANNEL
    if conversation_type == "groupChat":
        return ConversationKind.GROUP
    return ConversationKind.PERSONAL


class Doorkeeper:
    """Turns an activity into a Turn (installing the workspace when Lair is added there)."""

    def __init__(self, ctx: Context, *, tenant_id: str | None = None):
        self.ctx = ctx
        self.only_tenant = tenant_id
        self._lock = threading.Lock()
        self._workspaces: dict[str, tuple[float, int | None]] = {}
        self._remembered: dict[tuple, float] = {}

    def admit(self, activity, *, adding_lair: bool = False) -> Turn:
        """The activity's Turn. `adding_lair`: this activity adds Lair to a chat or team (an
        install), so its tenant becomes a workspace if it was not one. Raises Refused."""
        tenant = _tenant_of(activity)
        if not tenant:
            raise Refused("no tenant in the activity", tenant_id=None)
        if self.only_tenant and tenant != self.only_tenant:
            raise Refused("a tenant other than TEAMS_TENANT_ID", tenant_id=tenant)
        workspace_id = self._workspace(tenant)
        if workspace_id is None:
            if not adding_lair:
                raise Refused("a tenant where Lair has not been added", tenant_id=tenant)
            workspace_id = workspaces.install(self.ctx, Platform.TEAMS, tenant).id
            self._forget_workspace(tenant)
            log.info("added to a Teams tenant (Lair workspace %s)", workspace_id)
        sender = activity.from_
        conversation = activity.conversation
        base, thread = split_conversation(conversation.id)
        channel_data = activity.channel_data
        team = channel_data.team.id if channel_data and channel_data.team else None
        turn = Turn(
            ctx=self.ctx.in_workspace(workspace_id), tenant_id=tenant,
            user=sender.aad_object_id or sender.id, name=sender.name or "", teams_id=sender.id,
            conversation_id=base, thread=thread, kind=kind_of(conversation.conversation_type),
            service_url=activity.service_url or "", team_id=team, activity_id=activity.id or "",
        )  # fmt: skip
        self._remember(turn)
        return turn

    def removed(self, turn: Turn) -> None:
        """Lair was removed from this chat or team: forget the cached view of it."""
        with self._lock:
            self._remembered = {
                k: v for k, v in self._remembered.items() if turn.conversation_id not in k
            }

    # inside --------------------------------------------------------------------
    def _workspace(self, tenant: str) -> int | None:
        now = time.monotonic()
        with self._lock:
            hit = self._workspaces.get(tenant)
            if hit and hit[0] > now:
                return hit[1]
        found = workspaces.active(self.ctx, Platform.TEAMS, tenant)
        with self._lock:
            self._workspaces[tenant] = (now + 60, found.id if found else None)
        return found.id if found else None

    def _forget_workspace(self, tenant: str) -> None:
        with self._lock:
            self._workspaces.pop(tenant, None)

    def _remember(self, turn: Turn) -> None:
        """Record the person and the conversation, at most every REMEMBER_SECONDS each."""
        person = (turn.workspace_id, turn.user, turn.name, turn.teams_id)
        place = (
            turn.workspace_id,
            turn.conversation_id,
            turn.service_url,
            turn.user if turn.personal else None,
        )
        now = time.monotonic()
        with self._lock:
            due = [k for k in (person, place) if self._remembered.get(k, 0) <= now]
            for k in due:
                self._remembered[k] = now + REMEMBER_SECONDS
        if person in due:
            directory.met(turn.ctx, turn.user, name=turn.name, platform_id=turn.teams_id)
        if place in due:
            directory.remember_conversation(
                turn.ctx, turn.conversation_id, turn.kind, service_url=turn.service_url,
                user_id=turn.user if turn.personal else None, team_id=turn.team_id,
            )  # fmt: skip


def _tenant_of(activity) -> str | None:
    conversation = getattr(activity, "conversation", None)
    if conversation is not None and conversation.tenant_id:
        return conversation.tenant_id
    data = getattr(activity, "channel_data", None)
    tenant = getattr(data, "tenant", None) if data is not None else None
    return getattr(tenant, "id", None)
