"""A person's data (UK GDPR): everything Lair holds about one person of a workspace, given
on request; and erasure, which puts a stable pseudonym ("Former member 7") in their place
everywhere while every count, score, decision and audit row stays.

A person is a platform user id within one workspace (challenges/scope.py): a coordinator
acting in the workspace, or the command line naming it (`workspace_for`).
"""

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, String, Table, cast, delete, func, or_, select, update
from sqlmodel import Session, SQLModel

from challenges import audit
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import LairError, NotFound
from challenges.outbox import UNSENT
from challenges.roles import require_coordinator
from challenges.scope import workspace_of
from storage.models import (
    AuditEvent,
    Ballot,
    Challenge,
    Conflict,
    Conversation,
    Coordinator,
    Criterion,
    Decision,
    Idea,
    IdeaMember,
    LearningUpdate,
    OutboxMessage,
    PanelMember,
    Person,
    ProcessedRequest,
    Score,
    Scorecard,
    Vote,
    Workspace,
)

PSEUDONYM_PREFIX = "former-"  # a pseudonym's user id: "former-7"; never a platform's id


def pseudonym_name(number: int) -> str:
    return f"Former member {number}"


def is_pseudonym(user_id: str) -> bool:
    return user_id.startswith(PSEUDONYM_PREFIX)


def pseudonym_label(user_id: str) -> str | None:
    """ "Former member 7" for the pseudonym "former-7" (no lookup needed); None for anyone else."""
    number = user_id.removeprefix(PSEUDONYM_PREFIX)
    return pseudonym_name(int(number)) if is_pseudonym(user_id) and number.isdigit() else None


# ---------------------------------------------------------------------------------------
# Which workspace (the command line acts across all of them)


def workspace_for(ctx: Context, given: str | None) -> int:
    """The workspace a command-line request means: `given` (its number or its Slack team /
    Entra tenant id), or the only one there is."""
    with ctx.transaction() as session:
        rows = session.execute(
            select(Workspace.id, Workspace.tenant_id).order_by(Workspace.id)
        ).all()
    if given:
        for number, tenant in rows:
            if given in (str(number), tenant):
                return number
        raise NotFound(Code.NO_SUCH_WORKSPACE, workspace=given)
    if len(rows) == 1:
        return rows[0][0]
    if not rows:
        raise NotFound(Code.NO_WORKSPACE_YET)
    raise LairError(Code.WORKSPACE_NEEDED, count=len(rows),
                    workspaces=", ".join(f"{n} ({t or 'unknown'})" for n, t in rows))  # fmt: skip


def _workspace(session: Session) -> int:
    workspace = workspace_of(session)
    if workspace is None:  # a programming error: callers act in a workspace
        raise ValueError("a person's data is read and erased within one workspace")
    return workspace


def _challenges(workspace: int):
    return select(Challenge.id).where(Challenge.workspace_id == workspace)


def _ideas(workspace: int):
    return select(Idea.id).where(Idea.challenge_id.in_(_challenges(workspace)))


def _knows(session: Session, workspace: int, user_id: str) -> bool:
    """Whether Lair holds anything about the person in the workspace."""
    probes = [
        select(Person.user_id).where(Person.workspace_id == workspace, Person.user_id == user_id),
        select(IdeaMember.user_id).where(IdeaMember.user_id == user_id,
                                         IdeaMember.idea_id.in_(_ideas(workspace))),
        select(Ballot.voter_id).where(Ballot.voter_id == user_id,
                                      Ballot.challenge_id.in_(_challenges(workspace))),
        select(Vote.voter_id).where(Vote.voter_id == user_id,
                                    Vote.challenge_id.in_(_challenges(workspace))),
        select(PanelMember.user_id).where(PanelMember.user_id == user_id,
                                          PanelMember.challenge_id.in_(_challenges(workspace))),
        select(AuditEvent.actor_id).where(AuditEvent.actor_id == user_id,
                                          AuditEvent.workspace_id == workspace),
        select(Coordinator.user_id).where(Coordinator.workspace_id == workspace,
                                          Coordinator.user_id == user_id),
    ]  # fmt: skip
    return any(session.execute(probe.limit(1)).first() is not None for probe in probes)


