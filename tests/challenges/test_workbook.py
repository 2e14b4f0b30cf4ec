"""The fund panel's workbook, opened back with openpyxl: every sheet, types, the drop-down,
formats, panes, filters, injection-safe text, no voter named; and the decisions round trip."""

import io
import zipfile

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from bot.words import PLAIN, plain, say
from challenges import decisions, ideas, panel, setup, voting
from challenges.codes import Code
from challenges.errors import Problem, WrongStage
from challenges.transitions import advance
from challenges.workbook import confirm_import, export_workbook, stage_import
from challenges.workbook.build import SHEETS
from challenges.workbook.cells import MONEY_FORMAT
from challenges.workbook.importer import WorkbookRejected
from storage.models import AuditEvent, Decision, Vote
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.panel_factories import add_votes, author
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR

HOSTILE = ['=HYPERLINK("http://x","y")', "+44 line", "-minus", "@SUM(A1)", "=1+1", "-2"]


@pytest.fixture
def round_(ctx, clock):
    """A decided-stage challenge: 8 ideas (6 hostile titles), 3 shortlisted and scored."""
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft(
        fund_pot="£10,000", max_award="£6,000", shortlist_size=3))  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    titles = ["Bin sensors", "Route app", *HOSTILE]
    made = [
        ideas.submit_idea(ctx, author(n), challenge.id, idea_draft(title=t, funding_requested=[6000, 5000, 4000][n % 3],
                          problem="=cmd|' /C calc'!A0", team=["UTEAMMATE"] if n == 0 else [])).idea
        for n, t in enumerate(titles)
    ]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # voting
    for n, idea in enumerate(made):
        add_votes(ctx, challenge.id, idea.id, 10 - n)
    # and real votes through the service, so the audit trail holds vote events too
    voting.toggle_vote(ctx, voter="UREALVOTER1", idea_id=made[6].id)
    voting.toggle_vote(ctx, voter="UREALVOTER2", idea_id=made[7].id)
    clock.advance(seconds=3)  # past the double-click guard
    voting.toggle_vote(ctx, voter="UREALVOTER2", idea_id=made[7].id)  # taken back
    panel.set_panel(ctx, COORDINATOR, challenge.id, ["UDRAGON1", "UDRAGON2"])
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # panel: top 3 shortlisted
    score(ctx, "UDRAGON1", made[0], 5, 5, 5, 5, 5, comment="=2+2 strong", share=True)
    score(ctx, "UDRAGON2", made[0], 4, 4, 4, 4, 4)
    score(ctx, "UDRAGON1", made[1], 3, 3, 3, 3, 3)
    score(ctx, "UDRAGON1", made[2], 4, 2, 5, 1, 3)
    score(ctx, "UDRAGON2", made[2], 1, 2, 2, 4, 3)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)  # decided
    return setup.load(ctx, challenge.id), made


def open_export(ctx, challenge_id):
    export = export_workbook(ctx, COORDINATOR, challenge_id, words=plain)
    return export, load_workbook(io.BytesIO(export.content))


