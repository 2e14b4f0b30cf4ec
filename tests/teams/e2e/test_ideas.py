"""Ideas in Teams: `idea` offers the dialog (or, with several challenges open, asks which
first), a bad form comes back with its errors and nothing stored, the card appears in the
challenge channel; `idea mine` lists them with Edit and Withdraw; "Submit as idea" starts
one from any message."""

from challenges import ideas, setup
from challenges.stages import Stage
from tests.teams.e2e.driving import button, card_of, has_button, inputs, problems, text_of


def test_submitting_an_idea_through_the_dialog(council):
    drive, alex = council.drive, council.person("Alex Green")
    sam = council.person("Sam Brown")
    challenge = council.challenge()
    [offer] = drive.say(alex, "idea")
    form = drive.open(alex, button(card_of(offer), "Submit an idea"))
    fields = inputs(form.card)
    assert fields["title"]["maxLength"] == 100 and fields["title"]["isRequired"]
    assert [c["value"] for c in fields["team"]["choices"]] == [
        council.cora.aad_object_id,
        sam.aad_object_id,
    ]

    refused = drive.submit(alex, form.card, {"title": "  ", "problem": "Bins missed",
                                             "proposal": "Sensors", "funding_requested": "ten pounds"})  # fmt: skip
    assert problems(refused.card) == [
        "Give the title.", "“ten pounds” is not a sum of money. Enter whole pounds, like £1,500."]  # fmt: skip
    assert inputs(refused.card)["problem"]["value"] == "Bins missed"
    refused = drive.submit(
        alex, refused.card, {"title": "Bin sensors", "funding_requested": "£99,000"}
    )
    assert problems(refused.card) == [
        "This challenge awards at most £5,000 to one idea. Ask for £5,000 or less."]  # fmt: skip
    assert ideas.ideas_of(council.ctx, alex.aad_object_id) == []

    done = drive.submit(alex, refused.card, {"title": "Bin sensors", "funding_requested": "£1,500",
                                             "team": sam.aad_object_id})  # fmt: skip
    assert done.closed
    [mine] = ideas.ideas_of(council.ctx, alex.aad_object_id)
    assert (mine.idea.title, mine.idea.funding_requested) == ("Bin sensors", 1500)
    card = card_of(council.card(mine.idea.id))
    assert "Bin sensors" in text_of(card) and "From Alex Green, Sam Brown" in text_of(card)
    assert not has_button(card, "Vote")  # voting has not opened
    thanks = council.lair.connector.wait_for_messages(
        council.lair.connector.personal_chat(alex), 3
    )[-1]
    assert "is in for" in text_of(card_of(thanks))
    assert challenge.id == mine.challenge.id


def test_with_several_challenges_open_the_dialog_asks_which_first(council):
    drive, alex = council.drive, council.person("Alex Green")
    council.challenge(title="Fewer missed bins")
    parks = council.challenge(title="Greener parks")
    [offer] = drive.say(alex, "idea")
    picker = drive.open(alex, button(card_of(offer), "Submit an idea"))
    assert [c["title"] for c in inputs(picker.card)["challenge_id"]["choices"]] == [
        "Fewer missed bins", "Greener parks"]  # fmt: skip
    form = drive.submit(alex, picker.card, {"challenge_id": str(parks.id)})
    assert "Greener parks" in text_of(form.card) and "title" in inputs(form.card)


def test_no_challenge_open_and_a_closed_one_are_refused(council):
    alex = council.person("Alex Green")
    [answer] = council.drive.say(alex, "idea")
    assert "No challenge is taking ideas right now" in text_of(card_of(answer))
    voting = council.challenge(stage=Stage.VOTING)
    [answer] = council.drive.say(alex, f"idea {voting.id}")
    assert "is not taking ideas now" in text_of(card_of(answer))


def test_a_dialog_submitted_after_its_challenge_moved_on_stores_nothing(council):
    drive, alex = council.drive, council.person("Alex Green")
    challenge = council.challenge()
    [offer] = drive.say(alex, "idea")
    form = drive.open(alex, button(card_of(offer), "Submit an idea"))
    council.advance(challenge.id)  # voting opens while Alex types
    refused = drive.submit(alex, form.card, {"title": "Late", "problem": "p", "proposal": "q",
                                             "funding_requested": "£10"})  # fmt: skip
    assert problems(refused.card) == ["“How might we cut missed bin collections?” is not taking "
                                      "ideas now (it is at “Voting”). “idea” shows the challenges "
                                      "that are open."]  # fmt: skip
    assert ideas.ideas_of(council.ctx, alex.aad_object_id) == []


def test_idea_mine_edit_and_withdraw(council, clock):
    drive, alex = council.drive, council.person("Alex Green")
    challenge = council.challenge()
    idea = council.idea(alex, challenge, title="Bin sensors")
    posted = council.card(idea.id)
    [mine] = drive.say(alex, "idea mine")
    listing = card_of(mine)
    assert "Bin sensors" in text_of(listing)
    edit = drive.open(alex, button(listing, "Edit"))
    assert inputs(edit.card)["title"]["value"] == "Bin sensors"
    assert drive.submit(alex, edit.card, {"title": "Smart bin sensors"}).closed
    council.lair.connector.wait_until(lambda: "Smart bin sensors" in text_of(card_of(posted)))
    # Someone else cannot open Alex's idea to edit it
    sam = council.person("Sam Brown")
    assert (
        "Only the person who submitted an idea" in drive.open(sam, button(listing, "Edit")).message
    )

    withdraw = button(listing, "Withdraw it")  # inside the Withdraw button's "are you sure?" card
    answer = drive.click(alex, withdraw, message_id=mine.id).json()
    assert (
        answer["value"]
        == "“Smart bin sensors” is withdrawn. Any votes it had have gone back to their voters."
    )
    council.lair.connector.wait_until(lambda: "Withdrawn by its author" in text_of(card_of(posted)))
    assert setup.load(council.ctx, challenge.id).stage == Stage.SUBMISSIONS


def test_an_over_long_title_and_a_redelivered_submission(council):
    drive, alex = council.drive, council.person("Alex Green")
    council.challenge()
    form = drive.open(alex, {"data": {"dialog": "submit_idea"}})
    values = {"title": "x" * 101, "problem": "p", "proposal": "q", "funding_requested": "£10"}
    refused = drive.submit(alex, form.card, values)  # (a client that ignores maxLength)
    assert problems(refused.card) == [
        "The title is 101 characters; the most is 100. Shorten it by 1."
    ]
    [submit] = refused.card["actions"]
    activity = drive.send.task_submit(
        alex, submit["data"], inputs={**values, "title": "Bin sensors"}
    )
    assert drive.send.post(activity).status == 200
    assert drive.send.post(activity).status == 200  # Teams delivers the same submission again
    assert [m.idea.title for m in ideas.ideas_of(council.ctx, alex.aad_object_id)] == [
        "Bin sensors"
    ]
