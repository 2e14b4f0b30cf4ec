"""Issue 13 item 1: an anonymous idea's author is named nowhere but to themselves — not on
the card, the panel's message, the results, anyone else's App Home or private messages,
nor any cell of any sheet of the workbook (Audit and Conflicts included).

The round runs through the real app against the fake Slack; every call Lair makes is
recorded, and every one not addressed to the author alone is scanned for the author's id
and name. Where the author also sits on the panel (so a conflict is recorded for them), being
on the panel is no secret, but nothing about the anonymous idea names them."""

import io
import json

from openpyxl import load_workbook

from challenges import decisions, directory, ideas, outbox, panel, setup
from challenges.decisions import DecisionInput
from challenges.transitions import advance
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.panel_factories import add_votes
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR
from tests.e2e.test_home import open_home
from tests.waiting import wait_until

AUTHOR, NAME = "UANONYMOUS7", "Zebedee Quartermaine"
TEAMMATE, TEAMMATE_NAME = "UTEAMMATE7", "Philomena Ashdown"
OTHERS = ["UAUTHOR001", "UAUTHOR002"]
SECRETS = (AUTHOR, NAME, TEAMMATE, TEAMMATE_NAME)


def anonymous_round(ctx, *, author_on_panel: bool):
    """A decided, announced round: one anonymous idea among two named ones; all shortlisted,
    all funded."""
    directory.met(ctx, AUTHOR, name=NAME)
    directory.met(ctx, TEAMMATE, name=TEAMMATE_NAME)
    for user in [*OTHERS, "UDRAGON1", "UDRAGON2"]:
        directory.met(ctx, user, name=f"Person {user[-3:]}")
    draft = challenge_draft(allow_anonymous=True, shortlist_size=3, fund_pot="£9,000",
                            max_award="£3,000")  # fmt: skip
    challenge = setup.create_challenge(ctx, COORDINATOR, draft)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    hidden = ideas.submit_idea(
        ctx, AUTHOR, challenge.id,
        idea_draft(title="Quiet sensors", anonymous=True, team=[TEAMMATE]),
    ).idea  # fmt: skip
    ideas.edit_idea(ctx, AUTHOR, hidden.id, idea_draft(title="Quiet bin sensors", anonymous=True,
                                                       team=[TEAMMATE]))  # fmt: skip
    named = [
        ideas.submit_idea(ctx, who, challenge.id, idea_draft(title=f"Named idea {n}")).idea
        for n, who in enumerate(OTHERS)
    ]
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    for n, idea in enumerate([hidden, *named]):
        add_votes(ctx, challenge.id, idea.id, 5 - n)
    members = ["UDRAGON1", "UDRAGON2", *([AUTHOR] if author_on_panel else [])]
    panel.set_panel(ctx, COORDINATOR, challenge.id, members)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    for idea in [hidden, *named]:
        score(ctx, "UDRAGON1", idea, 4, 4, 4, 4, 4, comment="Good", share=True)
    for idea in named:
        score(ctx, "UDRAGON2", idea, 3, 3, 3, 3, 3)
        if author_on_panel:
            score(ctx, AUTHOR, idea, 3, 3, 3, 3, 3)
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    decisions.record_decisions(
        ctx, COORDINATOR, challenge.id,
        [DecisionInput(i.id, "fund", 3000) for i in [hidden, *named]], announce=True,
    )  # fmt: skip
    return challenge, hidden


def to_author_only(call) -> bool:
    """A call whose only reader is the author (or a teammate: they share the idea)."""
    a = call.args
    mine = {AUTHOR, "D" + AUTHOR[1:], TEAMMATE, "D" + TEAMMATE[1:]}
    return (
        a.get("channel") in mine
        or a.get("user") in mine
        or a.get("user_id") in mine
        or a.get("users") in mine
        or a.get("channel_id") in mine
    )


def run_round_and_export(lair, *, author_on_panel: bool):
    """The round, every message sent, App Home opened by others, the workbook exported."""
    challenge, hidden = anonymous_round(lair.ctx, author_on_panel=author_on_panel)
    lair.runtime.worker.kick()
    wait_until(lambda: outbox.pending_count(lair.ctx) == 0)
    for user in [COORDINATOR, "UDRAGON1", "UOUTSIDER1", *OTHERS]:
        open_home(lair, user)
    lair.send.command(COORDINATOR, "/challenge", f"export {challenge.id}")
    lair.slack.wait_for("files.completeUploadExternal")
    public = [c for c in lair.slack.calls if not to_author_only(c)]
    assert any("Quiet bin sensors" in json.dumps(c.args) for c in public)  # the idea is shown
    assert any("Results" in json.dumps(c.args) or "funded" in json.dumps(c.args) for c in public)
    (uploaded,) = lair.slack.uploaded()
    return hidden, public, load_workbook(io.BytesIO(uploaded["content"]))


def cells_of(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            yield ws.title, row


def test_no_surface_names_an_anonymous_author(lair):
    hidden, public, wb = run_round_and_export(lair, author_on_panel=False)
    for call in public:
        text = json.dumps(call.args, ensure_ascii=False)
        for secret in SECRETS:
            assert secret not in text, (secret, call.method, text[:2000])
    # Lair does not even look up the name of someone the workbook will not name.
    assert AUTHOR not in [c.args.get("user") for c in lair.slack.calls_to("users.info")]
    assert any(c.args.get("user") == OTHERS[0] for c in lair.slack.calls_to("users.info"))
    seen = 0
    for sheet, row in cells_of(wb):
        seen += 1
        for value in row:
            for secret in SECRETS:
                assert secret not in str(value), (sheet, row)
    assert seen > 20
    audit = list(wb["Audit"].iter_rows(min_row=2, values_only=True))
    about = [
        r
        for r in audit
        if r[2] in ("idea.submitted", "idea.edited") and r[3] == f"idea:{hidden.id}"
    ]
    assert len(about) == 2 and {r[1] for r in about} == {"(anonymous author)"}
    named = {r[1] for r in audit if r[2] == "idea.submitted"}
    assert named & {"Person 001", OTHERS[0]}  # a named idea still names its author


def test_an_anonymous_author_on_the_panel_is_not_named_about_their_idea(lair):
    hidden, public, wb = run_round_and_export(lair, author_on_panel=True)
    for call in public:
        text = json.dumps(call.args, ensure_ascii=False)
        if "Quiet bin sensors" in text:
            for secret in SECRETS:
                assert secret not in text, (secret, call.method, text[:2000])
    conflicts = list(wb["Conflicts"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[2], r[3]) for r in conflicts] == [(hidden.id, "(anonymous author)", "author")]
    for sheet, row in cells_of(wb):
        if hidden.id in row or f"idea:{hidden.id}" in row or "Quiet bin sensors" in row:
            for value in row:
                for secret in SECRETS:
                    assert secret not in str(value), (sheet, row)
    audit = list(wb["Audit"].iter_rows(min_row=2, values_only=True))
    assert {r[2] for r in audit if r[3] == f"idea:{hidden.id}"} >= {
        "idea.submitted",
        "idea.edited",
        "conflict.recorded",
    }
