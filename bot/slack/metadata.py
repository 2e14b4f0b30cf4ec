"""What each Slack modal carries in its private_metadata, as a pydantic model.

Slack gives a modal's private_metadata back unchanged on every submission and action, but
it travels through the person's client, so it is read like any other input: validated on
the way back (anything else — not JSON, a missing or extra field, an id that is not a
number — is refused as an out-of-date form, and nothing changes). An id in it is looked up
through the acting person's workspace like any other (challenges/scope.py), so one from
another workspace is refused like a missing one.

Slack allows 3,000 characters. Every model here fits by design: ids are bounded numbers,
lists and texts have a maximum length, and nothing a person typed is kept here (a message's
text pre-filling the idea form stays in the form's own inputs). `MAX_CHARS` is checked when
a form is drawn; tests/bot/slack/test_metadata.py fills each model to its bounds.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from challenges.codes import Code
from challenges.errors import LairError

MAX_CHARS = 3000
Id = Annotated[int, Field(ge=0, le=2**63 - 1)]  # a row id (bigint at most; 0 is no row)
Place = Annotated[str, Field(min_length=1, max_length=64)]  # a Slack channel id or a ts
PERMALINK_MAX = 1000
Permalink = Annotated[str, Field(max_length=PERMALINK_MAX, pattern=r"^https://")]
PAGE_SIZE = 45  # the decisions form's ideas a page: two inputs each, 90 of a modal's 100 blocks


class FormMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    def dump(self) -> str:
        text = self.model_dump_json(exclude_none=True)
        if len(text) > MAX_CHARS:  # cannot happen with the bounds above; a bug if it does
            raise ValueError(f"{type(self).__name__} is {len(text)} characters")
        return text

    @classmethod
    def read(cls, view: dict) -> Self:
        """The view's metadata, validated; refuses (changing nothing) when it is not valid."""
        try:
            return cls.model_validate_json(view.get("private_metadata") or "{}")
        except ValidationError:
            raise LairError(Code.FORM_OUT_OF_DATE) from None


class IdeaFormMetadata(FormMetadata):
    """The idea form, submitting a new idea to the challenge."""

    challenge_id: Id
    source_permalink: Permalink | None = None


class IdeaEditMetadata(FormMetadata):
    """The idea form, editing this idea."""

    idea_id: Id


class PickerMetadata(FormMetadata):
    """The challenge picker: the message it came from (its text is in the picker's inputs)."""

    source_permalink: Permalink | None = None


class ChallengeFormMetadata(FormMetadata):
    challenge_id: Id | None = None  # editing this challenge


class IdeaPlaceMetadata(FormMetadata):
    """The score and conflict forms: the idea, and the thread to answer in."""

    idea_id: Id
    channel: Place | None = None
    thread_ts: Place | None = None


class ShortlistMetadata(FormMetadata):
    challenge_id: Id


class DecisionsMetadata(FormMetadata):
    challenge_id: Id
    page: Annotated[int, Field(ge=0, le=10_000)] = 0
    ideas: Annotated[list[Id], Field(max_length=PAGE_SIZE)] = []
    last: bool = True


def permalink_or_none(link: str | None) -> str | None:
    """A message's link as the metadata keeps it: an https link within its budget, or none
    (Slack's permalinks are about 80 characters; the idea is kept without one otherwise)."""
    if link and link.startswith("https://") and len(link) <= PERMALINK_MAX:
        return link
    return None


class SimilarCheckMetadata(FormMetadata):
    """The similar-ideas page: the held-back submission it decides."""

    check_id: Id


class LearningFormMetadata(FormMetadata):
    """The learning-update form: the funded idea and the learning date it answers."""

    idea_id: Id
    date: date
