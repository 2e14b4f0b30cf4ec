"""Driving Lair in Teams the way people do (the Teams tests and `lair demo --teams`): installing it, typing commands, pressing buttons,
filling in dialogs — every step a signed activity to the running bot, every answer read from
what the fake Bot Connector received or from the invoke's own answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.sandbox.teams_connector import Channel, FakeTeamsConnector, Person, Posted, Team
from bot.sandbox.teams_requests import Reply, TeamsSender


def card_of(posted: Posted) -> dict:
    [card] = posted.cards
    return card


def walk(node: Any):
    """Every dict in a card, depth first (body, columns, actions, shown cards)."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item)


def text_of(card: dict) -> str:
    """Everything a card says, a line for each TextBlock and each RichTextBlock (its runs joined)."""
    lines = []
    for node in walk(card):
        if node.get("type") == "TextBlock":
            lines.append(node["text"])
        elif node.get("type") == "RichTextBlock":
            lines.append("".join(run.get("text", "") for run in node.get("inlines") or []))
    return "\n".join(lines)


def actions(card: dict) -> list[dict]:
    return [n for n in walk(card) if str(n.get("type", "")).startswith("Action.")]


def button(card: dict, title: str) -> dict:
    found = [a for a in actions(card) if a.get("title") == title]
    assert found, f"no button {title!r} in {[a.get('title') for a in actions(card)]}"
    return found[0]


def has_button(card: dict, title: str) -> bool:
    return any(a.get("title") == title for a in actions(card))


def inputs(card: dict) -> dict[str, dict]:
    return {n["id"]: n for n in walk(card) if str(n.get("type", "")).startswith("Input.")}


def problems(card: dict) -> list[str]:
    """The errors a re-shown form carries (Attention runs under their inputs)."""
    return [
        n["text"]
        for n in walk(card)
        if n.get("type") == "TextRun" and n.get("color") == "Attention"
    ]


@dataclass
class Dialog:
    reply: Reply

    @property
    def kind(self) -> str | None:
        body = self.reply.json()
        return body["task"]["type"] if body else None  # "continue", "message", or None: closed

    @property
    def card(self) -> dict:
        assert self.kind == "continue", self.reply.body
        return self.reply.json()["task"]["value"]["card"]["content"]

    @property
    def message(self) -> str:
        assert self.kind == "message", self.reply.body
        return self.reply.json()["task"]["value"]

    @property
    def closed(self) -> bool:
        return self.reply.status == 200 and not self.reply.body


class Driver:
    def __init__(self, fake: FakeTeamsConnector, send: TeamsSender):
        self.fake, self.send = fake, send

    # setting up ----------------------------------------------------------------------
    def install(self, person: Person) -> str:
        """`person` adds Lair in their personal scope; returns their chat (the welcome waits there)."""
        chat = self.fake.personal_chat(person)
        before = len(self.fake.messages(chat))
        assert self.send.post(self.send.installation_update(person)).status == 200
        self.fake.wait_for_messages(chat, before + 1)
        return chat

    def team(self, name: str, channels: list[str], members: list[Person], *, by: Person) -> Team:
        """A team with Lair added to it (by `by`): Lair lists and remembers its channels."""
        team = self.fake.team(name, channels, members=members)
        calls = len(self.fake.calls_to("channels"))
        assert self.send.post(self.send.installation_update(by, team=team)).status == 200
        self.fake.wait_for("channels", calls + 1)
        return team

    # talking -------------------------------------------------------------------------
    def chat(self, person: Person) -> list[Posted]:
        return self.fake.messages(self.fake.personal_chat(person))

    def say(self, person: Person, text: str, *, channel: Channel | None = None,
            people: list[Person] = (), thread: str | None = None, mention: bool = True) -> list[Posted]:  # fmt: skip
        """`person` sends `text` (in their chat, or @Lair in `channel`); Lair's private answers."""
        before = len(self.chat(person))
        if channel is None:
            activity = self.send.message(person, text)
        else:
            activity = self.send.channel_message(person, channel, text, people=list(people),
                                                 thread=thread, mention=mention)  # fmt: skip
        assert self.send.post(activity).status == 200
        return self.chat(person)[before:]

    # invokes -------------------------------------------------------------------------
    def open(self, person: Person, action: dict, *, channel: Channel | None = None,
             message_id: str | None = None) -> Dialog:  # fmt: skip
        """`person` presses a button that opens a dialog (its data as on the card)."""
        data = {k: v for k, v in (action.get("data") or {}).items() if k != "msteams"}
        return Dialog(self.send.post(self.send.task_fetch(person, data, channel=channel,
                                                          message_id=message_id)))  # fmt: skip

    def submit(self, person: Person, card: dict, values: dict[str, Any], *,
               channel: Channel | None = None) -> Dialog:  # fmt: skip
        """`person` fills in the dialog's `card` (what it shows, changed by `values`) and submits."""
        typed = {i: n["value"] for i, n in inputs(card).items() if n.get("value") is not None}
        typed.update({k: v for k, v in values.items() if v is not None})
        typed = {
            k: v for k, v in typed.items() if k not in {k for k, v in values.items() if v is None}
        }
        [submit] = [a for a in card.get("actions") or [] if a["type"] == "Action.Submit"]
        return Dialog(self.send.post(self.send.task_submit(person, submit["data"], inputs=typed,
                                                           channel=channel)))  # fmt: skip

    def click(self, person: Person, action: dict, *, message_id: str | None = None,
              channel: Channel | None = None) -> Reply:  # fmt: skip
        """`person` presses an Action.Execute button."""
        return self.send.post(self.send.card_action(person, action["verb"], action.get("data"),
                                                    message_id=message_id, channel=channel))  # fmt: skip
