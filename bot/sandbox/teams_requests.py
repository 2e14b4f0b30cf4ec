"""Bot Framework activities shaped like the ones Teams sends, posted with a JWT the fake signs.

The builders return plain dicts (so a test can tamper with one before `post`); `post` sends one
to the bot's /api/messages with `Authorization: Bearer <token>` from the FakeTeamsConnector.
Shapes follow Microsoft's documentation (conversation events, Universal Actions, dialogs, message
extensions, file consent) and the Teams SDK's activity models: ids, conversation ids with
`;messageid=`, `channelData` with team/channel/tenant, `<at>` mention entities, clientInfo.
"""

from __future__ import annotations

import html
import json
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from typing import Any

from bot.sandbox.teams_connector import (
    BOT_NAME,
    Channel,
    FakeTeamsConnector,
    Person,
    Team,
    utc_stamp,
)

DEFAULT = object()  # `post(token=DEFAULT)`: a valid token from the fake


@dataclass
class Reply:
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body) if self.body else None


class TeamsSender:
    """Sends what Teams would send to the bot at `url` (its messaging endpoint)."""

    def __init__(self, url: str, connector: FakeTeamsConnector, *, locale: str = "en-GB",
                 timezone: str = "Europe/London"):  # fmt: skip
        self.url = url
        self.connector = connector
        self.locale = locale
        self.timezone = timezone

    # transport -------------------------------------------------------------------------
    def post(self, activity: dict, *, token: Any = DEFAULT, headers: dict | None = None,
             timeout: float = 30) -> Reply:  # fmt: skip
        """POST `activity`; `token` None sends no Authorization header, a string sends that token."""
        all_headers = {"Content-Type": "application/json"}
        if token is DEFAULT:
            token = self.connector.token(service_url=activity.get("serviceUrl"))
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        all_headers.update(headers or {})
        request = urllib.request.Request(self.url, data=json.dumps(activity).encode(), headers=all_headers,
                                         method="POST")  # fmt: skip
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return Reply(response.status, response.read().decode(), dict(response.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, err.read().decode(), dict(err.headers))

    # envelopes -------------------------------------------------------------------------
    def _envelope(self, kind: str, person: Person, conversation: dict, channel_data: dict, *,
                  activity_id: str | None = None) -> dict:  # fmt: skip
        now = time.time()
        return {
            "type": kind,
            "id": activity_id or self.connector.next_message_id(),
            "timestamp": utc_stamp(now),
            "localTimestamp": utc_stamp(now).replace("Z", "+00:00"),
            "localTimezone": self.timezone,
            "serviceUrl": self.connector.service_url,
            "channelId": "msteams",
            "from": person.account(),
            "conversation": conversation,
            "recipient": self.connector.bot_account(),
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": self.locale,
                    "country": self.locale[-2:],
                    "platform": "Web",
                    "timezone": self.timezone,
                }
            ],  # fmt: skip
            "channelData": channel_data,
            "locale": self.locale,
        }

    def personal(self, person: Person) -> tuple[dict, dict]:
        """(conversation, channelData) of the bot's 1:1 chat with `person`."""
        conversation = {"conversationType": "personal", "tenantId": person.tenant_id,
                        "id": self.connector.personal_chat(person)}  # fmt: skip
        return conversation, {"tenant": {"id": person.tenant_id}}

    def in_channel(self, channel: Channel, thread: str | None) -> tuple[dict, dict]:
        """(conversation, channelData) of a channel; `thread` is the root message id (a channel
        conversation id always carries one: a new post's is its own id)."""
        team: Team = channel.team
        conversation = {"isGroup": True, "conversationType": "channel", "tenantId": team.tenant_id,
                        "id": f"{channel.id};messageid={thread}" if thread else channel.id}  # fmt: skip
        channel_data = {
            "teamsChannelId": channel.id, "teamsTeamId": team.id,
            "channel": {"id": channel.id}, "team": {"id": team.id, "name": team.name, "aadGroupId": team.aad_group_id},
            "tenant": {"id": team.tenant_id},
        }  # fmt: skip
        return conversation, channel_data

    def _where(
        self, person: Person, where: Channel | None, thread: str | None
    ) -> tuple[dict, dict]:
        return self.personal(person) if where is None else self.in_channel(where, thread)

    # messages --------------------------------------------------------------------------
    def message(self, person: Person, text: str, *, attachments: list[dict] | None = None) -> dict:
        """`person` writes `text` in their 1:1 chat with the bot."""
        conversation, channel_data = self.personal(person)
        activity = self._envelope("message", person, conversation, channel_data)
        activity.update(textFormat="plain", text=text, attachments=attachments or [])
        return activity

    def channel_message(self, person: Person, channel: Channel, text: str, *, mention: bool = True,
                        thread: str | None = None, people: list[Person] = ()) -> dict:  # fmt: skip
        """A new post in `channel` (or, with `thread`, a reply in that thread) — `@Lair text` when
        `mention`, as Teams delivers it: `<at>Lair</at> text`, a mention entity, an HTML copy.
        `people` are @mentioned after the text (`<at>Name</at>`, an entity with their 29: id
        and name only, as Teams sends)."""
        if people:
            text = " ".join([text, *(f"<at>{p.name}</at>" for p in people)])
        message_id = self.connector.next_message_id()
        conversation, channel_data = self.in_channel(channel, thread or message_id)
        activity = self._envelope(
            "message", person, conversation, channel_data, activity_id=message_id
        )
        at = f"<at>{BOT_NAME}</at>"
        full = f"{at} {text}" if mention else text
        activity.update(textFormat="plain", text=full, attachments=[{
            "contentType": "text/html",
            "content": f"<p>{at if mention else ''}{'&nbsp;' if mention else ''}{html.escape(text)}</p>",
        }])  # fmt: skip
        if mention:
            activity["entities"].insert(
                0, {"type": "mention", "text": at, "mentioned": self.connector.bot_account()}
            )
        for p in people:
            activity["entities"].append({"type": "mention", "text": f"<at>{p.name}</at>",
                                         "mentioned": {"id": p.id, "name": p.name}})  # fmt: skip
        if thread:
            activity["replyToId"] = thread
        return activity

    def thread_reply(
        self, person: Person, channel: Channel, root_id: str, text: str, *, mention: bool = True
    ) -> dict:
        return self.channel_message(person, channel, text, mention=mention, thread=root_id)

    # invokes ---------------------------------------------------------------------------
    def _invoke(self, name: str, person: Person, value: dict, *, channel: Channel | None = None,
                thread: str | None = None, reply_to: str | None = None) -> dict:  # fmt: skip
        conversation, channel_data = self._where(person, channel, thread)
        activity = self._envelope("invoke", person, conversation, channel_data,
                                  activity_id=f"f:{uuid.uuid4()}")  # fmt: skip
        activity.update(name=name, value=value)
        if reply_to:
            activity["replyToId"] = reply_to
        return activity

    def card_action(self, person: Person, verb: str, data: dict | None = None, *, inputs: dict | None = None,
                    message_id: str | None = None, channel: Channel | None = None, thread: str | None = None,
                    action_id: str | None = None) -> dict:  # fmt: skip
        """`person` clicks an Action.Execute button (`verb`, `data`) on the card in message
        `message_id`; the card's input values are merged into the data, as Teams does."""
        action: dict[str, Any] = {
            "type": "Action.Execute",
            "verb": verb,
            "data": {**(data or {}), **(inputs or {})},
        }
        if action_id:
            action["id"] = action_id
        return self._invoke("adaptiveCard/action", person, {"action": action, "trigger": "manual"},
                            channel=channel, thread=thread or message_id, reply_to=message_id)  # fmt: skip

    def task_fetch(self, person: Person, data: dict | None = None, *, message_id: str | None = None,
                   channel: Channel | None = None, thread: str | None = None) -> dict:  # fmt: skip
        """A button with `msteams: {type: task/fetch}` in its data opens a dialog."""
        value = {"type": "task/fetch", "data": {**(data or {}), "msteams": {"type": "task/fetch"}},
                 "context": {"theme": "default"}}  # fmt: skip
        return self._invoke("task/fetch", person, value, channel=channel, thread=thread or message_id,
                            reply_to=message_id)  # fmt: skip

    def task_submit(self, person: Person, data: dict | None = None, *, inputs: dict | None = None,
                    message_id: str | None = None, channel: Channel | None = None, thread: str | None = None) -> dict:  # fmt: skip
        """The dialog's Action.Submit: its data with the input values merged in."""
        value = {
            "type": "task/submit",
            "data": {**(data or {}), **(inputs or {})},
            "context": {"theme": "default"},
        }
        return self._invoke("task/submit", person, value, channel=channel, thread=thread or message_id,
                            reply_to=message_id)  # fmt: skip

    def message_payload(self, author: Person, text: str, *, message_id: str | None = None,
                        channel: Channel | None = None) -> dict:  # fmt: skip
        """The `messagePayload` of a message action: the message it was invoked on (Graph shape)."""
        message_id = message_id or self.connector.next_message_id()
        payload = {
            "id": message_id, "replyToId": None, "createdDateTime": utc_stamp(), "lastModifiedDateTime": None,
            "deleted": False, "subject": None, "summary": None, "importance": "normal", "locale": "en-us",
            "body": {"contentType": "html", "content": f"<p>{html.escape(text)}</p>"},
            "from": {"device": None, "conversation": None, "application": None,
                     "user": {"userIdentityType": "aadUser", "id": author.aad_object_id, "displayName": author.name}},
            "reactions": [], "mentions": [], "attachments": [],
        }  # fmt: skip
        if channel is not None:
            payload["linkToMessage"] = (
                f"https://teams.microsoft.com/l/message/{channel.id}/{message_id}"
            )
        return payload

    def message_action_fetch(self, person: Person, command_id: str, message: dict, *,
                             channel: Channel | None = None) -> dict:  # fmt: skip
        """`person` picks the message action `command_id` on a message (`message_payload`)."""
        value = {"commandId": command_id, "commandContext": "message", "requestId": uuid.uuid4().hex,
                 "messagePayload": message, "context": {"theme": "default"}}  # fmt: skip
        activity = self._invoke("composeExtension/fetchTask", person, value, channel=channel,
                                thread=message["id"] if channel else None)  # fmt: skip
        activity["channelData"]["source"] = {"name": "message"}
        return activity

    def message_action_submit(self, person: Person, command_id: str, message: dict, inputs: dict, *,
                              channel: Channel | None = None) -> dict:  # fmt: skip
        """The dialog the message action opened is submitted with `inputs`."""
        value = {"commandId": command_id, "commandContext": "message", "data": inputs,
                 "messagePayload": message, "context": {"theme": "default"}}  # fmt: skip
        activity = self._invoke("composeExtension/submitAction", person, value, channel=channel,
                                thread=message["id"] if channel else None)  # fmt: skip
        activity["channelData"]["source"] = {"name": "message"}
        return activity

    def file_consent(self, person: Person, action: str, context: dict | None = None, *,
                     file_name: str | None = None, message_id: str | None = None) -> dict:  # fmt: skip
        """`person` accepts or declines the file consent card in message `message_id` (1:1 chat).
        An accept carries uploadInfo: where the bot PUTs the file (the fake's upload URL)."""
        value: dict[str, Any] = {"type": "fileUpload", "action": action, "context": context or {}}
        if action == "accept":
            value["uploadInfo"] = self.connector.upload_info(
                person, file_name or (context or {}).get("filename", "file")
            )
        return self._invoke("fileConsent/invoke", person, value, reply_to=message_id)

    # lifecycle -------------------------------------------------------------------------
    def installation_update(
        self, person: Person, action: str = "add", *, team: Team | None = None
    ) -> dict:
        """The app is added (`add`) or removed (`remove`) by `person`: in their personal scope, or
        in `team` (its conversation is the General channel, with the selected channel set)."""
        if team is None:
            conversation, channel_data = self.personal(person)
        else:
            conversation, channel_data = self.in_channel(team.general, None)
            conversation["name"] = team.general.name
            channel_data["settings"] = {"selectedChannel": {"id": team.general.id}}
            channel_data["source"] = {"name": "message"}
        activity = self._envelope("installationUpdate", person, conversation, channel_data,
                                  activity_id=f"f:{uuid.uuid4()}")  # fmt: skip
        activity["action"] = action
        return activity

    def conversation_update(self, person: Person, *, team: Team | None = None, members_added: list[dict] | None = None,
                            members_removed: list[dict] | None = None, event_type: str | None = None,
                            channel: Channel | None = None) -> dict:  # fmt: skip
        """A conversationUpdate: members added/removed (the bot itself when it is installed), or
        a channel event (`channelCreated`, `channelRenamed`, `channelDeleted`) in `team`."""
        if team is None:
            conversation, channel_data = self.personal(person)
        else:
            conversation, channel_data = self.in_channel(team.general, None)
            for teams_only in ("teamsChannelId", "teamsTeamId", "channel"):
                channel_data.pop(teams_only)
            if channel is not None:  # the channel an event is about
                channel_data["channel"] = {"id": channel.id, "name": channel.name}
            if event_type == "teamMemberAdded":
                channel_data["settings"] = {"selectedChannel": {"id": team.general.id}}
        if event_type:
            channel_data["eventType"] = event_type
        activity = self._envelope("conversationUpdate", person, conversation, channel_data,
                                  activity_id=f"f:{uuid.uuid4()}")  # fmt: skip
        if members_added is not None:
            activity["membersAdded"] = members_added
        if members_removed is not None:
            activity["membersRemoved"] = members_removed
        return activity

    def bot_added(self, person: Person, *, team: Team | None = None) -> dict:
        """Installing the app: the bot joins the 1:1 chat (with `person`) or `team`."""
        if team is None:
            return self.conversation_update(
                person, members_added=[self.connector.bot_account(), person.account()]
            )
        return self.conversation_update(person, team=team, members_added=[{"id": self.connector.bot_id}],
                                        event_type="teamMemberAdded")  # fmt: skip

    def channel_created(self, person: Person, channel: Channel) -> dict:
        return self.conversation_update(
            person, team=channel.team, event_type="channelCreated", channel=channel
        )
