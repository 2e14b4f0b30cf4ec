"""The Shortlist sheet: ranking, recommendation, and the columns the fund panel fills in.

Printed, its first page holds what the panel decides with (rank, idea, team, request,
votes, score, recommendation, and the Decision, Award £ and Notes columns); the scoring
detail follows on the next pages, each starting with the rank, id and idea again."""

from collections.abc import Callable

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from challenges.errors import Problem
from challenges.funding import Recommendation
from challenges.ranking import IdeaRank
from challenges.workbook.build import Column, _sheet, append, team_names
from challenges.workbook.cells import MONEY, SCORE, TOTAL_MONEY, TOTAL_TEXT, WRAP, cell, formula
from challenges.workbook.data import WorkbookData
from storage.enums import Outcome

DECISION_CHOICES = ("fund", "don't fund", "defer")  # as shown in the drop-down
DECISION_VALUES = {"fund": Outcome.FUND, "don't fund": Outcome.DONT_FUND, "defer": Outcome.DEFER}
DECISION_LABELS = {v: k for k, v in DECISION_VALUES.items()}

# Columns the reader relies on, by header text.
IDEA_ID = "Idea id"
DECISION = "Decision"
AWARD = "Award £"
NOTES = "Notes"


REPEATED = 3  # Rank, Idea id, Idea: printed again at the left of every page


def columns(data: WorkbookData) -> list[Column]:
    return key_columns() + [
        Column("Normalised score", 11, SCORE),
        *[Column(f"Mean: {k.name}", 13, SCORE) for k in data.criteria],
        Column("Scored by", 9), Column("Disagreement", 18, WRAP), Column("Why", 40, WRAP),
    ]  # fmt: skip


def key_columns() -> list[Column]:
    """What the first printed page holds."""
    return [
        Column("Rank", 7), Column(IDEA_ID, 8), Column("Idea", 28, WRAP), Column("Team", 18, WRAP),
        Column("Requested £", 13, MONEY), Column("Votes", 7), Column("Weighted score", 11, SCORE),
        Column("Recommended", 14), Column("Recommended £", 15, MONEY), Column(DECISION, 11),
        Column(AWARD, 11, MONEY), Column(NOTES, 30, WRAP),
    ]  # fmt: skip


def header(data: WorkbookData) -> list[str]:
    return [c.title for c in columns(data)]


def write_shortlist(
    wb: Workbook,
    data: WorkbookData,
    ranks: list[IdeaRank],
    recommendation: Recommendation,
    words: Callable[[Problem], str],
) -> None:
    """The sheet; `words` words the recommendation's reasons (the adapter's catalogue)."""
    cols = columns(data)
    ws = _sheet(wb, "Shortlist", cols, len(ranks), freeze="D2", repeat=REPEATED,
                first_page=len(key_columns()))  # fmt: skip
    titles = [c.title for c in cols]
    decision_col = get_column_letter(titles.index(DECISION) + 1)
    award_col = get_column_letter(titles.index(AWARD) + 1)
    first, last = 2, len(ranks) + 1

    choices = DataValidation(
        type="list", formula1='"' + ",".join(DECISION_CHOICES) + '"', allow_blank=True, showDropDown=False,
        showErrorMessage=True, errorTitle="Decision", error="Choose fund, don't fund or defer.",
        promptTitle="Decision", prompt="fund, don't fund or defer", showInputMessage=True,
    )  # fmt: skip
    choices.add(f"{decision_col}{first}:{decision_col}{max(first, last)}")
    awards = DataValidation(
        type="whole", operator="between", formula1="0", formula2=str(data.challenge.max_award), allow_blank=True,
        showErrorMessage=True, errorTitle="Award", error=f"Whole pounds from £0 to £{data.challenge.max_award:,}.",
    )  # fmt: skip
    awards.add(f"{award_col}{first}:{award_col}{max(first, last)}")
    ws.data_validations.append(choices)
    ws.data_validations.append(awards)

    entries = {e.idea_id: e for e in recommendation.entries}
    decided = data.decisions
    for index, r in enumerate(ranks, start=2):
        entry = entries.get(r.idea_id)
        decision = decided.get(r.idea_id)
        row = [
            r.rank, r.idea_id, r.title, team_names(data, r.team, r.idea_id in data.hidden),
            r.funding_requested, r.votes, r.weighted,
            ("yes" if entry.fund else "no") if entry else None, entry.award if entry and entry.fund else None,
            DECISION_LABELS.get(decision.outcome) if decision else None,
            decision.award if decision and decision.outcome == Outcome.FUND else None,
            (decision.notes or None) if decision else None,
            r.normalised, *r.means, r.scorers,
            ", ".join(r.disagreement_criteria) if r.disagreement else "",
            words(entry.reason) if entry else None,
        ]  # fmt: skip
        append(ws, cols, row, index)

    # Totals with live formulas: what the panel awards, against the pot.
    pot = data.challenge.fund_pot
    span = f"{award_col}{first}:{award_col}{max(first, last)}"
    label_at = titles.index(DECISION)
    totals = [None] * len(cols)
    totals[0] = cell(ws, "Totals", TOTAL_TEXT)
    totals[label_at] = cell(ws, "Awarded", TOTAL_TEXT)
    totals[label_at + 1] = formula(ws, f"=SUM({span})", TOTAL_MONEY)
    totals[label_at + 2] = formula(ws, f'=IF(SUM({span})>{pot},"Over the £{pot:,} pot by £"&TEXT(SUM({span})-{pot},"#,##0"),"£"&TEXT({pot}-SUM({span}),"#,##0")&" of the £{pot:,} pot left")', TOTAL_TEXT)  # fmt: skip
    ws.append(totals)
    recommended_col = titles.index("Recommended £")
    rec = [None] * len(cols)
    rec[recommended_col - 1] = cell(ws, "Recommended", TOTAL_TEXT)
    rec[recommended_col] = formula(ws, f"=SUM({get_column_letter(recommended_col + 1)}{first}:{get_column_letter(recommended_col + 1)}{max(first, last)})", TOTAL_MONEY)  # fmt: skip
    ws.append(rec)
