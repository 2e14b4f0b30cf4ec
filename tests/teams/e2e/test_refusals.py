"""Bad input in Teams, refused privately with nothing stored: another tenant's ids in card
data (each tenant is a workspace of its own: the domain does not find the other's), a tenant
where Lair is not installed, and people's text that must stay text (never a mention, a link
or formatting)."""

from sqlmodel import func, select

from bot.teams.turn import Doorkeeper
from challenges import ideas, panel, scoring
from storage.models import Challenge, Idea, PendingImport
from tests.teams.e2e.conftest import OTHER_COORDINATOR, OTHER_TENANT
from tests.teams.e2e.driving import button, card_of, walk

NASTY = "<at>Cora</at> **bold** [a](http://x) <b>html</b>"
MARKUP = ("<at>Cora</at>", "**bold**", "[a](http://x)", "<b>html</b>")


def rows(council, model) -> int:
    with council.lair.runtime.ctx.transaction() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def test_another_tenants_ids_in_card_data_are_not_found(council):
    challenge, (a, b, c), dana, eli = council.panel_round()
    eve = council.lair.connector.person(OTHER_COORDINATOR, tenant_id=OTHER_TENANT)
    council.drive.install(eve)  # Lair is in Eve's council too, a workspace of its own
    drive = council.drive
    with council.ctx.transaction() as session:  # a workbook Cora sent back, waiting for her Record
        pending = PendingImport(challenge_id=challenge.id, uploaded_by=council.cora.aad_object_id,
                                changes=[], created_at=council.ctx.now())  # fmt: skip
        session.add(pending)
        session.flush()
        pending_id = pending.id
    counts = (rows(council, Challenge), rows(council, Idea), rows(council, PendingImport))

    for data in ({"dialog": "submit_idea", "challenge": challenge.id}, {"dialog": "edit_idea", "idea": a.id},
                 {"dialog": "edit_challenge", "challenge": challenge.id}, {"dialog": "score", "idea": a.id},
                 {"dialog": "panel_scores", "idea": a.id}, {"dialog": "shortlist", "challenge": challenge.id},
                 {"dialog": "decide", "challenge": challenge.id}, {"dialog": "conflict", "idea": a.id}):  # fmt: skip
        refused = drive.open(
            eve, {"data": data}
        )  # refused, and nothing about the other's round told
        assert refused.message.startswith("⚠️ ") and "Idea 0" not in refused.message, (
            data,
            refused.message,
        )
        assert "missed bin" not in refused.message.lower(), (data, refused.message)
    submitted = drive.send.post(drive.send.task_submit(eve, {"dialog": "submit_idea", "challenge": challenge.id},
                                                       inputs={"title": "Mine now", "problem": "p", "proposal": "q",
                                                               "funding_requested": "£1"}))  # fmt: skip
    assert submitted.json()["task"]["type"] == "message"
    scored = drive.send.post(drive.send.task_submit(eve, {"dialog": "score", "idea": a.id},
                                                    inputs={"score.feasibility": "5"}))  # fmt: skip
    assert scored.json()["task"]["type"] == "message"
    for verb, data in (("import_confirm", {"pending": pending_id}), ("import_cancel", {"pending": pending_id}),
                       ("import_confirm", {"pending": pending_id + 1}), ("withdraw_idea", {"idea": a.id})):  # fmt: skip
        answer = drive.send.post(drive.send.card_action(eve, verb, data)).json()["value"]
        assert answer.startswith("⚠️ "), answer
    [status] = drive.say(eve, f"challenge status {challenge.id}")
    assert "There is no challenge" in str(card_of(status))
    assert (rows(council, Challenge), rows(council, Idea), rows(council, PendingImport)) == counts
    assert council.scored(a.id) == "0 of 2"
    with council.ctx.transaction() as session:
        assert session.get(PendingImport, pending_id).status == "pending"


