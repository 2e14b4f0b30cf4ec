"""Reading the fund panel's decisions back from an edited workbook.

The file must be this challenge's workbook, unreshaped: Lair's sheet names, its marker and
challenge id on Summary, and the Shortlist header it wrote. The sender and (when the
challenge is named) its stage are checked before the file is opened; the file is then read
within bounded memory and time (`intake`), outside any transaction, and only what it says is
checked against the database, in one short transaction that stages a PendingImport until
the coordinator confirms.
"""

from dataclasses import asdict, dataclass, replace
from datetime import timedelta

from sqlmodel import Session, select

from challenges import audit, decisions, scope
from challenges.context import Context
from challenges.errors import NotAllowed, WrongStage
from challenges.money import format_pounds, parse_pounds
from challenges.roles import require_coordinator
from challenges.setup import get as get_challenge
from challenges.workbook import intake
from challenges.workbook.build import LEARNING_SHEET, MARKER, SHEETS
from challenges.workbook.data import collect
from challenges.workbook.intake import WorkbookRejected, rejected
from challenges.workbook.shortlist import AWARD, DECISION, DECISION_VALUES, IDEA_ID, header
from storage.models import Decision, Idea, PendingImport

MAX_PROBLEMS_SHOWN = 8
PENDING_FOR = timedelta(hours=24)
MAX_COLUMNS = 64  # the Shortlist has about 20 (more with more criteria)


@dataclass(frozen=True)
class DecisionChange:
    idea_id: int
    title: str
    old_outcome: str | None
    old_award: int
    new_outcome: str
    new_award: int


@dataclass(frozen=True)
class ImportPreview:
    import_id: int
    challenge_id: int
    challenge_title: str
    changes: list[DecisionChange]
    unchanged: int
    total_awarded: int
    pot: int
    warnings: list[str]


@dataclass(frozen=True)
class SentDecisions:
    """What Lair reads from the file: the challenge it is for and the Shortlist's rows."""

    challenge_id: int
    header: list
    rows: list[tuple]  # the rows after the header, up to the first without an idea id


def check_sender(ctx: Context, actor: str, challenge_id: int | None = None) -> None:
    """Refuse someone who may not send decisions (or a named challenge not taking them)
    before their file is fetched or opened. A challenge that does not exist is left to the
    file's own check, which can say which challenge the file is for."""
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        named = scope.find_challenge(session, challenge_id) if challenge_id is not None else None
        if named is not None:
            decisions.require_deciding(session, named)


def read_sent(content: bytes) -> SentDecisions:
    """The challenge id and Shortlist rows from the file, read within `intake`'s limits."""
    with intake.opened(content) as book:
        if book.sheetnames not in (list(SHEETS), [*SHEETS, LEARNING_SHEET]):
            raise WorkbookRejected(
                "This workbook has been reshaped: its sheets should be "
                f"{', '.join(SHEETS)} (in that order), but are {', '.join(book.sheetnames)}. "
                "Record decisions in the Decision and Award £ columns only, or export a fresh copy."
            )
        rows = list(book.rows("Summary", max_row=2, max_col=2))
        if (
            len(rows) < 2
            or rows[0][0] != MARKER
            or rows[1][0] != "Challenge id"
            or not isinstance(rows[1][1], int | float)
        ):
            raise rejected("This is not a Lair workbook (its Summary sheet has been changed).")
        shortlist = book.rows("Shortlist", max_col=MAX_COLUMNS)
        found = list(next(shortlist, ()))
        if IDEA_ID not in found:
            raise _columns_changed()
        at = found.index(IDEA_ID)
        body = []
        for row in shortlist:
            if row[at] is None or row[at] == "":
                break  # the totals rows follow the ideas
            body.append(row)
    return SentDecisions(int(rows[1][1]), found, body)


