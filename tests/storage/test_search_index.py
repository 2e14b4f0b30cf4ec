"""The migrated database keeps its full-text index itself (triggers / generated column)."""

from sqlalchemy import text

from storage import Database, search_index
from storage.migrate import upgrade


def test_head_revision_indexes_ideas_written_after_it(database_url):
    db = Database.from_url(database_url)
    upgrade(db.engine)
    with db.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO workspace (platform, tenant_id, name, installed_at) VALUES ('slack', 'T1', '', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(text(
            "INSERT INTO challenge (workspace_id, title, brief, themes, channel_id, fund_pot, max_award, vote_budget, "
            "shortlist_size, timezone, stage, reminder_lead_hours, learning_update_dates, allow_anonymous, show_tallies_live, "
            "vote_during_submissions, created_by, created_at, updated_at, stage_changed_at) VALUES (1, 'c', '', '[]', 'C1', 10, 5, 3, 5, "
            "'Europe/London', 'submissions', 24, '[]', false, false, false, 'U1', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))  # fmt: skip
        conn.execute(text(
            "INSERT INTO idea (challenge_id, author_id, title, problem, proposal, benefit, funding_requested, partners, "
            "anonymous, status, shortlisted, created_at, updated_at) VALUES (1, 'U1', 'Gully cleaning', 'Drains block', "
            "'Clean gullies', '', 0, '', false, 'submitted', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        ))  # fmt: skip
        if db.engine.dialect.name == "sqlite":
            found = conn.execute(
                text("SELECT rowid FROM idea_fts WHERE idea_fts MATCH '\"drains\"'")
            ).all()
        else:
            found = conn.execute(text(
                f"SELECT id FROM idea WHERE {search_index.SEARCH_COLUMN} @@ to_tsquery('english', 'drains')"
            )).all()  # fmt: skip
    assert [row[0] for row in found] == [1]
    db.dispose()
