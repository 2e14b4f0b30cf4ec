"""`lair export`, `lair report` and `lair import-decisions`: workbooks from the command line.

Whoever can run `lair` against the database acts as a coordinator, recorded in the audit
trail as `cli:<login name>`."""

import getpass
import sys
from pathlib import Path

from bot.config import Settings
from bot.words import PLAIN, plain, say, say_problem
from challenges import directory, setup
from challenges.context import Context
from challenges.errors import LairError
from challenges.money import format_pounds
from challenges.workbook import cancel_import, confirm_import, export_workbook, stage_import
from challenges.workbook.data import collect_people
from challenges.workbook.intake import MAX_FILE_BYTES
from storage import Database
from storage.migrate import upgrade

LABELS = {None: "no decision", "fund": "fund", "dont_fund": "don't fund", "defer": "defer"}


def _context(settings: Settings) -> tuple[Context, str]:
    actor = f"cli:{getpass.getuser()}"[:32]
    db = Database.from_url(settings.database_url)
    upgrade(db.engine)
    ctx = Context(
        db=db,
        coordinators=settings.lair_coordinators | {actor},
        default_timezone=settings.lair_timezone,
    )
    return ctx, actor


def _names(ctx: Context, challenge_id: int) -> dict[str, str]:
    """The names Lair has stored for the challenge's people (the workbook never shows ids
    where a name is known)."""
    workspace = setup.load(ctx, challenge_id).workspace_id
    return directory.names(ctx.in_workspace(workspace), collect_people(ctx, challenge_id))


def export_command(settings: Settings, challenge_id: int, output: Path | None) -> int:
    ctx, actor = _context(settings)
    try:
        result = export_workbook(
            ctx, actor, challenge_id, words=plain, people=_names(ctx, challenge_id)
        )
    except LairError as exc:
        print(f"lair: {say(exc, PLAIN)}", file=sys.stderr)
        return 1
    finally:
        ctx.db.dispose()
    return _write(result, output)


def report_command(settings: Settings, output: Path | None) -> int:
    """`lair report`: the portfolio workbook of every round this database keeps."""
    from challenges.workbook.portfolio import portfolio_report

    ctx, actor = _context(settings)
    try:
        result = portfolio_report(ctx, actor)
    finally:
        ctx.db.dispose()
    return _write(result, output)


def _write(result, output: Path | None) -> int:
    """Leave a workbook (anything with filename, content and summary) at `output`."""
    path = output or Path(result.filename)
    path.write_bytes(result.content)
    print(f"wrote {path} ({len(result.content):,} bytes): {plain(result.summary)}")
    return 0


def _label(outcome: str | None, award: int) -> str:
    return (
        f"fund {format_pounds(award)}" if outcome == "fund" else LABELS.get(outcome, str(outcome))
    )


def import_command(settings: Settings, path: Path, *, challenge_id: int | None, yes: bool) -> int:
    ctx, actor = _context(settings)
    try:
        try:
            with path.open("rb") as file:  # a file over the limit is refused, not read whole
                content = file.read(MAX_FILE_BYTES + 1)
        except OSError as exc:
            print(f"lair: cannot read {path}: {exc.strerror}", file=sys.stderr)
            return 1
        preview = stage_import(ctx, actor, content, expected_challenge_id=challenge_id)
        print(f"{path}: challenge #{preview.challenge_id} {preview.challenge_title}")
        if not preview.changes:
            print("No changes: the decisions in Lair already match this workbook.")
            cancel_import(ctx, actor, preview.import_id)
            return 0
        for c in preview.changes:
            print(
                f"  #{c.idea_id} {c.title}: {_label(c.old_outcome, c.old_award)} -> {_label(c.new_outcome, c.new_award)}"
            )
        print(
            f"Awards would total {format_pounds(preview.total_awarded)} of the {format_pounds(preview.pot)} pot."
        )
        for warning in preview.warnings:
            print(f"Warning: {say_problem(warning, PLAIN)}")
        if not yes:
            if not sys.stdin.isatty():
                print(
                    "lair: nothing recorded; run again with --yes to record these decisions.",
                    file=sys.stderr,
                )
                cancel_import(ctx, actor, preview.import_id)
                return 1
            if input(
                f"Record these {len(preview.changes)} decision(s)? [y/N] "
            ).strip().lower() not in ("y", "yes"):
                cancel_import(ctx, actor, preview.import_id)
                print("Nothing recorded.")
                return 0
        result = confirm_import(ctx, actor, preview.import_id)
        print(
            f"Recorded {result.changed} decision(s): {result.funded} funded, {format_pounds(result.total_awarded)} awarded."
        )
        return 0
    except LairError as exc:
        print(f"lair: {say(exc, PLAIN)}", file=sys.stderr)
        return 1
    finally:
        ctx.db.dispose()
