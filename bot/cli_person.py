"""`lair person export|erase USER`: a person's data on request, and erasure (UK GDPR).

Whoever can run `lair` against the database acts as a coordinator, recorded in the audit
trail as `cli:<login name>`. A USER is a platform user id within one workspace: say which
with --workspace when Lair is installed in more than one."""

import sys
from pathlib import Path

from bot.cli_workbook import _context
from bot.config import Settings
from bot.words import PLAIN, say
from challenges import privacy
from challenges.errors import LairError
from challenges.workbook.person import person_file


def person_command(settings: Settings, args) -> int:
    ctx, actor = _context(settings)
    try:
        ctx = ctx.in_workspace(privacy.workspace_for(ctx, args.workspace))
        if args.person_command == "export":
            data = privacy.person_data(ctx, actor, args.user)
            xlsx = args.output is not None and args.output.suffix.lower() == ".xlsx"
            name, content = person_file(data, xlsx=xlsx)
            path: Path = args.output or Path(name)
            path.write_bytes(content)
            counts = ", ".join(f"{len(rows)} {section.replace('_', ' ')}"
                               for section, rows in data.sections.items() if section != "person")  # fmt: skip
            print(f"wrote {path} ({len(content):,} bytes): {counts}")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print(
                    f"lair: nothing erased; run again with --yes to erase {args.user}.",
                    file=sys.stderr,
                )
                return 1
            answer = input(f"Erase {args.user} for good (a pseudonym takes their place)? [y/N] ")
            if answer.strip().lower() not in ("y", "yes"):
                print("Nothing erased.")
                return 0
        erased = privacy.erase_person(ctx, actor, args.user)
        print(f"Erased {args.user}: now {erased.name} ({erased.rows:,} rows changed). "
              "Counts, scores and decisions are unchanged.")  # fmt: skip
        return 0
    except LairError as exc:
        print(f"lair: {say(exc, PLAIN)}", file=sys.stderr)
        return 1
    finally:
        ctx.db.dispose()