def rows(ws):
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_every_sheet_and_its_contents(ctx, round_):
    challenge, made = round_
    export, wb = open_export(ctx, challenge.id)
    assert export.filename.startswith(f"lair-{challenge.id}-") and export.filename.endswith(".xlsx")
    assert wb.sheetnames == list(SHEETS)

    summary = {r[0]: r[1] for r in rows(wb["Summary"])}
    assert summary["Challenge id"] == challenge.id and summary["Fund pot"] == 10_000
    assert (
        summary["Ideas"] == 8 and summary["Panel members"] == 2 and summary["People who voted"] > 0
    )
    assert wb["Summary"]["B11"].number_format == MONEY_FORMAT

    shortlist = wb["Shortlist"]
    header = rows(shortlist)[0]
    assert header[:6] == ["Rank", "Idea id", "Idea", "Team", "Requested £", "Votes"]
    assert header[6:12] == [
        "Weighted score",
        "Recommended",
        "Recommended £",
        "Decision",
        "Award £",
        "Notes",
    ]
    assert "Mean: Impact for residents" in header[12:] and header[-1] == "Why"
    body = rows(shortlist)[1:4]
    assert [r[1] for r in body] == [
        made[0].id,
        made[1].id,
        made[2].id,
    ]  # by weighted score: 4.5, 3.0, 2.7
    assert body[0][3] == f"{author(0)}, UTEAMMATE"
    assert body[0][header.index("Mean: Impact for residents")] == pytest.approx(4.5)
    assert (
        body[2][header.index("Disagreement")] and not body[1][header.index("Disagreement")]
    )  # 4 vs 1
    assert shortlist.cell(row=2, column=5).number_format == MONEY_FORMAT
    assert (
        shortlist.freeze_panes == "D2"
        and shortlist.auto_filter.ref == f"A1:{shortlist.cell(1, len(header)).column_letter}4"
    )
    dv = {str(v.sqref): v for v in shortlist.data_validations.dataValidation}
    decision_col = shortlist.cell(1, header.index("Decision") + 1).column_letter
    (choices,) = [v for k, v in dv.items() if k.startswith(decision_col)]
    assert choices.type == "list" and choices.formula1 == '"fund,don\'t fund,defer"'
    totals = rows(shortlist)[4]
    assert totals[0] == "Totals" and str(totals[header.index("Award £")]).startswith("=SUM(")
    assert shortlist.page_setup.orientation == "landscape" and shortlist.page_setup.paperSize == 9

    all_ideas = rows(wb["All ideas"])
    assert len(all_ideas) == 9 and all_ideas[0][:2] == ["Idea id", "Title"]
    statuses = {r[0]: r[4] for r in all_ideas[1:]}
    assert statuses[made[0].id] == "shortlisted" and statuses[made[7].id] == "not shortlisted"
    votes = {r[0]: r[6] for r in all_ideas[1:]}
    assert votes[made[0].id] == 10
    assert wb["All ideas"]["I2"].alignment.wrap_text  # the problem, a long text

    scores = rows(wb["Panel scores"])
    assert len(scores) == 1 + 5 and scores[0][2] == "Panel member"
    assert sorted(r[2] for r in scores[1:]) == [
        "UDRAGON1",
        "UDRAGON1",
        "UDRAGON1",
        "UDRAGON2",
        "UDRAGON2",
    ]
    assert rows(wb["Conflicts"])[0][:3] == ["Idea id", "Idea", "Panel member"]
    audit = rows(wb["Audit"])
    assert {r[2] for r in audit[1:]} >= {
        "challenge.created",
        "idea.submitted",
        "stage.changed",
        "score.recorded",
        "shortlist.computed",
    }


def test_text_that_looks_like_a_formula_stays_text(ctx, round_):
    challenge, made = round_
    export, wb = open_export(ctx, challenge.id)
    cells = {
        c.value: c
        for row in wb["All ideas"].iter_rows(min_row=2)
        for c in row
        if isinstance(c.value, str)
    }
    for title in HOSTILE:
        assert title in cells, title
        assert cells[title].data_type == "s" and cells[title].quotePrefix
    assert cells["=cmd|' /C calc'!A0"].data_type == "s"
    with zipfile.ZipFile(io.BytesIO(export.content)) as z:
        sheets = {
            n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")
        }
    formulas = [x for xml in sheets.values() for x in xml.split("<f>")[1:]]
    assert formulas and all(f.startswith(("SUM(", "IF(SUM(")) for f in formulas)


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_trigger_is_written_as_text(text):
    from openpyxl import Workbook

    from challenges.workbook.cells import cell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("S")
    ws.append([cell(ws, text)])
    out = io.BytesIO()
    wb.save(out)
    back = load_workbook(io.BytesIO(out.getvalue()))["S"]["A1"]
    # XML turns a raw carriage return into a line feed on reading; either way it is text.
    assert (
        back.value in (text, text.replace("\r", "\n"))
        and back.data_type == "s"
        and back.quotePrefix
    )


