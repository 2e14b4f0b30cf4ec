"""Migration 0002 on a populated 0001 database, on SQLite and PostgreSQL (issue 10).

The 0001 database is built as an install of that version left it, without today's
models: Alembic to "0001", then rows written with plain SQL — a finished round (cards,
panel messages, votes, scores, conflicts, decisions, audit, sent outbox rows with their
Slack ts) and a round in voting with messages still queued (card redraws, DMs, a stage
announcement, one that may already be in Slack, one whose sender died). After the
upgrade every count survives, every Slack ts is a postedmessage row, every outbox row
has its audience, and all joins one workspace. Then the real app starts on it against
the fake Slack (one bot token) and the round carries on.
"""

import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory
from openpyxl import load_workbook
from sqlmodel import select

from bot.sandbox.slack_api import BOT_USER, FakeSlack
from challenges.inputs import DEFAULT_CRITERIA
from storage import make_engine
from storage.migrate import alembic_config, current_revision, upgrade
from storage.models import PostedMessage, Vote, Workspace
from storage.types import UTCDateTime
from tests.conftest import COORDINATOR
from tests.e2e.conftest import start_lair
from tests.e2e.test_panel_flow import KEYS
from tests.waiting import wait_until

NOW = datetime.now(UTC).replace(microsecond=0)
DAY = timedelta(days=1)
GRANTED = "UGRANTED01"  # a coordinator granted in 0001 (not in LAIR_COORDINATORS)
# 0001's tables, as that version's app filled them (the counts checked after the upgrade).
TABLES_0001 = [
    "challenge", "criterion", "coordinator", "idea", "ideamember", "ballot", "vote",
    "panelmember", "conflict", "scorecard", "score", "decision", "auditevent",
    "outboxmessage", "processedrequest", "pendingimport", "lease",
]  # fmt: skip


def ts(offset: float) -> str:
    """A Slack message ts, `offset` seconds from now."""
    return f"{NOW.timestamp() + offset:.6f}"


@dataclass
class Old:
    """What the 0001 database holds, by name: ids and the Slack places it recorded."""

    ids: dict[str, int]
    places: dict[str, tuple[str, str]]  # postedmessage key it must become -> (channel, ts)
    # outbox key -> the audience, address, place and save_as 0002 must give it
    outbox: dict[str, tuple[str, str, str | None, str | None]]
    seeded_ts: str  # the message Slack already holds for the card sent "unsure"


def add(conn, table: str, **values) -> int | None:
    """One row written with plain SQL (no model); its new id, if the table has one."""
    columns = [sa.column(name, _type(value)) for name, value in values.items()]
    stmt = sa.table(table, *columns, sa.column("id")).insert().values(**values)
    if table in ("ideamember", "ballot", "panelmember", "conflict", "decision", "coordinator",
                 "processedrequest", "lease"):  # fmt: skip
        conn.execute(stmt)
        return None
    return conn.execute(stmt.returning(sa.column("id"))).scalar_one()


def _type(value):
    if isinstance(value, datetime):
        return UTCDateTime()
    if isinstance(value, dict | list):
        return sa.JSON()
    return None


def challenge_row(title: str, channel: str, panel_channel: str, stage: str, **extra) -> dict:
    return dict(
        title=title, brief="Our top complaint.", themes=["Waste"], channel_id=channel,
        panel_channel_id=panel_channel, fund_pot=20000, max_award=5000, vote_budget=3,
        shortlist_size=2, timezone="Europe/London", stage=stage, reminder_lead_hours=24,
        learning_update_dates=[], allow_anonymous=False, show_tallies_live=False,
        vote_during_submissions=False, created_by=COORDINATOR, created_at=NOW - 30 * DAY,
        updated_at=NOW - 30 * DAY, stage_changed_at=NOW - 2 * DAY, **extra,
    )  # fmt: skip


