"""Everything a Lair process needs, built once from settings."""

from dataclasses import dataclass

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.app import build_app, make_client
from bot.slack.dispatcher import Dispatcher, OutboxWorker
from bot.slack.tallies import CardRefresher
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

    def close(self) -> None:
        self.worker.stop()
        self.cards.stop()
        self.ctx.db.dispose()


def build_runtime(settings: Settings, *, clock: Clock = system_clock, migrate: bool = True,
                  outbox_interval: float = 5.0) -> Runtime:  # fmt: skip
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    ctx = Context(
        db=db,
        coordinators=settings.lair_coordinators,
        default_timezone=settings.lair_timezone,
        clock=clock,
    )
    client = make_client(settings)
    dispatcher = Dispatcher(ctx, make_client(settings, retries=False))
    worker = OutboxWorker(dispatcher, interval=outbox_interval)
    cards = CardRefresher(ctx, client)
    app = build_app(settings, ctx, client, worker, cards)
    return Runtime(settings, ctx, client, app, dispatcher, worker, cards)
