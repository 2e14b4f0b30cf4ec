"""Issue 14, item 2: a workbook sent back costs bounded memory and time, whatever is in it.

The hostile files are imported one after another in a child process capped at 1 GB of
address space (so a regression fails the test instead of the machine), which reports for
each the peak memory Python allocated during its import (tracemalloc: the parsers' and
zlib's buffers are Python objects).
"""

import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import pytest
from sqlmodel import select

from bot.words import PLAIN, plain, say
from challenges import setup
from challenges.codes import Code
from challenges.errors import Problem
from challenges.workbook import export_workbook, intake, stage_import
from challenges.workbook.importer import WorkbookRejected
from storage.models import AuditEvent, PendingImport
from tests.challenges import crafted_workbooks as crafted
from tests.challenges.factories import challenge_draft
from tests.conftest import COORDINATOR
from tests.e2e.test_workbook_flow import decided_round

ROOT = Path(__file__).resolve().parents[2]
SEND_BACK = "Send back the .xlsx workbook Lair exported"
PEAK_LIMIT_MB = 64

CHILD = """
import json, resource, sys, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))
from challenges.context import Context
from bot.words import PLAIN, say
from challenges.errors import LairError
from challenges.workbook import stage_import
from storage import Database

ctx = Context(db=Database.from_url(sys.argv[1]), coordinators=frozenset({"UCOORD0001"}))
for case in json.loads(sys.argv[2]):
    with open(case["path"], "rb") as f:
        content = f.read()
    tracemalloc.start()
    try:
        stage_import(ctx, case["actor"], content, expected_challenge_id=case["expected"])
        outcome = {"refused": None}
    except LairError as exc:
        outcome = {"refused": type(exc).__name__, "message": say(exc, PLAIN)}
    except MemoryError:
        outcome = {"refused": "MemoryError: over the 1 GB limit"}
    outcome["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024**2, 1)
    tracemalloc.stop()
    del content
    print(json.dumps(outcome), flush=True)
"""


@dataclass
class Case:
    name: str
    path: str
    says: str
    actor: str = COORDINATOR
    expected: int | None = None
    refused: str = "WorkbookRejected"

    def wrong(self, outcome: dict) -> str | None:
        """What is wrong with `outcome`, if anything."""
        message = outcome.get("message", "")
        if outcome["refused"] != self.refused or self.says not in message:
            return f"expected {self.refused} saying “{self.says}”"
        if self.refused == "WorkbookRejected" and SEND_BACK not in message:
            return "the refusal does not say what to send instead"
        if outcome["peak_mb"] >= PEAK_LIMIT_MB:
            return f"peak memory {outcome['peak_mb']} MB"
        return None


def hostile_cases(ctx, folder: Path) -> list[Case]:
    def saved(name: str, content: bytes) -> str:
        (folder / name).write_bytes(content)
        return str(folder / name)

    draft = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    challenge, _ = decided_round(ctx)
    export = export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    rng = random.Random(14)  # random padding, so the row packs only a few times smaller
    wide = b"".join(b"<c/>" + b" " * rng.randrange(8) for _ in range(160_000))
    huge = saved("huge.xlsx", crafted.one_huge_shared_string())
    return [
        Case("one shared string of 1,000 MB in a 1 MB file", huge, "50 MB"),
        Case("3 million tiny shared strings in 0.1 MB",
             saved("tiny.xlsx", crafted.many_shared_strings(3_000_000)), "packed"),
        Case("600,000 shared strings that pack poorly",
             saved("poor.xlsx", crafted.poorly_packed_shared_strings(600_000)), "XML elements"),
        Case("billion laughs in the shared strings", saved("lol.xlsx", crafted.billion_laughs()), "DTD"),
        Case("200,000 entries in the zip", saved("entries.xlsx", crafted.many_entries()), "parts"),
        Case("one row of 160,000 cells in the Shortlist",
             saved("wide.xlsx", crafted.shortlist_with_rows(export.content, b'<row r="2">' + wide + b"</row>")),
             "Shortlist sheet has more than"),
        # Who sends it, and (when named) the challenge's stage, come before the file.
        Case("the 1,000 MB file from someone who is not a coordinator", huge,
             "Only challenge coordinators", actor="USTAFF0001", refused="NotACoordinator"),
        Case("the 1,000 MB file for a challenge not taking decisions", huge,
             "Decisions are recorded once the panel has closed", expected=draft.id,
             refused="WrongStage"),
    ]  # fmt: skip


