"""`lair export` and `lair import-decisions` as real commands."""

import subprocess
import sys
import tempfile

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from challenges import directory, workspaces
from challenges.context import Context
from challenges.workbook.data import collect_people
from storage import Database
from storage.enums import Platform
from storage.migrate import upgrade
from storage.models import AuditEvent, Decision
from tests.challenges.test_workbook import edited
from tests.conftest import COORDINATOR, TEAM_ID
from tests.e2e.test_process import clean_env
from tests.e2e.test_workbook_flow import decided_round


@pytest.fixture
def migrated(database_url, clock):
    db = Database.from_url(database_url)
    upgrade(db.engine)
    ctx = Context(db=db, coordinators=frozenset({COORDINATOR}), clock=clock)
    workspace = workspaces.install(ctx, Platform.SLACK, TEAM_ID).id
    yield ctx.in_workspace(workspace), database_url
    db.dispose()


def lair(database_url, *args, stdin=""):
    """`lair ARGS` in an empty directory (no developer's .env is read)."""
    with tempfile.TemporaryDirectory() as cwd:
        return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=clean_env(DATABASE_URL=database_url),
                              input=stdin, capture_output=True, text=True, timeout=120)  # fmt: skip


def test_export_and_import_from_the_command_line(migrated, tmp_path):
    ctx, url = migrated
    challenge, made = decided_round(ctx)
    out = tmp_path / "panel.xlsx"
    result = lair(url, "export", str(challenge.id), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and load_workbook(out).sheetnames[0] == "Summary"

    back = tmp_path / "back.xlsx"
    back.write_bytes(
        edited(out.read_bytes(), {made[0].id: ("fund", 3000), made[1].id: ("don't fund", None)})
    )
    refused = lair(url, "import-decisions", str(back))  # not a terminal, no --yes: nothing recorded
    assert refused.returncode == 1 and "--yes" in refused.stderr
    wrong = lair(url, "import-decisions", str(back), "--challenge", str(challenge.id + 1), "--yes")
    assert wrong.returncode == 1 and "is for challenge" in wrong.stderr
    with ctx.db.transaction() as s:
        assert s.exec(select(Decision)).all() == []

    done = lair(url, "import-decisions", str(back), "--yes")
    assert done.returncode == 0, done.stderr
    assert "no decision -> fund £3,000" in done.stdout and "Recorded 2 decision(s)" in done.stdout
    with ctx.db.transaction() as s:
        assert len(s.exec(select(Decision)).all()) == 2
        actors = set(
            s.exec(select(AuditEvent.actor_id).where(AuditEvent.action == "decisions.imported"))
        )
    assert len(actors) == 1 and actors.pop().startswith("cli:")


def test_unknown_challenge(migrated, tmp_path):
    _, url = migrated
    result = lair(url, "export", "999", "-o", str(tmp_path / "x.xlsx"))
    assert result.returncode == 1 and "There is no challenge 999" in result.stderr


def test_report_from_the_command_line(migrated, tmp_path):
    ctx, url = migrated
    decided_round(ctx)
    out = tmp_path / "portfolio.xlsx"
    result = lair(url, "report", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "wrote" in result.stdout and "1 rounds" in result.stdout
    wb = load_workbook(out)
    assert wb.sheetnames == ["Summary", "Rounds", "Themes", "Funded ideas"]
    assert len(wb["Rounds"]._charts) == 2
    with ctx.db.transaction() as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "portfolio.exported")).one()


def test_the_command_line_workbook_names_people_from_the_directory(migrated, tmp_path):
    """Issue 13 item 8: `lair export` showed Slack ids; it uses the names Lair stored."""
    ctx, url = migrated
    challenge, made = decided_round(ctx)
    involved = collect_people(ctx, challenge.id)
    directory.remember_names(ctx, {user: f"Person {n}" for n, user in enumerate(sorted(involved))})
    out = tmp_path / "named.xlsx"
    result = lair(url, "export", str(challenge.id), "-o", str(out))
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    cells = [
        str(value)
        for sheet in ("Shortlist", "All ideas", "Panel scores", "Conflicts")
        for row in wb[sheet].iter_rows(values_only=True)
        for value in row
        if value is not None
    ] + [str(row[1]) for row in wb["Audit"].iter_rows(min_row=2, values_only=True)]
    shown = "\n".join(cells)
    assert "Person 0" in shown and "UDRAGON1" not in shown and "UAUTHOR000" not in shown
