"""The values a status-like column may hold. Stored as short strings; compared as enums."""

from enum import StrEnum


class Platform(StrEnum):
    SLACK = "slack"
    TEAMS = "teams"


class IdeaStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"
    REMOVED = "removed"  # hidden by a coordinator for breaking the rules


class MemberRole(StrEnum):
    """An idea's people: its author, and the team members the author named."""

    AUTHOR = "author"
    MEMBER = "member"


class ConflictKind(StrEnum):
    AUTHOR = "author"  # a panel member submitted the idea
    TEAM = "team"  # a panel member is on its team
    DECLARED = "declared"  # a panel member said so


class Outcome(StrEnum):
    FUND = "fund"
    DONT_FUND = "dont_fund"
    DEFER = "defer"


class LearningStatus(StrEnum):
    """Where a funded idea stands in a learning update. Stopping early is a valid outcome."""

    ON_TRACK = "on_track"
    CHANGED_COURSE = "changed_course"
    STOPPED = "stopped"


class ImportStatus(StrEnum):
    PENDING = "pending"
    APPLIED = "applied"
    CANCELLED = "cancelled"


class OutboxStatus(StrEnum):
    PENDING = "pending"  # not yet tried, or the platform definitely did not post it (e.g. 429)
    UNSURE = "unsure"  # a try may have reached the platform: check before sending again
    SENDING = "sending"  # claimed by a sender until claimed_until; expired = crashed mid-send
    SENT = "sent"
    SKIPPED = "skipped"  # no longer true when its turn came (e.g. a reminder after the close)
    FAILED = "failed"  # refused for good, or too many attempts


class Audience(StrEnum):
    """Who an outbox message is for."""

    CHANNEL = "channel"  # a post in a conversation (`address` is its id)
    PERSON = "person"  # a private message to one person (`address` is their user id)
    THREAD = "thread"  # a reply under a posted message (`place`), in its conversation
    UPDATE = "update"  # the posted message at `place`, redrawn in place


class ConversationKind(StrEnum):
    PERSONAL = "personal"  # one person's own chat with Lair
    CHANNEL = "channel"  # a channel of a team
    GROUP = "group"  # a group chat


class SimilarChoice(StrEnum):
    """What someone shown similar ideas at submission did."""

    PENDING = "pending"  # shown, no answer yet
    SUBMITTED = "submitted"  # Submit anyway: the idea went in
    EDITED = "edited"  # Back to edit: the form came back
