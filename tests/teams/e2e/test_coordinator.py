"""`challenge …` in Teams for coordinators: setting the panel and granting the role by
@mention (Teams sends only the per-bot 29: id; Lair maps it to the Entra id), status with the
live counts, editing, and the shortlist dialog."""

from sqlmodel import select

from challenges import panel, roles, setup, voting
from challenges.stages import Stage
from storage.models import AuditEvent, Vote
from tests.teams.e2e.driving import button, card_of, inputs, problems, text_of


def test_the_panel_is_set_by_mentioning_people_even_ones_lair_has_not_met(council):
    challenge = council.challenge()
    alex = council.person("Alex Green")  # has talked to Lair
    sam = council.person("Sam Brown", install=False)  # only a member of the team
    [answer] = council.drive.say(council.cora, f"challenge panel {challenge.id}", channel=council.ideas,
                                 people=[alex, sam])  # fmt: skip
    assert f"The panel of challenge #{challenge.id} is now Alex Green, Sam Brown." in text_of(
        card_of(answer)
    )
    assert sorted(panel.members(council.ctx, challenge.id)) == sorted(
        [alex.aad_object_id, sam.aad_object_id]
    )
    assert council.lair.connector.calls_to("member")  # Sam was looked up in the channel's roster
    [shown] = council.drive.say(council.cora, f"challenge panel {challenge.id}")
    assert "Alex Green, Sam Brown" in text_of(card_of(shown))


def test_grant_by_mention_and_refusals_for_everyone_else(council):
    alex = council.person("Alex Green")
    [refused] = council.drive.say(alex, "challenge list")
    assert "Only challenge coordinators can do that" in text_of(card_of(refused))
    [granted] = council.drive.say(
        council.cora, "challenge grant", channel=council.ideas, people=[alex]
    )
    assert "Alex Green can now run challenges." in text_of(card_of(granted))
    assert roles.check_coordinator(council.ctx, alex.aad_object_id)
    [listing] = council.drive.say(alex, "challenge list")
    assert "There are no challenges yet" in text_of(card_of(listing))


def test_status_hides_counts_per_idea_until_asked_and_audits_the_look(council):
    """Issue 13 item 4, on Teams: hidden tallies are hidden from coordinators too."""
    challenge = council.challenge(stage=Stage.SUBMISSIONS, vote_during_submissions=True)
    alex = council.person("Alex Green")
    idea = council.idea(alex, challenge, title="Bin sensors")
    voting.toggle_vote(council.ctx, voter="UVOTER1", idea_id=idea.id)
    [status] = council.drive.say(council.cora, "challenge status")
    said = text_of(card_of(status))
    assert "1 ideas (0 withdrawn) · 1 votes from 1 people" in said
    assert "· Bin sensors" not in said and f"“challenge status {challenge.id} --counts”" in said
    [looked] = council.drive.say(council.cora, "challenge status --counts")
    said = text_of(card_of(looked))
    assert "1 · Bin sensors" in said and "this look is in the audit" in said
    with council.ctx.transaction() as session:
        [event] = session.exec(
            select(AuditEvent).where(AuditEvent.action == "tallies.revealed")
        ).all()
    assert event.actor_id == council.cora.aad_object_id and event.challenge_id == challenge.id
    [refused] = council.drive.say(alex, "challenge status")
    assert "Only challenge coordinators" in text_of(card_of(refused))
    what, _help = council.drive.say(council.cora, "challenge frobnicate")
    assert "I don't know “challenge frobnicate”" in text_of(card_of(what))


def test_editing_a_challenge_keeps_what_is_locked(council):
    challenge = council.challenge(stage=Stage.VOTING)
    [offer] = council.drive.say(council.cora, f"challenge edit {challenge.id}")
    form = council.drive.open(council.cora, button(card_of(offer), "Edit the challenge"))
    assert inputs(form.card)["fund_pot"]["value"] == "£20,000"
    refused = council.drive.submit(council.cora, form.card, {"vote_budget": "9"})
    assert problems(refused.card) == ["The vote budget cannot change once the challenge is at "
                                      "“Voting”. Leave it as it was and save again."]  # fmt: skip
    assert setup.load(council.ctx, challenge.id).vote_budget == 3
    assert council.drive.submit(
        council.cora, refused.card, {"vote_budget": "3", "title": "Bins!"}
    ).closed
    assert setup.load(council.ctx, challenge.id).title == "Bins!"


