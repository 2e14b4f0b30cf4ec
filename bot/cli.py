"""The `lair` command: run the bot, the clock, or maintenance tasks.

Imports are lazy: `lair --help` and `lair teams package` load neither the domain nor a chat
platform's SDK."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings

log = logging.getLogger("lair")


def _logging() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # slack_sdk at DEBUG prints request details; keep it quiet so no token can reach the log.
    logging.getLogger("slack_sdk").setLevel(logging.WARNING)
    logging.getLogger("slack_bolt").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _wait_for_signal() -> threading.Event:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def serve(settings: Settings, *, web: bool, clock: bool, teams: bool = False,
          time_source=None) -> None:  # fmt: skip
    """Run Slack's web side (`web`), Teams' (`teams`), the clock, or any of them together.
    `time_source` replaces the system clock (tests)."""
    if web:
        settings.require_slack()
    if teams:
        settings.require_teams()
    from bot.runtime import build_runtime

    runtime = build_runtime(
        settings, slack=web or (clock and settings.slack), teams=teams or (clock and settings.teams),
        connect=web or (clock and settings.slack),
        **({"clock": time_source} if time_source else {}),
    )  # fmt: skip
    log.info("lair starting: %s", _describe(settings, web=web, teams=teams, clock=clock))
    if teams and not settings.teams_app_password:
        log.warning("TEAMS_APP_PASSWORD is not set: Lair sends to Teams without a token, which only "
                    "a local emulator accepts")  # fmt: skip
    stop = _wait_for_signal()
    the_clock = None
    if clock:
        from bot.clock import Clock

        the_clock = Clock(
            runtime.ctx, kick=runtime.worker.kick, retention_days=settings.lair_retention_days
        )
        if not (web or teams):  # a clock-only process sends only while it is the active clock
            runtime.worker.active = the_clock.is_leader
        the_clock.start()
    http = web and not settings.socket_mode
    if not http:  # in HTTP mode, once /healthz has first said healthy (below)
        runtime.worker.start()
    servers = []
    if teams:
        from bot.teams.server import TeamsServer

        servers.append(
            TeamsServer(runtime.teams, host=settings.teams_host, port=settings.teams_port).start()
        )
        log.info("Teams: POST /api/messages, GET /healthz on port %s", servers[-1].port)
    if web and not http:  # Socket Mode
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        from bot.slack.listeners import load_all

        handler = SocketModeHandler(runtime.app, settings.slack_app_token.get_secret_value())
        handler.connect()
        log.info("connected to Slack in Socket Mode")
        _in_background(load_all)  # every listener module (bot/slack/listeners/__init__.py)
        stop.wait()
        handler.close()
    elif http:
        from bot.slack.listeners import load_all
        from bot.slack.server import make_server, serve_until_closed

        server = make_server(runtime)
        log.info("Slack HTTP mode: POST /slack/events, GET /healthz on port %s", settings.port)
        _in_background(runtime.worker.start, load_all, after=runtime.healthy)
        serve_until_closed(server, stop)  # until SIGTERM or SIGINT
    else:
        stop.wait()
    for server in servers:
        server.stop()
    if the_clock:
        the_clock.stop()
    runtime.close()
    log.info("lair stopped")


def _in_background(*steps: Callable[[], object], after: threading.Event | None = None) -> None:
    """Run `steps` in turn in a thread of their own; with `after`, once it is set (in HTTP
    mode, when /healthz has first said healthy) or a second has passed, so that they do not
    compete for the interpreter with that first check: the outbox's first drain and the
    listener modules' imports."""

    def run() -> None:
        if after is not None:
            after.wait(timeout=1.0)
        for step in steps:
            step()

    threading.Thread(target=run, name="lair-after-start", daemon=True).start()


def _describe(settings: Settings, *, web: bool, teams: bool, clock: bool) -> str:
    """The line Lair logs at start: what it runs, where, on which database (no secrets)."""
    parts = []
    if web:
        mode = "Socket Mode" if settings.socket_mode else "HTTP"
        many = "many workspaces (OAuth)" if settings.slack_oauth else "one workspace"
        parts.append(f"Slack ({mode}, {many})")
    if teams:
        tenants = "one tenant" if settings.teams_tenant_id else "any tenant that adds it"
        parts.append(f"Teams ({settings.teams_cloud} cloud, {tenants})")
    if clock:
        sends = [name for name, on in (("Slack", settings.slack), ("Teams", settings.teams)) if on]
        parts.append(f"the clock (sending to {' and '.join(sends) or 'nothing'})")
    database = settings.database_url.split(":", 1)[0].split("+", 1)[0]
    return f"{' + '.join(parts) or 'nothing'}; database {database}"


