"""Every table Lair keeps. Plain data: the rules live in `challenges/`.

Money is whole pounds (int). Times are UTC (see `UTCDateTime`).
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelConfig

from storage import search_index
from storage.enums import (
    ConflictKind,
    IdeaStatus,
    ImportStatus,
    MemberRole,
    OutboxStatus,
    SimilarChoice,
)
from storage.types import UTCDateTime, utcnow

# Widths of platform identifiers. A Slack id is ~11 characters; a Teams user (Entra object
# id) 36; a Teams conversation id 60-120 (channel threads carry ";messageid=…").
USER_ID = 128
CONVERSATION_ID = 255
MESSAGE_ID = 255


class Table(SQLModel):
    """What every table derives from. Its rows are built without pydantic's validation, so
    pydantic builds a table's validator only if something asks for one: not at import,
    where building 25 of them is a tenth of what a start spends on imports (issue 15)."""

    model_config = SQLModelConfig(defer_build=True)


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Workspace(Table, table=True):
    """A Slack workspace or a Teams (Entra) tenant Lair is installed in. Nothing crosses
    between workspaces: every challenge, grant and message belongs to exactly one."""

    __table_args__ = (UniqueConstraint("platform", "tenant_id", name="uq_workspace_tenant"),)

    id: int | None = Field(default=None, primary_key=True)
    platform: str = Field(max_length=16)  # storage.enums.Platform
    # Slack team id or Entra tenant id; "" for a workspace migrated from a single-workspace
    # install whose team id is learnt when Lair next connects.
    tenant_id: str = Field(max_length=128)
    name: str = Field(default="", max_length=200)
    installed_at: datetime = _created()
    uninstalled_at: datetime | None = _ts(nullable=True)


class Challenge(Table, table=True):
    __table_args__ = (
        CheckConstraint("fund_pot >= max_award", name="ck_challenge_pot_covers_award"),
        CheckConstraint("max_award > 0", name="ck_challenge_award_positive"),
        CheckConstraint("vote_budget >= 1", name="ck_challenge_budget"),
        CheckConstraint("shortlist_size >= 1", name="ck_challenge_shortlist"),
    )

    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(foreign_key="workspace.id", index=True)
    title: str = Field(max_length=150)
    brief: str = Field(default="", max_length=3000)
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel_id: str = Field(max_length=CONVERSATION_ID)
    panel_channel_id: str | None = Field(default=None, max_length=CONVERSATION_ID)
    fund_pot: int
    max_award: int
    vote_budget: int = 3
    shortlist_size: int = 5
    timezone: str = Field(default="Europe/London", max_length=64)
    stage: str = Field(default="draft", max_length=16, index=True)
    opens_at: datetime | None = _ts(nullable=True)
    submissions_close_at: datetime | None = _ts(nullable=True)
    voting_close_at: datetime | None = _ts(nullable=True)
    panel_close_at: datetime | None = _ts(nullable=True)
    reminder_lead_hours: int = 24
    learning_update_dates: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    allow_anonymous: bool = False
    show_tallies_live: bool = False
    vote_during_submissions: bool = False
    created_by: str = Field(max_length=USER_ID)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    stage_changed_at: datetime = _created()
    # Retention (challenges/retention.py): when the round's votes lost their voters, and how
    # many people had voted (the votes can no longer tell).
    records_reduced_at: datetime | None = _ts(nullable=True)
    voters_kept: int | None = None


class Criterion(Table, table=True):
    __table_args__ = (
        UniqueConstraint("challenge_id", "key", name="uq_criterion_key"),
        CheckConstraint("weight > 0", name="ck_criterion_weight"),
        CheckConstraint("scale_max > scale_min", name="ck_criterion_scale"),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True, ondelete="CASCADE")
    position: int
    key: str = Field(max_length=40)
    name: str = Field(max_length=80)
    weight: float = 1.0
    scale_min: int = 1
    scale_max: int = 5


class Coordinator(Table, table=True):
    """Coordinators granted in Lair, per workspace; those named in LAIR_COORDINATORS are not stored."""

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=USER_ID)
    granted_by: str = Field(max_length=USER_ID)
    granted_at: datetime = _created()


class ChallengeCoordinator(Table, table=True):
    """A coordinator given a challenge to run (besides its creator): it shows among their
    challenges on the App Home."""

    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=USER_ID, index=True)
    given_by: str = Field(max_length=USER_ID)
    given_at: datetime = _created()


class Idea(Table, table=True):
    __table_args__ = (
        CheckConstraint("funding_requested >= 0", name="ck_idea_funding"),
        Index("ix_idea_challenge_status", "challenge_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    author_id: str = Field(max_length=USER_ID, index=True)
    title: str = Field(max_length=100)
    problem: str = Field(max_length=3000)
    proposal: str = Field(max_length=3000)
    benefit: str = Field(default="", max_length=3000)
    funding_requested: int = 0
    partners: str = Field(default="", max_length=500)
    theme: str | None = Field(default=None, max_length=100)  # challenges.inputs.THEME_MAX
    anonymous: bool = False
    status: str = Field(default=IdeaStatus.SUBMITTED.value, max_length=16)
    shortlisted: bool = False
    source_permalink: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class IdeaMember(Table, table=True):
    """Author and team members of an idea (the author is a member with role 'author')."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(primary_key=True, max_length=USER_ID, index=True)
    role: str = Field(default=MemberRole.MEMBER.value, max_length=16)


