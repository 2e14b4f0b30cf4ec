"""Searching everything Lair knows, across every round of the workspace, with the
database's own full-text index (storage/search_index.py: SQLite FTS5 ranked by bm25,
PostgreSQL tsvector ranked by ts_rank).

What a person types is never handed to the database's query language: it is cut to words
(letters and digits; single letters dropped), English stop words dropped (PostgreSQL's list, so both back ends
look for the same words), at most `MAX_TERMS` of them, each quoted (FTS5) or joined by
`&`/`|` (tsquery). Quotes, `*`, NEAR, `-`, `:`, parentheses or 5,000 characters of text
make an ordinary query; text with no words makes none.

Each `Source` is one searchable table and how its rows lead to an idea: the ideas
themselves, and the learning updates funded teams shared (a word only in what a team
learned finds its idea). A hit in any source finds its idea, ranked by its best match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session, func, select

from challenges import places, scope
from challenges.clock import utc_to_local
from challenges.context import Context
from challenges.ideas import tallies_visible
from challenges.stages import Stage
from storage.enums import IdeaStatus, Outcome
from storage.models import Challenge, Decision, Idea, PostedMessage, Vote
from storage.search_index import IDEAS, LEARNING, SEARCH_COLUMN, Searchable

MAX_TEXT = 1_000  # characters of a search read (a longer text is cut, never refused)
MAX_TERMS = 12  # words of a search looked for
MAX_TERM_LENGTH = 40
RESULTS = 10

# PostgreSQL's English stop words (tsearch_data/english.stop): the words its parser drops,
# dropped here before either back end sees them so both look for the same words.
STOP_WORDS = frozenset(
    """i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what which
    who whom this that these those am is are was were be been being have has had having do
    does did doing a an the and but if or because as until while of at by for with about
    against between into through during before after above below to from up down in out on
    off over under again further then once here there when where why how all any both each
    few more most other some such no nor not only own same so than too very s t can will
    just don should now""".split()  # noqa: SIM905 (a word list, as PostgreSQL keeps it)
)
_WORD = re.compile(r"[^\W_]+")


def words(value: str, *, limit: int | None = None) -> list[str]:
    """The distinct searchable words of a text, lower-cased, in order of first use."""
    found: dict[str, None] = {}
    for match in _WORD.finditer(value.lower()):
        word = match.group()
        if word in STOP_WORDS or not 1 < len(word) <= MAX_TERM_LENGTH:
            continue
        found.setdefault(word, None)
        if limit is not None and len(found) >= limit:
            break
    return list(found)


def query_terms(value: str) -> list[str]:
    """The words a search looks for (see the module docstring)."""
    return words(value[:MAX_TEXT], limit=MAX_TERMS)


@dataclass(frozen=True)
class Source:
    """A searchable table and the column of it that names an idea."""

    index: Searchable
    idea_column: str


SOURCES: list[Source] = [
    Source(IDEAS, idea_column=IDEAS.key),
    Source(LEARNING, idea_column="idea_id"),
]


def _source_sql(dialect: str, source: Source, filters: str) -> str:
    """One source's best matches among the session's ideas: (idea id, score), best first."""
    s = source.index
    idea_join = (
        "JOIN challenge ON challenge.id = idea.challenge_id"
        if source.idea_column == s.key and s.table == "idea"
        else f"JOIN idea ON idea.id = t.{source.idea_column} "
        "JOIN challenge ON challenge.id = idea.challenge_id"
    )
    table = "idea" if s.table == "idea" else f"{s.table} t"
    alias = "idea" if s.table == "idea" else "t"
    if dialect == "postgresql":
        return (
            f"SELECT {alias}.{source.idea_column} AS idea_id, "
            f"ts_rank({alias}.{SEARCH_COLUMN}, q.query) AS score "
            f"FROM {table} {idea_join}, to_tsquery('english', :query) AS q(query) "
            f"WHERE {alias}.{SEARCH_COLUMN} @@ q.query AND {filters} "
            f"ORDER BY score DESC, {alias}.{source.idea_column} DESC LIMIT :limit"
        )
    # SQLite: the full-text table drives the join, so bm25 is computed where it matches.
    return (
        f"SELECT {alias}.{source.idea_column} AS idea_id, -{s.bm25()} AS score FROM {s.fts} "
        f"JOIN {table} ON {alias}.{s.key} = {s.fts}.rowid {idea_join} "
        f"WHERE {s.fts} MATCH :query AND {filters} "
        f"ORDER BY score DESC, {alias}.{source.idea_column} DESC LIMIT :limit"
    )


def _match_expression(dialect: str, terms: list[str], *, any_term: bool) -> str:
    if dialect == "postgresql":
        return (" | " if any_term else " & ").join(terms)
    quoted = [f'"{t}"' for t in terms]  # a term is letters and digits: nothing to escape
    return (" OR " if any_term else " ").join(quoted)


def match_ideas(
    session: Session,
    terms: list[str],
    *,
    any_term: bool = False,
    limit: int = RESULTS,
    exclude_idea: int | None = None,
) -> list[tuple[int, float]]:
    """(idea id, score) of the session's workspace's live ideas matching every term (or
    any, with `any_term`), best first (score: higher is better; ties: newer first). Each
    source gives its best; an idea found in several ranks by its best match."""
    if not terms:
        return []
    dialect = session.get_bind().dialect.name
    workspace = scope.workspace_of(session)
    filters = ["idea.status = :live"]  # not withdrawn, not removed by a coordinator
    if workspace is not None:
        filters.append("challenge.workspace_id = :workspace")
    if exclude_idea is not None:
        filters.append("idea.id != :exclude")
    params = {
        "query": _match_expression(dialect, terms, any_term=any_term),
        "live": IdeaStatus.SUBMITTED.value,
        "workspace": workspace,
        "exclude": exclude_idea,
        "limit": limit,
    }
    best: dict[int, float] = {}
    for source in SOURCES:
        sql = _source_sql(dialect, source, " AND ".join(filters))
        for idea_id, score in session.connection().execute(text(sql), params):
            best[int(idea_id)] = max(best.get(int(idea_id), float("-inf")), float(score))
    ranked = sorted(best.items(), key=lambda item: (-item[1], -item[0]))
    return ranked[:limit]


@dataclass(frozen=True)
class Found:
    """An idea as search results and similar-idea lists show it: never its author."""

    idea_id: int
    title: str
    theme: str | None
    challenge_id: int
    challenge_title: str
    stage: Stage
    year: int
    outcome: Outcome | None
    award: int
    votes: int | None  # None while the round's tally is hidden
    card: places.Ref | None  # where its card was posted, to link to


def _year(challenge: Challenge, decision: Decision | None) -> int:
    moment: datetime = (
        (decision.decided_at if decision else None) or challenge.opens_at or challenge.created_at
    )
    return utc_to_local(moment, challenge.timezone).year


def describe(session: Session, idea_ids: list[int]) -> list[Found]:
    """The ideas (in the order given) with their round, outcome and (visible) votes."""
    if not idea_ids:
        return []
    rows = session.exec(
        select(Idea, Challenge, Decision)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .join(Decision, Decision.idea_id == Idea.id, isouter=True)
        .where(Idea.id.in_(idea_ids))
    ).all()
    votes = dict(
        session.exec(
            select(Vote.idea_id, func.count())
            .where(Vote.idea_id.in_(idea_ids))
            .group_by(Vote.idea_id)
        ).all()
    )
    cards = {
        row.idea_id: places.ref_of(row)
        for row in session.exec(
            select(PostedMessage).where(PostedMessage.key.in_([places.card(i) for i in idea_ids]))
        )
    }
    found = {
        idea.id: Found(
            idea_id=idea.id,
            title=idea.title,
            theme=idea.theme,
            challenge_id=challenge.id,
            challenge_title=challenge.title,
            stage=Stage(challenge.stage),
            year=_year(challenge, decision),
            outcome=Outcome(decision.outcome) if decision else None,
            award=decision.award if decision else 0,
            votes=votes.get(idea.id, 0) if tallies_visible(challenge) else None,
            card=cards.get(idea.id),
        )  # fmt: skip
        for idea, challenge, decision in rows
    }
    return [found[i] for i in idea_ids if i in found]


@dataclass(frozen=True)
class SearchResults:
    terms: list[str]  # the words looked for (none: the text had no words to search)
    hits: list[Found]
    some_words: bool = False  # no idea had every word: these have some of them


def search(ctx: Context, value: str, *, limit: int = RESULTS) -> SearchResults:
    """The workspace's ideas that match every word of `value`, best first; failing that,
    those that match some of them."""
    terms = query_terms(value)
    with ctx.read() as session:
        matched = match_ideas(session, terms, limit=limit)
        some = not matched and len(terms) > 1
        if some:
            matched = match_ideas(session, terms, any_term=True, limit=limit)
        return SearchResults(terms, describe(session, [i for i, _ in matched]), some_words=some)
