"""Similar ideas at submission: before a new idea goes in, ideas like it from this and
earlier rounds of the workspace are shown (never a refusal); the author submits anyway
or goes back to edit, and that choice is kept.

Candidates come from the database's full-text index (challenges/search.py: any of the
draft's words, best `CANDIDATES` by bm25 / ts_rank). Each is then scored with RapidFuzz:
the share of content words of either text that have a close match (`fuzz.ratio` ≥
`WORD_MATCH`, so "sensor"/"sensors" or "recycling"/"recycle" count) in the other — a soft
Dice coefficient over the words of title, problem and proposal. `THRESHOLD` was chosen on
the labelled pairs in bench/similar_cases.py (bench/similar.py reports precision and recall).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from sqlmodel import Session, select

from challenges import audit, scope
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import NotFound
from challenges.ideas import IdeaView, check_submission, submit_in, team_of
from challenges.inputs import IdeaDraft
from challenges.search import Found, describe, match_ideas, words
from challenges.setup import get as get_challenge
from storage.enums import SimilarChoice
from storage.models import Challenge, Idea, SimilarCheck, SimilarIdea

SHOWN = 5  # similar ideas shown at most
CANDIDATES = 40  # ideas the full-text index proposes for scoring
CANDIDATE_TERMS = 16  # words of the draft the index looks for: its title's, then its longest
WORD_MATCH = 75  # fuzz.ratio at which two words count as the same word
THRESHOLD = 32  # score (0–100) from which an idea is similar
MIN_WORD = 3  # shorter words carry no meaning here


def content_words(*texts: str) -> list[str]:
    """The distinct words of the texts that carry meaning."""
    return [w for w in words(" ".join(texts)) if len(w) >= MIN_WORD]


def similarity(a: list[str], b: list[str]) -> int:
    """0–100: how many of the words of each text have a close match in the other."""
    if not a or not b:
        return 0
    matrix = process.cdist(a, b, scorer=fuzz.ratio, score_cutoff=WORD_MATCH, dtype=np.uint8)
    matched = int((matrix.max(axis=1) > 0).sum()) + int((matrix.max(axis=0) > 0).sum())
    return round(100 * matched / (len(a) + len(b)))


def _candidate_terms(title: str, problem: str, proposal: str) -> list[str]:
    terms = dict.fromkeys(words(title))
    # Longer words are the rarer ones, as a rule: fewer ideas to rank, sharper candidates.
    for word in sorted(words(f"{problem} {proposal}"), key=len, reverse=True):
        if len(terms) >= CANDIDATE_TERMS:
            break
        terms.setdefault(word, None)
    return list(terms)[:CANDIDATE_TERMS]


def similar_ideas(
    session: Session, title: str, problem: str, proposal: str, *, exclude_idea: int | None = None,
    limit: int = SHOWN,
) -> list[tuple[int, int]]:  # fmt: skip
    """(idea id, score) of the workspace's live ideas similar to the text, most similar first."""
    candidates = match_ideas(
        session, _candidate_terms(title, problem, proposal), any_term=True, limit=CANDIDATES,
        exclude_idea=exclude_idea,
    )  # fmt: skip
    if not candidates:
        return []
    mine = content_words(title, problem, proposal)
    rows = session.exec(
        select(Idea.id, Idea.title, Idea.problem, Idea.proposal).where(
            Idea.id.in_([i for i, _ in candidates])
        )
    ).all()
    scored = [(i, similarity(mine, content_words(t, p, q))) for i, t, p, q in rows]
    kept = sorted((s for s in scored if s[1] >= THRESHOLD), key=lambda s: (-s[1], -s[0]))
    return kept[:limit]


@dataclass(frozen=True)
class Similar:
    found: Found
    score: int


@dataclass(frozen=True)
class HeldBack:
    """A draft not yet submitted: similar ideas exist. `check_id` carries the choice."""

    check_id: int
    challenge: Challenge
    similar: list[Similar]


def _described(session: Session, scored: list[tuple[int, int]]) -> list[Similar]:
    score = dict(scored)
    return [Similar(f, score[f.idea_id]) for f in describe(session, [i for i, _ in scored])]


