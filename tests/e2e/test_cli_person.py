"""`lair person export` and `lair person erase` as real commands (run outside the
repository, so no developer's .env is read)."""

import json
import subprocess
import sys

from openpyxl import load_workbook
from sqlalchemy import select

from challenges import workspaces
from storage.enums import Platform
from storage.models import AuditEvent
from tests.challenges.test_privacy import NAME, WHO, dump, finished_round
from tests.e2e.test_cli_workbook import migrated  # noqa: F401  (fixture)
from tests.e2e.test_process import clean_env


def lair(database_url, cwd, *args, stdin=""):
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_env(DATABASE_URL=database_url),
                          input=stdin, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_export_then_erase_from_the_command_line(migrated, tmp_path):  # noqa: F811
    ctx, url = migrated
    challenge, made = finished_round(ctx)

    as_json = tmp_path / "person.json"
    result = lair(url, tmp_path, "person", "export", WHO, "-o", str(as_json))
    assert result.returncode == 0, result.stderr
    document = json.loads(as_json.read_text())
    assert document["name"] == NAME and {r["idea_id"] for r in document["ideas"]} == {
        made[0].id,
        made[2].id,
    }
    assert len(document["votes"]) == 2 and document["audit_events"]

    as_xlsx = tmp_path / "person.xlsx"
    assert lair(url, tmp_path, "person", "export", WHO, "-o", str(as_xlsx)).returncode == 0
    wb = load_workbook(as_xlsx)
    assert {"Person", "Ideas", "Votes", "Scores", "Audit events"} <= set(wb.sheetnames)
    assert wb["Ideas"].max_row == 3  # a header and their two ideas

    refused = lair(url, tmp_path, "person", "erase", WHO)  # not a terminal, no --yes
    assert refused.returncode == 1 and "--yes" in refused.stderr and WHO in dump(ctx.db)
    done = lair(url, tmp_path, "person", "erase", WHO, "--yes")
    assert done.returncode == 0, done.stderr
    assert "Former member 1" in done.stdout
    everything = dump(ctx.db)
    assert WHO not in everything and NAME not in everything
    with ctx.transaction() as s:
        erased = s.scalars(select(AuditEvent).where(AuditEvent.action == "person.erased")).one()
    assert erased.actor_id.startswith("cli:")

    gone = lair(url, tmp_path, "person", "export", WHO, "-o", str(as_json))
    assert (
        gone.returncode == 1
        and "holds nothing about" in gone.stderr
        and "Traceback" not in gone.stderr
    )


def test_a_second_workspace_must_be_named(migrated, tmp_path):  # noqa: F811
    ctx, url = migrated
    finished_round(ctx)
    workspaces.install(ctx.in_workspace(None), Platform.TEAMS, "tenant-2", "Other council")
    asked = lair(url, tmp_path, "person", "export", WHO)
    assert asked.returncode == 1 and "--workspace" in asked.stderr and "T0001" in asked.stderr
    out = tmp_path / "p.json"
    named = lair(url, tmp_path, "person", "export", WHO, "--workspace", "T0001", "-o", str(out))
    assert named.returncode == 0, named.stderr
    wrong = lair(url, tmp_path, "person", "export", WHO, "--workspace", "T9999")
    assert wrong.returncode == 1 and "not installed in a workspace T9999" in wrong.stderr
