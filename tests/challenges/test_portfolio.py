"""The portfolio workbook across rounds: its numbers, sheets and native charts; people's
text kept as text; anonymous ideas anonymous; LibreOffice opens it."""

import shutil
import subprocess
from datetime import UTC, date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.words import plain
from challenges import ideas
from challenges.errors import NotACoordinator
from challenges.workbook.portfolio import SHEETS, portfolio_report
from storage.enums import Outcome
from storage.models import Decision, Idea, LearningUpdate, Vote
from tests.challenges.factories import idea_draft, open_challenge
from tests.conftest import COORDINATOR


def fund(ctx, idea, award):
    with ctx.db.transaction() as s:
        s.add(
            Decision(
                idea_id=idea.id, outcome=Outcome.FUND.value, award=award, decided_by=COORDINATOR
            )
        )


@pytest.fixture
def two_rounds(ctx):
    first = open_challenge(ctx, title="Round one", fund_pot="£10,000")
    a = ideas.submit_idea(ctx, "UA1", first.id, idea_draft(title="Bin sensors", theme="Waste")).idea
    b = ideas.submit_idea(
        ctx, "UA1", first.id, idea_draft(title='=HYPERLINK("http://x")', theme="Digital")
    ).idea
    ideas.submit_idea(ctx, "UA2", first.id, idea_draft(title="Route app", theme="Digital"))
    with ctx.db.transaction() as s:
        s.add_all([Vote(challenge_id=first.id, idea_id=a.id, voter_id=v) for v in ("UV1", "UV2")])
        s.add(Vote(challenge_id=first.id, idea_id=b.id, voter_id="UV1"))
    fund(ctx, a, 4000)
    fund(ctx, b, 1500)
    second = open_challenge(ctx, title="Round two", fund_pot="£20,000", allow_anonymous=True)
    c = ideas.submit_idea(
        ctx, "UA3", second.id, idea_draft(title="Quiet idea", anonymous=True)
    ).idea
    fund(ctx, c, 2000)
    return first, second


def sheet_rows(ws):
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_rounds_themes_funded_and_charts(ctx, two_rounds):
    first, second = two_rounds
    report = portfolio_report(ctx, COORDINATOR)
    assert plain(report.summary) == "2 rounds · 4 ideas · 3 funded, £7,500 awarded"
    wb = load_workbook(BytesIO(report.content))
    assert tuple(wb.sheetnames) == SHEETS
    rounds = sheet_rows(wb["Rounds"])
    header = rounds[0]
    by_round = {r[1]: dict(zip(header, r, strict=True)) for r in rounds[1:]}
    one = by_round["Round one"]
    assert (one["Ideas"], one["Submitters"], one["Voters"], one["Votes cast"], one["Funded"],
            one["Awarded £"], one["Fund pot £"]) == (3, 2, 2, 3, 2, 5500, 10000)  # fmt: skip
    assert one["Share of pot awarded"].startswith("=IF(")
    assert by_round["Round two"]["Awarded £"] == 2000
    assert len(wb["Rounds"]._charts) == 2 and len(wb["Themes"]._charts) == 1
    themes = {r[0]: r[1:] for r in sheet_rows(wb["Themes"])[1:]}
    assert themes == {"Digital": [2, 1, 1500], "Waste": [1, 1, 4000], "(no theme)": [1, 1, 2000]}

    funded = sheet_rows(wb["Funded ideas"])
    teams = {r[1]: r[4] for r in funded[1:]}
    assert teams["Quiet idea"] == "Anonymous" and teams["Bin sensors"] == "UA1"
    hostile = next(
        c
        for row in wb["Funded ideas"].iter_rows(min_row=2)
        for c in row
        if c.value == '=HYPERLINK("http://x")'
    )
    assert hostile.data_type == "s" and hostile.quotePrefix
    assert wb["Rounds"].freeze_panes == "C2" and wb["Rounds"].auto_filter.ref


def test_only_coordinators_and_only_their_workspace(ctx, two_rounds):
    with pytest.raises(NotACoordinator):
        portfolio_report(ctx, "UA1")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_libreoffice_converts_it(ctx, two_rounds, tmp_path):
    path = tmp_path / "portfolio.xlsx"
    path.write_bytes(portfolio_report(ctx, COORDINATOR).content)
    done = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "portfolio.pdf"
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")


def test_latest_learning_status_when_updates_are_kept(ctx, two_rounds):
    first, _ = two_rounds
    with ctx.db.transaction() as s:
        sensors = s.exec(select(Idea).where(Idea.title == "Bin sensors")).one()
        for n, (day, status, learned) in enumerate([
            (date(2027, 3, 1), "on_track", "Early days"),
            (date(2027, 6, 1), "stopped", "Sensors failed in wet weather"),
        ]):  # fmt: skip
            s.add(LearningUpdate(idea_id=sensors.id, challenge_id=first.id, due_date=day,
                                 status=status, learned=learned, written_by="UA1",
                                 updated_by="UA1", updated_at=datetime(2027, 3 + 3 * n, 2, tzinfo=UTC)))  # fmt: skip
    wb = load_workbook(BytesIO(portfolio_report(ctx, COORDINATOR).content))
    funded = {r[1]: (r[7], r[8]) for r in sheet_rows(wb["Funded ideas"])[1:]}
    assert funded["Bin sensors"] == ("stopped", "Sensors failed in wet weather")
    assert funded["Quiet idea"] == ("no update yet", None)
