"""Issue 2 end to end: a coordinator sets up a challenge, staff submit ideas, bad input is refused."""

import json

from sqlmodel import func, select

from storage.models import Challenge, Idea
from tests import posted
from tests.challenges.factories import open_challenge
from tests.conftest import COORDINATOR
from tests.waiting import wait_until

STAFF = [f"USTAFF{n:04d}" for n in range(10)]

CHALLENGE_FORM = {
    "title": "How might we cut missed bin collections?",
    "brief": "Missed bins are our top complaint.",
    "themes": "Waste, Digital",
    "channel_id": "CCHALLENGE",
    "panel_channel_id": "CPANEL",
    "fund_pot": "£20,000",
    "max_award": "£5,000",
}


# Twelve ideas unlike each other: an idea like an earlier one is shown its look-alikes first
# (tests/e2e/test_similar_ideas.py), which these tests are not about.
TOPICS = [
    ("Crews cannot see which bins are out.", "Fit sensors to the bins on the worst rounds."),
    ("Potholes are reported by phone and lost.", "A map where residents pin potholes."),
    ("Late fees keep families from the library.", "Stop charging fines on children's books."),
    ("Gritters salt roads that never freeze.", "Road temperature probes decide when to grit."),
    (
        "The contact centre repeats council tax answers.",
        "A chatbot answers common council tax questions.",
    ),
    ("Staff claim mileage for private petrol cars.", "Electric pool cars staff can book."),
    ("Plastic bottles litter the high street.", "Free water refill fountains in town."),
    ("The depot's electricity bill keeps rising.", "Solar panels on the depot roof."),
    (
        "Lonely pensioners go days without company.",
        "Volunteers visit isolated older people weekly.",
    ),
    ("People buy drills they use once.", "A lending library for tools."),
    ("Care workers fill in paper timesheets.", "A phone app to log home care visits."),
    ("Printed committee packs cost thousands.", "Councillors read papers on tablets."),
]


def idea_form(n: int, **overrides) -> dict:
    problem, proposal = TOPICS[n % len(TOPICS)]
    values = {
        "title": f"Idea {n}",
        "problem": problem,
        "proposal": proposal,
        "funding_requested": "£1,500",
    }
    values.update(overrides)
    return values


def ideas_stored(lair) -> int:
    with lair.ctx.db.transaction() as s:
        return s.exec(select(func.count()).select_from(Idea)).one()


def create_and_open(lair) -> int:
    assert lair.send.command(COORDINATOR, "/challenge", "new", channel="CCHALLENGE").status == 200
    view = lair.last_view()
    assert view["callback_id"] == "challenge_create"
    reply = lair.send.view_submission(COORDINATOR, view, CHALLENGE_FORM)
    assert reply.status == 200 and not reply.body, reply.body
    with lair.ctx.db.transaction() as s:
        challenge = s.exec(select(Challenge)).one()
    assert lair.send.command(COORDINATOR, "/challenge", f"advance {challenge.id}").status == 200
    wait_until(lambda: stage_of(lair, challenge.id) == "submissions")  # advance runs after the ack
    return challenge.id


def stage_of(lair, challenge_id: int) -> str:
    with lair.ctx.db.transaction() as s:
        return s.get(Challenge, challenge_id).stage


def submit(lair, user: str, values: dict):
    before = len(lair.slack.calls_to("views.open"))
    assert lair.send.command(user, "/idea").status == 200
    lair.slack.wait_for("views.open", before + 1)
    view = lair.last_view()
    assert view["callback_id"] == "idea_submit"
    return lair.send.view_submission(user, view, values)


def test_coordinator_creates_and_ten_staff_submit(lair):
    challenge_id = create_and_open(lair)
    announcement = lair.slack.wait_for("chat.postMessage", 2)  # DM confirmation + announcement
    posted = [c.args for c in announcement if c.args["channel"] == "CCHALLENGE"]
    assert posted and any(
        e.get("action_id") == "submit_idea" and e.get("value") == str(challenge_id)
        for b in posted[0]["blocks"] if b["type"] == "actions" for e in b["elements"]
    )  # fmt: skip

    for n, user in enumerate(STAFF):
        reply = submit(lair, user, idea_form(n, team=[STAFF[(n + 1) % 10]]))
        assert reply.status == 200 and not reply.body, reply.body
    assert ideas_stored(lair) == 10

    # The outbox worker posts each idea's card in the challenge channel, once.
    wait_until(lambda: len(idea_cards(lair)) >= 10)
    cards = idea_cards(lair)
    assert len(cards) == 10
    assert sorted(c["text"] for c in cards) == sorted(f"New idea: Idea {n}" for n in range(10))
    wait_until(lambda: cards_recorded(lair) == 10)  # each card's ts is kept for later updates


