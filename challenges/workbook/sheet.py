"""A write-only sheet whose rows are written as SpreadsheetML text, not cell by cell.

openpyxl builds a cell object, an ElementTree element and its serialisation for every cell
(nine-tenths of a large export's time). A `Sheet` writes the same bytes for the cells the
workbook holds (text, whole and decimal numbers, dates in a date style) with one string
format each; anything else (a formula, a control character, an error code, text over
Excel's 32,767 characters) goes through openpyxl's own cell writer, in place. Styles are
numbered on first use, as openpyxl numbers them, so the file is the same byte for byte
(`tests/challenges/test_workbook_sheet.py` compares the two).
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell._writer import write_cell
from openpyxl.cell.cell import ERROR_CODES as ERROR_CODE_LIST
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import is_date_format
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from challenges.workbook.cells import FORMULA_TRIGGERS, cell, style_array
from challenges.workbook.layout import fitted_height

MAX_TEXT = 32_767  # Excel's longest cell text; openpyxl cuts longer text there
INFINITY = float("inf")
ERROR_CODES = frozenset(ERROR_CODE_LIST)  # text openpyxl writes as an error value


def _escape(text: str) -> str:
    """As ElementTree escapes element text."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


class Sheet(WriteOnlyWorksheet):
    """A streaming sheet; `row(index, values, styles, height)` writes one row at once."""

    def __init__(self, parent, title: str):
        super().__init__(parent, title)
        self._letters: list[str] = []
        # style attributes (' s="3"') by named style, plain and with the quote prefix
        self._plain: dict[str | None, str] = {}
        self._quoted: dict[str | None, str] = {}
        self._heights: dict[float, str] = {}
        self._dated: dict[str, bool] = {}
        self._index = 0  # the last row written
        self._dated_cell: Cell | None = None

    @classmethod
    def add(cls, wb, title: str) -> "Sheet":
        ws = cls(wb, title)
        wb._add_sheet(ws)
        return ws

    def _write_rows(self):
        """openpyxl's row stream, fed whole rows: text, or a list of text and cells."""
        xf = self._writer.xf.send(True)
        raw = getattr(xf, "_file", None)  # et_xmlfile's writer: text goes to the file as is
        if not callable(raw):  # lxml's xmlfile has no way to write text as it is
            raise RuntimeError(
                "the workbook is written through et_xmlfile: set OPENPYXL_LXML=False"
            )
        with xf.element("sheetData"):
            try:
                while True:
                    parts = yield
                    if isinstance(parts, str):
                        raw(parts)
                        continue
                    for part in parts:
                        if isinstance(part, str):
                            raw(part)
                        else:
                            write_cell(xf, self, part, part.has_style)
            except GeneratorExit:
                pass
        self._writer.xf.send(None)

    def _send(self, parts) -> None:
        self._get_writer()
        if self._rows is None:
            self._rows = self._write_rows()
            next(self._rows)
        self._rows.send(parts)

    def _style_attribute(self, style: str | None, quoted: bool) -> str:
        """A cell's style attribute: the workbook's number for a named style (quoted: with
        Excel's quote prefix), given on first use as openpyxl gives it; "" for no style."""
        probe = WriteOnlyCell(self)
        if style is not None:
            probe._style = StyleArray(style_array(self, style))  # a copy: the prefix changes it
        if quoted:
            probe.quotePrefix = True
        found = f' s="{probe.style_id}"' if probe.has_style else ""
        (self._quoted if quoted else self._plain)[style] = found
        return found

    def _is_dated(self, style: str) -> bool:
        """Whether a named style shows dates (else openpyxl would give a date cell its own)."""
        found = self._dated.get(style)
        if found is None:
            probe = WriteOnlyCell(self)
            probe._style = style_array(self, style)
            found = self._dated[style] = is_date_format(probe.number_format)
        return found

    def _letters_to(self, columns: int) -> list[str]:
        while len(self._letters) < columns:
            self._letters.append(get_column_letter(len(self._letters) + 1))
        return self._letters

    def _row_attributes(self, height: float | None) -> str:
        if height is None:
            return ""
        found = self._heights.get(height)
        if found is None:
            dims = fitted_height(self, 1, height)
            found = self._heights[height] = "".join(f' {k}="{v}"' for k, v in dims)
        return found

    def row(self, index: int, values: Sequence[Any], styles: Sequence[str | None],
            height: float | None = None) -> None:  # fmt: skip
        """Row `index` (1-based, in order): each value in its named style (None: no cell);
        `height` the row's fitted height, if it has one."""
        if len(values) != len(styles):
            raise ValueError(f"{len(values)} values for {len(styles)} styles")
        out = [f'<row r="{index}"{self._row_attributes(height)}>']
        mixed = False
        letters = (
            self._letters if len(self._letters) >= len(values) else self._letters_to(len(values))
        )
        plain, quoted = self._plain, self._quoted
        for column, value, style in zip(letters, values, styles, strict=False):
            if value is None:
                continue
            kind = type(value)
            if kind is str:
                if not value.startswith(FORMULA_TRIGGERS):
                    s = plain.get(style)
                    if s is None:
                        s = self._style_attribute(style, False)
                    ok = value not in ERROR_CODES
                else:
                    s = quoted.get(style)
                    if s is None:
                        s = self._style_attribute(style, True)
                    ok = True
                if ok and len(value) <= MAX_TEXT and not ILLEGAL_CHARACTERS_RE.search(value):
                    if not value:
                        out.append(f'<c r="{column}{index}"{s} t="inlineStr" />')
                    elif (value[0].isspace() or value[-1].isspace()) and not value.isspace():
                        # as openpyxl keeps leading or trailing white space
                        out.append(f'<c r="{column}{index}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>')  # fmt: skip
                    else:
                        out.append(f'<c r="{column}{index}"{s} t="inlineStr"><is><t>{_escape(value)}</t></is></c>')  # fmt: skip
                    continue
            elif (kind is int or kind is float) and value == value and abs(value) != INFINITY:
                s = plain.get(style)
                if s is None:
                    s = self._style_attribute(style, False)
                out.append(f'<c r="{column}{index}"{s} t="n"><v>{value:.16g}</v></c>')
                continue
            elif kind is datetime and style is not None and value.tzinfo is None and self._is_dated(style):  # fmt: skip
                if not self._dated_cell:
                    # As openpyxl does for a date cell's value before its style is set: the
                    # workbook lists its default date format (unused) among its formats.
                    self._dated_cell = WriteOnlyCell(self, value=value)
                s = plain.get(style)
                if s is None:
                    s = self._style_attribute(style, False)
                out.append(f'<c r="{column}{index}"{s} t="n"><v>{to_excel(value, self.parent.epoch):.16g}</v></c>')  # fmt: skip
                continue
            # Anything else as openpyxl writes it, in its place in the row.
            c = cell(self, value, style)
            if not isinstance(c, Cell):
                c = WriteOnlyCell(self, value=c)
            c.row, c.column = index, letters.index(column) + 1
            if c.has_style:
                c.style_id  # noqa: B018 -- numbered now, in the order of the row's cells
            out.append(c)
            mixed = True
        out.append("</row>")
        self._index = index
        self._send(out if mixed else "".join(out))

    def append(self, row: Sequence[Any]) -> None:
        """The next row, its values (or cells) unstyled, as openpyxl's `append`."""
        self.row(self._index + 1, row, [None] * len(row))
