"""`challenge person @Alex` in Teams: the person's data offered privately by file consent,
and erasure on the Erase button of the card `… erase` sends (issue 13, item 2)."""

import io

from openpyxl import load_workbook

from challenges import ideas, voting
from storage.models import Person
from tests.challenges.test_privacy import dump
from tests.teams.e2e.driving import button, card_of, text_of
from tests.teams.e2e.test_decisions import consent_in


def alex_took_part(council):
    challenge = council.challenge()
    alex = council.person("Alex Quillfeather")
    idea = council.idea(alex, challenge, title="Alex's bins")
    other = council.idea(council.person("Bo Other"), challenge, title="Other bins")
    council.advance(challenge.id)
    voting.toggle_vote(council.ctx, voter=alex.aad_object_id, idea_id=other.id)
    return alex, idea


def test_a_coordinator_gets_a_persons_data_by_file_consent(council):
    alex, idea = alex_took_part(council)
    refused = council.drive.say(alex, "challenge person", channel=council.ideas, people=[alex])
    assert any("Only challenge coordinators" in text_of(card_of(m)) for m in refused if m.cards)
    assert council.lair.connector.uploaded() == []
    council.drive.say(council.cora, "challenge person", channel=council.ideas, people=[alex])
    offer, consent = consent_in(council)
    assert offer.conversation == council.lair.connector.personal_chat(council.cora)
    assert council.lair.send.post(council.lair.send.file_consent(
        council.cora, "accept", consent["content"]["acceptContext"], file_name=consent["name"],
        message_id=offer.id)).status == 200  # fmt: skip
    [upload] = council.lair.connector.uploaded()
    wb = load_workbook(io.BytesIO(bytes(upload.content)))
    assert wb["Person"]["C2"].value == "Alex Quillfeather"
    assert [r[1] for r in wb["Ideas"].iter_rows(min_row=2, values_only=True)] == [idea.id]
    assert wb["Votes"].max_row == 2  # their one vote
    said = council.lair.connector.wait_until(
        lambda: [
            m
            for m in council.drive.chat(council.cora)
            if m.cards and "as you asked" in text_of(card_of(m))
        ]
    )
    assert "Alex Quillfeather" in text_of(card_of(said[0]))
    [nobody] = council.drive.say(council.cora, "challenge person")
    assert "followed by a mention" in text_of(card_of(nobody)) and "“challenge person”" in text_of(
        card_of(nobody)
    )


def test_erase_on_the_button_only(council):
    alex, idea = alex_took_part(council)
    [asked] = council.drive.say(
        council.cora, "challenge person erase", channel=council.ideas, people=[alex]
    )
    assert "Erase Alex Quillfeather from Lair?" in text_of(card_of(asked))
    assert alex.aad_object_id in dump(council.ctx.db)
    kept = council.drive.click(
        council.cora, button(card_of(asked), "Keep"), message_id=asked.id
    ).json()
    assert "nothing changed" in text_of(kept["value"]) and alex.aad_object_id in dump(
        council.ctx.db
    )
    done = council.drive.click(
        council.cora, button(card_of(asked), "Erase"), message_id=asked.id
    ).json()
    assert "Former member 1" in text_of(done["value"])
    everything = dump(council.ctx.db)
    for secret in (alex.aad_object_id, alex.id, "Alex Quillfeather"):
        assert secret not in everything
    assert ideas.load(council.ctx, idea.id).idea.author_id == "former-1"
    with council.ctx.transaction() as s:
        assert s.get(Person, (council.ctx.workspace_id, "former-1")).name == "Former member 1"
