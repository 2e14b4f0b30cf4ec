"""Everything a Lair process needs, built once from settings."""

from dataclasses import dataclass
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.app import build_app, make_client
from bot.slack.dispatcher import Dispatcher, OutboxWorker
from bot.slack.tallies import CardRefresher
from bot.slack.workspaces import SlackWorkspaces
from challenges.clock import Clock, system_clock
from challenges.context import Context
from storage import Database
from storage.migrate import upgrade


@dataclass
class Runtime:
    settings: Settings
    ctx: Context
    client: WebClient
    app: App
    dispatcher: Dispatcher
    worker: OutboxWorker
    cards: CardRefresher
    slack: SlackWorkspaces

    def close(self) -> None:
        self.worker.stop()
        self.cards.stop()
        self.ctx.db.dispose()


def slack_workspaces(settings: Settings, ctx: Context, *, retries: bool = True) -> SlackWorkspaces:
    """Where Slack bot tokens come from: the one SLACK_BOT_TOKEN, or the installations."""
    clients = partial(_client, settings, retries=retries)
    if settings.slack_oauth:
        from bot.slack.oauth import installation_store

        return SlackWorkspaces(ctx, clients, store=installation_store(settings, ctx.db.engine))
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return SlackWorkspaces(ctx, clients, token=token or "")


def _client(settings: Settings, token: str, *, retries: bool) -> WebClient:
    return make_client(settings, token=token, retries=retries)


def build_runtime(settings: Settings, *, clock: Clock = system_clock, migrate: bool = True,
                  outbox_interval: float = 5.0, connect: bool = True) -> Runtime:  # fmt: skip
    """`connect`: in one-workspace mode, ask Slack (auth.test) which workspace the token is
    for; a process that only runs the clock still needs it, to send."""
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    ctx = Context(
        db=db,
        coordinators=settings.lair_coordinators,
        default_timezone=settings.lair_timezone,
        clock=clock,
    )
    known = slack_workspaces(settings, ctx)
    if connect and not known.many:
        known.connect_single()
    sending = slack_workspaces(settings, ctx, retries=False)
    sending.single = known.single
    client = known.client_for_token(known.token) if not known.many else make_client(settings)
    dispatcher = Dispatcher(ctx, sending.client_for)
    worker = OutboxWorker(dispatcher, interval=outbox_interval)
    cards = CardRefresher(ctx, client)
    app = build_app(settings, ctx, known, worker, cards)
    return Runtime(settings, ctx, client, app, dispatcher, worker, cards, known)