def test_the_shortlist_dialog(council):
    challenge = council.challenge(shortlist_size=1)
    authors = [council.person(f"Author {n}", install=False) for n in range(3)]
    found = [council.idea(a, challenge, title=f"Idea {n}") for n, a in enumerate(authors)]
    council.advance(challenge.id)
    council.advance(challenge.id)  # all tie on 0 votes: all three go through
    [offer] = council.drive.say(council.cora, f"challenge shortlist {challenge.id}")
    form = council.drive.open(council.cora, button(card_of(offer), "Change the shortlist"))
    assert inputs(form.card)["shortlist"]["value"] == ",".join(str(i.id) for i in found)
    refused = council.drive.submit(council.cora, form.card, {"shortlist": None})
    assert problems(refused.card) == ["Keep at least one idea on the shortlist."]
    keep = f"{found[0].id},{found[1].id}"
    assert council.drive.submit(council.cora, refused.card, {"shortlist": keep}).closed
    council.lair.connector.wait_until(
        lambda: "Taken off the shortlist" in text_of(card_of(council.panel_parent(found[2].id)))
    )


def test_a_coordinator_hides_an_idea_its_author_is_told_and_restores_it(council):
    """Issue 13 item 6, on Teams: the card reads "Removed by the coordinator", the votes go
    back, the author hears why in their chat with Lair; restore puts the card back."""
    challenge = council.challenge(stage=Stage.SUBMISSIONS, vote_during_submissions=True)
    alex = council.person("Alex Green")
    idea = council.idea(alex, challenge, title="Bin sensors")
    voting.toggle_vote(council.ctx, voter="UVOTER1", idea_id=idea.id)
    council.settle()
    [refused] = council.drive.say(alex, f"challenge hide {idea.id} spam")
    assert "Only challenge coordinators" in text_of(card_of(refused))
    chat_before = len(council.drive.chat(alex))

    [done] = council.drive.say(council.cora, f"challenge hide {idea.id} It names a resident.")
    assert "is removed" in text_of(card_of(done)) and "1 vote(s) went back" in text_of(
        card_of(done)
    )
    council.settle()
    shown = text_of(card_of(council.card(idea.id)))
    assert "Removed by the coordinator" in shown and "Bin sensors" not in shown
    told = council.drive.chat(alex)[chat_before:]
    assert any("because: It names a resident." in text_of(card_of(m)) for m in told)
    with council.ctx.transaction() as session:
        assert session.exec(select(Vote).where(Vote.idea_id == idea.id)).all() == []

    [back] = council.drive.say(council.cora, f"challenge restore {idea.id}")
    assert "is back" in text_of(card_of(back))
    council.settle()
    assert "Bin sensors" in text_of(card_of(council.card(idea.id)))


def test_a_coordinator_revokes_a_grant_not_a_configured_one(council):
    alex = council.person("Alex Green")
    council.drive.say(council.cora, "challenge grant", channel=council.ideas, people=[alex])
    assert roles.check_coordinator(council.ctx, alex.aad_object_id)
    [refused] = council.drive.say(alex, "challenge revoke", channel=council.ideas,
                                  people=[council.cora])  # fmt: skip
    assert "through Lair's settings (LAIR_COORDINATORS)" in text_of(card_of(refused))
    [done] = council.drive.say(council.cora, "challenge revoke", channel=council.ideas,
                               people=[alex])  # fmt: skip
    assert "Alex Green can no longer run challenges." in text_of(card_of(done))
    assert not roles.check_coordinator(council.ctx, alex.aad_object_id)