class Ballot(Table, table=True):
    """One row per voter per challenge: the row a vote locks so a budget cannot be overrun."""

    __table_args__ = (CheckConstraint("votes_used >= 0", name="ck_ballot_nonnegative"),)

    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    voter_id: str = Field(primary_key=True, max_length=USER_ID)
    votes_used: int = 0
    updated_at: datetime = _created()


class Vote(Table, table=True):
    __table_args__ = (UniqueConstraint("idea_id", "voter_id", name="uq_vote_once"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    voter_id: str = Field(max_length=USER_ID)
    created_at: datetime = _created()


class PanelMember(Table, table=True):
    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=USER_ID)
    added_by: str = Field(max_length=USER_ID)
    added_at: datetime = _created()


class Conflict(Table, table=True):
    """A panel member who may not score an idea: author, team member, or declared."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=USER_ID)
    kind: str = Field(default=ConflictKind.DECLARED.value, max_length=16)
    reason: str = Field(default="", max_length=500)
    declared_at: datetime = _created()


class Scorecard(Table, table=True):
    """One panel member's scoring of one idea; the per-criterion values are `Score` rows."""

    __table_args__ = (UniqueConstraint("idea_id", "member_id", name="uq_scorecard"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    member_id: str = Field(max_length=USER_ID)
    comment: str = Field(default="", max_length=3000)
    share_comment: bool = False
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Score(Table, table=True):
    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_id", name="uq_score"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(foreign_key="scorecard.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int


class Decision(Table, table=True):
    __table_args__ = (CheckConstraint("award >= 0", name="ck_decision_award"),)

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    outcome: str = Field(max_length=16)  # storage.enums.Outcome
    award: int = 0
    notes: str = Field(default="", max_length=1000)
    decided_by: str = Field(max_length=USER_ID)
    decided_at: datetime = _created()


class LearningUpdate(Table, table=True):
    """A funded team's learning update for one of its challenge's learning dates: one per idea
    and date, editable by the team for a while after it is first shared. Money in pence."""

    __tablename__ = "learning_update"
    __table_args__ = (
        UniqueConstraint("idea_id", "due_date", name="uq_learning_update"),
        CheckConstraint("spent_pence >= 0", name="ck_learning_spent"),
    )

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    due_date: date
    status: str = Field(max_length=16)  # storage.enums.LearningStatus
    did: str = Field(default="", max_length=3000)
    happened: str = Field(default="", max_length=3000)
    learned: str = Field(default="", max_length=3000)
    advice: str = Field(default="", max_length=3000)
    spent_pence: int = 0
    link: str | None = Field(default=None, max_length=1000)
    written_by: str = Field(max_length=USER_ID)
    updated_by: str = Field(max_length=USER_ID)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class AuditEvent(Table, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int | None = Field(default=None, foreign_key="workspace.id", index=True)
    challenge_id: int | None = Field(default=None, index=True)
    actor_id: str = Field(max_length=USER_ID)
    action: str = Field(max_length=40)
    subject: str = Field(default="", max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _created()


class OutboxMessage(Table, table=True):
    """A message the app has decided to send, written in the same transaction as the change.

    `dedupe_key` makes "announce once" a database fact. The row names its workspace and
    platform (each platform's sender takes only its own rows) and its audience: a post in
    the conversation `address`, a private message to the person `address`, a reply under
    the posted message `place`, or that message redrawn. `save_as` names the place a post
    becomes (see PostedMessage) once the platform has accepted it.
    """

    __table_args__ = (Index("ix_outbox_queue", "workspace_id", "address", "status"),)

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=120, unique=True)
    workspace_id: int = Field(foreign_key="workspace.id")
    platform: str = Field(max_length=16)  # storage.enums.Platform
    challenge_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=40)
    audience: str = Field(max_length=16)  # storage.enums.Audience
    address: str = Field(max_length=CONVERSATION_ID)
    place: str | None = Field(default=None, max_length=120)
    save_as: str | None = Field(default=None, max_length=120)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=OutboxStatus.PENDING.value, max_length=16, index=True)
    attempts: int = 0
    not_before: datetime = _created()
    claimed_until: datetime | None = _ts(nullable=True)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()
    sent_at: datetime | None = _ts(nullable=True)


class PostedMessage(Table, table=True):
    """Where a message Lair posted landed, by what it is (`key`, e.g. "idea:12:card"): the
    platform's own reference kept as data — Slack: channel and message ts; Teams:
    conversation id, activity id and service URL. Threads and redraws start from here."""

    __table_args__ = (Index("ix_posted_message_place", "conversation_id", "message_id"),)

    key: str = Field(primary_key=True, max_length=120)
    workspace_id: int = Field(foreign_key="workspace.id")
    challenge_id: int | None = Field(default=None, foreign_key="challenge.id", index=True)
    idea_id: int | None = Field(default=None, foreign_key="idea.id", index=True)
    conversation_id: str = Field(max_length=CONVERSATION_ID)
    message_id: str = Field(max_length=MESSAGE_ID)
    service_url: str | None = Field(default=None, max_length=500)
    outbox_id: int | None = None
    posted_at: datetime = _created()


class ProcessedRequest(Table, table=True):
    """Keys of requests already handled (event id, or action timestamp + user): de-duplication."""

    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = _created()


class Lease(Table, table=True):
    """A named lease (e.g. the scheduler's clock) so only one process acts at a time."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=100)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class PendingImport(Table, table=True):
    """Decisions read from a returned workbook, awaiting the coordinator's Confirm."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id")
    uploaded_by: str = Field(max_length=USER_ID)
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default=ImportStatus.PENDING.value, max_length=16)
    created_at: datetime = _created()


class Person(Table, table=True):
    """Someone Lair has met in a workspace: the id Lair knows them by (a Slack user id; a
    Teams person's Entra object id), their display name, and the platform's own address
    for them where it differs (Teams' per-bot user id "29:…", needed to open a chat)."""

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=USER_ID)
    name: str = Field(default="", max_length=200)
    platform_id: str | None = Field(default=None, max_length=CONVERSATION_ID)
    seen_at: datetime = _created()