def _subject(session: Session, ctx: Context, actor: str, user_id: str) -> tuple[int, Person | None]:
    """The workspace and directory entry of the person a coordinator asks about, once the
    actor is checked and Lair is known to hold something about them."""
    require_coordinator(session, ctx, actor)
    workspace = _workspace(session)
    if is_pseudonym(user_id):
        raise LairError(Code.PERSON_ALREADY_ERASED, person=user_id)
    if not _knows(session, workspace, user_id):
        raise NotFound(Code.NO_SUCH_PERSON, person=user_id)
    return workspace, session.get(Person, (workspace, user_id))


# ---------------------------------------------------------------------------------------
# Export


@dataclass(frozen=True)
class PersonData:
    """Everything held about one person, as sections of plain rows (JSON-ready values)."""

    user_id: str
    name: str
    sections: dict[str, list[dict[str, Any]]]


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _rows(result) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in result]


def person_data(ctx: Context, actor: str, user_id: str) -> PersonData:
    """Everything Lair holds about `user_id` in the context's workspace (coordinators only).
    Their own votes are included: the ballot is secret from others, not from its voter."""
    now = ctx.now()
    with ctx.transaction() as session:
        workspace, person = _subject(session, ctx, actor, user_id)
        in_ws = Idea.challenge_id.in_(_challenges(workspace))
        sections = {
            "person": [{"workspace": workspace, "user_id": user_id,
                        "name": person.name if person else "",
                        "platform_id": person.platform_id if person else None,
                        "last_seen": _plain(person.seen_at) if person else None}],
            "ideas": _rows(session.execute(
                select(IdeaMember.role, Idea.id.label("idea_id"), Challenge.title.label("challenge"),
                       Idea.title, Idea.problem, Idea.proposal, Idea.benefit, Idea.funding_requested,
                       Idea.partners, Idea.theme, Idea.anonymous, Idea.status, Idea.shortlisted,
                       Idea.created_at, Idea.updated_at, Decision.outcome, Decision.award)
                .join(Idea, Idea.id == IdeaMember.idea_id)
                .join(Challenge, Challenge.id == Idea.challenge_id)
                .outerjoin(Decision, Decision.idea_id == Idea.id)
                .where(IdeaMember.user_id == user_id, in_ws).order_by(Idea.id))),
            "votes": _rows(session.execute(
                select(Vote.challenge_id, Vote.idea_id, Idea.title.label("idea"), Vote.created_at.label("at"))
                .join(Idea, Idea.id == Vote.idea_id)
                .where(Vote.voter_id == user_id, in_ws).order_by(Vote.id))),
            "panels": _rows(session.execute(
                select(PanelMember.challenge_id, Challenge.title.label("challenge"), PanelMember.added_at)
                .join(Challenge, Challenge.id == PanelMember.challenge_id)
                .where(PanelMember.user_id == user_id, Challenge.workspace_id == workspace)
                .order_by(PanelMember.challenge_id))),
            "scores": _scores(session, user_id, in_ws),
            "conflicts": _rows(session.execute(
                select(Conflict.idea_id, Idea.title.label("idea"), Conflict.kind, Conflict.reason,
                       Conflict.declared_at)
                .join(Idea, Idea.id == Conflict.idea_id)
                .where(Conflict.user_id == user_id, in_ws).order_by(Conflict.idea_id))),
            "decisions_recorded": _rows(session.execute(
                select(Decision.idea_id, Idea.title.label("idea"), Decision.outcome, Decision.award,
                       Decision.notes, Decision.decided_at)
                .join(Idea, Idea.id == Decision.idea_id)
                .where(Decision.decided_by == user_id, in_ws).order_by(Decision.idea_id))),
            "learning_updates": _rows(session.execute(
                select(LearningUpdate.idea_id, Idea.title.label("idea"), LearningUpdate.due_date,
                       LearningUpdate.status, LearningUpdate.did, LearningUpdate.happened,
                       LearningUpdate.learned, LearningUpdate.advice, LearningUpdate.spent_pence,
                       LearningUpdate.link, LearningUpdate.written_by, LearningUpdate.updated_by,
                       LearningUpdate.created_at, LearningUpdate.updated_at)
                .join(Idea, Idea.id == LearningUpdate.idea_id)
                .where(or_(LearningUpdate.written_by == user_id, LearningUpdate.updated_by == user_id),
                       in_ws)
                .order_by(LearningUpdate.idea_id, LearningUpdate.due_date))),
            "challenges_created": _rows(session.execute(
                select(Challenge.id.label("challenge_id"), Challenge.title, Challenge.created_at)
                .where(Challenge.created_by == user_id, Challenge.workspace_id == workspace)
                .order_by(Challenge.id))),
            "coordinator_grant": _rows(session.execute(
                select(Coordinator.granted_by, Coordinator.granted_at)
                .where(Coordinator.workspace_id == workspace, Coordinator.user_id == user_id))),
            "messages_to_them": _rows(session.execute(
                select(OutboxMessage.kind, OutboxMessage.challenge_id, OutboxMessage.status,
                       OutboxMessage.created_at, OutboxMessage.sent_at)
                .where(OutboxMessage.workspace_id == workspace, OutboxMessage.address == user_id)
                .order_by(OutboxMessage.id))),
            "audit_events": [
                {"id": e.id, "at": _plain(e.at), "actor": e.actor_id, "action": e.action,
                 "subject": e.subject, "challenge_id": e.challenge_id, "detail": e.detail}
                for e in _events_about(session, workspace, user_id)
            ],
        }  # fmt: skip
        audit.record(session, actor=actor, action="person.exported", at=now, workspace_id=workspace,
                     subject=f"person:{user_id}", sections=sorted(sections))  # fmt: skip
    return PersonData(user_id, sections["person"][0]["name"], sections)