def db_upgrade(settings: Settings) -> None:
    from storage import Database
    from storage.migrate import current_revision, upgrade

    db = Database.from_url(settings.database_url)
    upgrade(db.engine)
    print(f"database is at revision {current_revision(db.engine)}")
    db.dispose()


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="lair", description="Dragon's Lair innovation challenges in Slack."
    )
    sub = p.add_subparsers(dest="command")
    sub.add_parser("run", help="web and clock in one process (the default)")
    sub.add_parser("web", help="answer Slack only (HTTP or Socket Mode); run one clock beside it")
    teams = sub.add_parser(
        "teams", help="answer Microsoft Teams only (TEAMS_PORT); run one clock beside it",
        description="Without a subcommand: answer Microsoft Teams on TEAMS_PORT.",
    )  # fmt: skip
    from bot.cli_teams import add_package_parser

    add_package_parser(teams)
    sub.add_parser("clock", help="the scheduler only: stage changes, reminders, the outbox")
    db = sub.add_parser("db", help="database tasks")
    db.add_argument("action", choices=["upgrade"], help="apply migrations")
    export = sub.add_parser("export", help="write a challenge's workbook for the fund panel")
    export.add_argument("challenge", type=int, help="the challenge number")
    export.add_argument(
        "-o", "--output", type=Path, help="where to write it (default: a name in this folder)"
    )
    report = sub.add_parser(
        "report", help="write the portfolio workbook across rounds for the fund's board"
    )
    report.add_argument(
        "-o", "--output", type=Path, help="where to write it (default: a name in this folder)"
    )
    demo = sub.add_parser(
        "demo",
        help="run a whole round locally with a built-in fake Slack or Teams (no workspace needed)",
    )
    demo.add_argument(
        "--teams",
        action="store_true",
        help="play the round in Microsoft Teams (a fake Bot Connector) instead of Slack",
    )
    demo.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("lair-demo-workbook.xlsx"),
        help="where to leave the workbook",
    )
    imp = sub.add_parser("import-decisions", help="record the decisions from an edited workbook")
    imp.add_argument("file", type=Path, help="the .xlsx file")
    imp.add_argument("--challenge", type=int, help="refuse the file unless it is this challenge's")
    imp.add_argument("--yes", action="store_true", help="record without asking")
    person = sub.add_parser("person", help="a person's data on request, or their erasure (UK GDPR)")
    what = person.add_subparsers(dest="person_command", required=True)
    pexport = what.add_parser("export", help="write everything Lair holds about one person")
    pexport.add_argument("user", help="their Slack member id or Teams object id")
    pexport.add_argument("-o", "--output", type=Path,
                         help="the file: .xlsx for a workbook, otherwise JSON (default: a name in this folder)")  # fmt: skip
    erase = what.add_parser("erase", help="replace a person everywhere by a pseudonym")
    erase.add_argument("user", help="their Slack member id or Teams object id")
    erase.add_argument("--yes", action="store_true", help="erase without asking")
    for action in (pexport, erase):
        action.add_argument(
            "--workspace", help="the workspace's number or its Slack team / Teams tenant id"
        )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "demo":  # needs no settings: everything is local
        logging.basicConfig(level=logging.ERROR)
        if args.teams:
            from bot.sandbox.teams_demo import run_teams_demo

            run_teams_demo(args.output)
        else:
            from bot.sandbox.demo import run_demo

            run_demo(args.output)
        return 0
    if args.command == "teams" and args.teams_command == "package":  # no settings but the app id
        from bot.cli_teams import package_command

        return package_command(args)
    from bot.config import ConfigError, load_settings

    _logging()
    settings = None
    try:
        settings = load_settings()
        command = args.command or "run"
        if command == "run":
            if not (settings.slack or settings.teams):
                settings.require_slack()  # names what to set
            serve(settings, web=settings.slack, teams=settings.teams, clock=True)
        elif command == "web":
            serve(settings, web=True, clock=False)
        elif command == "teams":
            serve(settings, web=False, teams=True, clock=False)
        elif command == "clock":
            settings.require_platform()
            serve(settings, web=False, clock=True)
        elif command == "db":
            db_upgrade(settings)
        elif command == "export":
            from bot.cli_workbook import export_command

            return export_command(settings, args.challenge, args.output)
        elif command == "person":
            from bot.cli_person import person_command

            return person_command(settings, args)
        elif command == "report":
            from bot.cli_workbook import report_command

            return report_command(settings, args.output)
        elif command == "import-decisions":
            from bot.cli_workbook import import_command

            return import_command(settings, args.file, challenge_id=args.challenge, yes=args.yes)
    except ConfigError as exc:
        print(f"lair: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        line = _cannot_start(exc, settings)
        if line is None:
            raise
        print(f"lair: {line}", file=sys.stderr)
        return 2
    return 0


def _cannot_start(exc: Exception, settings: Settings) -> str | None:
    """One line for what an operator can fix outside Lair (a database or Slack it cannot
    reach, a token Slack refuses); None for anything else, whose traceback is wanted."""
    from urllib.error import URLError

    from slack_sdk.errors import SlackApiError
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import OperationalError

    if isinstance(exc, OperationalError):
        where = make_url(settings.database_url).render_as_string(hide_password=True)
        reason = str(exc.orig or exc).strip().splitlines()[0]
        return f"cannot open the database {where} ({reason}). Check DATABASE_URL and that the database is running."
    if isinstance(exc, URLError | ConnectionError | TimeoutError):
        reason = getattr(exc, "reason", exc)
        return f"cannot reach Slack at {settings.slack_api_url} ({reason}). Check SLACK_API_URL and the network."
    if isinstance(exc, SlackApiError):
        return (f"Slack refused the bot token ({exc.response.get('error')}). Check SLACK_BOT_TOKEN "
                "(the Bot User OAuth Token of the app's install).")  # fmt: skip
    return None
