"""Builds the Bolt app: client, middleware, listeners, error handler."""

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
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
from challenges.context import Context

log = logging.getLogger(__name__)


def make_client(settings: Settings, *, retries: bool = True) -> WebClient:
    """The Web API client. `retries=False` (the outbox dispatcher): no retry inside the SDK,
    whose blind re-post after a 5xx or a dropped connection could duplicate a message."""
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None,
        base_url=settings.slack_api_url,
        timeout=15,
    )
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


def build_app(settings: Settings, ctx: Context, client: WebClient, outbox, cards=None) -> App:
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    )
    app = App(
        client=client,
        signing_secret=secret or "socket-mode-has-no-signing-secret",
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=False,
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="lair-listener"),
        ignoring_self_events_enabled=True,
    )
    app.use(inject(ctx, outbox, cards))
    app.use(deduplicate(ctx))
    register_listeners(app)
    app.error(handle_error)
    return app
