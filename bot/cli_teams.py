"""`lair teams package`: the Teams app package for an admin to upload (README, "Lair in
Microsoft Teams"). Reads settings only when no --app-id is given, and never a secret."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def add_package_parser(teams: argparse.ArgumentParser) -> None:
    sub = teams.add_subparsers(dest="teams_command", metavar="{package}")
    p = sub.add_parser(
        "package", help="build the Teams app package (manifest and icons) for an admin to upload"
    )
    p.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("lair-teams.zip"),
        help="where to write it (default: lair-teams.zip)",
    )
    p.add_argument("--app-id", help="the bot's Microsoft app (client) id (default: TEAMS_APP_ID)")
    p.add_argument(
        "--domain",
        help="the bot's public host, e.g. lair.anytown.gov.uk (the manifest's validDomains)",
    )
    p.add_argument(
        "--package-id",
        help="the app's own GUID in Teams (default: derived from the app id, the same every time)",
    )
    p.add_argument(
        "--version",
        help="the app's version, x.y.z; raise it with each upload that "
        "changes the package (default: Lair's version)",
    )
    p.add_argument(
        "--developer",
        default="Lair",
        help="the developer Teams shows, e.g. your council (default: Lair)",
    )
    p.add_argument("--website", help="an https page about Lair for your staff, shown as the "
                                     "developer's website, privacy and terms pages (default: "
                                     "https://DOMAIN/)")  # fmt: skip


def package_command(args: argparse.Namespace) -> int:
    from bot.teams.package import PackageError, PackageOptions, host_of, write

    try:
        app_id = args.app_id or _app_id_from_settings()
        if not app_id:
            raise PackageError("no app id: pass --app-id or set TEAMS_APP_ID (the Microsoft app "
                               "id of the bot's Entra app registration)")  # fmt: skip
        options = PackageOptions(
            app_id=app_id.strip(),
            version=args.version or _lair_version(),
            package_id=args.package_id,
            domain=host_of(args.domain) if args.domain else None,
            developer=args.developer,
            website=args.website,
        ).checked()
        write(options, args.output)
    except (PackageError, OSError) as exc:
        print(f"lair: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {args.output}: Lair {options.version} for the bot {options.app_id} "
          f"(app {options.package_id}). Upload it in the Teams admin centre: Teams apps → "
          "Manage apps → Upload new app.")  # fmt: skip
    if not (options.website or options.domain):
        print("note: the developer's website, privacy and terms pages are placeholders; pass "
              "--website (or --domain) to name your own.", file=sys.stderr)  # fmt: skip
    return 0


def _app_id_from_settings() -> str | None:
    from bot.config import ConfigError, load_settings
    from bot.teams.package import PackageError

    try:
        return load_settings().teams_app_id
    except ConfigError as exc:
        raise PackageError(str(exc)) from None


def _lair_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("lair")
    except PackageNotFoundError:
        return "1.0.0"
