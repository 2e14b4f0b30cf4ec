"""`Sheet` writes rows as text: the same bytes openpyxl writes for the same cells, styles and
row heights (so a workbook written either way is the same file)."""

import io
import subprocess
import sys
import zipfile
from datetime import UTC, datetime

import pytest
from openpyxl import Workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from challenges.workbook import cells
from challenges.workbook.cells import DATE, HEADER, MONEY, SCORE, TEXT, WRAP, cell, formula
from challenges.workbook.layout import fitted_height
from challenges.workbook.sheet import Sheet

STYLES = [HEADER, TEXT, WRAP, MONEY, DATE, SCORE, None, TEXT, WRAP]
ROWS = [
    ["Idea id", "=Title", "Team ", " ", "", "#N/A", "plain", "x" * 40_000, "a & b < c > d"],
    [1, 2.5, 10**17, 0.1 + 0.2, -7, float("nan"), True, None, "line\nline\r\n\ttab"],
    [
        datetime(2027, 1, 11, 9, 30),
        datetime(2027, 1, 11, 9, 30, tzinfo=UTC),
        "+44",
        "-2",
        "@x",
        "\tlead",
        "\rret",
        "=1+1",
        "#DIV/0!",
    ],  # fmt: skip
    [None] * 9,
    ["é—£ 🐉", 3_000_000, 12.345678901234567, "  both  ", "-", "=", "@", "'quoted", None],
]
HEIGHTS = [30, None, 45, None, 409]


def saved(wb: Workbook) -> dict[str, bytes]:
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        return {n: z.read(n) for n in z.namelist() if not n.startswith("docProps/core")}


def by_openpyxl() -> dict[str, bytes]:
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    ws = wb.create_sheet("Sheet")
    for index, (values, height) in enumerate(zip(ROWS, HEIGHTS, strict=True), 1):
        if height:
            ws.row_dimensions[index] = fitted_height(ws, index, height)
        ws.append([cell(ws, v, s) if v is not None else None for v, s in zip(values, STYLES, strict=True)])  # fmt: skip
    ws.append([cell(ws, "Totals", HEADER), formula(ws, "=SUM(A1:A3)", MONEY), None, "plain"])
    return saved(wb)


def by_sheet() -> dict[str, bytes]:
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    ws = Sheet.add(wb, "Sheet")
    for index, (values, height) in enumerate(zip(ROWS, HEIGHTS, strict=True), 1):
        ws.row(index, values, STYLES, height)
    ws.append([cell(ws, "Totals", HEADER), formula(ws, "=SUM(A1:A3)", MONEY), None, "plain"])
    return saved(wb)


def test_the_same_bytes_as_openpyxl():
    ours, theirs = by_sheet(), by_openpyxl()
    assert ours.keys() == theirs.keys()
    for name in theirs:
        assert ours[name] == theirs[name], name


def test_a_control_character_is_refused_as_openpyxl_refuses_it():
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    ws = Sheet.add(wb, "Sheet")
    with pytest.raises(IllegalCharacterError):
        ws.row(1, ["bell\x07"], [TEXT])


def test_openpyxl_loads_without_numpy_unless_it_is_loaded_already(tmp_path):
    """NumPy is a fifth of an export's memory and no cell holds a NumPy number."""
    check = (
        "import sys\n"
        "from challenges.workbook import export_workbook\n"
        "from openpyxl.compat import numbers\n"
        "print('numpy' in sys.modules, numbers.NUMPY)\n"
    )
    alone = subprocess.run(
        [sys.executable, "-c", check], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    first = subprocess.run([sys.executable, "-c", "import numpy\n" + check], capture_output=True,
                           text=True, check=True, cwd=tmp_path)  # fmt: skip
    assert alone.stdout.split() == ["False", "False"]
    assert first.stdout.split() == ["True", "True"]