def test_no_voter_is_named_anywhere(ctx, round_):
    challenge, _ = round_
    with ctx.db.transaction() as s:
        voters = set(s.exec(select(Vote.voter_id)))
    export, _ = open_export(ctx, challenge.id)
    with zipfile.ZipFile(io.BytesIO(export.content)) as z:
        text = "".join(z.read(n).decode(errors="ignore") for n in z.namelist())
    voters |= {"UREALVOTER1", "UREALVOTER2"}
    assert voters and not any(v in text for v in voters)
    audit = rows(load_workbook(io.BytesIO(export.content))["Audit"])
    votes = [r for r in audit if str(r[2]).startswith("vote.")]
    assert len(votes) == 3 and {r[1] for r in votes} == {"(secret ballot)"}


def edited(content: bytes, changes: dict[int, tuple], *, rename: str | None = None) -> bytes:
    """The workbook with (decision, award) or (decision, award, notes) filled in per idea id."""
    wb = load_workbook(io.BytesIO(content))
    ws = wb["Shortlist"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        idea_id = row[1].value
        if idea_id in changes:
            for name, value in zip(
                ("Decision", "Award £", "Notes"), changes[idea_id], strict=False
            ):
                row[header.index(name)].value = value
    if rename:
        wb[rename].title = "Renamed"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_round_trip_records_only_after_confirm(ctx, round_):
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    content = edited(
        export.content,
        {made[0].id: ("fund", 6000), made[2].id: ("don't fund", None), made[1].id: ("defer", None)},
    )
    preview = stage_import(ctx, COORDINATOR, content)
    assert (
        preview.challenge_id == challenge.id and len(preview.changes) == 3 and not preview.warnings
    )
    with ctx.db.transaction() as s:
        assert s.exec(select(Decision)).all() == []  # nothing until Confirm
    result = confirm_import(ctx, COORDINATOR, preview.import_id)
    assert result.changed == 3 and result.total_awarded == 6000
    with ctx.db.transaction() as s:
        got = {d.idea_id: (d.outcome, d.award) for d in s.exec(select(Decision))}
        actions = set(s.exec(select(AuditEvent.action)))
    assert got == {
        made[0].id: ("fund", 6000),
        made[2].id: ("dont_fund", 0),
        made[1].id: ("defer", 0),
    }
    assert {"decisions.import_checked", "decisions.imported", "decision.recorded"} <= actions
    with pytest.raises(WrongStage) as again:
        confirm_import(ctx, COORDINATOR, preview.import_id)
    assert again.value.code is Code.IMPORT_ALREADY_DONE and again.value.params == {
        "status": "applied"
    }


def test_over_the_pot_is_a_warning(ctx, round_):
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    content = edited(export.content, {made[0].id: ("fund", 6000), made[2].id: ("fund", 5000)})
    preview = stage_import(ctx, COORDINATOR, content)
    assert preview.warnings == [
        Problem(Code.IMPORT_OVER_POT, {"total": 11000, "over": 1000, "pot": 10000})
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unknown", "not on this challenge's shortlist"),
        ("over_max", "needs an award from £1"),
        ("bad_decision", "is not a decision"),
        ("renamed", "reshaped"),
        ("other_challenge", "is for challenge"),
        ("not_xlsx", "not an Excel workbook"),
    ],
)
def test_bad_files_are_refused_and_nothing_recorded(ctx, round_, change, message):
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    content = export.content
    expected = None
    if change == "unknown":
        wb = load_workbook(io.BytesIO(content))
        wb["Shortlist"]["B2"].value = 99999
        out = io.BytesIO()
        wb.save(out)
        content = edited(out.getvalue(), {99999: ("fund", 100)})
    elif change == "over_max":
        content = edited(content, {made[0].id: ("fund", 6001)})
    elif change == "bad_decision":
        content = edited(content, {made[0].id: ("maybe", None)})
    elif change == "renamed":
        content = edited(content, {made[0].id: ("fund", 100)}, rename="Panel scores")
    elif change == "other_challenge":
        expected = challenge.id + 1
    elif change == "not_xlsx":
        content = b"PK\x03\x04 not really a zip"
    with pytest.raises(WorkbookRejected) as refused:
        stage_import(ctx, COORDINATOR, content, expected_challenge_id=expected)
    assert message in say(refused.value, PLAIN)
    with ctx.db.transaction() as s:
        assert s.exec(select(Decision)).all() == []


