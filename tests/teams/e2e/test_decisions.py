"""After the panel, in Teams: the decisions dialog (paged when the shortlist is long) records
the coordinator's decisions and announces them once; the workbook goes out through a
file-consent card in the coordinator's own chat and comes back the same way it does on Slack."""

import io

from openpyxl import Workbook, load_workbook
from sqlmodel import select

from bot.teams import workbook
from bot.teams.dialogs import decisions as decide_dialog
from challenges import scoring
from storage.models import Decision
from tests.challenges.test_workbook import edited
from tests.teams.e2e.driving import button, card_of, inputs, problems, text_of
from tests.teams.e2e.world import CRITERIA

ALL_FOUR = dict.fromkeys(CRITERIA, 4)


def decided_round(council, **settings):
    challenge, found, dana, eli = council.panel_round(
        3, authors_installed=True, requests=["£3,000", "£2,000", "£1,000"], fund_pot="£5,000",
        max_award="£3,000", **settings,
    )  # fmt: skip
    for idea in found:
        scoring.record_scores(council.ctx, member=dana.aad_object_id, idea_id=idea.id, values=ALL_FOUR,
                              comment="", via="test")  # fmt: skip
    council.advance(challenge.id)
    return challenge, found


def decided(council) -> dict[int, tuple[str, int]]:
    with council.ctx.transaction() as session:
        return {d.idea_id: (d.outcome, d.award) for d in session.exec(select(Decision))}


def test_decisions_page_by_page_then_announced_once(council, monkeypatch):
    monkeypatch.setattr(decide_dialog, "PAGE_SIZE", 2)
    challenge, (a, b, c) = decided_round(council)
    [offer] = council.drive.say(council.cora, "challenge decide")
    first = council.drive.open(council.cora, button(card_of(offer), "Record decisions"))
    assert set(inputs(first.card)) == {
        f"outcome.{a.id}",
        f"award.{a.id}",
        f"outcome.{b.id}",
        f"award.{b.id}",
    }
    refused = council.drive.submit(
        council.cora, first.card, {f"outcome.{a.id}": "fund", f"award.{a.id}": "lots"}
    )
    assert problems(refused.card) == [
        "“lots” is not a sum of money. Enter whole pounds, like £1,500."
    ]
    assert decided(council) == {}
    second = council.drive.submit(council.cora, refused.card, {f"outcome.{a.id}": "fund", f"award.{a.id}": "£3,000",
                                                               f"outcome.{b.id}": "fund", f"award.{b.id}": "£2,000"})  # fmt: skip
    assert set(inputs(second.card)) == {f"outcome.{c.id}", f"award.{c.id}", "announce"}
    assert decided(council) == {a.id: ("fund", 3000), b.id: ("fund", 2000)}
    done = council.drive.submit(
        council.cora, second.card, {f"outcome.{c.id}": "dont_fund", "announce": "true"}
    )
    assert done.closed
    council.settle()
    results = [
        m
        for m in council.lair.connector.top_level(council.ideas.id)
        if "The results of" in text_of(card_of(m))
    ]
    assert len(results) == 1 and "Idea 0" in text_of(card_of(results[0]))
    for n in range(3):  # every author hears their own outcome
        author = council.lair.connector.person(f"Author {n}")
        assert any(
            "The panel has decided on" in text_of(card_of(m)) for m in council.drive.chat(author)
        )
    [again] = council.drive.say(council.cora, "challenge decide")
    assert "have been announced, so the decisions are final" in text_of(card_of(again))
    council.drive.say(council.cora, "challenge list")
    council.settle()
    assert len([m for m in council.lair.connector.top_level(council.ideas.id)
                if "The results of" in text_of(card_of(m))]) == 1  # fmt: skip


def consent_in(council) -> tuple:
    [offer] = [m for m in council.drive.chat(council.cora)
               if m.attachments and m.attachments[0]["contentType"].endswith("file.consent")]  # fmt: skip
    return offer, offer.attachments[0]


