"""The fund panel's workbook, written with openpyxl's write-only (streaming) mode.

Sheets: Summary, Shortlist, All ideas, Panel scores, Conflicts, Audit, and Learning once
funded teams have shared learning updates. Headers styled,
panes frozen, filters on, widths set, money as £, dates in the challenge's time zone,
long text wrapped in rows that grow to fit it, printed landscape on A4 (see `layout`).
Every text cell goes through `cells.cell`, so nothing a person typed can become a formula.
"""

import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.filters import AutoFilter

from challenges.clock import utc_to_local
from challenges.stages import Stage
from challenges.workbook import cells
from challenges.workbook.audit_words import describe
from challenges.workbook.cells import DATE, HEADER, MONEY, PENCE, TEXT, WRAP
from challenges.workbook.data import IdeaRow, WorkbookData, idea_of, is_secret
from challenges.workbook.layout import print_across, row_height
from challenges.workbook.sheet import Sheet
from storage.enums import IdeaStatus, Outcome

SHEETS = ("Summary", "Shortlist", "All ideas", "Panel scores", "Conflicts", "Audit")
LEARNING_SHEET = "Learning"  # after the others, only once there are learning updates
BOLD_WIDTH = 0.8  # bold text is wider: a header holds fewer characters a line
MARKER = "Lair workbook"  # Summary!A1; with the challenge id in Summary!B2, identifies the file


@dataclass(frozen=True)
class Column:
    title: str
    width: float
    style: str | None = TEXT  # top-aligned, as wrapped neighbours are (printed, rows are tall)


