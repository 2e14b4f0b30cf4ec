"""Issue 13 item 2: a person's data on request, and erasure by a stable pseudonym.

The person under test has every role: they author an idea, sit on another's team, vote,
score on the panel, were granted the coordinator role and recorded decisions. On a
finished round, erasing them leaves counts, ranking, the funding recommendation,
decisions and the workbook as they were (apart from the name), and their id and name
appear nowhere in the database afterwards."""

import io
import json

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlmodel import SQLModel

from bot.words import plain
from challenges import decisions, directory, ideas, panel, privacy, roles, setup
from challenges.codes import Code
from challenges.decisions import DecisionInput
from challenges.errors import LairError, NotACoordinator
from challenges.funding import recommend_challenge
from challenges.ranking import rank_ideas
from challenges.requests import first_time
from challenges.transitions import advance
from challenges.workbook import export_workbook
from storage.models import AuditEvent, Person
from tests.challenges.factories import challenge_draft, idea_draft
from tests.challenges.test_decisions import score
from tests.conftest import COORDINATOR

WHO, NAME = "UERASEME42", "Ottoline Vexbridge"
OTHERS = ["UAUTHOR001", "UAUTHOR002", "UAUTHOR003"]
PANEL = ["UDRAGON1", WHO]


def finished_round(ctx):
    directory.met(ctx, WHO, name=NAME, platform_id=f"29:{WHO}")
    for user in [*OTHERS, "UDRAGON1"]:
        directory.met(ctx, user, name=f"Person {user[-3:]}")
    roles.grant_coordinator(ctx, COORDINATOR, WHO)
    challenge = setup.create_challenge(
        ctx, WHO, challenge_draft(shortlist_size=3, fund_pot="£6,000", max_award="£3,000")
    )
    advance(ctx, challenge_id=challenge.id, actor=WHO)
    own = ideas.submit_idea(
        ctx, WHO, challenge.id,
        idea_draft(title="Ottoline's bins", problem=f"{NAME} saw bins missed.", team=[OTHERS[0]]),
    ).idea  # fmt: skip
    made = [own] + [
        ideas.submit_idea(
            ctx, who, challenge.id,
            idea_draft(title=f"Idea {n}", team=[WHO] if n == 1 else [], funding_requested=f"£{1000 * (n + 1)}"),
        ).idea
        for n, who in enumerate(OTHERS)
    ]  # fmt: skip
    advance(ctx, challenge_id=challenge.id, actor=WHO)
    from challenges import voting

    ballots = {
        "UVOTER01": [0],
        "UVOTER02": [0, 1],
        "UVOTER03": [0, 1, 2],
        "UVOTER04": [1, 2],
        WHO: [1, 3],
    }
    for voter, picks in ballots.items():
        for idea in (made[n] for n in picks):
            voting.toggle_vote(
                ctx, voter=voter, idea_id=idea.id, request_key=f"click:{voter}:{idea.id}"
            )
    assert first_time(ctx, f"action:1700000000.1:{WHO}")
    panel.set_panel(ctx, WHO, challenge.id, PANEL)
    advance(ctx, challenge_id=challenge.id, actor=WHO)
    shortlisted = [i for i in made if ideas.load(ctx, i.id).idea.shortlisted]
    for n, idea in enumerate(shortlisted):
        score(ctx, "UDRAGON1", idea, 4, 3 + n % 2, 4, 4, 5, comment=f"Ask {NAME} about it")
        if idea.id not in (made[0].id, made[2].id):  # their own idea and their team's
            score(ctx, WHO, idea, 5, 4, 3, 2, 1, comment="Mine", share=True)
    advance(ctx, challenge_id=challenge.id, actor=WHO)
    decisions.record_decisions(
        ctx, WHO, challenge.id,
        [DecisionInput(i.id, "fund" if n < 2 else "defer", 2000 if n < 2 else 0) for n, i in enumerate(shortlisted)],
        announce=True,
    )  # fmt: skip
    return challenge, made


def facts(ctx, challenge_id):
    with ctx.transaction() as s:
        numbers = setup.numbers(s, challenge_id)
        ranks = rank_ideas(s, challenge_id)
        held = {(d.idea_id, d.outcome, d.award, d.decided_at) for d in decisions_of(s)}
    recommendation = recommend_challenge(setup.load(ctx, challenge_id), ranks)
    ranking = [
        (r.idea_id, r.rank, r.votes, r.scorers, r.means, r.weighted, r.normalised) for r in ranks
    ]
    return numbers, ranking, recommendation.by_idea, recommendation.total, held


def decisions_of(s):
    from storage.models import Decision

    return s.exec(select(Decision)).scalars().all()


def workbook_cells(ctx, challenge_id, people):
    content = export_workbook(ctx, COORDINATOR, challenge_id, words=plain, people=people).content
    wb = load_workbook(io.BytesIO(content))
    cells = {}
    for ws in wb.worksheets:
        for r, row in enumerate(ws.iter_rows(values_only=True), 1):
            if ws.title == "Summary" and row[0] == "Exported":
                continue
            if ws.title == "Audit" and row[2] == "workbook.exported":
                continue
            cells[(ws.title, r)] = row
    return cells


