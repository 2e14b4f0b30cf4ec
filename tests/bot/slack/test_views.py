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
