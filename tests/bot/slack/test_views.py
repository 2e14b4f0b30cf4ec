"""Block Kit builders: valid per slack_sdk's models, within limits, user text escaped."""

import json

from slack_sdk.models.views import View

from bot.slack.views import cards, challenge_modal, idea_modal, lists
from bot.slack.views.text import escape
from challenges.ideas import MyIdea
from storage.models import Challenge, Idea

HOSTILE = "<!channel> & <@U999> <https://evil|click>"


def challenge(**kw) -> Challenge:
    values = dict(id=4, title=HOSTILE, brief=HOSTILE, channel_id="C1", fund_pot=20000, max_award=5000,
                  created_by="U0", stage="submissions", themes=["Waste"], allow_anonymous=True)  # fmt: skip
    values.update(kw)
    return Challenge(**values)


def idea(**kw) -> Idea:
    values = dict(id=7, challenge_id=4, author_id="U1", title=HOSTILE, problem=HOSTILE, proposal=HOSTILE,
                  funding_requested=1500)  # fmt: skip
    values.update(kw)
    return Idea(**values)


def mrkdwn(blocks) -> str:
    """Every mrkdwn string in `blocks` (plain_text is never parsed for mentions or links)."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([b.to_dict() for b in blocks])
    return "\n".join(found)


def test_escape():
    assert escape("a & <b>") == "a &amp; &lt;b&gt;"


def test_idea_card_escapes_and_validates():
    text, blocks = cards.idea_card(idea(), challenge(stage="voting"), ["U2"], votes=3)
    payload = mrkdwn(blocks) + text
    assert "<!channel>" not in payload and "<https://evil|click>" not in payload
    assert "&lt;!channel&gt;" in payload
    assert any(b.to_dict().get("type") == "actions" for b in blocks)  # Vote button while voting
    _, during_submissions = cards.idea_card(idea(), challenge(), [])
    assert not any(b.to_dict().get("type") == "actions" for b in during_submissions)


def test_announcement_has_submit_button():
    text, blocks = cards.stage_announcement(challenge(), cards.Stage.SUBMISSIONS)
    dumped = json.dumps([b.to_dict() for b in blocks])
    assert '"action_id": "submit_idea"' in dumped and '"value": "4"' in dumped
    assert "<!channel>" not in mrkdwn(blocks) + text and "&lt;!channel&gt;" in mrkdwn(blocks)


def test_idea_modal_valid_and_prefilled_for_edit():
    view = idea_modal.idea_modal(challenge(), idea=idea(anonymous=True, theme="Waste"), team=["U2"])
    data = view.to_dict()  # validates lengths
    assert data["callback_id"] == "idea_edit"
    assert len(data["blocks"]) <= 100 and len(data["title"]["text"]) <= 24
    assert json.loads(data["private_metadata"]) == {"idea_id": 7}  # all the edit needs
    blocks = {b.get("block_id"): b for b in data["blocks"]}
    assert blocks["title"]["element"]["initial_value"] == HOSTILE  # plain text: shown literally
    assert blocks["anonymous"]["element"]["initial_options"]
    assert blocks["team"]["element"]["initial_users"] == ["U2"]


def test_challenge_picker_lists_open_challenges():
    view = idea_modal.challenge_picker_modal([challenge(id=n, title=f"C{n}") for n in range(1, 4)])
    data = view.to_dict()
    assert [o["value"] for o in data["blocks"][0]["element"]["options"]] == ["1", "2", "3"]


def test_challenge_modal_within_limits():
    view: View = challenge_modal.challenge_modal(
        {"timezone": "Europe/London"}, default_channel="C1"
    )
    data = view.to_dict()
    assert len(data["blocks"]) <= 100
    pickers = [b for b in data["blocks"] if b.get("element", {}).get("type") == "timepicker"]
    assert len(pickers) == 4 and all(p["element"]["timezone"] == "Europe/London" for p in pickers)


def test_my_ideas_stays_within_fifty_blocks():
    c = challenge()
    items = [MyIdea(idea(id=n), c, "author", None) for n in range(60)]
    blocks = lists.my_ideas(items)
    assert len(blocks) <= 50
    assert "<!channel>" not in mrkdwn(blocks)


QUESTION = "How might we cut missed bin collections?"


def test_a_title_that_ends_its_sentence_gets_no_extra_full_stop():
    """Issue 13 item 8: "…collections?." nowhere, on Slack and Teams."""
    from bot.slack.listeners.votes import reply
    from bot.slack.views.learning import learning_reminder
    from bot.slack.views.reminders import author_voting_open
    from bot.teams import views as teams_views
    from challenges import notices
    from challenges.voting import VoteOutcome

    asked = challenge(title=QUESTION, stage="voting")
    said = []
    for stage in (cards.Stage.VOTING, cards.Stage.PANEL, cards.Stage.DECIDED):
        text, blocks = cards.stage_announcement(asked, stage)
        said += [text, mrkdwn(blocks)]
        teams = teams_views.stage_news(notices.StageNews(asked, stage, []))
        said.append(json.dumps(teams.model_dump(mode="json", by_alias=True)))
    said.append(author_voting_open(asked, [idea(title="Bins?")])[0])
    said.append(learning_reminder(idea(title="Bins!"), asked, 500, None)[0])
    outcome = VoteOutcome(idea_id=7, idea_title="Sensors in bins?", challenge_id=4, backed=True,
                          changed=True, votes_left=2, budget=3, tally_live=False)  # fmt: skip
    said.append(reply(outcome))
    everything = "\n".join(said)
    for doubled in ("?.", "?*.", "!.", "!*."):
        assert doubled not in everything, doubled
    assert "Voting is open for How might we cut missed bin collections?* Use" in everything
    assert reply(outcome) == "You backed *Sensors in bins?* 2 of 3 votes left."
    plain, _ = cards.stage_announcement(
        challenge(title="Fewer bins", stage="panel"), cards.Stage.PANEL
    )
    assert (
        "Voting has closed for Fewer bins. The shortlist" in plain
    )  # a plain title still gets one


def test_a_removed_idea_reads_removed_everywhere_and_offers_no_buttons():
    """Issue 13 item 6: the card shows nothing of it; its author's list says so."""
    removed = idea(status="removed", title="Secret plan")
    text, blocks = cards.idea_card(removed, challenge(stage="voting"), ["U2"], votes=None)
    shown = mrkdwn(blocks) + text
    assert text == "Removed by the coordinator" and "Secret plan" not in shown
    assert not any(b.to_dict().get("type") == "actions" for b in blocks)
    listed = lists.my_ideas([MyIdea(removed, challenge(stage="voting"), "author", None)])
    assert "Removed by the coordinator" in mrkdwn(listed)
    assert not any(b.to_dict().get("type") == "actions" for b in listed)
