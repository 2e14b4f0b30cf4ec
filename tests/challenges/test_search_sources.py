"""Another searchable source (as learning updates will be): a table whose rows name an idea,
indexed by the same statements, finds its idea, ranked by its best match."""

import pytest
from sqlalchemy import text

from challenges import ideas, search
from storage import search_index
from tests.challenges.factories import idea_draft, open_challenge

NOTES = search_index.Searchable("lesson_note", (("body", "B"),))


@pytest.fixture
def with_notes(ctx, monkeypatch):
    with ctx.db.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TABLE lesson_note (id INTEGER PRIMARY KEY, idea_id INTEGER NOT NULL "
            "REFERENCES idea(id), body TEXT NOT NULL)"
        )
        for statement in search_index.create_statements(conn.dialect.name, NOTES):
            conn.exec_driver_sql(statement)
    monkeypatch.setattr(search, "SOURCES", [*search.SOURCES, search.Source(NOTES, "idea_id")])
    return ctx


def test_a_match_in_another_source_finds_its_idea(with_notes):
    ctx = with_notes
    challenge = open_challenge(ctx)
    sensors = ideas.submit_idea(ctx, "UA1", challenge.id, idea_draft(title="Bin sensors")).idea
    other = ideas.submit_idea(
        ctx,
        "UA2",
        challenge.id,
        idea_draft(title="Wet weather kit", problem="Rain", proposal="Coats"),
    ).idea
    with ctx.db.transaction() as s:
        s.connection().execute(
            text(
                "INSERT INTO lesson_note (id, idea_id, body) VALUES (1, :i, 'The sensors failed in wet weather')"
            ),
            {"i": sensors.id},
        )
    assert [h.idea_id for h in search.search(ctx, "failed").hits] == [sensors.id]
    # Found through its title and through the other's note: each idea once.
    assert sorted(h.idea_id for h in search.search(ctx, "wet weather").hits) == sorted(
        [sensors.id, other.id]
    )
