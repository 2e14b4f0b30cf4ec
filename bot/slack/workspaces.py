"""Which Lair workspace a Slack request comes from, and the bot token to act there with.

Two modes (README, "Slack: one workspace or many"):
- one workspace: one `SLACK_BOT_TOKEN`. At start `auth.test` names its team, which is
  the one workspace (the one a migrated install's rows already belong to); a request from
  any other team is refused.
- many workspaces: Slack's OAuth install. Each workspace's bot token lives in Lair's
  database (slack_sdk's SQLAlchemy installation store, see bot/slack/oauth.py); a request
  from a team with no installation is refused by Bolt's authorization before any
  listener runs.

Lookups are cached for a short while per process, so the hot path (a vote) costs no
database query and no call to Slack; an uninstall clears the cache at once in the
process that hears it and within `TTL_SECONDS` in the others.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from dataclasses import dataclass

from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.authorize import Authorize
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore

from challenges import workspaces
from challenges.context import Context
from storage.enums import Platform

log = logging.getLogger(__name__)

TTL_SECONDS = 60.0


@dataclass(frozen=True)
class Bot:
    """Lair in one Slack workspace."""

    workspace_id: int
    team_id: str
    token: str
    bot_user_id: str | None = None
    bot_id: str | None = None


class SlackWorkspaces:
    def __init__(self, ctx: Context, make_client, *, store: InstallationStore | None = None,
                 token: str | None = None):  # fmt: skip
        """`make_client(token)` builds a WebClient; `store` (many workspaces) or `token`
        (one workspace) says where bot tokens come from."""
        if (store is None) == (token is None):
            raise ValueError("give either an installation store or one bot token")
        self.ctx = ctx
        self.make_client = make_client
        self.store = store
        self.token = token
        self.single: Bot | None = None
        self._lock = threading.Lock()
        self._by_team: dict[str, tuple[float, Bot | None]] = {}
        self._by_id: dict[int, tuple[float, Bot | None]] = {}
        self._clients: dict[tuple, WebClient] = {}  # (make_client, token) -> client

    @property
    def many(self) -> bool:
        return self.store is not None

    def warn_if_carried_over(self) -> None:
        """Many workspaces: a workspace carried over from a one-token install whose team Lair
        never learnt cannot be matched to an install (it could be anyone's). Say so."""
        if workspaces.active(self.ctx, Platform.SLACK, workspaces.UNKNOWN_TENANT) is not None:
            log.warning(
                "this database has rounds from a one-workspace install whose Slack team is not "
                "known yet: start Lair once with that workspace's SLACK_BOT_TOKEN before "
                "installing it in many workspaces (README, Upgrading), or they stay unreachable"
            )

    # one workspace -------------------------------------------------------------
    def connect_single(self) -> Bot:
        """Ask Slack which team the one bot token belongs to, and make it the workspace."""
        info = self.client_for_token(self.token).auth_test()
        installed = workspaces.adopt(
            self.ctx, Platform.SLACK, info["team_id"], info.get("team") or ""
        )
        self.single = Bot(installed.id, installed.tenant_id, self.token,
                          info.get("user_id"), info.get("bot_id"))  # fmt: skip
        log.info("one Slack workspace (%s), Lair workspace %s", installed.tenant_id, installed.id)
        return self.single

    # lookups -------------------------------------------------------------------
    def by_team(self, team_id: str | None) -> Bot | None:
        """Lair in this Slack team, or None if it is not installed there."""
        if not team_id:
            return None
        if self.single is not None:
            return self.single if team_id == self.single.team_id else None
        return self._cached(self._by_team, team_id, lambda: self._load_team(team_id))

    def by_workspace(self, workspace_id: int) -> Bot | None:
        if self.single is not None:
            return self.single if workspace_id == self.single.workspace_id else None
        return self._cached(self._by_id, workspace_id, lambda: self._load_workspace(workspace_id))

    def client_for(self, workspace_id: int) -> WebClient | None:
        """A Web API client acting as Lair in the workspace; None if it is not installed."""
        bot = self.by_workspace(workspace_id)
        return self.client_for_token(bot.token) if bot else None

    def client_for_token(self, token: str) -> WebClient:
        with self._lock:
            client = self._clients.get((self.make_client, token))
            if client is None:
                client = self._clients[(self.make_client, token)] = self.make_client(token)
            return client

    def sharing(self, make_client) -> SlackWorkspaces:
        """The same workspaces, with clients made by `make_client` (the outbox's, without
        retries). The lookups are shared, so what `forget` drops is dropped for both."""
        twin = copy.copy(self)
        twin.make_client = make_client
        return twin

    def forget(self, team_id: str) -> None:
        """Drop what is cached about the team (it installed Lair, uninstalled it or revoked
        its token)."""
        with self._lock:
            cached = [self._by_team.pop(team_id, (0, None)), *self._by_id.values()]
            tokens = {bot.token for _, bot in cached if bot is not None and bot.team_id == team_id}
            # By id (the outbox's lookups) the team's workspace may be cached with its old
            # token, or as "not installed" while it was removed: drop every entry.
            self._by_id.clear()
            for key in [k for k in self._clients if k[1] in tokens]:
                del self._clients[key]

    # inside --------------------------------------------------------------------
    def _cached(self, cache: dict, key, load) -> Bot | None:
        now = time.monotonic()
        with self._lock:
            hit = cache.get(key)
            if hit is not None and hit[0] > now:
                return hit[1]
        bot = load()
        with self._lock:
            cache[key] = (now + TTL_SECONDS, bot)
        return bot

    def _load_team(self, team_id: str) -> Bot | None:
        installed = workspaces.active(self.ctx, Platform.SLACK, team_id)
        if installed is None:
            return None
        found = self.store.find_bot(enterprise_id=None, team_id=team_id)
        if found is None or not found.bot_token:
            return None
        return Bot(installed.id, team_id, found.bot_token, found.bot_user_id, found.bot_id)

    def _load_workspace(self, workspace_id: int) -> Bot | None:
        tenant = workspaces.tenant_of(self.ctx, workspace_id)
        if tenant is None or tenant[0] != Platform.SLACK:
            return None
        return self._load_team(tenant[1])


class WorkspaceAuthorize(Authorize):
    """Bolt's authorization for many workspaces: the team's bot token from Lair's cache of
    the installation store, with no `auth.test` per request. None (Bolt then refuses the
    request) for a team where Lair is not installed."""

    def __init__(self, workspaces_: SlackWorkspaces):
        self.workspaces = workspaces_

    def __call__(
        self, *, context, enterprise_id, team_id, user_id, **_actor
    ) -> AuthorizeResult | None:
        bot = self.workspaces.by_team(team_id)
        if bot is None:
            log.info("a request from Slack team %s, where Lair is not installed", team_id)
            return None
        return AuthorizeResult(
            enterprise_id=enterprise_id, team_id=team_id, bot_token=bot.token,
            bot_user_id=bot.bot_user_id, bot_id=bot.bot_id, user_id=user_id,
        )  # fmt: skip
