"""Voting in Teams: the Vote button (Action.Execute) answers only the clicker; tallies stay
hidden until voting closes (or show live when the challenge says so, redrawn through the
outbox); the budget, take-back and own-idea rules are the domain's; 30 simultaneous clicks
are counted exactly and a redelivered click has no second effect."""

from concurrent.futures import ThreadPoolExecutor

from sqlmodel import func, select

from storage.models import Vote
from tests.teams.e2e.conftest import OTHER_COORDINATOR, OTHER_TENANT
from tests.teams.e2e.driving import button, card_of, has_button


def votes(council, idea_id: int) -> int:
    with council.ctx.transaction() as session:
        return session.exec(
            select(func.count()).select_from(Vote).where(Vote.idea_id == idea_id)
        ).one()


def vote(council, person, idea_id: int):
    posted = council.card(idea_id)
    reply = council.drive.click(person, button(card_of(posted), "Vote"), message_id=posted.id,
                                channel=council.ideas)  # fmt: skip
    assert reply.status == 200
    return reply.json()


def voting_round(council, count: int = 4, **settings):
    challenge = council.challenge(vote_budget=2, **settings)
    authors = [council.person(f"Author {n}", install=False) for n in range(count)]
    found = [council.idea(a, challenge, title=f"Idea {n}") for n, a in enumerate(authors)]
    council.advance(challenge.id)
    for idea in found:  # the cards gain their Vote button when voting opens
        council.lair.connector.wait_until(
            lambda i=idea: has_button(card_of(council.card(i.id)), "Vote")
        )
    return challenge, authors, found


def test_the_clicker_alone_hears_back_within_the_budget(council, clock):
    challenge, authors, (a, b, c, d) = voting_round(council)
    pat = council.person("Pat Voter", install=False)
    council.settle()
    before = len(council.lair.connector.messages())

    assert vote(council, pat, a.id) == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                                        "value": "You backed “Idea 0”. 1 of 2 votes left."}  # fmt: skip
    assert vote(council, pat, b.id)["value"] == (
        "You backed “Idea 1”. 0 of 2 votes left. To back another idea, take a vote back by "
        "pressing Vote again on an idea you backed.")  # fmt: skip
    spent = vote(council, pat, c.id)["value"]
    assert spent.startswith("⚠️ ") and "votes" in spent and votes(council, c.id) == 0
    clock.advance(seconds=3)  # past the double-click window
    assert (
        vote(council, pat, a.id)["value"]
        == "You took your vote back from “Idea 0”. 1 of 2 votes left."
    )
    assert (
        vote(council, pat, c.id)["value"] == "You backed “Idea 2”. 0 of 2 votes left. "
        "To back another idea, take a vote back by pressing Vote again on an idea you backed."
    )
    own = vote(council, authors[3], d.id)["value"]
    assert (
        own
        == "⚠️ You can't vote for “Idea 3”: it is your own idea. Back a colleague's idea instead."
    )
    assert (
        votes(council, a.id),
        votes(council, b.id),
        votes(council, c.id),
        votes(council, d.id),
    ) == (0, 1, 1, 0)
    # Nothing was said anywhere but in the answers to the clicks: no post, no chat message.
    assert len(council.lair.connector.messages()) == before
    # Tallies stay hidden while voting is open…
    assert "Votes" not in str(card_of(council.card(b.id))["body"])
    council.advance(challenge.id)
    # …and show once it closes (every card redrawn, its Vote button gone).
    council.lair.connector.wait_until(lambda: not has_button(card_of(council.card(b.id)), "Vote"))
    facts = [
        f for n in card_of(council.card(b.id))["body"] if n["type"] == "FactSet" for f in n["facts"]
    ]
    assert {"title": "Votes", "value": "1"} in facts


def test_live_tallies_are_redrawn_through_the_outbox(council):
    challenge, authors, (a, *_) = voting_round(council, count=1, show_tallies_live=True)
    pat, lee = (
        council.person("Pat Voter", install=False),
        council.person("Lee Voter", install=False),
    )
    vote(council, pat, a.id)
    vote(council, lee, a.id)

    def shown():
        facts = [
            f
            for n in card_of(council.card(a.id))["body"]
            if n["type"] == "FactSet"
            for f in n["facts"]
        ]
        return {"title": "Votes", "value": "2"} in facts

    council.lair.connector.wait_until(shown, what="the card showing 2 votes")


def test_thirty_simultaneous_clicks_are_counted_exactly_and_a_redelivery_once(council):
    challenge, authors, (a, *_) = voting_round(council, count=1)
    voters = [council.lair.connector.person(f"Voter {n}") for n in range(30)]
    posted = council.card(a.id)
    action = button(card_of(posted), "Vote")
    clicks = [council.lair.send.card_action(v, action["verb"], action["data"], message_id=posted.id,
                                            channel=council.ideas) for v in voters]  # fmt: skip
    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(council.lair.send.post, clicks))
    assert [r.status for r in answers] == [200] * 30
    assert {r.json()["value"] for r in answers} == {"You backed “Idea 0”. 1 of 2 votes left."}
    assert votes(council, a.id) == 30
    again = council.lair.send.post(clicks[0])  # Teams delivers the first click again
    assert (
        again.json()["value"]
        == "You back “Idea 0” · 1 of 2 votes left · press again to take it back."
    )
    assert votes(council, a.id) == 30


def test_another_tenants_idea_and_a_closed_vote_are_refused(council):
    challenge, authors, (a, *_) = voting_round(council, count=1)
    eve = council.lair.connector.person(OTHER_COORDINATOR, tenant_id=OTHER_TENANT)
    council.drive.install(eve)  # Lair is added in Eve's tenant too: a workspace of its own
    posted = council.card(a.id)
    action = button(card_of(posted), "Vote")
    answer = council.lair.send.post(
        council.lair.send.card_action(eve, action["verb"], action["data"])
    )
    assert answer.json()["value"] == "⚠️ That idea no longer exists. Back another idea instead."
    assert votes(council, a.id) == 0
    council.advance(challenge.id)
    pat = council.person("Pat Voter", install=False)
    closed = council.lair.send.post(
        council.lair.send.card_action(pat, action["verb"], action["data"])
    )
    assert closed.json()["value"].startswith("⚠️ Voting") and votes(council, a.id) == 0


def test_a_second_click_a_moment_later_is_told_the_state_then_takes_the_vote_back(council, clock):
    """Issue 13 item 5: no click goes unanswered; the vote ends taken back, or the voter is
    told why not and what to do."""
    challenge, authors, (a, *_) = voting_round(council, count=1)
    pat = council.person("Pat Voter", install=False)
    assert vote(council, pat, a.id)["value"] == "You backed “Idea 0”. 1 of 2 votes left."
    clock.advance(seconds=1)  # inside the double-click window
    assert vote(council, pat, a.id)["value"] == (
        "You back “Idea 0” · 1 of 2 votes left · press again to take it back."
    )
    assert votes(council, a.id) == 1
    clock.advance(seconds=2)  # past it
    assert vote(council, pat, a.id)["value"] == (
        "You took your vote back from “Idea 0”. 2 of 2 votes left."
    )
    assert votes(council, a.id) == 0
