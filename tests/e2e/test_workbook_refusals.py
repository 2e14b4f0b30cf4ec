"""Issue 14, item 2 at the edges: a hostile or oversized workbook sent in a DM or given to
`lair import-decisions` gets the refusal text, never a traceback, and nothing is stored;
someone who may not send decisions is refused before Lair looks at or downloads the file."""

import pytest
from sqlmodel import select

from storage.models import PendingImport
from tests.challenges import crafted_workbooks as crafted
from tests.challenges.test_workbook_import_limits import SEND_BACK
from tests.conftest import COORDINATOR
from tests.e2e.test_cli_workbook import lair as run_lair
from tests.e2e.test_cli_workbook import migrated  # noqa: F401 - a fixture
from tests.e2e.test_workbook_flow import DM

HOSTILE = {
    "billion laughs": (crafted.billion_laughs, "DTD"),
    "60 MB in one shared string": (lambda: crafted.one_huge_shared_string(60), "50 MB"),
}


def nothing_pending(ctx) -> bool:
    with ctx.db.transaction() as s:
        return s.exec(select(PendingImport)).all() == []


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_workbook_in_a_dm_is_refused_privately(lair, hostile):
    build, says = HOSTILE[hostile]
    file_id = lair.slack.add_file(build(), "decisions.xlsx", user=COORDINATOR)
    lair.send.event({"type": "file_shared", "file_id": file_id, "user_id": COORDINATOR, "channel_id": DM})  # fmt: skip
    refusal = lair.slack.wait_for("chat.postEphemeral")[-1].args
    assert refusal["channel"] == DM and refusal["user"] == COORDINATOR
    assert says in refusal["text"] and SEND_BACK in refusal["text"], refusal["text"]
    assert nothing_pending(lair.ctx)


def test_a_file_from_someone_else_is_refused_before_it_is_looked_at(lair):
    file_id = lair.slack.add_file(crafted.billion_laughs(), "decisions.xlsx", user="USTAFF0001")
    lair.send.event({"type": "file_shared", "file_id": file_id, "user_id": "USTAFF0001", "channel_id": "DSTAFF0001"})  # fmt: skip
    refusal = lair.slack.wait_for("chat.postEphemeral")[-1].args
    assert refusal["user"] == "USTAFF0001" and "Only challenge coordinators" in refusal["text"]
    assert lair.slack.calls_to("files.info") == []  # so never downloaded either
    assert nothing_pending(lair.ctx)


@pytest.mark.parametrize(
    ("build", "says"),
    [*HOSTILE.values(), (lambda: b"\0" * (21 * 1024 * 1024), "larger than 20 MB")],
    ids=[*HOSTILE, "a 21 MB file"],
)
def test_the_command_line_prints_the_refusal(migrated, tmp_path, build, says):  # noqa: F811
    ctx, url = migrated
    path = tmp_path / "decisions.xlsx"
    path.write_bytes(build())
    result = run_lair(url, "import-decisions", str(path), "--yes")
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("lair: ") and says in result.stderr, result.stderr
    assert SEND_BACK in result.stderr.replace("\n", " ")
    assert nothing_pending(ctx)
