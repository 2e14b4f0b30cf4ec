"""Dialogs, the message action, file consent and install events: the activity shapes the sender
builds parse in the SDK's models, and the SDK's answers have the shape Teams expects."""

from __future__ import annotations

import httpx
import pytest
from microsoft_teams.api import (
    AdaptiveCardAttachment,
    Attachment,
    CardTaskModuleTaskInfo,
    ConversationUpdateActivity,
    FileConsentCard,
    FileConsentInvokeActivity,
    FileInfoCard,
    InstalledActivity,
    MessageActivity,
    MessageActivityInput,
    MessageExtensionFetchTaskInvokeActivity,
    MessageExtensionSubmitActionInvokeActivity,
    TaskFetchInvokeActivity,
    TaskModuleContinueResponse,
    TaskModuleResponse,
    TaskSubmitInvokeActivity,
    card_attachment,
)
from microsoft_teams.api.models import MessagingExtensionActionResponse
from microsoft_teams.apps import ActivityContext
from microsoft_teams.cards import (
    AdaptiveCard,
    Choice,
    ChoiceSetInput,
    NumberInput,
    SubmitAction,
    TextBlock,
    TextInput,
    ToggleInput,
)

from tests.teams.conftest import build_app

pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def number(text: str | None) -> float | None:
    """Input values come back as strings; Input.Number's value must be a number (or absent)."""
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


def idea_form(values: dict, errors: dict) -> AdaptiveCard:
    """The idea dialog: inputs keep what was typed; a server-side error sits under its field."""
    body: list = [
        TextInput(id="title", label="Title", is_required=True, max_length=80, error_message="Give your idea a title",
                  value=values.get("title")),
        ChoiceSetInput(id="challenge", label="Challenge", is_required=True, style="compact",
                       choices=[Choice(title="Fewer potholes", value="c1"), Choice(title="Greener parks", value="c2")],
                       value=values.get("challenge")),
        NumberInput(id="cost", label="Cost (£)", min=0, max=1_000_000, value=number(values.get("cost"))),
        ToggleInput(id="team", title="I have a team", value="true" if values.get("team") == "true" else "false"),
    ]  # fmt: skip
    for index in range(len(body) - 1, -1, -1):
        if body[index].id in errors:
            body.insert(
                index + 1,
                TextBlock(text=errors[body[index].id], color="Attention", wrap=True, size="Small"),
            )
    return AdaptiveCard(
        version="1.5", body=body, actions=[SubmitAction(title="Submit", data={"action": "idea"})]
    )


def dialog(card: AdaptiveCard, title: str) -> TaskModuleResponse:
    return TaskModuleResponse(task=TaskModuleContinueResponse(value=CardTaskModuleTaskInfo(
        title=title, card=card_attachment(AdaptiveCardAttachment(content=card)))))  # fmt: skip


def test_a_dialog_opens_and_an_invalid_submission_comes_back_with_the_errors_beside_the_fields(
    connector, serve, sender_for
):
    app, api = build_app(connector)
    stored: list = []

    @app.on_dialog_open("idea")
    async def open_idea(ctx: ActivityContext[TaskFetchInvokeActivity]):
        return dialog(idea_form({}, {}), "Submit an idea")

    @app.on_dialog_submit("idea")
    async def submit_idea(ctx: ActivityContext[TaskSubmitInvokeActivity]):
        data = ctx.activity.value.data
        errors = (
            {}
            if str(data.get("cost", "")).isdigit()
            else {"cost": "Enter the cost in whole pounds"}
        )
        if errors:
            return dialog(idea_form(data, errors), "Submit an idea")
        stored.append(data)
        return None  # closes the dialog

    sender = sender_for(serve(app, api))
    alice = connector.person("Alice Smith")
    opened = sender.post(sender.task_fetch(alice, {"dialog_id": "idea"}))
    refused = sender.post(sender.task_submit(alice, {"action": "idea"},
                                             inputs={"title": "Fix it", "challenge": "c1", "cost": "lots", "team": "true"}))  # fmt: skip
    accepted = sender.post(sender.task_submit(alice, {"action": "idea"},
                                              inputs={"title": "Fix it", "challenge": "c1", "cost": "500", "team": "true"}))  # fmt: skip

    card = opened.json()["task"]["value"]["card"]
    assert opened.json()["task"]["type"] == "continue"
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    title = card["content"]["body"][0]
    assert {k: title[k] for k in ("type", "id", "isRequired", "errorMessage")} == {
        "type": "Input.Text", "id": "title", "isRequired": True, "errorMessage": "Give your idea a title"}  # fmt: skip
    assert title["maxLength"] == 80
    again = refused.json()["task"]["value"]["card"]["content"]["body"]
    assert [(e.get("id"), e.get("value")) for e in again if e["type"].startswith("Input.")] == [
        ("title", "Fix it"), ("challenge", "c1"), ("cost", None), ("team", "true")]  # fmt: skip
    assert again[3] == {"type": "TextBlock", "text": "Enter the cost in whole pounds", "color": "Attention",
                        "wrap": True, "size": "Small"}  # fmt: skip
    assert accepted.status == 200 and accepted.body == ""
    assert stored == [
        {"action": "idea", "title": "Fix it", "challenge": "c1", "cost": "500", "team": "true"}
    ]