class Conversation(Table, table=True):
    """A conversation Lair can post in unprompted, with what its platform needs to reach it
    (Teams: the service URL of the conversation's region). A person's own chat with Lair
    names them; a channel names its team."""

    __table_args__ = (Index("ix_conversation_person", "workspace_id", "user_id"),)

    workspace_id: int = Field(foreign_key="workspace.id", primary_key=True)
    conversation_id: str = Field(primary_key=True, max_length=CONVERSATION_ID)
    kind: str = Field(max_length=16)  # storage.enums.ConversationKind
    service_url: str | None = Field(default=None, max_length=500)
    user_id: str | None = Field(default=None, max_length=USER_ID)
    team_id: str | None = Field(default=None, max_length=CONVERSATION_ID)
    name: str = Field(default="", max_length=200)
    updated_at: datetime = _created()


class SimilarCheck(Table, table=True):
    """An idea form held back because similar ideas exist: the draft as typed, the similar
    ideas shown (ids and scores, best first), and what the person chose (storage.enums.
    SimilarChoice) — Submit anyway makes `idea_id` the idea it became."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    author_id: str = Field(max_length=USER_ID)
    draft: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    source_permalink: str | None = Field(default=None, max_length=500)
    similar: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    choice: str = Field(default=SimilarChoice.PENDING.value, max_length=16)
    idea_id: int | None = Field(default=None, foreign_key="idea.id")
    created_at: datetime = _created()
    decided_at: datetime | None = _ts(nullable=True)


class SimilarIdea(Table, table=True):
    """An idea submitted although Lair showed it similar ones: which, and how similar (0–100)."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    similar_id: int = Field(foreign_key="idea.id", primary_key=True, index=True)
    score: int = 0


# The ideas' full-text index (SQLite FTS5 / PostgreSQL tsvector): see storage/search_index.py.
search_index.attach(Idea.__table__, search_index.IDEAS)
search_index.attach(LearningUpdate.__table__, search_index.LEARNING)