def test_the_workbook_goes_out_by_file_consent_and_comes_back(council):
    challenge, (a, b, c) = decided_round(council)
    council.drive.say(council.cora, f"challenge export {challenge.id}", channel=council.ideas)
    offer, consent = consent_in(council)  # privately, in Cora's own chat
    assert offer.conversation == council.lair.connector.personal_chat(council.cora)
    context = consent["content"]["acceptContext"]
    accepted = council.lair.send.post(council.lair.send.file_consent(
        council.cora, "accept", context, file_name=consent["name"], message_id=offer.id))  # fmt: skip
    assert accepted.status == 200
    [upload] = council.lair.connector.uploaded()
    [put] = council.lair.connector.calls_to("upload")
    assert (
        put.bearer is None
        and put.body["range"] == f"bytes 0-{len(upload.content) - 1}/{len(upload.content)}"
    )
    content = bytes(upload.content)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook["Summary"]["B2"].value == challenge.id
    shown = council.lair.connector.wait_until(
        lambda: [m for m in council.drive.chat(council.cora)
                 if m.attachments and m.attachments[0]["contentType"].endswith("file.info")])  # fmt: skip
    assert shown[0].attachments[0]["content"]["uniqueId"] == upload.item_id
    assert council.lair.connector.message(offer.id).deleted  # the consent card has gone

    changed = edited(content, {a.id: ("fund", 3000), b.id: ("fund", 2000), c.id: ("defer", None)})
    sent = council.lair.send.message(
        council.cora, "", attachments=[council.lair.connector.add_file("decisions.xlsx", changed)]
    )
    assert council.lair.send.post(sent).status == 200
    council.lair.send.post(sent)  # Teams delivers the same message again: handled once
    previews = [
        m
        for m in council.drive.chat(council.cora)
        if "Nothing is recorded until you press Record" in text_of(card_of(m) if m.cards else {})
    ]
    assert len(previews) == 1 and "changes 3 decision(s)" in text_of(card_of(previews[0]))
    assert decided(council) == {}
    answer = council.drive.click(council.cora, button(card_of(previews[0]), "Record these decisions"),
                                 message_id=previews[0].id).json()  # fmt: skip
    assert "Recorded 3 decision(s)" in text_of(answer["value"])
    assert decided(council) == {a.id: ("fund", 3000), b.id: ("fund", 2000), c.id: ("defer", 0)}


def test_declining_the_workbook_and_files_that_are_not_it(council, monkeypatch):
    challenge, made = decided_round(council)
    council.drive.say(council.cora, f"challenge export {challenge.id}")
    offer, consent = consent_in(council)
    declined = council.lair.send.post(council.lair.send.file_consent(council.cora, "decline",
                                                                     consent["content"]["declineContext"], message_id=offer.id))  # fmt: skip
    assert declined.status == 200 and council.lair.connector.uploaded() == []
    assert "No workbook, then." in text_of(card_of(council.drive.chat(council.cora)[-1]))

    def send(name: str, content: bytes) -> str:
        before = len(council.drive.chat(council.cora))
        file = council.lair.connector.add_file(name, content)
        council.lair.send.post(council.lair.send.message(council.cora, "", attachments=[file]))
        [answer] = council.drive.chat(council.cora)[before:]
        return text_of(card_of(answer))

    assert "that file is not one" in send("notes.txt", b"hello")
    stranger = io.BytesIO()
    Workbook().save(stranger)
    assert "This workbook has been reshaped" in send("budget.xlsx", stranger.getvalue())
    assert "not an Excel workbook Lair can read" in send("broken.xlsx", b"PK not really")
    alex = council.person("Alex Green")  # not a coordinator: refused before the file is fetched
    downloads = len(council.lair.connector.calls_to("download"))
    file = council.lair.connector.add_file("decisions.xlsx", stranger.getvalue())
    council.lair.send.post(council.lair.send.message(alex, "", attachments=[file]))
    assert "Only challenge coordinators" in text_of(card_of(council.drive.chat(alex)[-1]))
    assert len(council.lair.connector.calls_to("download")) == downloads
    monkeypatch.setattr(workbook, "MAX_BYTES", 1000)
    assert "larger than 20 MB" in send("huge.xlsx", b"PK" + b"x" * 2000)
    assert decided(council) == {}