def dump(db) -> str:
    """Every value of every row of every table."""
    out = []
    with db.transaction() as s:
        for table in SQLModel.metadata.sorted_tables:
            for row in s.execute(select(table)).all():
                out.append(json.dumps([str(v) for v in row], ensure_ascii=False))
    return "\n".join(out)


def test_export_gives_everything_held_about_one_person(ctx):
    challenge, made = finished_round(ctx)
    with pytest.raises(NotACoordinator):
        privacy.person_data(ctx, "UDRAGON1", WHO)
    data = privacy.person_data(ctx, COORDINATOR, WHO)
    s = data.sections
    assert data.name == NAME and s["person"][0]["platform_id"] == f"29:{WHO}"
    assert {(r["idea_id"], r["role"]) for r in s["ideas"]} == {
        (made[0].id, "author"),
        (made[2].id, "member"),
    }
    assert sorted(r["idea_id"] for r in s["votes"]) == [made[1].id, made[3].id]
    assert len(s["scores"]) >= 1 and all(r["comment"] == "Mine" for r in s["scores"])
    assert {r["kind"] for r in s["conflicts"]} == {"author", "team"}
    assert (
        len(s["decisions_recorded"]) == 3
        and s["challenges_created"][0]["challenge_id"] == challenge.id
    )
    assert s["coordinator_grant"][0]["granted_by"] == COORDINATOR
    actions = {e["action"] for e in s["audit_events"]}
    assert {"idea.submitted", "score.recorded", "decision.recorded", "coordinator.granted",
            "conflict.recorded", "panel.set"} <= actions  # fmt: skip
    # Another person's data is not theirs.
    other = privacy.person_data(ctx, COORDINATOR, "UDRAGON1")
    assert all(r["comment"] != "Mine" for r in other.sections["scores"])
    assert other.sections["votes"] == []
    json.dumps(s)  # plain data, ready for a file
    with ctx.transaction() as session:
        exported = (
            session.exec(select(AuditEvent).where(AuditEvent.action == "person.exported"))
            .scalars()
            .all()
        )
    assert [e.subject for e in exported] == [f"person:{WHO}", "person:UDRAGON1"]


def test_erasure_keeps_every_count_and_leaves_no_trace(ctx):
    challenge, made = finished_round(ctx)
    names = dict(directory.names(ctx, [WHO, *OTHERS, "UDRAGON1", COORDINATOR]))
    before = facts(ctx, challenge.id)
    cells_before = workbook_cells(ctx, challenge.id, names)
    assert WHO in dump(ctx.db) and NAME in dump(ctx.db)

    erased = privacy.erase_person(ctx, COORDINATOR, WHO)
    assert erased.name == "Former member 1" and erased.pseudonym == "former-1"

    assert facts(ctx, challenge.id) == before
    everything = dump(ctx.db)
    assert WHO not in everything and NAME not in everything
    assert "Former member 1" in everything
    names_after = {k: v for k, v in names.items() if k != WHO}  # the pseudonym names itself
    cells_after = workbook_cells(ctx, challenge.id, names_after)
    expected = {
        key: tuple(v.replace(NAME, "Former member 1").replace(WHO, "former-1")
                   if isinstance(v, str) else v for v in row)
        for key, row in cells_before.items()
    }  # fmt: skip
    assert cells_after == expected
    with ctx.transaction() as s:
        event = (
            s.exec(select(AuditEvent).where(AuditEvent.action == "person.erased")).scalars().one()
        )
        assert event.subject == "person:former-1" and event.actor_id == COORDINATOR
        assert s.get(Person, (ctx.workspace_id, WHO)) is None
    # A coordinator no longer: the grant went with them.
    assert not roles.check_coordinator(ctx, WHO)
    # The pseudonym is stable and counts on: the next person erased is "Former member 2".
    assert privacy.erase_person(ctx, COORDINATOR, "UDRAGON1").name == "Former member 2"
    with pytest.raises(LairError) as err:
        privacy.erase_person(ctx, COORDINATOR, "former-1")
    assert err.value.code is Code.PERSON_ALREADY_ERASED
    with pytest.raises(LairError) as err:
        privacy.erase_person(ctx, COORDINATOR, "UNOBODY99")
    assert err.value.code is Code.NO_SUCH_PERSON


def test_erasures_at_the_same_time_each_get_a_pseudonym_of_their_own(ctx):
    """Two coordinators erasing two people at once (PostgreSQL runs them side by side) do not
    both take the next number: erasures in a workspace queue on its row."""
    from concurrent.futures import ThreadPoolExecutor

    challenge = setup.create_challenge(ctx, COORDINATOR, challenge_draft())
    advance(ctx, challenge_id=challenge.id, actor=COORDINATOR)
    people = [f"UERASE{n}" for n in range(6)]
    for person in people:
        ideas.submit_idea(ctx, person, challenge.id, idea_draft(title=f"Idea of {person}"))
    with ThreadPoolExecutor(len(people)) as pool:
        erased = list(pool.map(lambda p: privacy.erase_person(ctx, COORDINATOR, p), people))
    assert sorted(e.name for e in erased) == [f"Former member {n}" for n in range(1, 7)]