def test_a_tenant_where_lair_is_not_installed_gets_nothing_done(council):
    zed = council.lair.connector.person(
        "Zed Nowhere", tenant_id="11111111-2222-4333-8444-555555555555"
    )
    send = council.lair.send
    challenge = council.challenge()
    opened = send.post(
        send.task_fetch(zed, {"dialog": "submit_idea", "challenge": challenge.id})
    ).json()
    assert opened["task"] == {"type": "message", "value": opened["task"]["value"]}
    assert "has not been added for your organisation" in opened["task"]["value"]
    submitted = send.post(send.task_submit(zed, {"dialog": "submit_idea", "challenge": challenge.id},
                                           inputs={"title": "x", "problem": "p", "proposal": "q", "funding_requested": "1"}))  # fmt: skip
    assert "has not been added" in submitted.json()["task"]["value"]
    clicked = send.post(send.card_action(zed, "vote", {"idea": 1})).json()
    assert "has not been added" in clicked["value"]
    message = send.message_payload(zed, "an idea")
    action = send.post(send.message_action_fetch(zed, "submit_as_idea", message)).json()
    assert "has not been added" in action["task"]["value"]
    assert send.post(send.file_consent(zed, "decline", {"challenge": challenge.id})).status == 200
    assert Doorkeeper(council.lair.runtime.ctx)._workspace(zed.tenant_id) is None
    assert ideas.ideas_of(council.ctx, zed.aad_object_id) == []


def test_peoples_text_stays_text_everywhere(council, clock):
    """A title with a mention, markdown, a link and HTML in it is shown as typed on every card
    Lair sends: only ever in a TextRun, never in markdown (TextBlock) or a fact."""
    challenge = council.challenge(title=f"Challenge {NASTY}")
    alex = council.person("Alex Green")
    idea = council.idea(alex, challenge, title=NASTY, problem=NASTY, proposal=NASTY)
    council.card(idea.id)
    seen: list[dict] = []
    for words in ("idea mine", "home", "idea 1"):
        seen += [card_of(m) for m in council.drive.say(alex, words)]
    seen += [card_of(m) for m in council.drive.say(council.cora, "challenge status")]
    seen += [card_of(m) for m in council.drive.say(council.cora, "challenge list")]
    council.advance(challenge.id)
    pat = council.person("Pat Voter")
    posted, vote = council.vote_button(idea.id)
    council.drive.click(pat, vote, message_id=posted.id, channel=council.ideas)
    dana = council.person("Dana Dragon")
    panel.set_panel(council.ctx, council.cora.aad_object_id, challenge.id, [dana.aad_object_id])
    council.advance(challenge.id)
    parent = council.panel_parent(idea.id)
    council.drive.say(dana, f"score 4 3 5 4 2 {NASTY}", channel=council.dragons, thread=parent.id)
    scores = council.drive.open(dana, button(card_of(parent), "Panel scores"))
    seen.append(scores.card)
    council.advance(challenge.id)
    form = council.drive.open(
        council.cora, {"data": {"dialog": "decide", "challenge": challenge.id}}
    )
    seen.append(form.card)
    council.drive.submit(council.cora, form.card, {f"outcome.{idea.id}": "fund", f"award.{idea.id}": "£1,000",
                                                   "announce": "true"})  # fmt: skip
    council.settle()
    seen += [c for m in council.lair.connector.messages() for c in m.cards]
    shown_as_text = False
    for card in seen:
        for node in walk(card):
            if node.get("type") == "TextBlock" or "facts" in node:
                said = node.get("text", "") + str(node.get("facts", ""))
                assert not any(bit in said for bit in MARKUP), said
            if node.get("type") == "TextRun" and NASTY in node["text"]:
                shown_as_text = True
    assert shown_as_text
    assert (
        scoring.panel_scores(council.ctx, council.cora.aad_object_id, idea.id).cards[0].comment
        == NASTY
    )
