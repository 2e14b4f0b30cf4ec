"""The panel in Teams: each shortlisted idea's message in the panel channel is the root of its
thread; members score by the Score dialog or by a reply in the thread (with or without
@Lair), privately confirmed; a malformed reply gets a hint with an example; "k of n scored"
is kept up to date on the parent; Panel scores stays blind until you have scored."""

from challenges.stages import Stage
from tests.teams.e2e.driving import button, card_of, inputs, problems, text_of
from tests.teams.e2e.world import CRITERIA


def test_scoring_by_dialog_and_by_thread_reply(council):
    challenge, (a, b, c), dana, eli = council.panel_round()
    parent = council.panel_parent(a.id)
    assert parent.thread is None and parent.conversation == council.dragons.id  # a thread root
    assert council.scored(a.id) == "0 of 2"

    # Dana scores with the dialog; a missing score comes back with its error, nothing stored
    form = council.drive.open(dana, button(card_of(parent), "Score"), channel=council.dragons,
                              message_id=parent.id)  # fmt: skip
    assert [c["value"] for c in inputs(form.card)["score.feasibility"]["choices"]] == [
        "1",
        "2",
        "3",
        "4",
        "5",
    ]
    values = {f"score.{k}": "4" for k in CRITERIA[:4]}
    refused = council.drive.submit(dana, form.card, {**values, "comment": "Good", "share_comment": "true"},
                                   channel=council.dragons)  # fmt: skip
    assert problems(refused.card) == ["Give a score for Learning potential."]
    assert council.scored(a.id) == "0 of 2"
    done = council.drive.submit(
        dana, refused.card, {"score.learning_potential": "2"}, channel=council.dragons
    )
    assert done.closed
    confirmation = council.lair.connector.wait_until(
        lambda: [m for m in council.drive.chat(dana) if "Scored" in text_of(card_of(m))]
    )
    assert "Impact for residents 4 · Feasibility 4" in text_of(card_of(confirmation[0]))
    council.lair.connector.wait_until(
        lambda: council.scored(a.id) == "1 of 2", what="1 of 2 on the parent"
    )

    # Eli scores by replying in the thread, mentioning Lair…
    [answer] = council.drive.say(
        eli, "score 4 3 5 4 2 strong case", channel=council.dragons, thread=parent.id
    )
    assert "✅ Scored Idea 0: Impact for residents 4 · Feasibility 3" in text_of(card_of(answer))
    council.lair.connector.wait_until(
        lambda: council.scored(a.id) == "2 of 2", what="2 of 2 on the parent"
    )
    # …and without the mention (Lair reads the thread with the RSC permission)
    [answer] = council.drive.say(
        eli, "feasibility=5", channel=council.dragons, thread=parent.id, mention=False
    )
    assert "Updated your scores" in text_of(card_of(answer))
    # Replies are private: nothing from Lair in the thread itself
    assert all(m.activity.get("from", {}).get("id") != council.lair.connector.bot_id
               for m in council.lair.connector.messages(council.dragons.id, thread=parent.id))  # fmt: skip

    # Panel scores: Eli (scored) sees both; Dana's comment is shown as written
    scores = council.drive.open(eli, button(card_of(parent), "Panel scores"))
    assert "Dana Dragon" in text_of(scores.card) and "Good" in text_of(scores.card)


def test_a_malformed_reply_gets_a_hint_and_others_are_refused_privately(council):
    challenge, (a, b, c), dana, eli = council.panel_round()
    parent = council.panel_parent(b.id)
    [hint] = council.drive.say(dana, "score 4 3", channel=council.dragons, thread=parent.id)
    said = text_of(card_of(hint))
    assert "I couldn't read that score" in said and "score 4 3 5 4 2 strong case" in said
    assert council.scored(b.id) == "0 of 2"
    sam = council.person("Sam Outsider")
    [refused] = council.drive.say(sam, "score 4 3 5 4 2", channel=council.dragons, thread=parent.id)
    assert "Only the challenge's panel can score" in text_of(card_of(refused))
    # Discussion in the thread, without a mention, is left alone
    assert council.drive.say(dana, "I like this one", channel=council.dragons, thread=parent.id,
                             mention=False) == []  # fmt: skip
    # Blind scoring: Dana has not scored b, so its scores stay hidden from her
    hidden = council.drive.open(dana, button(card_of(parent), "Panel scores"))
    assert "Score this idea first" in hidden.message


def test_a_conflict_takes_a_member_out_of_the_count(council):
    challenge, (a, b, c), dana, eli = council.panel_round()
    parent = council.panel_parent(c.id)
    form = council.drive.open(dana, button(card_of(parent), "Declare conflict"))
    assert council.drive.submit(dana, form.card, {"reason": "I manage Author 2"}).closed
    council.lair.connector.wait_until(
        lambda: council.scored(c.id) == "0 of 1", what="0 of 1 on the parent"
    )
    [refused] = council.drive.say(
        dana, "score 4 3 5 4 2", channel=council.dragons, thread=parent.id
    )
    assert "You cannot score “Idea 2”: you declared a conflict of interest." in text_of(
        card_of(refused)
    )
    assert Stage(challenge.stage) == Stage.PANEL
