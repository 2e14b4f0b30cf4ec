"""Installing Lair in many Slack workspaces: Bolt's OAuth flow, with installations and
OAuth state kept in Lair's own database by slack_sdk's SQLAlchemy stores (not files).

- `GET /slack/install` starts an install (a page with "Add to Slack", and a cookie that
  ties the OAuth state to this browser); `GET /slack/oauth_redirect` finishes it: the
  state must be one this Lair issued, unexpired, unused, signed with SLACK_STATE_SECRET
  and from the same browser, or the answer is a 4xx page and nothing is stored.
- On success the workspace is recorded (challenges.workspaces.install, audited).
- `app_uninstalled` and `tokens_revoked` delete the tokens and mark the workspace
  removed; its data stays, and a later install carries on with it.
"""

import hashlib
import hmac
import logging
from datetime import UTC, datetime

from slack_bolt import App, BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy.engine import Engine

from bot.slack.workspaces import SlackWorkspaces
from challenges import workspaces
from challenges.context import Context
from storage.enums import Platform

log = logging.getLogger(__name__)

# What Lair asks for when it is installed: the manifest's bot scopes (manifest.yml).
BOT_SCOPES = [
    "commands", "chat:write", "chat:write.public", "channels:history", "groups:history",
    "im:history", "im:write", "users:read", "files:read", "files:write",
]  # fmt: skip
STATE_SECONDS = 600


def installation_store(settings, engine: Engine) -> SQLAlchemyInstallationStore:
    store = SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
    store.create_tables()  # slack_sdk's own tables, created if missing (not Alembic's)
    return store


class SignedStateStore(SQLAlchemyOAuthStateStore):
    """OAuth states signed with SLACK_STATE_SECRET, kept in the database, used once.

    A state that is not signed by this Lair is refused without a database read; one that
    is signed must still be in the table, unexpired, and is deleted as it is used — by
    exactly one callback, even when two arrive at once.
    """

    def __init__(self, secret: str, engine: Engine):
        super().__init__(expiration_seconds=STATE_SECONDS, engine=engine)
        self._key = secret.encode()
        self.create_tables()

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._key, nonce.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self, *args, **kwargs) -> str:
        nonce = super().issue(*args, **kwargs)  # stored; now bind it to our secret
        signed = f"{nonce}.{self._sign(nonce)}"
        with self.engine.begin() as conn:
            c = self.oauth_states.c
            conn.execute(self.oauth_states.update().where(c.state == nonce).values(state=signed))
        return signed

    def consume(self, state: str) -> bool:
        nonce, _, signature = (state or "").partition(".")
        if not nonce or not hmac.compare_digest(signature, self._sign(nonce)):
            log.info("an OAuth callback with a state Lair did not issue")
            return False
        now = normalize_datetime_for_db(datetime.now(tz=UTC))
        c = self.oauth_states.c
        with self.engine.begin() as conn:
            gone = conn.execute(
                self.oauth_states.delete().where(c.state == state, c.expire_at > now)
            )
            if gone.rowcount == 1:
                return True
        log.info("an OAuth callback with a state that is expired or already used")
        return False


def oauth_settings(settings, ctx: Context, engine: Engine, known: SlackWorkspaces) -> OAuthSettings:
    def success(args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        installed = workspaces.install(
            ctx, Platform.SLACK, installation.team_id, installation.team_name or "",
            actor=installation.user_id or "lair",
        )  # fmt: skip
        known.forget(installation.team_id)
        log.info(
            "installed in Slack team %s (Lair workspace %s)", installation.team_id, installed.id
        )
        return args.default.success(args)

    def failure(args: FailureArgs) -> BoltResponse:
        log.info("a Slack install did not complete: %s", args.reason)
        return args.default.failure(args)

    return OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=BOT_SCOPES,
        installation_store=known.store,
        installation_store_bot_only=True,
        state_store=SignedStateStore(settings.slack_state_secret.get_secret_value(), engine),
        install_path="/slack/install",
        redirect_uri_path="/slack/oauth_redirect",
        callback_options=CallbackOptions(success=success, failure=failure),
    )


def register_uninstall(app: App, ctx: Context, known: SlackWorkspaces) -> None:
    """Forget a workspace's tokens when it removes Lair or revokes them; keep its data."""
    store = known.store

    def removed(team_id: str | None, enterprise_id: str | None) -> None:
        if not team_id:
            return
        store.delete_all(enterprise_id=enterprise_id, team_id=team_id)
        workspaces.uninstall(ctx, Platform.SLACK, team_id)
        known.forget(team_id)
        log.info("Lair was removed from Slack team %s; its tokens are deleted", team_id)

    @app.event("app_uninstalled")
    def app_uninstalled(context) -> None:
        removed(context.team_id, context.enterprise_id)

    @app.event("tokens_revoked")
    def tokens_revoked(event: dict, context) -> None:
        tokens = event.get("tokens") or {}
        for user_id in tokens.get("oauth") or []:
            store.delete_installation(
                enterprise_id=context.enterprise_id, team_id=context.team_id, user_id=user_id
            )
        if tokens.get("bot"):
            removed(context.team_id, context.enterprise_id)
