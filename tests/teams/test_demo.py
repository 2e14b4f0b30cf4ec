"""`lair demo --teams` plays the demo round in Teams against the fake Bot Connector, prints
what each person sees, and leaves the workbook it was sent by file consent."""

import subprocess
import sys

from openpyxl import load_workbook

from tests.e2e.test_process import clean_env


def test_the_teams_demo_plays_a_whole_round(tmp_path):
    out = tmp_path / "demo.xlsx"
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "--teams", "-o", str(out)],
                            cwd=tmp_path, env=clean_env(), capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    text = result.stdout
    for expected in (
        "── #Ideas\n   💡 How might we cut missed bin collections?",  # the announcement
        "only Priya (contact centre) sees: You backed “Bin sensors on the worst rounds”. 2 of 3",
        "only Jo (digital) sees: ⚠️",  # Jo is on the team of the idea Jo tried to back
        "the form comes back showing:\n     The title is 101 characters",
        "── #Dragons",
        "✅ Scored",
        "The panel has decided on",
        "asks to send a file: lair-1-",
        "Done. The workbook is at",
    ):
        assert expected in text, expected
    assert "Traceback" not in text + result.stderr
    workbook = load_workbook(out)
    assert workbook["Summary"]["B2"].value == 1
    shortlist = list(workbook["Shortlist"].iter_rows(min_row=2, max_row=6, values_only=True))
    assert len(shortlist) == 5 and all(row[1] for row in shortlist)
