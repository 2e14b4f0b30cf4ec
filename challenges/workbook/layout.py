"""How the workbook's sheets print and how tall their rows are.

Printing: A4 landscape with narrow margins, the header row on every page. A sheet whose
columns fit a page at a readable scale prints at that scale; a wider one keeps the
readable scale and continues on pages to the right, its first columns (what a row is)
repeated on each, instead of shrinking every column onto one page width.

Rows: no height is fixed. Excel lays out a row at the height stored in the file (it fits
a row to its wrapped text only when the row is edited), so a row with wrapped text gets
an estimated height, written as the row's own fitted height (no customHeight); LibreOffice
fits such rows to their text again when it opens the file.
"""

import math
from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

A4 = 9  # the paper size code in SpreadsheetML
MARGIN_IN = 0.4
# A4 landscape is 11.69 in wide; at 96 dpi a column of width w (in characters of the
# default 11-point font, 7 px each) is 7w + 5 px wide.
PRINTABLE_PX = (11.69 - 2 * MARGIN_IN) * 96
READABLE_SCALE = 75  # per cent: 11-point text prints at 8¼ points
SAFETY = 0.95  # spreadsheets measure a font's characters a little differently

LINE_PT = 15  # one line of 11-point text
MAX_ROW_PT = 409  # the tallest row Excel allows


def columns_px(widths: Sequence[float]) -> float:
    return sum(7 * w + 5 for w in widths)


def scale_to_fit(widths: Sequence[float]) -> int:
    return min(100, math.floor(100 * SAFETY * PRINTABLE_PX / columns_px(widths)))


def print_across(ws: WriteOnlyWorksheet, widths: Sequence[float], *, first_page: int | None = None,
                 repeat: int = 0) -> None:  # fmt: skip
    """Set how `ws` prints. `first_page`: how many columns the first page must hold (the
    scale is chosen for them and a page break follows them); else all, if they fit at a
    readable scale. `repeat`: how many leading columns are printed again on every page."""
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = "landscape"
    ws.page_margins = PageMargins(left=MARGIN_IN, right=MARGIN_IN, top=0.5, bottom=0.5)
    ws.print_options.gridLines = True
    ws.print_title_rows = "1:1"
    if repeat:
        ws.print_title_cols = f"A:{get_column_letter(repeat)}"
    ws.page_setup.pageOrder = "overThenDown"  # a row's continuation follows it
    if first_page is None and scale_to_fit(widths) >= READABLE_SCALE:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        return
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
    ws.page_setup.scale = READABLE_SCALE
    if first_page:
        ws.page_setup.scale = max(READABLE_SCALE, scale_to_fit(widths[:first_page]))
        if first_page < len(widths):
            ws.col_breaks.append(Break(id=first_page))


class _FittedRow(RowDimension):
    """A row height Lair estimated: written without customHeight, as the height the row's
    text needs rather than one a person fixed."""

    @property
    def customHeight(self) -> bool:
        return False


def estimated_lines(text: str, width: float) -> int:
    """Lines `text` wraps to in a column `width` characters wide. Generous: a character of
    text is on average narrower than the digit a width is measured in."""
    per_line = max(1, int(width))
    if len(text) <= per_line and "\n" not in text:
        return 1  # most cells: no need to split
    return sum(max(1, math.ceil(len(part) / per_line)) for part in text.split("\n"))


def row_height(wrapped: Iterable[tuple[str, float]]) -> float | None:
    """The height a row needs for its wrapped texts (each with its column's width), if
    that is more than one line."""
    lines = max((estimated_lines(text, width) for text, width in wrapped), default=1)
    return min(MAX_ROW_PT, lines * LINE_PT) if lines > 1 else None


def fitted_height(ws: WriteOnlyWorksheet, index: int, height: float) -> RowDimension:
    """Row `index`'s dimension for a `row_height`."""
    return _FittedRow(worksheet=ws, index=index, ht=height)