def test_submit_as_idea_message_action_opens_a_prefilled_dialog(connector, serve, sender_for):
    app, api = build_app(connector)

    @app.on_message_ext_open
    async def fetch(ctx: ActivityContext[MessageExtensionFetchTaskInvokeActivity]):
        message = ctx.activity.value.message_payload
        text = message.body.content if message and message.body else ""
        return MessagingExtensionActionResponse(
            task=dialog(idea_form({"title": text}, {}), "Submit as idea").task
        )

    @app.on_message_ext_submit
    async def submit(ctx: ActivityContext[MessageExtensionSubmitActionInvokeActivity]):
        await ctx.send(f"Thanks, {ctx.activity.from_.name}: {ctx.activity.value.data['title']}")

    sender = sender_for(serve(app, api))
    alice, bob = connector.person("Alice Smith"), connector.person("Bob Jones")
    ideas = connector.team("Innovation", ["Ideas"], members=[alice, bob]).channel("Ideas")
    message = sender.message_payload(bob, "Bins <b>everywhere</b>", channel=ideas)

    opened = sender.post(sender.message_action_fetch(alice, "submitAsIdea", message, channel=ideas))
    sender.post(
        sender.message_action_submit(
            alice, "submitAsIdea", message, {"title": "Bins"}, channel=ideas
        )
    )

    body = opened.json()["task"]["value"]["card"]["content"]["body"]
    assert (
        body[0]["value"] == "<p>Bins &lt;b&gt;everywhere&lt;/b&gt;</p>"
    )  # HTML, user text escaped
    [thanks] = connector.messages(ideas.id)
    assert (thanks.thread, thanks.text) == (message["id"], "Thanks, Alice Smith: Bins")


def test_file_consent_accept_uploads_with_content_range_then_sends_a_file_card(
    connector, serve, sender_for
):
    app, api = build_app(connector)
    workbook = b"PK\x03\x04" + b"x" * 2048

    @app.on_message
    async def export(ctx: ActivityContext[MessageActivity]):
        consent = Attachment(content_type="application/vnd.microsoft.teams.card.file.consent", name="round.xlsx",
                             content=FileConsentCard(description="The round's workbook", size_in_bytes=len(workbook),
                                                     accept_context={"export": 1}, decline_context={"export": 1}))  # fmt: skip
        await ctx.send(MessageActivityInput().add_attachments(consent))

    @app.on_file_consent
    async def consented(ctx: ActivityContext[FileConsentInvokeActivity]):
        value = ctx.activity.value
        if value.action != "accept" or value.upload_info is None:
            await ctx.send("No workbook, then.")
            return
        info = value.upload_info
        async with httpx.AsyncClient(
            timeout=10
        ) as client:  # no bearer token: the URL is pre-authorised
            uploaded = await client.put(info.upload_url, content=workbook, headers={
                "Content-Range": f"bytes 0-{len(workbook) - 1}/{len(workbook)}"})  # fmt: skip
            uploaded.raise_for_status()
        card = Attachment(content_type="application/vnd.microsoft.teams.card.file.info", name=info.name,
                          content_url=info.content_url,
                          content=FileInfoCard(unique_id=info.unique_id, file_type=info.file_type))  # fmt: skip
        await ctx.send(MessageActivityInput().add_attachments(card))
        if ctx.activity.reply_to_id:
            await ctx.api.conversations.delete_activity(
                ctx.activity.conversation.id, ctx.activity.reply_to_id
            )

    sender = sender_for(serve(app, api))
    alice = connector.person("Alice Smith")
    chat = connector.personal_chat(alice)
    sender.post(sender.message(alice, "challenge export"))
    [consent] = connector.messages(chat)
    accepted = sender.post(sender.file_consent(alice, "accept", {"export": 1}, file_name="round.xlsx",
                                               message_id=consent.id))  # fmt: skip
    declined = sender.post(sender.file_consent(alice, "decline", {"export": 1}))

    assert consent.attachments[0]["content"] == {"description": "The round's workbook", "sizeInBytes": len(workbook),
                                                 "acceptContext": {"export": 1}, "declineContext": {"export": 1}}  # fmt: skip
    assert accepted.status == 200 and declined.status == 200
    [upload] = connector.uploaded()
    assert bytes(upload.content) == workbook and upload.owner == alice.id
    info_card, no = connector.messages(chat)
    assert (
        info_card.attachments[0]["contentType"] == "application/vnd.microsoft.teams.card.file.info"
    )
    assert info_card.attachments[0]["content"]["uniqueId"] == upload.item_id
    assert no.text == "No workbook, then."
    assert connector.message(consent.id).deleted


def test_install_and_conversation_events_carry_what_a_reference_needs(connector, serve, sender_for):
    app, api = build_app(connector)
    seen: list = []

    @app.on_install_add
    async def installed(ctx: ActivityContext[InstalledActivity]):
        data = ctx.activity.channel_data
        seen.append(("installed", ctx.activity.conversation.conversation_type, ctx.activity.conversation.id,
                     data.team.id if data and data.team else None, data.tenant.id))  # fmt: skip

    @app.on_conversation_update
    async def updated(ctx: ActivityContext[ConversationUpdateActivity]):
        data = ctx.activity.channel_data
        seen.append(("update", data.event_type, [m.id for m in ctx.activity.members_added or []],
                     data.channel.id if data.channel else None))  # fmt: skip

    sender = sender_for(serve(app, api))
    alice = connector.person("Alice Smith")
    team = connector.team("Innovation", ["Ideas"], members=[alice])
    for activity in (sender.installation_update(alice), sender.installation_update(alice, team=team),
                     sender.bot_added(alice), sender.bot_added(alice, team=team),
                     sender.channel_created(alice, team.channel("Ideas"))):  # fmt: skip
        assert sender.post(activity).status == 200

    chat = connector.personal_chat(alice)
    assert seen == [
        ("installed", "personal", chat, None, connector.tenant_id),
        ("installed", "channel", team.id, team.id, connector.tenant_id),
        ("update", None, [connector.bot_id, alice.id], None),
        ("update", "teamMemberAdded", [connector.bot_id], None),
        ("update", "channelCreated", [], team.channel("Ideas").id),
    ]