def _scores(session: Session, user_id: str, in_ws) -> list[dict[str, Any]]:
    cards = session.execute(
        select(Scorecard, Idea.title).join(Idea, Idea.id == Scorecard.idea_id)
        .where(Scorecard.member_id == user_id, in_ws).order_by(Scorecard.idea_id)
    ).all()  # fmt: skip
    out = []
    for card, title in cards:
        values = session.execute(
            select(Criterion.name, Score.value).join(Criterion, Criterion.id == Score.criterion_id)
            .where(Score.scorecard_id == card.id).order_by(Criterion.position)
        ).all()  # fmt: skip
        out.append({"idea_id": card.idea_id, "idea": title, **{n: v for n, v in values},
                    "comment": card.comment, "comment_shared": card.share_comment,
                    "updated_at": _plain(card.updated_at)})  # fmt: skip
    return out


def _events_about(session: Session, workspace: int, user_id: str) -> list[AuditEvent]:
    """Audit events of the workspace the person did, or whose subject or detail names them."""
    text = cast(AuditEvent.detail, String)
    candidates = session.scalars(
        select(AuditEvent).where(
            AuditEvent.workspace_id == workspace,
            or_(AuditEvent.actor_id == user_id, AuditEvent.subject.contains(user_id, autoescape=True),
                text.contains(user_id, autoescape=True)),
        ).order_by(AuditEvent.id)
    ).all()  # fmt: skip
    return [e for e in candidates if e.actor_id == user_id or _names(e.subject, user_id)
            or _names(json.dumps(e.detail), user_id)]  # fmt: skip


def _names(text: str, user_id: str) -> bool:
    return _word(user_id).search(text) is not None


# ---------------------------------------------------------------------------------------
# Erasure


@dataclass(frozen=True)
class Erasure:
    pseudonym: str  # the user id now standing in for the person
    name: str  # "Former member 7"
    rows: int  # rows changed


# Columns that hold one person's id and nothing else: matched whole. Every other text or
# JSON column is searched for the id (and the name) as a word and rewritten in place.
ID_COLUMNS = {
    "author_id", "user_id", "voter_id", "member_id", "decided_by", "created_by", "granted_by",
    "added_by", "uploaded_by", "actor_id", "written_by", "updated_by",
}  # fmt: skip
SKIP_TABLES = {"lease", "alembic_version"}


def _word(text: str) -> re.Pattern[str]:
    edge = "A-Za-z0-9"  # a word's edge: no letter or digit just before or after it
    return re.compile(rf"(?:^|(?<=[^{edge}])){re.escape(text)}(?=[^{edge}]|$)")