def build_0001(conn) -> Old:
    ids: dict[str, int] = {}
    places: dict[str, tuple[str, str]] = {}
    expect: dict[str, tuple] = {}

    def outbox(key, kind, target, payload, status="sent", *, challenge, sent=None, audience="channel",
               place=None, save_as=None, **extra) -> int:  # fmt: skip
        """A 0001 outbox row, and the audience, address, place and name 0002 must give it."""
        row = dict(dedupe_key=key, challenge_id=challenge, kind=kind, target=target, payload=payload,
                   status=status, attempts=0 if status == "pending" else 1, not_before=NOW - DAY,
                   created_at=NOW - DAY, **extra)  # fmt: skip
        if sent:
            row.update(sent_channel=sent[0], sent_ts=sent[1], sent_at=NOW - DAY)
        expect[key] = (audience, target, place, save_as)
        ids[key] = add(conn, "outboxmessage", **row)
        return ids[key]

    def criteria(challenge_id: int) -> list[int]:
        names = [name for name, _weight in DEFAULT_CRITERIA]  # 0001 had the same defaults
        return [add(conn, "criterion", challenge_id=challenge_id, position=n, key=key, name=name,
                    weight=1.0, scale_min=1, scale_max=5)
                for n, (key, name) in enumerate(zip(KEYS, names, strict=True))]  # fmt: skip

    def idea(
        challenge_id, n, channel, card_ts, *, shortlisted=False, panel_ts=None, team=()
    ) -> int:
        author = f"UAUTH{n}"
        idea_id = add(conn, "idea", challenge_id=challenge_id, author_id=author, title=f"Idea {n}",
                      problem="Bins are missed.", proposal="Sensors.", benefit="", funding_requested=1500 + n,
                      partners="", anonymous=False, status="submitted", shortlisted=shortlisted,
                      card_channel=channel if card_ts else None, card_ts=card_ts, panel_ts=panel_ts,
                      created_at=NOW - 20 * DAY, updated_at=NOW - 20 * DAY)  # fmt: skip
        for member, role in [(author, "author"), *((m, "member") for m in team)]:
            add(conn, "ideamember", idea_id=idea_id, user_id=member, role=role)
        audit(author, "idea.submitted", f"idea:{idea_id}", challenge_id, title=f"Idea {n}")
        ids[f"idea {n}"] = idea_id
        if card_ts:
            places[f"idea:{idea_id}:card"] = (channel, card_ts)
            outbox(f"idea:{idea_id}:card", "idea_card", channel, {"idea_id": idea_id}, challenge=challenge_id,
                   sent=(channel, card_ts), save_as=f"idea:{idea_id}:card")  # fmt: skip
        return idea_id

    def votes(challenge_id, ballots: dict[str, list[int]]) -> None:
        for voter, backed in ballots.items():
            add(conn, "ballot", challenge_id=challenge_id, voter_id=voter, votes_used=len(backed),
                updated_at=NOW - DAY)  # fmt: skip
            for i in backed:
                add(
                    conn,
                    "vote",
                    challenge_id=challenge_id,
                    idea_id=i,
                    voter_id=voter,
                    created_at=NOW - DAY,
                )

    def panel(challenge_id, members) -> None:
        for member in members:
            add(conn, "panelmember", challenge_id=challenge_id, user_id=member, added_by=COORDINATOR,
                added_at=NOW - DAY)  # fmt: skip

    def audit(actor, action, subject, challenge_id=None, **detail) -> None:
        add(conn, "auditevent", challenge_id=challenge_id, actor_id=actor, action=action,
            subject=subject, detail=detail, at=NOW - DAY)  # fmt: skip

    def opened(challenge_id, channel, announcement_ts) -> None:
        places[f"challenge:{challenge_id}:announcement"] = (channel, announcement_ts)
        outbox(f"challenge:{challenge_id}:stage:submissions", "stage_announcement", channel,
               {"challenge_id": challenge_id, "stage": "submissions"}, challenge=challenge_id,
               sent=(channel, announcement_ts), save_as=f"challenge:{challenge_id}:announcement")  # fmt: skip

    # A finished round ------------------------------------------------------------------
    c1 = ids["finished"] = add(conn, "challenge", **challenge_row(
        "Cut missed bins", "CDONE", "CDONEPANEL", "closed", announcement_channel="CDONE",
        announcement_ts=ts(-900), opens_at=NOW - 30 * DAY, submissions_close_at=NOW - 20 * DAY,
        voting_close_at=NOW - 10 * DAY, panel_close_at=NOW - 5 * DAY))  # fmt: skip
    k1 = criteria(c1)
    audit(COORDINATOR, "challenge.created", f"challenge:{c1}", c1, title="Cut missed bins")
    opened(c1, "CDONE", ts(-900))
    done = []
    for n in range(3):
        panel_ts = ts(-500 + n) if n < 2 else None
        i = idea(
            c1, n, "CDONE", ts(-800 + n), shortlisted=n < 2, panel_ts=panel_ts, team=[f"UTEAM{n}"]
        )
        done.append(i)
        outbox(f"idea:{i}:card:voting", "card_update", "CDONE", {"idea_id": i}, challenge=c1,
               audience="update", place=f"idea:{i}:card")  # fmt: skip
        if panel_ts:
            places[f"idea:{i}:panel"] = ("CDONEPANEL", panel_ts)
            outbox(f"idea:{i}:panel", "panel_parent", "CDONEPANEL", {"idea_id": i}, challenge=c1,
                   sent=("CDONEPANEL", panel_ts), save_as=f"idea:{i}:panel")  # fmt: skip
        outbox(f"idea:{i}:outcome", "outcome", f"UAUTH{n}", {"idea_id": i}, challenge=c1,
               sent=(f"DAUTH{n}", ts(-100 + n)), audience="person")  # fmt: skip
    votes(c1, {"UVOTER1": done[:2], "UVOTER2": done[:1], "UVOTER3": done[1:]})
    panel(c1, ["UDRAGON1", "UDRAGON2"])
    add(conn, "conflict", idea_id=done[1], user_id="UDRAGON2", kind="declared", reason="My team",
        declared_at=NOW - 8 * DAY)  # fmt: skip
    for member, scored in [("UDRAGON1", done[:2]), ("UDRAGON2", done[:1])]:
        for i in scored:
            card = add(conn, "scorecard", idea_id=i, member_id=member, comment="Solid", share_comment=True,
                       created_at=NOW - 7 * DAY, updated_at=NOW - 7 * DAY)  # fmt: skip
            for criterion, value in zip(k1, [4, 3, 5, 4, 2], strict=True):
                add(conn, "score", scorecard_id=card, criterion_id=criterion, value=value)
            audit(member, "score.recorded", f"idea:{i}", c1, via="thread")
    for i, outcome, award in [(done[0], "fund", 3000), (done[1], "dont_fund", 0)]:
        add(conn, "decision", idea_id=i, outcome=outcome, award=award, notes="", decided_by=COORDINATOR,
            decided_at=NOW - 4 * DAY)  # fmt: skip
    add(conn, "pendingimport", challenge_id=c1, uploaded_by=COORDINATOR, status="applied",
        changes=[{"idea_id": done[0], "new_outcome": "fund", "new_award": 3000}], created_at=NOW - 4 * DAY)  # fmt: skip
    audit(COORDINATOR, "results.announced", f"challenge:{c1}", c1, authors_told=3)
    places[f"challenge:{c1}:results"] = ("CDONE", ts(-150))
    ids["results"] = outbox(f"challenge:{c1}:results", "results", "CDONE", {"challenge_id": c1},
                            challenge=c1, sent=("CDONE", ts(-150)), save_as=f"challenge:{c1}:results")  # fmt: skip
    outbox(f"challenge:{c1}:stage:closed", "stage_announcement", "CDONE",
           {"challenge_id": c1, "stage": "closed"}, challenge=c1, sent=("CDONE", ts(-140)))  # fmt: skip
    outbox(f"challenge:{c1}:reminder:panel:UDRAGON2", "panel_nudge", "UDRAGON2",
           {"challenge_id": c1, "member": "UDRAGON2"}, "skipped", challenge=c1, audience="person",
           last_error="no longer applies")  # fmt: skip
    # Queued: the funded team member's learning update is due.
    day = str((NOW - DAY).date())
    outbox(f"idea:{done[0]}:learning:{day}:UTEAM0", "learning_update", "UTEAM0",
           {"idea_id": done[0], "date": day}, "pending", challenge=c1, audience="person")  # fmt: skip

    # A round in voting, with messages still queued -----------------------------------
    c2 = ids["voting"] = add(conn, "challenge", **challenge_row(
        "Fix potholes", "CVOTE", "CVOTEPANEL", "voting", announcement_channel="CVOTE",
        announcement_ts=ts(-700), opens_at=NOW - 10 * DAY, submissions_close_at=NOW - DAY,
        voting_close_at=NOW + 5 * DAY, panel_close_at=NOW + 10 * DAY))  # fmt: skip
    criteria(c2)
    opened(c2, "CVOTE", ts(-700))
    voting = [idea(c2, n, "CVOTE", ts(-600 + n)) for n in range(3, 6)]
    # The last card went out "unsure" (a 5xx): Slack did post it, so it must not be posted again.
    last = idea(c2, 6, "CVOTE", None)
    voting.append(last)
    outbox(f"idea:{last}:card", "idea_card", "CVOTE", {"idea_id": last}, "unsure", challenge=c2,
           last_error="500 internal_error", save_as=f"idea:{last}:card")  # fmt: skip
    # Voting opened: its announcement, every card redrawn, each author told (the last
    # author's DM was being sent when its sender died: the claim has run out), a reminder.
    outbox(f"challenge:{c2}:stage:voting", "stage_announcement", "CVOTE",
           {"challenge_id": c2, "stage": "voting"}, "pending", challenge=c2)  # fmt: skip
    for i in voting:
        outbox(f"idea:{i}:card:voting", "card_update", "CVOTE", {"idea_id": i}, "pending", challenge=c2,
               audience="update", place=f"idea:{i}:card")  # fmt: skip
    for n in range(3, 7):
        died = {"claimed_until": NOW - timedelta(minutes=5)} if n == 6 else {}
        outbox(f"challenge:{c2}:voting-open:author:UAUTH{n}", "author_notice", f"UAUTH{n}",
               {"challenge_id": c2, "user": f"UAUTH{n}", "stage": "voting"}, "sending" if died else "pending",
               challenge=c2, audience="person", **died)  # fmt: skip
    outbox(f"challenge:{c2}:reminder:voting", "reminder", "CVOTE", {"challenge_id": c2, "stage": "voting"},
           "pending", challenge=c2)  # fmt: skip
    votes(c2, {"UVOTER1": voting[:1], "UVOTER2": voting[:2]})
    panel(c2, ["UDRAGON1", "UDRAGON3"])
    audit(COORDINATOR, "stage.changed", f"challenge:{c2}", c2, stage="voting")

    # Lair-wide rows ----------------------------------------------------------------------
    add(conn, "coordinator", user_id=GRANTED, granted_by=COORDINATOR, granted_at=NOW - 40 * DAY)
    audit(COORDINATOR, "coordinator.granted", f"user:{GRANTED}")
    add(conn, "processedrequest", key="event:Ev0001", seen_at=NOW - DAY)
    add(conn, "lease", name="clock", holder="old-host", expires_at=NOW - DAY)
    return Old(ids, places, expect, ts(-590))


