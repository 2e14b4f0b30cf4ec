"""`lair demo` runs a whole round with no Slack workspace, prints it, and leaves the workbook."""

import subprocess
import sys
import time

from openpyxl import load_workbook

from tests.e2e.test_process import clean_env


def test_demo_runs_a_round_in_under_a_minute(tmp_path):
    out = tmp_path / "demo.xlsx"
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "demo", "-o", str(out)], cwd=tmp_path, env=clean_env(),
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    elapsed = time.monotonic() - started
    assert result.returncode == 0, result.stderr[-2000:]
    assert elapsed < 60
    text = result.stdout
    for expected in ("HOW MIGHT WE CUT MISSED BIN COLLECTIONS?", "You backed", "you are on its team",
                     "of 3 scored", "✅ Scored", "RESULTS", "is funded", "Done. The workbook is at",
                     # after the award (issue 12): a reminder, an update through the form, one overdue
                     "Time for a learning update", "Learning from Route app for agency drivers",
                     "Stopped early", "3 received · 0 due · 1 overdue", "Your coordinator asks again"):  # fmt: skip
        assert expected in text, expected
    assert "Traceback" not in text + result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames == [
        "Summary",
        "Shortlist",
        "All ideas",
        "Panel scores",
        "Conflicts",
        "Audit",
        "Learning",
    ]
    shortlist = list(wb["Shortlist"].iter_rows(min_row=2, max_row=6, values_only=True))
    assert len(shortlist) == 5 and all(row[1] for row in shortlist)
    decisions = [row[-3] for row in shortlist]
    assert "fund" in decisions and "don't fund" in decisions  # the pot cannot fund them all
    learned = list(wb["Learning"].iter_rows(min_row=2, values_only=True))
    assert sorted(row[3] for row in learned) == ["changed course", "on track", "stopped"]
