"""Builds the Bolt app: client, middleware, listeners, error handler."""

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.slack.errors import handle_error
from bot.slack.listeners import register_listeners
from bot.slack.middleware import deduplicate, inject
from bot.slack.workspaces import SlackWorkspaces, WorkspaceAuthorize
from challenges.context import Context

log = logging.getLogger(__name__)


class _NotUnused(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment itself and, handed the client Lair
    built from that same token, warns at start that the token "will be unused": a false
    alarm an operator would chase, so it is not logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_bolt_log = logging.getLogger("slack_bolt.App")
if not any(isinstance(f, _NotUnused) for f in _bolt_log.filters):
    _bolt_log.addFilter(_NotUnused())


def make_client(settings: Settings, *, retries: bool = True, token: str | None = None) -> WebClient:
    """A Web API client (with `token`, else the one SLACK_BOT_TOKEN, if any). `retries=False`
    (the outbox dispatcher): no retry inside the SDK, whose blind re-post after a 5xx or a
    dropped connection could duplicate a message."""
    if token is None and settings.slack_bot_token:
        token = settings.slack_bot_token.get_secret_value()
    client = WebClient(token=token, base_url=settings.slack_api_url, timeout=15)
    client.retry_handlers = (
        [
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ]
        if retries
        else []
    )
    return client


def build_app(settings: Settings, ctx: Context, known: SlackWorkspaces, outbox,
              cards=None) -> App:  # fmt: skip
    """The Bolt app. One workspace: its bot token. Many: Slack's OAuth install, each
    request authorised with its own workspace's token (bot/slack/workspaces.py)."""
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    common = dict(
        # Naming the app spares Bolt naming it after its caller's file through
        # inspect.stack(), which reads every frame's source: ~20 ms of a start.
        name="lair",
        signing_secret=secret or "socket-mode-has-no-signing-secret",
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="lair-listener"),
        ignoring_self_events_enabled=True,
    )
    if known.many:
        from bot.slack.oauth import oauth_settings, register_uninstall

        app = App(
            client=make_client(settings, token=None),
            authorize=WorkspaceAuthorize(known),
            oauth_settings=oauth_settings(settings, ctx, known.store.engine, known),
            installation_store_bot_only=True,
            user_facing_authorize_error_message=NOT_INSTALLED,
            **common,
        )
        register_uninstall(app, ctx, known)
    else:
        app = App(client=known.client_for_token(known.token), **common)
    app.use(inject(ctx, known, outbox, cards))
    app.use(deduplicate(ctx))
    register_listeners(app)
    app.error(handle_error)
    return app


NOT_INSTALLED = (
    "Lair is not installed in this workspace. Ask a workspace admin to add it (if it was "
    "here before, its challenges are kept)."
)
