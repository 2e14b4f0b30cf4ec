"""A message Teams refuses as such (400 Bad Request, 413 too large) fails for good, the
channel's later messages still go, and the coordinator is told once (issue 14, item 1)."""

from sqlmodel import select

from storage.models import OutboxMessage
from tests.teams.e2e.driving import card_of, text_of


def test_a_card_teams_refuses_is_left_out_and_reported_once(council):
    challenge = council.challenge()
    council.settle()
    author = council.person("Ann Author")
    council.lair.connector.fail_next("send", 413, conversation=council.ideas.id)
    refused = council.idea(author, challenge, title="Too big")
    council.idea(author, challenge, title="Fine")
    council.settle()

    with council.ctx.transaction() as session:
        rows = {
            r.kind + ":" + str(r.payload.get("idea_id")): r
            for r in session.exec(select(OutboxMessage))
        }
    assert rows[f"idea_card:{refused.id}"].status == "failed"
    titles = " ".join(
        text_of(card_of(m)) for m in council.lair.connector.top_level(council.ideas.id)
    )
    assert "Fine" in titles and "Too big" not in titles
    chat = council.lair.connector.personal_chat(council.cora)
    reports = [
        t
        for m in council.lair.connector.messages(chat)
        if "could not post" in (t := text_of(card_of(m)))
    ]
    assert len(reports) == 1 and "Too big" in reports[0] and "413" in reports[0]