def test_only_coordinators_export_and_import(ctx, round_):
    challenge, _ = round_
    from challenges.errors import NotACoordinator

    with pytest.raises(NotACoordinator):
        export_workbook(ctx, "USTAFF", challenge.id, words=plain)
    export, _ = open_export(ctx, challenge.id)
    with pytest.raises(NotACoordinator):
        stage_import(ctx, "USTAFF", export.content)


def sheet_xml(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        names = load_workbook(io.BytesIO(content), read_only=True).sheetnames
        return {
            name: z.read(f"xl/worksheets/sheet{n}.xml").decode() for n, name in enumerate(names, 1)
        }


def test_every_sheet_prints_on_a4_and_the_shortlist_stays_legible(ctx, round_):
    from challenges.workbook.layout import READABLE_SCALE

    challenge, _ = round_
    export, wb = open_export(ctx, challenge.id)
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape", ws.title
        assert ws.print_title_rows == "$1:$1", ws.title  # the header on every page
    shortlist = wb["Shortlist"]
    header = rows(shortlist)[0]
    # Not every column shrunk onto one page width: a readable scale, the decision columns
    # on the first page, and what each row is (rank, id, idea) repeated on the next ones.
    assert not shortlist.sheet_properties.pageSetUpPr.fitToPage
    assert shortlist.page_setup.scale >= READABLE_SCALE
    assert [b.id for b in shortlist.col_breaks.brk] == [header.index("Notes") + 1]
    assert shortlist.print_title_cols == "$A:$C"
    assert (
        wb["All ideas"].print_title_cols == "$A:$B"
        and wb["All ideas"].page_setup.scale >= READABLE_SCALE
    )
    assert wb["Conflicts"].sheet_properties.pageSetUpPr.fitToPage  # narrow enough for one page


def test_rows_grow_to_fit_their_wrapped_text(ctx, clock):
    """No row height is fixed (customHeight); a row with long wrapped text carries a height
    for its lines (Excel shows the stored height), a short one none."""
    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    long = ideas.submit_idea(
        ctx, author(1), challenge.id, idea_draft(title="Long", problem="word " * 150)
    ).idea
    short = ideas.submit_idea(ctx, author(2), challenge.id, idea_draft(title="Short", problem="Bins", proposal="Sensors",
                                                                        benefit="Fewer trips")).idea  # fmt: skip
    export, wb = open_export(ctx, challenge.id)
    xml = sheet_xml(export.content)
    assert all("customHeight" not in text for text in xml.values())
    all_ideas = wb["All ideas"]
    at = {r[0].value: r[0].row for r in all_ideas.iter_rows(min_row=2)}
    # 750 characters in a column 60 wide: 13 lines or more.
    assert all_ideas.row_dimensions[at[long.id]].height >= 13 * 15
    assert all_ideas.row_dimensions[at[short.id]].height is None
    assert all_ideas.row_dimensions[1].height is None or all_ideas.row_dimensions[1].height < 409


def test_the_audit_detail_is_words(ctx, round_):
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    content = edited(export.content, {made[0].id: ("fund", 6000, "Pilot in two wards first")})
    confirm_import(ctx, COORDINATOR, stage_import(ctx, COORDINATOR, content).import_id)
    _, wb = open_export(ctx, challenge.id)
    audit = rows(wb["Audit"])
    assert audit[0][4] == "Detail"
    details = {(r[2], r[3]): r[4] for r in audit[1:]}
    assert not any(str(d).lstrip().startswith(("{", "[")) for d in details.values())
    assert details[("decision.recorded", f"idea:{made[0].id}")] == (
        "old: none; new: outcome fund, award £6,000, notes Pilot in two wards first"
    )
    stages = [r[4] for r in audit[1:] if r[2] == "stage.changed"]
    assert "from: Voting; to: With the panel" in " | ".join(stages)
    assert details[("panel.set", f"challenge:{challenge.id}")].startswith(
        "added: UDRAGON1, UDRAGON2"
    )


def test_notes_are_written_and_read_back(ctx, round_):
    """Notes typed in the workbook are recorded with the decision, exported again in the
    Notes column, and a file sent back unchanged changes nothing."""
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    notes = "Pilot first — revisit in May"
    content = edited(export.content, {made[0].id: ("fund", 6000, notes), made[1].id: ("defer", None, "Needs a partner"),
                                      made[2].id: ("don't fund", None)})  # fmt: skip
    preview = stage_import(ctx, COORDINATOR, content)
    assert [c.new_notes for c in preview.changes] == [notes, "Needs a partner", ""]
    confirm_import(ctx, COORDINATOR, preview.import_id)
    with ctx.db.transaction() as s:
        assert {d.idea_id: d.notes for d in s.exec(select(Decision))} == {
            made[0].id: notes, made[1].id: "Needs a partner", made[2].id: ""}  # fmt: skip

    again, wb = open_export(ctx, challenge.id)
    header = rows(wb["Shortlist"])[0]
    shown = {r[1]: r[header.index("Notes")] for r in rows(wb["Shortlist"])[1:4]}
    assert shown == {made[0].id: notes, made[1].id: "Needs a partner", made[2].id: None}
    unchanged = stage_import(ctx, COORDINATOR, again.content)
    assert unchanged.changes == [] and unchanged.unchanged == 3
    # Only the notes changed: that is a change, recorded and audited.
    reworded = stage_import(
        ctx, COORDINATOR, edited(again.content, {made[1].id: ("defer", None, "Found a partner")})
    )
    assert [(c.idea_id, c.new_notes) for c in reworded.changes] == [(made[1].id, "Found a partner")]
    confirm_import(ctx, COORDINATOR, reworded.import_id)
    with ctx.db.transaction() as s:
        assert s.get(Decision, made[1].id).notes == "Found a partner"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ((None, None, "Maybe later"), "notes with no decision"),
        (("defer", None, "x" * (decisions.NOTES_MAX + 1)), "shorten them to 1,000"),
    ],
)
def test_notes_that_cannot_be_kept_are_refused(ctx, round_, change, message):
    challenge, made = round_
    export, _ = open_export(ctx, challenge.id)
    with pytest.raises(WorkbookRejected, match=message):
        stage_import(ctx, COORDINATOR, edited(export.content, {made[0].id: change}))


def test_audit_details_in_words():
    from challenges.workbook.audit_words import describe

    names = {"UDRAGON1": "Dana Dragon"}.get
    assert describe({}, names) == ""
    assert describe({"from": "voting", "to": "panel", "by_schedule": True}, names) == (
        "from: Voting; to: With the panel; by schedule: yes"
    )
    assert describe({"member": "UDRAGON1", "values": {"impact": 4}, "comment_changed": False},
                    lambda u: names(u) or u) == "member: Dana Dragon; values: impact 4; comment changed: no"  # fmt: skip
    assert describe({"size": 3, "ideas": [4, 7], "votes": {"4": 10, "7": 9}}, names) == (
        "size: 3; ideas: 4, 7; votes: idea 4 (10), idea 7 (9)"
    )
    assert describe({"status": "changed_course", "spent_pence": 118040}, names) == (
        "status: changed course; spent pence: £1,180.40"
    )
    assert describe({"old": {"outcome": "dont_fund", "award": 0}, "new": {"outcome": "fund", "award": 12500}},
                    names) == "old: outcome don't fund, award £0; new: outcome fund, award £12,500"  # fmt: skip
