"""Issue 13 item 1 in Teams: an anonymous idea's author is named in nothing Lair sends to
anyone but them — cards, the panel's message, the results, other people's chats (every
activity the fake Connector received is scanned, by the author's Entra id, Teams id and
name). A teammate's own chat is theirs too."""

import json

from challenges import decisions, ideas, panel, scoring
from challenges.decisions import DecisionInput
from tests.teams.e2e.world import CRITERIA

NAME = "Zebedee Quartermaine"


def test_nothing_sent_to_others_names_an_anonymous_author(council):
    lair, drive, cora = council.lair, council.drive, council.cora
    author = lair.connector.person(NAME)
    lair.connector.team(council.team.name, members=[author])
    own_chat = drive.install(author)
    named = [council.person(f"Author {n}") for n in range(2)]
    dana, eli = council.person("Dana Dragon"), council.person("Eli Dragon")
    challenge = council.challenge(allow_anonymous=True, shortlist_size=3, fund_pot="£9,000",
                                  max_award="£3,000")  # fmt: skip
    hidden = council.idea(author, challenge, title="Quiet bin sensors", anonymous=True)
    others = [council.idea(a, challenge, title=f"Named idea {n}") for n, a in enumerate(named)]
    panel.set_panel(
        council.ctx, cora.aad_object_id, challenge.id, [dana.aad_object_id, eli.aad_object_id]
    )
    council.advance(challenge.id)  # voting
    council.advance(challenge.id)  # panel
    for idea in [hidden, *others]:
        scoring.record_scores(council.ctx, member=dana.aad_object_id, idea_id=idea.id,
                              values=dict.fromkeys(CRITERIA, 4), comment="Good", share_comment=True,
                              via="test")  # fmt: skip
    council.advance(challenge.id)  # decided
    decisions.record_decisions(council.ctx, cora.aad_object_id, challenge.id,
                               [DecisionInput(i.id, "fund", 3000) for i in [hidden, *others]],
                               announce=True)  # fmt: skip
    council.settle()
    drive.say(dana, "idea mine")  # someone else's own view
    drive.say(cora, f"challenge status {challenge.id}")
    assert ideas.load(council.ctx, hidden.id).idea.anonymous

    secrets = (author.aad_object_id, author.id, NAME)
    sent = [p for p in lair.connector.messages() if p.conversation != own_chat]
    shown = [json.dumps(p.activity, ensure_ascii=False) for p in sent]
    assert any("Quiet bin sensors" in s for s in shown)  # the idea itself is shown
    assert any("Quiet bin sensors" in s and "Anonymous" in s for s in shown)
    for posted, text in zip(sent, shown, strict=True):
        for secret in secrets:
            assert secret not in text, (secret, posted.conversation, text[:1500])
    mine = [json.dumps(p.activity) for p in lair.connector.messages(own_chat)]
    assert any("Quiet bin sensors" in s for s in mine)  # the author is told about their idea