def erase_person(ctx: Context, actor: str, user_id: str) -> Erasure:
    """Replace `user_id` by a new pseudonym everywhere in the context's workspace (coordinators
    only): their directory entry, ideas and teams, votes and ballots, panel seats, scorecards,
    decisions, grants, audit rows, queued and sent messages, and any text naming them (their
    id, or their display name as a whole word). Their personal chat and the request keys
    carrying their id are deleted. Counts, scores, ranking and the audit trail are unchanged;
    the erasure is audited under the pseudonym."""
    now = ctx.now()
    with ctx.transaction() as session:
        workspace, person = _subject(session, ctx, actor, user_id)
        name = person.name if person else ""
        # Erasures in a workspace run one at a time (its row locked until commit), so two at
        # once cannot both take the next pseudonym's number. SQLite's writers are serial already.
        session.get(Workspace, workspace, with_for_update=True)
        taken = session.scalar(
            select(func.count()).select_from(Person).where(
                Person.workspace_id == workspace, Person.user_id.startswith(PSEUDONYM_PREFIX))
        )  # fmt: skip
        number = taken + 1
        pseudonym = f"{PSEUDONYM_PREFIX}{number}"
        changed = 0
        if person is not None:
            session.delete(person)
        changed += session.execute(delete(Conversation).where(
            Conversation.workspace_id == workspace, Conversation.user_id == user_id)).rowcount  # fmt: skip
        changed += session.execute(delete(Coordinator).where(
            Coordinator.workspace_id == workspace, Coordinator.user_id == user_id)).rowcount  # fmt: skip
        changed += session.execute(delete(OutboxMessage).where(  # nothing more is sent to them
            OutboxMessage.workspace_id == workspace, OutboxMessage.address == user_id,
            OutboxMessage.status.in_(UNSENT))).rowcount  # fmt: skip
        changed += session.execute(delete(ProcessedRequest).where(
            ProcessedRequest.key.contains(user_id, autoescape=True))).rowcount  # fmt: skip
        session.flush()
        session.add(Person(workspace_id=workspace, user_id=pseudonym, name=pseudonym_name(number),
                           seen_at=now))  # fmt: skip
        session.flush()
        replacements = [(user_id, pseudonym)]
        if len(name.strip()) >= 2:
            replacements.append((name, pseudonym_name(number)))
        for table, scope in _scoped_tables(workspace):
            changed += _rewrite(session, table, scope, replacements)
        audit.record(session, actor=actor, action="person.erased", at=now, workspace_id=workspace,
                     subject=f"person:{pseudonym}", rows=changed)  # fmt: skip
    return Erasure(pseudonym, pseudonym_name(number), changed)


def _scoped_tables(workspace: int) -> Iterator[tuple[Table, Any]]:
    """Every table and the filter selecting its rows of the workspace."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name in SKIP_TABLES or table.name in ("person", "processedrequest"):
            continue
        c = table.c
        if table.name == "workspace":
            continue  # a workspace's own name is not a person's
        if "workspace_id" in c:
            yield table, c.workspace_id == workspace
        elif "challenge_id" in c:
            yield table, c.challenge_id.in_(_challenges(workspace))
        elif "idea_id" in c:
            yield table, c.idea_id.in_(_ideas(workspace))
        # score: numbers only (its scorecard carries the person)


def _rewrite(session: Session, table: Table, scope, replacements: list[tuple[str, str]]) -> int:
    """Replace each (old, new) in the table's rows in scope; returns the rows changed."""
    changed = 0
    key = list(table.primary_key.columns)
    for column in table.columns:
        kind = getattr(column.type, "impl", column.type)  # AutoString is a String underneath
        is_json = isinstance(kind, JSON)
        if not (is_json or isinstance(kind, String)):
            continue
        if column.name in ID_COLUMNS and not is_json:
            for old, new in replacements[:1]:
                changed += session.execute(
                    update(table).where(scope, column == old).values({column.name: new})
                ).rowcount
            continue
        haystack = cast(column, String) if is_json else column
        needles = []
        for old, _ in replacements:
            needles += [old, json.dumps(old)[1:-1]] if is_json else [old]
        found = session.execute(
            select(*key, column).where(
                scope, or_(*(haystack.contains(n, autoescape=True) for n in set(needles)))
            )
        ).all()
        for row in found:
            value = row[-1]
            new_value = _replace_in(value, replacements)
            if new_value != value:
                where = [k == row[i] for i, k in enumerate(key)]
                session.execute(update(table).where(*where).values({column.name: new_value}))
                changed += 1
    return changed


def _replace_in(value: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for old, new in replacements:
            value = _word(old).sub(new, value)
        return value
    if isinstance(value, list):
        return [_replace_in(v, replacements) for v in value]
    if isinstance(value, dict):
        return {
            _replace_in(k, replacements): _replace_in(v, replacements) for k, v in value.items()
        }
    return value