def _columns_changed() -> WorkbookRejected:
    return WorkbookRejected(
        "The Shortlist sheet's columns have been changed, so Lair cannot tell which value is "
        "which. Record decisions in the Decision and Award £ columns only, or export a fresh copy."
    )


def read_preview(
    session: Session,
    ctx: Context,
    actor: str,
    sent: SentDecisions,
    *,
    expected_challenge_id: int | None = None,
) -> tuple[list[dict], ImportPreview]:
    """Check what the file says against the database; returns the changes and a preview (unsaved)."""
    challenge_id = sent.challenge_id
    if expected_challenge_id is not None and challenge_id != expected_challenge_id:
        raise WorkbookRejected(
            f"This workbook is for challenge #{challenge_id}, not #{expected_challenge_id}. "
            "Check you picked the right file."
        )
    require_coordinator(session, ctx, actor)
    challenge = get_challenge(session, challenge_id)
    decisions.require_deciding(session, challenge)
    data = collect(session, challenge_id, now=ctx.now())
    expected = header(data)
    if [str(v) if v is not None else "" for v in sent.header[: len(expected)]] != expected:
        raise _columns_changed()
    at = {name: expected.index(name) for name in (IDEA_ID, "Idea", DECISION, AWARD)}
    shortlist = {
        i.id: i
        for i in session.exec(
            select(Idea).where(Idea.challenge_id == challenge_id, Idea.shortlisted)
        )
    }
    existing = {
        d.idea_id: d
        for d in session.exec(select(Decision).where(Decision.idea_id.in_(list(shortlist) or [-1])))
    }
    problems: list[str] = []
    changes: list[DecisionChange] = []
    seen: set[int] = set()
    unchanged = 0
    for number, row in enumerate(sent.rows, start=2):
        raw_id = row[at[IDEA_ID]]
        if not isinstance(raw_id, int | float) or int(raw_id) != raw_id:
            problems.append(f"row {number}: the idea id “{raw_id}” is not a number")
            continue
        idea_id = int(raw_id)
        if idea_id not in shortlist:
            problems.append(f"row {number}: idea {idea_id} is not on this challenge's shortlist")
            continue
        if str(row[at["Idea"]] or "") != shortlist[idea_id].title:
            problems.append(
                f"row {number}: idea {idea_id} is not “{row[at['Idea']]}” in Lair; the rows may have been mixed up"
            )
            continue
        if idea_id in seen:
            problems.append(f"row {number}: idea {idea_id} appears twice")
            continue
        seen.add(idea_id)
        raw_decision, raw_award = row[at[DECISION]], row[at[AWARD]]
        if raw_decision in (None, ""):
            if raw_award not in (None, "", 0):
                problems.append(
                    f"row {number}: an award of {raw_award} with no decision; choose fund, don't fund or defer"
                )
            continue
        outcome = DECISION_VALUES.get(str(raw_decision).strip().lower())
        if outcome is None:
            problems.append(
                f"row {number}: “{raw_decision}” is not a decision; use fund, don't fund or defer"
            )
            continue
        try:
            award = parse_pounds(raw_award if raw_award not in (None, "") else 0, field="award")
        except ValueError as exc:
            problems.append(f"row {number}: {exc}")
            continue
        if outcome == decisions.FUND and not 0 < award <= challenge.max_award:
            problems.append(
                f"row {number}: a funded idea needs an award from £1 to the {format_pounds(challenge.max_award)} maximum"
            )
            continue
        if outcome != decisions.FUND and award:
            problems.append(
                f"row {number}: only funded ideas get an award (this one is “{raw_decision}”)"
            )
            continue
        old = existing.get(idea_id)
        if old is not None and (old.outcome, old.award) == (outcome, award):
            unchanged += 1
            continue
        changes.append(DecisionChange(idea_id, shortlist[idea_id].title, old.outcome if old else None,
                                      old.award if old else 0, outcome, award))  # fmt: skip
    if problems:
        shown = "\n".join(f"• {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = (
            f"\n…and {len(problems) - MAX_PROBLEMS_SHOWN} more."
            if len(problems) > MAX_PROBLEMS_SHOWN
            else ""
        )
        raise WorkbookRejected(
            f"Nothing was recorded: the Shortlist sheet has {len(problems)} problem(s).\n{shown}{more}"
        )
    final = {i: (d.outcome, d.award) for i, d in existing.items()}
    final.update({c.idea_id: (c.new_outcome, c.new_award) for c in changes})
    total = sum(a for o, a in final.values() if o == decisions.FUND)
    warnings = []
    if total > challenge.fund_pot:
        warnings.append(
            f"The awards add up to {format_pounds(total)}, {format_pounds(total - challenge.fund_pot)} more than the {format_pounds(challenge.fund_pot)} fund pot."
        )
    preview = ImportPreview(
        0, challenge.id, challenge.title, changes, unchanged, total, challenge.fund_pot, warnings
    )
    return [asdict(c) for c in changes], preview


