"""Every table Lair keeps. Plain data: the rules live in `challenges/`.

Money is whole pounds (int). Times are UTC (see `UTCDateTime`).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


def _ts(nullable: bool = True) -> Any:
    return Field(default=None, sa_type=UTCDateTime, nullable=nullable)


def _created() -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


class Challenge(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("fund_pot >= max_award", name="ck_challenge_pot_covers_award"),
        CheckConstraint("max_award > 0", name="ck_challenge_award_positive"),
        CheckConstraint("vote_budget >= 1", name="ck_challenge_budget"),
        CheckConstraint("shortlist_size >= 1", name="ck_challenge_shortlist"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=150)
    brief: str = Field(default="", max_length=3000)
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    channel_id: str = Field(max_length=32)
    panel_channel_id: str | None = Field(default=None, max_length=32)
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
    announcement_channel: str | None = Field(default=None, max_length=32)
    announcement_ts: str | None = Field(default=None, max_length=32)
    created_by: str = Field(max_length=32)
    created_at: datetime = _created()
    updated_at: datetime = _created()
    stage_changed_at: datetime = _created()


class Criterion(SQLModel, table=True):
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


class Coordinator(SQLModel, table=True):
    """Coordinators granted in Lair; those named in LAIR_COORDINATORS are not stored."""

    user_id: str = Field(primary_key=True, max_length=32)
    granted_by: str = Field(max_length=32)
    granted_at: datetime = _created()


class Idea(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint("funding_requested >= 0", name="ck_idea_funding"),
        Index("ix_idea_challenge_status", "challenge_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    author_id: str = Field(max_length=32, index=True)
    title: str = Field(max_length=100)
    problem: str = Field(max_length=3000)
    proposal: str = Field(max_length=3000)
    benefit: str = Field(default="", max_length=3000)
    funding_requested: int = 0
    partners: str = Field(default="", max_length=500)
    theme: str | None = Field(default=None, max_length=80)
    anonymous: bool = False
    status: str = Field(default="submitted", max_length=16)
    shortlisted: bool = False
    source_permalink: str | None = Field(default=None, max_length=500)
    card_channel: str | None = Field(default=None, max_length=32)
    card_ts: str | None = Field(default=None, max_length=32)
    panel_ts: str | None = Field(default=None, max_length=32)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class IdeaMember(SQLModel, table=True):
    """Author and team members of an idea (the author is a member with role 'author')."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True, ondelete="CASCADE")
    user_id: str = Field(primary_key=True, max_length=32, index=True)
    role: str = Field(default="member", max_length=16)


class Ballot(SQLModel, table=True):
    """One row per voter per challenge: the row a vote locks so a budget cannot be overrun."""

    __table_args__ = (CheckConstraint("votes_used >= 0", name="ck_ballot_nonnegative"),)

    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    voter_id: str = Field(primary_key=True, max_length=32)
    votes_used: int = 0
    updated_at: datetime = _created()


class Vote(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("idea_id", "voter_id", name="uq_vote_once"),)

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id", index=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    voter_id: str = Field(max_length=32)
    created_at: datetime = _created()


class PanelMember(SQLModel, table=True):
    challenge_id: int = Field(foreign_key="challenge.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=32)
    added_by: str = Field(max_length=32)
    added_at: datetime = _created()


class Conflict(SQLModel, table=True):
    """A panel member who may not score an idea: author, team member, or declared."""

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    user_id: str = Field(primary_key=True, max_length=32)
    kind: str = Field(default="declared", max_length=16)
    reason: str = Field(default="", max_length=500)
    declared_at: datetime = _created()


class Scorecard(SQLModel, table=True):
    """One panel member's scoring of one idea; the per-criterion values are `Score` rows."""

    __table_args__ = (UniqueConstraint("idea_id", "member_id", name="uq_scorecard"),)

    id: int | None = Field(default=None, primary_key=True)
    idea_id: int = Field(foreign_key="idea.id", index=True)
    member_id: str = Field(max_length=32)
    comment: str = Field(default="", max_length=3000)
    share_comment: bool = False
    created_at: datetime = _created()
    updated_at: datetime = _created()


class Score(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("scorecard_id", "criterion_id", name="uq_score"),)

    id: int | None = Field(default=None, primary_key=True)
    scorecard_id: int = Field(foreign_key="scorecard.id", index=True, ondelete="CASCADE")
    criterion_id: int = Field(foreign_key="criterion.id")
    value: int


class Decision(SQLModel, table=True):
    __table_args__ = (CheckConstraint("award >= 0", name="ck_decision_award"),)

    idea_id: int = Field(foreign_key="idea.id", primary_key=True)
    outcome: str = Field(max_length=16)
    award: int = 0
    notes: str = Field(default="", max_length=1000)
    decided_by: str = Field(max_length=32)
    decided_at: datetime = _created()


class AuditEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int | None = Field(default=None, index=True)
    actor_id: str = Field(max_length=32)
    action: str = Field(max_length=40)
    subject: str = Field(default="", max_length=60)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    at: datetime = _created()


class OutboxMessage(SQLModel, table=True):
    """A message the app has decided to send, written in the same transaction as the change.

    `dedupe_key` makes "announce once" a database fact. `sent_ts` records what Slack
    accepted, so a retry after a crash can check before sending again.
    """

    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=120, unique=True)
    challenge_id: int | None = Field(default=None, index=True)
    kind: str = Field(max_length=40)
    target: str = Field(max_length=32)
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    not_before: datetime = _created()
    claimed_until: datetime | None = _ts(nullable=True)
    sent_channel: str | None = Field(default=None, max_length=32)
    sent_ts: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = _created()
    sent_at: datetime | None = _ts(nullable=True)


class ProcessedRequest(SQLModel, table=True):
    """Keys of requests already handled (event id, or action timestamp + user): de-duplication."""

    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = _created()


class Lease(SQLModel, table=True):
    """A named lease (e.g. the scheduler's clock) so only one process acts at a time."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=100)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)


class PendingImport(SQLModel, table=True):
    """Decisions read from a returned workbook, awaiting the coordinator's Confirm."""

    id: int | None = Field(default=None, primary_key=True)
    challenge_id: int = Field(foreign_key="challenge.id")
    uploaded_by: str = Field(max_length=32)
    changes: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: str = Field(default="pending", max_length=16)
    created_at: datetime = _created()
