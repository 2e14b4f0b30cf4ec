"""Everything a Lair process needs, built once from settings."""

import threading
from dataclasses import dataclass, field
from functools import partial

from slack_bolt import App
from slack_sdk import WebClient

from bot.config import Settings
from bot.slack.app import build_app, make_client
from bot.slack.dispatcher import Dispatcher
from bot.slack.tallies import CardRefresher
from bot.slack.workspaces import SlackWorkspaces
from bot.worker import OutboxWorker
from challenges.clock import Clock, system_clock
from challenges.context import Context
from storage import Database
from storage.migrate import upgrade


@dataclass
class Runtime:
    """One process's Lair: the domain context, the outbox worker, and each platform that this
    process serves (None where it serves none)."""

    settings: Settings
    ctx: Context
    worker: OutboxWorker
    # Slack
    client: WebClient | None = None
    app: App | None = None
    dispatcher: Dispatcher | None = None
    cards: CardRefresher | None = None
    slack: SlackWorkspaces | None = None
    # Teams
    teams: object | None = None  # bot.teams.app.TeamsBot
    teams_sender: object | None = None  # bot.teams.sender.TeamsSender
    # Set when /healthz first answers healthy (bot/slack/server.py).
    healthy: threading.Event = field(default_factory=threading.Event)

    def close(self) -> None:
        self.worker.stop()
        if self.cards is not None:
            self.cards.stop()
        self.ctx.db.dispose()


def slack_workspaces(settings: Settings, ctx: Context) -> SlackWorkspaces:
    """Where Slack bot tokens come from: the one SLACK_BOT_TOKEN, or the installations."""
    clients = partial(_client, settings, retries=True)
    if settings.slack_oauth:
        from bot.slack.oauth import installation_store

        return SlackWorkspaces(ctx, clients, store=installation_store(settings, ctx.db.engine))
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return SlackWorkspaces(ctx, clients, token=token or "")


def _client(settings: Settings, token: str, *, retries: bool) -> WebClient:
    return make_client(settings, token=token, retries=retries)


def build_runtime(settings: Settings, *, clock: Clock = system_clock, migrate: bool = True,
                  outbox_interval: float = 5.0, connect: bool = True, slack: bool | None = None,
                  teams: bool | None = None) -> Runtime:  # fmt: skip
    """The platforms are those configured, unless `slack`/`teams` say otherwise. `connect`: in
    one-workspace Slack mode, ask Slack (auth.test) which workspace the token is for."""
    db = Database.from_url(settings.database_url)
    if migrate:
        upgrade(db.engine)
    ctx = Context(
        db=db,
        coordinators=settings.lair_coordinators,
        default_timezone=settings.lair_timezone,
        clock=clock,
    )
    slack = settings.slack if slack is None else slack
    teams = settings.teams if teams is None else teams
    worker = OutboxWorker([], interval=outbox_interval)
    runtime = Runtime(settings, ctx, worker)
    if slack:
        _add_slack(runtime, connect=connect)
    if teams:
        _add_teams(runtime)
    return runtime


def _add_slack(runtime: Runtime, *, connect: bool) -> None:
    settings, ctx = runtime.settings, runtime.ctx
    known = slack_workspaces(settings, ctx)
    if connect and not known.many:
        known.connect_single()
    elif known.many:
        known.warn_if_carried_over()
    # The outbox's clients do not retry (bot/slack/dispatcher.py); the lookups are shared, so
    # an uninstall or a reinstall heard by the web side reaches the outbox at once.
    sending = known.sharing(partial(_client, settings, retries=False))
    client = known.client_for_token(known.token) if not known.many else make_client(settings)
    runtime.dispatcher = Dispatcher(ctx, sending.client_for)
    runtime.worker.add_background(runtime.dispatcher)
    runtime.cards = CardRefresher(ctx, client)
    runtime.app = build_app(settings, ctx, known, runtime.worker, runtime.cards)
    runtime.client, runtime.slack = client, known


def _add_teams(runtime: Runtime) -> None:
    from bot.teams.app import TeamsBot
    from bot.teams.sender import TeamsSender

    runtime.teams = TeamsBot(runtime.settings, runtime.ctx, kick=runtime.worker.kick)
    runtime.teams_sender = TeamsSender(runtime.ctx, runtime.settings, runtime.teams.token)
    runtime.worker.dispatchers.append(runtime.teams_sender)