def stage_import(
    ctx: Context, actor: str, content: bytes, *, expected_challenge_id: int | None = None
) -> ImportPreview:
    """Check a returned workbook and keep its changes until the coordinator confirms.

    The sender (and the named challenge's stage) first; then the file, read within bounds
    outside any transaction; then one short transaction checks and stages what it says."""
    check_sender(ctx, actor, expected_challenge_id)
    sent = read_sent(content)
    now = ctx.now()
    with ctx.transaction() as session:
        changes, preview = read_preview(
            session, ctx, actor, sent, expected_challenge_id=expected_challenge_id
        )
        pending = PendingImport(
            challenge_id=preview.challenge_id, uploaded_by=actor, changes=changes, created_at=now
        )
        session.add(pending)
        session.flush()
        audit.record(session, actor=actor, action="decisions.import_checked", at=now, challenge_id=preview.challenge_id,
                     subject=f"import:{pending.id}", changes=len(changes))  # fmt: skip
        return replace(preview, import_id=pending.id)


def _pending(session: Session, ctx: Context, actor: str, import_id: int) -> PendingImport:
    pending = session.get(PendingImport, import_id, with_for_update=True)
    # Missing, or another workspace's import (as if it did not exist).
    if pending is None or scope.find_challenge(session, pending.challenge_id) is None:
        raise WorkbookRejected("That import no longer exists. Send the workbook again.")
    if pending.uploaded_by != actor:
        raise NotAllowed("Only the coordinator who sent this workbook can confirm or cancel it.")
    if pending.status != "pending":
        raise WrongStage(f"That import was already {pending.status}.")
    if ctx.now() - pending.created_at > PENDING_FOR:
        raise WrongStage(
            "That import is more than a day old. Send the workbook again to check it afresh."
        )
    return pending


def confirm_import(ctx: Context, actor: str, import_id: int) -> decisions.DecisionResult:
    """Record the pending decisions (all of them, or none) and audit the import."""
    now = ctx.now()
    with ctx.transaction() as session:
        pending = _pending(session, ctx, actor, import_id)
        inputs = [
            decisions.DecisionInput(c["idea_id"], c["new_outcome"], c["new_award"])
            for c in pending.changes
        ]
        result = decisions.record_in(
            session, ctx, actor, pending.challenge_id, inputs, announce=False, allow_over_pot=True
        )
        pending.status = "applied"
        audit.record(session, actor=actor, action="decisions.imported", at=now, challenge_id=pending.challenge_id,
                     subject=f"import:{pending.id}", changes=len(inputs))  # fmt: skip
        return result


def cancel_import(ctx: Context, actor: str, import_id: int) -> None:
    with ctx.transaction() as session:
        pending = _pending(session, ctx, actor, import_id)
        pending.status = "cancelled"
        audit.record(session, actor=actor, action="decisions.import_cancelled", at=ctx.now(),
                     challenge_id=pending.challenge_id, subject=f"import:{pending.id}")  # fmt: skip