def counts(conn) -> dict[str, int]:
    return {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in TABLES_0001}


def test_a_populated_0001_database_upgrades_and_its_rounds_carry_on(database_url):
    engine = make_engine(database_url)
    upgrade(engine, "0001")
    with engine.begin() as conn:
        old = build_0001(conn)
        before = counts(conn)
        outbox_before = {row.dedupe_key: row for row in conn.execute(sa.text(
            "SELECT dedupe_key, kind, status, attempts, payload, challenge_id FROM outboxmessage"))}  # fmt: skip

    upgrade(engine)
    cfg = alembic_config(engine)
    assert current_revision(engine) == ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # the upgraded schema is exactly today's models
    with engine.connect() as conn:
        assert counts(conn) == before  # every row survived
        (workspace,) = conn.execute(
            sa.text("SELECT id, platform, tenant_id, uninstalled_at FROM workspace")
        )
        assert workspace[1:] == ("slack", "", None)
        for table in ("challenge", "auditevent", "outboxmessage", "coordinator", "postedmessage"):
            joined = (
                conn.execute(sa.text(f"SELECT DISTINCT workspace_id FROM {table}")).scalars().all()
            )
            assert joined == [workspace.id], table
        posted = {row.key: row for row in conn.execute(sa.text("SELECT * FROM postedmessage"))}
        challenge_of = dict(conn.execute(sa.text("SELECT id, challenge_id FROM idea")).all())
        rows = {row.dedupe_key: row for row in conn.execute(sa.text(
            "SELECT id, dedupe_key, kind, status, attempts, payload, challenge_id, platform, audience, address, "
            "place, save_as FROM outboxmessage"))}  # fmt: skip

    # Every Slack ts 0001 kept is a postedmessage row, about the right idea or challenge.
    assert {k: (r.conversation_id, r.message_id) for k, r in posted.items()} == old.places
    for key, row in posted.items():
        subject, number, _ = key.split(":")
        if subject == "idea":
            assert (row.idea_id, row.challenge_id) == (int(number), challenge_of[int(number)]), key
        else:
            assert (row.challenge_id, row.idea_id) == (int(number), None), key
    assert posted[f"challenge:{old.ids['finished']}:results"].outbox_id == old.ids["results"]
    # Every outbox row: unchanged, with its platform, audience, address, place and name.
    assert set(rows) == set(outbox_before) == set(old.outbox)
    for key, row in rows.items():
        was = outbox_before[key]
        assert (row.kind, row.status, row.attempts, row.challenge_id) == (
            was.kind, was.status, was.attempts, was.challenge_id)  # fmt: skip
        assert _json(row.payload) == _json(was.payload)
        assert row.platform == "slack"
        assert (row.audience, row.address, row.place, row.save_as) == old.outbox[key], key

    # The real app on it, one bot token: the migrated workspace is adopted, not duplicated.
    slack = FakeSlack().start()
    unsure = rows[f"idea:{old.ids['idea 6']}:card"]
    slack.messages["CVOTE"] = [{
        "type": "message", "user": BOT_USER, "bot_id": "BLAIR", "ts": old.seeded_ts, "text": "New idea: Idea 6",
        "metadata": {"event_type": "lair_outbox", "event_payload": {"outbox_id": unsure.id, "key": unsure.dedupe_key}},
    }]  # fmt: skip
    lair, stop = start_lair(database_url, slack=slack)
    try:
        carry_on(lair, old, rows, workspace.id)
    finally:
        stop()
        engine.dispose()


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def carry_on(lair, old: Old, rows: dict, workspace_id: int) -> None:
    slack, ctx = lair.slack, lair.ctx
    with ctx.transaction() as s:
        (only,) = s.exec(select(Workspace)).all()
    assert (only.id, only.tenant_id, only.name) == (workspace_id, "T0001", "Council")
    assert lair.runtime.slack.connect_single().workspace_id == workspace_id  # again: still one
    with ctx.transaction() as s:
        assert len(s.exec(select(Workspace)).all()) == 1

    # The queued messages go out, each once; the unsure card is found in Slack, not reposted.
    queued = [k for k, r in rows.items() if r.status in ("pending", "unsure", "sending")]
    wait_until(lambda: all(status(lair, k) == "sent" for k in queued))
    in_slack = slack.posted_with_outbox_id()  # the seeded message counts: it is in Slack
    card6 = f"idea:{old.ids['idea 6']}:card"
    for key in queued:
        if rows[key].audience != "update":
            assert in_slack.get(rows[key].id) == 1, key
    reposted = [
        c
        for c in slack.calls_to("chat.postMessage")
        if c.args["metadata"]["event_payload"]["key"] == card6
    ]
    assert reposted == []
    with ctx.transaction() as s:
        assert s.get(PostedMessage, card6).message_id == old.seeded_ts
    # The card redraws find the migrated cards by their old ts (and the unsure one's).
    voting = [old.ids[f"idea {n}"] for n in range(3, 7)]
    for i in voting:
        channel, card_ts = old.places.get(f"idea:{i}:card") or ("CVOTE", old.seeded_ts)
        redraws = [
            c
            for c in slack.calls_to("chat.update")
            if (c.args["channel"], c.args["ts"]) == (channel, card_ts)
        ]
        assert len(redraws) == 1 and any(
            b.get("type") == "actions" for b in redraws[0].args["blocks"]
        ), i
    dms = {
        c.args["channel"]
        for c in slack.calls_to("chat.postMessage")
        if c.args["channel"].startswith("U")
    }
    assert dms == {"UAUTH3", "UAUTH4", "UAUTH5", "UAUTH6", "UTEAM0"}

    # A vote is counted, against the ballot 0001 kept (UVOTER1 had used 1 of 3).
    with ctx.transaction() as s:
        place = s.get(PostedMessage, f"idea:{voting[1]}:card")
        place_ref = (place.conversation_id, place.message_id)
    said = len(slack.calls_to("response_url"))
    lair.send.block_action(
        "UVOTER1", "vote", str(voting[1]), channel=place_ref[0], message_ts=place_ref[1]
    )
    reply = slack.wait_for("response_url", said + 1)[-1].args["text"]
    assert reply == "You backed *Idea 4*. 1 of 3 votes left."
    with ctx.transaction() as s:
        assert len(s.exec(select(Vote).where(Vote.idea_id == voting[1])).all()) == 2

    # A granted coordinator from 0001 sees both rounds; the coordinator moves voting on once.
    lair.send.command(GRANTED, "/challenge", "list")
    listed = json.dumps(slack.wait_for("response_url", said + 2)[-1].args)
    assert "Cut missed bins" in listed and "Fix potholes" in listed
    c2 = old.ids["voting"]
    lair.send.command(COORDINATOR, "/challenge", f"advance {c2}")
    assert "With the panel" in slack.wait_for("response_url", said + 3)[-1].args["text"]
    panel_key = f"challenge:{c2}:stage:panel"
    wait_until(lambda: status(lair, panel_key) == "sent")
    announced = [c for c in slack.calls_to("chat.postMessage")
                 if ((c.args.get("metadata") or {}).get("event_payload") or {}).get("key") == panel_key]  # fmt: skip
    assert len(announced) == 1 and announced[0].args["channel"] == "CVOTE"
    wait_until(
        lambda: (
            len(
                [c for c in slack.calls_to("chat.postMessage") if c.args["channel"] == "CVOTEPANEL"]
            )
            == 2
        )
    )

    # The finished round's workbook, from its migrated scores, decisions and audit.
    lair.send.command(COORDINATOR, "/challenge", f"export {old.ids['finished']}")
    slack.wait_for("files.completeUploadExternal")
    (upload,) = slack.uploaded()
    wb = load_workbook(io.BytesIO(upload["content"]))
    assert wb["Summary"]["B2"].value == old.ids["finished"]
    shortlist = [
        r for r in wb["Shortlist"].iter_rows(min_row=2, values_only=True) if isinstance(r[1], int)
    ]
    assert [r[1] for r in shortlist] == [old.ids["idea 0"], old.ids["idea 1"]]
    assert wb["Panel scores"].max_row > 1 and wb["Audit"].max_row > 1


def status(lair, key: str) -> str:
    with lair.runtime.ctx.db.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT status FROM outboxmessage WHERE dedupe_key = :k"), {"k": key}
        ).scalar_one()
