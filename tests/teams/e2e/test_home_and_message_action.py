"""The home card (on install and on `home`) shows what Slack's App Home shows; "Submit as idea"
on any message opens the idea dialog pre-filled from it (its HTML body as plain text)."""

from challenges import ideas, setup
from tests.challenges.factories import challenge_draft
from tests.teams.e2e.driving import button, card_of, has_button, inputs, text_of


def test_the_home_card(council):
    challenge = council.challenge(title="Fewer missed bins")
    alex = council.person("Alex Green")
    council.idea(alex, challenge, title="Bin sensors")
    [home] = council.drive.say(alex, "home")
    said = text_of(card_of(home))
    assert "Open challenges" in said and "Fewer missed bins (#1) — Taking ideas" in said
    assert "Ideas close on a date to be announced" in said
    assert "Bin sensors · Fewer missed bins" in said and "Your challenges" not in said
    assert has_button(card_of(home), "Submit an idea")
    [cora_home] = council.drive.say(council.cora, "home")
    assert "1 ideas · 0 votes from 0 people" in text_of(card_of(cora_home))
    council.advance(challenge.id)
    refreshed = council.drive.click(
        alex, button(card_of(home), "Refresh"), message_id=home.id
    ).json()
    assert "You have **3 of 3** votes left." in text_of(refreshed["value"])


def test_the_welcome_on_install_is_the_home_card(council):
    welcome = council.drive.chat(council.cora)[0]
    said = text_of(card_of(welcome))
    assert (
        "**Lair** runs Dragon's Lair innovation challenges" in said
        and "**Your challenges**" in said
    )


def test_submit_as_idea_from_a_message(council):
    challenge = council.challenge()
    alex, bea = council.person("Alex Green"), council.person("Bea Writer")
    message = council.lair.send.message_payload(
        bea, "Bins <everywhere> & every week\nMissed again", channel=council.ideas
    )
    message["body"]["content"] = (
        "<p>Bins &lt;everywhere&gt; &amp; every week</p><p>Missed&nbsp;again</p>"
    )
    opened = council.lair.send.post(council.lair.send.message_action_fetch(alex, "submit_as_idea", message,
                                                                           channel=council.ideas))  # fmt: skip
    form = opened.json()["task"]["value"]["card"]["content"]
    fields = inputs(form)
    assert fields["title"]["value"] == "Bins <everywhere> & every week"
    assert fields["problem"]["value"] == "Bins <everywhere> & every week\nMissed again"
    typed = {i: n.get("value") for i, n in fields.items() if n.get("value")}
    typed.update(proposal="Sensors", funding_requested="£500")
    [submit] = form["actions"]
    submitted = council.lair.send.post(council.lair.send.message_action_submit(
        alex, "submit_as_idea", message, {**submit["data"], **typed}, channel=council.ideas))  # fmt: skip
    assert submitted.status == 200 and not submitted.body  # closed
    [mine] = ideas.ideas_of(council.ctx, alex.aad_object_id)
    assert mine.idea.title == "Bins <everywhere> & every week"
    assert mine.idea.source_permalink == message["linkToMessage"]
    assert challenge.id == mine.challenge.id


def test_your_challenges_are_those_created_or_given(council):
    """Issue 13 item 6 on Teams: the home card lists a coordinator's own challenges only."""
    council.challenge(title="Cora's own")
    alex = council.person("Alex Green")
    council.drive.say(council.cora, "challenge grant", channel=council.ideas, people=[alex])
    theirs = setup.create_challenge(council.ctx, alex.aad_object_id,
                                    challenge_draft(title="Alex's own"))  # fmt: skip
    [home] = council.drive.say(council.cora, "home")
    said = text_of(card_of(home))
    assert "Cora's own" in said and "Alex's own" not in said.split("Your challenges")[1]
    [given] = council.drive.say(council.cora, f"challenge grant {theirs.id}",
                                channel=council.ideas, people=[council.cora])  # fmt: skip
    assert f"challenge #{theirs.id} is now among theirs" in text_of(card_of(given))
    [home] = council.drive.say(council.cora, "home")
    assert "Alex's own" in text_of(card_of(home)).split("Your challenges")[1]