def _sheet(wb: Workbook, title: str, columns: Sequence[Column], rows: int, *, freeze: str = "A2",
           filters: bool = True, repeat: int = 0, first_page: int | None = None) -> Sheet:  # fmt: skip
    """A sheet with its header row written; `rows` (data rows to come) sizes the filter;
    `repeat` leading columns are printed on every page of a sheet too wide for one (see
    `layout.print_across`, also for `first_page`)."""
    ws = Sheet.add(wb, title)
    for i, column in enumerate(columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width
    ws.freeze_panes = freeze
    if filters:
        ws.auto_filter = AutoFilter(ref=f"A1:{get_column_letter(len(columns))}{rows + 1}")
    print_across(ws, [c.width for c in columns], repeat=repeat, first_page=first_page)
    append(ws, columns, [c.title for c in columns], 1, styles=[HEADER] * len(columns))
    return ws


def append(ws: Sheet, columns: Sequence[Column], values: Sequence, index: int, *,
           styles: Sequence[str | None] | None = None) -> None:  # fmt: skip
    """Row `index` (1-based; rows come in order), its height estimated from its wrapped text
    (a streamed row is written out at once)."""
    styles = styles or [c.style for c in columns]
    ws.row(index, values, styles, _height(values, _wrapping(columns, styles)))


def _rows(ws: Sheet, columns: Sequence[Column], rows: Iterable[Sequence]) -> None:
    """Data rows from row 2, all in their columns' styles: `append`, with which cells wrap
    worked out once for the sheet."""
    styles = [c.style for c in columns]
    wrapping = _wrapping(columns, styles)
    row = ws.row
    for index, values in enumerate(rows, start=2):
        row(index, values, styles, _height(values, wrapping))


def _wrapping(columns: Sequence[Column], styles: Sequence[str | None]) -> list[tuple[int, float]]:
    """The cells of a row in these styles that wrap: (their index, their column's width in
    characters of that style; bold header text is wider)."""
    return [(i, c.width * (BOLD_WIDTH if s == HEADER else 1))
            for i, (c, s) in enumerate(zip(columns, styles, strict=True)) if s in (WRAP, HEADER)]  # fmt: skip


def _height(values: Sequence, wrapping: list[tuple[int, float]]) -> float | None:
    return row_height((values[i], width) for i, width in wrapping if isinstance(values[i], str))


def local(data: WorkbookData, moment):
    return utc_to_local(moment, data.challenge.timezone).replace(tzinfo=None) if moment else None


def team_names(data: WorkbookData, members: list[str], anonymous: bool) -> str:
    return "Anonymous" if anonymous else ", ".join(data.name(u) for u in members)


def summary(wb: Workbook, data: WorkbookData, recommended_total: int | None) -> None:
    c, n = data.challenge, data.numbers
    columns = [Column("Item", 28, TEXT), Column("Value", 90, WRAP)]
    rows: list[tuple[str, object, str | None]] = [
        ("Challenge id", c.id, TEXT),
        ("Challenge", c.title, WRAP),
        ("Brief", c.brief, WRAP),
        ("Stage", Stage(c.stage).label, TEXT),
        ("Time zone", c.timezone, TEXT),
        ("Opens", local(data, c.opens_at), DATE),
        ("Ideas close", local(data, c.submissions_close_at), DATE),
        ("Voting closes", local(data, c.voting_close_at), DATE),
        ("Panel closes", local(data, c.panel_close_at), DATE),
        ("Fund pot", c.fund_pot, MONEY),
        ("Largest award", c.max_award, MONEY),
        ("Ideas", n.ideas, TEXT),
        ("Withdrawn ideas", n.withdrawn, TEXT),
        ("People who voted", n.voters, TEXT),
        ("Votes cast", n.votes, TEXT),
        ("Panel members", len(data.panel), TEXT),
        ("Recommended total", recommended_total, MONEY),
        ("Criteria", "; ".join(f"{k.name} (weight {k.weight:g}, {k.scale_min}–{k.scale_max})" for k in data.criteria), WRAP),
        ("Exported", local(data, data.exported_at), DATE),
    ]  # fmt: skip
    ws = Sheet.add(wb, "Summary")
    ws.column_dimensions["A"].width = columns[0].width
    ws.column_dimensions["B"].width = columns[1].width
    print_across(ws, [c.width for c in columns])
    ws.freeze_panes = "A2"
    append(ws, columns, [MARKER, f"Dragon's Lair — {c.title}"], 1, styles=[HEADER, HEADER])
    for index, (label, value, style) in enumerate(rows, start=2):
        append(ws, columns, [label, value], index, styles=[TEXT, style])


# Every idea, one row each; text wraps, so a printed page shows every title and team whole.
IDEA_COLUMNS = [
    Column("Idea id", 8), Column("Title", 36, WRAP), Column("Team", 28, WRAP), Column("Theme", 16),
    Column("Status", 14), Column("Requested £", 14, MONEY), Column("Votes", 8), Column("Submitted", 17, DATE),
    Column("Problem", 60, WRAP), Column("Proposal", 60, WRAP), Column("Expected benefit", 45, WRAP),
    Column("Partners", 28), Column("Decision", 12), Column("Award £", 12, MONEY),
    Column("Similar to", 14),
]  # fmt: skip

DECISION_LABELS = {Outcome.FUND: "fund", Outcome.DONT_FUND: "don't fund", Outcome.DEFER: "defer"}
SHORTLIST_MADE = (Stage.PANEL, Stage.DECIDED, Stage.CLOSED)


def status(data: WorkbookData, idea: IdeaRow) -> str:
    """Where the idea stands: once the shortlist is made, an idea left off it says so."""
    if idea.status != IdeaStatus.SUBMITTED:
        return str(idea.status)  # withdrawn, or removed by a coordinator
    if idea.shortlisted:
        return "shortlisted"
    return "not shortlisted" if Stage(data.challenge.stage) in SHORTLIST_MADE else idea.status


def all_ideas(wb: Workbook, data: WorkbookData) -> None:
    ws = _sheet(wb, "All ideas", IDEA_COLUMNS, len(data.ideas), freeze="C2", repeat=2)
    _rows(
        ws,
        IDEA_COLUMNS,
        (
            (
                r.id, r.title, team_names(data, r.team, r.anonymous), r.theme, status(data, r),
                r.funding_requested, r.votes, local(data, r.created_at), r.problem,
                r.proposal, r.benefit, r.partners,
                DECISION_LABELS.get(r.outcome) if r.outcome is not None else None,
                r.award if r.outcome is not None else None,
                ", ".join(f"#{i}" for i in data.similar.get(r.id, [])) or None,
            )
            for r in data.ideas
        ),
    )  # fmt: skip


def panel_scores(wb: Workbook, data: WorkbookData) -> None:
    columns = [Column("Idea id", 8), Column("Idea", 36, WRAP), Column("Panel member", 22)]
    columns += [Column(f"{k.name} (×{k.weight:g})", 14) for k in data.criteria]
    columns += [
        Column("Comment", 60, WRAP),
        Column("Shared with author", 10),
        Column("Last changed", 17, DATE),
    ]
    ws = _sheet(wb, "Panel scores", columns, len(data.scorecards), freeze="D2", repeat=3)
    _rows(
        ws,
        columns,
        (
            (
                s.idea.id, s.idea.title, data.name(s.member_id),
                *[s.values.get(k.id) for k in data.criteria],
                s.comment, "yes" if s.share_comment else "no", local(data, s.updated_at),
            )
            for s in data.scorecards
        ),
    )  # fmt: skip


def conflicts(wb: Workbook, data: WorkbookData) -> None:
    columns = [Column("Idea id", 8), Column("Idea", 36, WRAP), Column("Panel member", 22), Column("Kind", 12),
               Column("Reason", 50, WRAP), Column("Recorded", 17, DATE)]  # fmt: skip
    ws = _sheet(wb, "Conflicts", columns, len(data.conflicts), freeze="C2")
    _rows(ws, columns, ((i.id, i.title, data.name_about(i.id, c.user_id), c.kind, c.reason,
                         local(data, c.declared_at)) for i, c in data.conflicts))  # fmt: skip


def audit(wb: Workbook, data: WorkbookData) -> None:
    columns = [Column("When", 17, DATE), Column("Who", 22), Column("What", 22), Column("Subject", 16),
               Column("Detail", 80, WRAP)]  # fmt: skip
    ws = _sheet(wb, "Audit", columns, len(data.audit))
    _rows(
        ws,
        columns,
        (
            (
                local(data, e.at), "(secret ballot)" if is_secret(e) else data.name_about(idea, e.actor_id),
                e.action, e.subject,
                describe(data.detail_about(idea, e.detail), lambda user, idea=idea: data.name_about(idea, user)),
            )
            for e, idea in ((e, idea_of(e.subject)) for e in data.audit)
        ),
    )  # fmt: skip


LEARNING_STATUS = {"on_track": "on track", "changed_course": "changed course", "stopped": "stopped"}
LEARNING_COLUMNS = [
    Column("Idea id", 8), Column("Idea", 36, WRAP), Column("Date", 12), Column("Status", 16),
    Column("What we learned", 60, WRAP), Column("£ spent", 14, PENCE), Column("Link", 40, WRAP),
    Column("What we did", 50, WRAP), Column("What happened", 50, WRAP),
    Column("What we'd tell another council", 50, WRAP), Column("Shared by", 22),
    Column("Last changed", 17, DATE),
]  # fmt: skip


def learning(wb: Workbook, data: WorkbookData) -> None:
    """Each learning update: idea, date, status, what was learned, money spent, link."""
    ws = _sheet(wb, LEARNING_SHEET, LEARNING_COLUMNS, len(data.learning), freeze="C2", repeat=2)
    _rows(
        ws,
        LEARNING_COLUMNS,
        (
            (
                idea.id, idea.title, u.due_date.isoformat(), LEARNING_STATUS.get(u.status, u.status),
                u.learned, u.spent_pence / 100, u.link, u.did, u.happened, u.advice,
                "Anonymous" if idea.anonymous else data.name(u.written_by), local(data, u.updated_at),
            )
            for idea, u in data.learning
        ),
    )  # fmt: skip


def write(
    data: WorkbookData, shortlist: Callable[[Workbook], None], recommended_total: int | None
) -> bytes:
    """The workbook as .xlsx bytes; `shortlist(wb)` writes the Shortlist sheet."""
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    summary(wb, data, recommended_total)
    shortlist(wb)
    all_ideas(wb, data)
    panel_scores(wb, data)
    conflicts(wb, data)
    audit(wb, data)
    if data.learning:
        learning(wb, data)
    wb.properties.title = f"Dragon's Lair — {data.challenge.title}"[:250]
    wb.properties.creator = "Lair"
    wb.properties.keywords = f"lair-challenge-{data.challenge.id}"
    # Saved to a file and read back once: a BytesIO's getvalue() would hold the file twice.
    with tempfile.TemporaryFile() as file:
        wb.save(file)
        size = file.tell()
        file.seek(0)
        return file.read(size)  # one allocation of the file's size