def cards_recorded(lair) -> int:
    return posted.count(lair.ctx, "idea:%:card")


def idea_cards(lair) -> list[dict]:
    return [
        c.args for c in lair.slack.calls_to("chat.postMessage")
        if c.args["channel"] == "CCHALLENGE" and c.args["text"].startswith("New idea")
    ]  # fmt: skip


def test_bad_input_is_refused_inline_and_nothing_stored(lair):
    create_and_open(lair)
    cases = {
        "title": idea_form(1, title=""),
        "title ": idea_form(1, title="x" * 101),
        "funding_requested": idea_form(1, funding_requested="abc"),
        "funding_requested ": idea_form(1, funding_requested="£5,001"),
    }
    for block, values in cases.items():
        reply = submit(lair, "USTAFF0001", values)
        assert reply.status == 200
        body = reply.json()
        assert body["response_action"] == "errors", body
        assert block.strip() in body["errors"], body
    assert ideas_stored(lair) == 0


def test_non_coordinator_gets_a_polite_refusal_and_no_modal(lair):
    reply = lair.send.command("USTAFF0001", "/challenge", "new")
    assert reply.status == 200
    refusal = lair.slack.wait_for("response_url")[0].args
    assert refusal["response_type"] == "ephemeral" and "coordinator" in refusal["text"]
    assert lair.slack.calls_to("views.open") == []


def test_hostile_titles_are_kept_verbatim_and_shown_harmlessly(lair):
    create_and_open(lair)
    titles = ['=HYPERLINK("http://x","y")', "Ping <!channel> and <@U999> <https://x|y>"]
    for n, title in enumerate(titles):
        reply = submit(lair, f"USTAFF000{n}", idea_form(n, title=title))
        assert reply.status == 200 and not reply.body, reply.body
    with lair.ctx.db.transaction() as s:
        assert sorted(s.exec(select(Idea.title)).all()) == sorted(titles)
    wait_until(lambda: len(idea_cards(lair)) == 2)
    sent = json.dumps([c.args for c in lair.slack.calls])
    assert "<!channel>" not in sent and "<@U999>" not in sent and "<https://x|y>" not in sent
    assert "&lt;!channel&gt;" in sent


LONG_THEME = "Reducing missed collections in rural areas with narrow lanes and seasonal access x"


def test_a_theme_longer_than_an_option_shows_can_be_chosen_and_kept_whole(lair):
    """Issue 13 item 8: a 76–100 character theme was clipped in its option value, then
    refused as not one of the challenge's themes."""
    assert 76 <= len(LONG_THEME) <= 100
    challenge = open_challenge(lair.ctx, themes=f"Waste, {LONG_THEME}")
    lair.send.command("USTAFF1", "/idea")
    view = lair.last_view()
    [theme] = [b for b in view["blocks"] if b.get("block_id") == "theme"]
    options = theme["element"]["options"]
    assert all(len(o["text"]["text"]) <= 75 and len(o["value"]) <= 150 for o in options)
    [long_option] = [o for o in options if o["text"]["text"].startswith("Reducing missed")]
    reply = lair.send.view_submission(
        "USTAFF1", view, {**idea_form(1), "theme": long_option["value"]}
    )
    assert reply.status == 200 and not reply.body, reply.body
    with lair.ctx.db.transaction() as s:
        assert (
            s.exec(select(Idea.theme).where(Idea.challenge_id == challenge.id)).one() == LONG_THEME
        )

    lair.send.command("USTAFF2", "/idea")  # a value that names no theme is still refused
    reply = lair.send.view_submission(
        "USTAFF2", lair.last_view(), {**idea_form(2), "theme": "theme:9"}
    )
    assert "Choose one of the challenge's themes" in reply.body