def submit_or_hold(
    ctx: Context, actor: str, challenge_id: int, draft: IdeaDraft, *,
    source_permalink: str | None = None,
) -> IdeaView | HeldBack:  # fmt: skip
    """Submit the idea, or — when similar ideas exist — keep the draft and return them."""
    now = ctx.now()
    with ctx.transaction() as session:
        challenge = get_challenge(session, challenge_id)
        check_submission(challenge, draft)
        scored = similar_ideas(session, draft.title, draft.problem, draft.proposal)
        if not scored:
            return submit_in(
                session, now, actor, challenge, draft, source_permalink=source_permalink
            )
        check = SimilarCheck(
            challenge_id=challenge.id, author_id=actor, draft=draft.model_dump(mode="json"),
            source_permalink=source_permalink, created_at=now,
            similar=[{"idea_id": i, "score": s} for i, s in scored],
        )  # fmt: skip
        session.add(check)
        session.flush()
        audit.record(
            session, actor=actor, action="idea.similar_shown", at=now, challenge_id=challenge.id,
            subject=f"similar_check:{check.id}", similar=[i for i, _ in scored],
        )  # fmt: skip
        return HeldBack(check.id, challenge, _described(session, scored))


def _own_check(session: Session, actor: str, check_id: int) -> SimilarCheck:
    check = session.get(SimilarCheck, check_id, with_for_update=True)
    if (
        check is None
        or check.author_id != actor
        or scope.find_challenge(session, check.challenge_id) is None
    ):
        raise NotFound(Code.NO_SUCH_SUBMISSION)
    return check


def submit_anyway(ctx: Context, actor: str, check_id: int) -> IdeaView:
    """Submit the kept draft, linked to the similar ideas it was shown. Once: a repeated
    Submit anyway returns the idea it made."""
    now = ctx.now()
    with ctx.transaction() as session:
        check = _own_check(session, actor, check_id)
        challenge = get_challenge(session, check.challenge_id)
        if check.choice == SimilarChoice.SUBMITTED and check.idea_id is not None:
            idea = session.get(Idea, check.idea_id)
            return IdeaView(idea, challenge, team_of(session, idea.id))
        draft = IdeaDraft.model_validate(check.draft)
        check_submission(challenge, draft)
        view = submit_in(
            session, now, actor, challenge, draft, source_permalink=check.source_permalink
        )
        shown = [s for s in check.similar if session.get(Idea, s["idea_id"]) is not None]
        for item in shown:
            session.add(
                SimilarIdea(idea_id=view.idea.id, similar_id=item["idea_id"], score=item["score"])
            )
        check.choice, check.idea_id, check.decided_at = (
            SimilarChoice.SUBMITTED.value,
            view.idea.id,
            now,
        )
        audit.record(
            session, actor=actor, action="idea.submitted_anyway", at=now, challenge_id=challenge.id,
            subject=f"idea:{view.idea.id}", similar=[s["idea_id"] for s in shown],
        )  # fmt: skip
        return view


@dataclass(frozen=True)
class BackToEdit:
    challenge: Challenge
    draft: IdeaDraft
    source_permalink: str | None


def back_to_edit(ctx: Context, actor: str, check_id: int) -> BackToEdit:
    """The kept draft, to put back in the form; the choice is recorded."""
    now = ctx.now()
    with ctx.transaction() as session:
        check = _own_check(session, actor, check_id)
        if check.choice == SimilarChoice.SUBMITTED:
            raise NotFound(Code.NO_SUCH_SUBMISSION)
        check.choice, check.decided_at = SimilarChoice.EDITED.value, now
        audit.record(
            session, actor=actor, action="idea.similar_back_to_edit", at=now,
            challenge_id=check.challenge_id, subject=f"similar_check:{check.id}",
        )  # fmt: skip
        challenge = get_challenge(session, check.challenge_id)
        return BackToEdit(challenge, IdeaDraft.model_validate(check.draft), check.source_permalink)


def links(session: Session, idea_ids: list[int]) -> dict[int, list[int]]:
    """For each idea submitted despite similar ones: those ideas' ids, most similar first."""
    if not idea_ids:
        return {}
    found: dict[int, list[int]] = {}
    for row in session.exec(
        select(SimilarIdea)
        .where(SimilarIdea.idea_id.in_(idea_ids))
        .order_by(SimilarIdea.score.desc(), SimilarIdea.similar_id)
    ):
        found.setdefault(row.idea_id, []).append(row.similar_id)
    return found


def similar_in_challenge(ctx: Context, challenge_id: int) -> dict[int, list[int]]:
    with ctx.read() as session:
        scope.challenge(session, challenge_id)
        ids = list(session.exec(select(Idea.id).where(Idea.challenge_id == challenge_id)))
        return links(session, ids)