def import_in_child(database_url: str, cases: list[Case]) -> list[dict]:
    with tempfile.TemporaryDirectory() as cwd:  # nothing read from the repository's folder
        result = subprocess.run(
            [sys.executable, "-c", CHILD, database_url, json.dumps([asdict(c) for c in cases])],
            cwd=cwd, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()]


def nothing_stored(ctx) -> bool:
    with ctx.db.transaction() as s:
        pending = s.exec(select(PendingImport)).all()
        checked = s.exec(
            select(AuditEvent).where(AuditEvent.action == "decisions.import_checked")
        ).all()
    return pending == [] and checked == []


def test_hostile_workbooks_are_refused_with_bounded_memory_and_nothing_stored(
    ctx, database_url, tmp_path
):
    cases = hostile_cases(ctx, tmp_path)
    outcomes = import_in_child(database_url, cases)
    assert len(outcomes) == len(cases)
    wrong = [
        f"{case.name}: {problem} — got {outcome}"
        for case, outcome in zip(cases, outcomes, strict=True)
        if (problem := case.wrong(outcome))
    ]
    assert not wrong, "\n".join(wrong)
    assert nothing_stored(ctx)


@pytest.mark.parametrize(
    ("build", "says"),
    [
        (crafted.external_entity, "DTD"),
        (crafted.doctype_only, "DTD"),
        (lambda: b"just some text, not a zip", "not an Excel workbook"),
        (lambda: b"PK\x03\x04" + b"\0" * 200, "not an Excel workbook"),
    ],
    ids=["external entity", "DTD without entities", "not a zip", "a broken zip"],
)
def test_files_that_are_not_plain_workbooks_are_refused_cleanly(ctx, build, says):
    with pytest.raises(WorkbookRejected) as refused:
        stage_import(ctx, COORDINATOR, build())
    words = say(refused.value, PLAIN)
    assert says in words and SEND_BACK in words
    assert "root:" not in words  # /etc/passwd was not read
    assert nothing_stored(ctx)


def test_shortlist_rows_are_bounded(ctx):
    challenge, _ = decided_round(ctx)
    export = export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    rows = b"".join(
        b'<row r="%d"><c r="B%d" t="n"><v>99999</v></c></row>' % (n, n) for n in range(2, 20_003)
    )
    with pytest.raises(WorkbookRejected) as refused:
        stage_import(ctx, COORDINATOR, crafted.shortlist_with_rows(export.content, rows))
    assert refused.value.params["reason"] == Problem(
        Code.FILE_TOO_MANY_ROWS, {"sheet": "Shortlist", "most": 20_000}
    )
    assert SEND_BACK in say(refused.value, PLAIN)
    assert nothing_stored(ctx)


def test_an_ordinary_export_still_imports(ctx):
    challenge, made = decided_round(ctx)
    export = export_workbook(ctx, COORDINATOR, challenge.id, words=plain)
    preview = stage_import(ctx, COORDINATOR, export.content, expected_challenge_id=challenge.id)
    assert preview.challenge_id == challenge.id and preview.changes == []


def test_the_time_budget_holds_inside_openpyxl():
    """A clock that moves one second each time it is read: the budget runs out while
    openpyxl is still reading the shared strings (1 MB, so 16 reads or more)."""
    content = crafted.poorly_packed_shared_strings(40_000)
    ticks = itertools.count()
    budget = intake.Budget(10, clock=lambda: next(ticks))
    with pytest.raises(WorkbookRejected) as refused, intake.opened(content, budget):
        pass
    assert refused.value.params["reason"] == Problem(Code.FILE_TOO_SLOW, {"seconds": 10})
    with intake.opened(content, intake.Budget(10, clock=lambda: 0)) as book:
        assert book.sheetnames == ["Sheet"]
