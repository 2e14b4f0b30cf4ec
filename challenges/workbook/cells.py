"""Cells that are safe to hand to Excel or LibreOffice, and the workbook's styles."""

import weakref
from datetime import datetime
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.workbook import Workbook
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

# Text starting with one of these could be read as a formula (or DDE) by a spreadsheet.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

MONEY_FORMAT = '"£"#,##0'
PENCE_FORMAT = '"£"#,##0.00'
DATE_FORMAT = "yyyy-mm-dd hh:mm"
SCORE_FORMAT = "0.00"

FONT, FONT_SIZE = "Calibri", 11  # openpyxl's default font, which column widths are measured in

HEADER = "lair_header"
TEXT = "lair_text"
WRAP = "lair_wrap"
MONEY = "lair_money"
PENCE = "lair_pence"  # pounds and pence (learning updates' money spent)
DATE = "lair_date"
SCORE = "lair_score"
TOTAL_MONEY = "lair_total_money"
TOTAL_TEXT = "lair_total_text"


def add_styles(workbook: Workbook) -> None:
    thin = Side(style="thin", color="B7B7B7")
    top = Alignment(vertical="top")
    # The workbook's own font named in every style: a style without one prints in whatever
    # the spreadsheet falls back to, which is wider than the widths and heights Lair sets.
    plain, bold = Font(name=FONT, size=FONT_SIZE), Font(name=FONT, size=FONT_SIZE, bold=True)
    styles = [
        NamedStyle(HEADER, font=Font(name=FONT, size=FONT_SIZE, bold=True, color="FFFFFF"),
                   fill=PatternFill("solid", fgColor="3B2F63"),
                   alignment=Alignment(vertical="center", wrap_text=True), border=Border(bottom=thin)),
        NamedStyle(TEXT, font=plain, alignment=top),
        NamedStyle(WRAP, font=plain, alignment=Alignment(vertical="top", wrap_text=True)),
        NamedStyle(MONEY, font=plain, number_format=MONEY_FORMAT, alignment=top),
        NamedStyle(PENCE, font=plain, number_format=PENCE_FORMAT, alignment=top),
        NamedStyle(DATE, font=plain, number_format=DATE_FORMAT, alignment=top),
        NamedStyle(SCORE, font=plain, number_format=SCORE_FORMAT, alignment=top),
        NamedStyle(TOTAL_MONEY, number_format=MONEY_FORMAT, font=bold, border=Border(top=thin)),
        NamedStyle(TOTAL_TEXT, font=bold, border=Border(top=thin)),
    ]  # fmt: skip
    for style in styles:
        workbook.add_named_style(style)


_style_arrays: "weakref.WeakKeyDictionary[Workbook, dict[str, StyleArray]]" = (
    weakref.WeakKeyDictionary()
)


def style_array(ws: WriteOnlyWorksheet, style: str) -> StyleArray:
    """The resolved style of a named style in this workbook, looked up once (setting
    `cell.style` by name costs a lookup per cell, a third of a large export's time)."""
    known = _style_arrays.setdefault(ws.parent, {})
    found = known.get(style)
    if found is None:
        probe = WriteOnlyCell(ws)
        probe.style = style
        found = known[style] = StyleArray(probe._style)
    return found


def cell(ws: WriteOnlyWorksheet, value: Any, style: str | None = None) -> Any:
    """A cell for a write-only sheet. Strings are always text, never formulas: one that starts
    with a formula trigger is stored as a string with Excel's quote prefix, so the spreadsheet
    shows it as typed and never evaluates it."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # callers pass local times; Excel has no zones
    risky = isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)
    if style is None and not risky:
        return value
    c = WriteOnlyCell(ws, value=value)
    if style is not None:
        # Cells of one style share its array (openpyxl only reads it when writing); a risky
        # cell gets its own copy, as the quote prefix below changes it.
        shared = style_array(ws, style)
        c._style = StyleArray(shared) if risky else shared
    if risky:
        c.data_type = "s"
        c.quotePrefix = True
    return c


def formula(ws: WriteOnlyWorksheet, expression: str, style: str | None = None) -> Any:
    """A formula Lair itself writes (never user text)."""
    c = WriteOnlyCell(ws, value=expression)
    if style is not None:
        c.style = style
    return c
