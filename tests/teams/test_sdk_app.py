"""A tiny SDK App (not Lair's adapter) driven through the fake Connector: what the Teams SDK for
Python (microsoft-teams-apps 2.x) does and does not do for us. /work/notes/teams-sdk.md explains."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from microsoft_teams.api import (
    Account,
    AdaptiveCardActionCardResponse,
    AdaptiveCardActionMessageResponse,
    AdaptiveCardInvokeActivity,
    ConversationReference,
    CreateConversationParams,
    InvokeResponse,
    MessageActivity,
    MessageActivityInput,
)
from microsoft_teams.apps import ActivityContext
from microsoft_teams.cards import AdaptiveCard, ExecuteAction, TextBlock

from bot.sandbox.teams_connector import BOT_FRAMEWORK_SCOPE, FakeTeamsConnector
from tests.teams.conftest import build_app

pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")


def echo_app(connector: FakeTeamsConnector, heard: list):
    """Echo every message; the reply is worded by a synchronous function run off the event loop."""
    app, api = build_app(connector)

    def word(text: str) -> tuple[str, int]:  # the synchronous domain
        return f"you said: {text}", threading.get_ident()

    @app.on_message
    async def on_message(ctx: ActivityContext[MessageActivity]) -> None:
        stripped = ctx.activity.strip_mentions_text()
        text, worker = await asyncio.to_thread(word, stripped.text or "")
        heard.append({"text": stripped.text, "worker": worker, "loop": threading.get_ident(),
                      "reference": ctx.conversation_ref.model_dump(mode="json", by_alias=True, exclude_none=True)})  # fmt: skip
        await ctx.send(text)

    return app, api


# (a) a valid token: the handler runs, its reply lands with the bot's own outbound token ----------
def test_a_message_with_a_valid_token_reaches_the_handler_and_the_reply_carries_the_bots_token(
    connector, serve, sender_for
):
    heard: list = []
    served = serve(*echo_app(connector, heard))
    sender = sender_for(served)
    alice = connector.person("Alice Smith")

    reply = sender.post(sender.message(alice, "hello"))

    assert reply.status == 200
    assert [h["text"] for h in heard] == ["hello"]
    assert heard[0]["worker"] != heard[0]["loop"]  # asyncio.to_thread kept the loop free
    chat = connector.personal_chat(alice)
    [landed] = connector.messages(chat)
    assert landed.text == "you said: hello"
    assert landed.activity["from"]["id"] == connector.bot_id
    [grant] = connector.issued_tokens()
    assert (grant.client_id, grant.tenant, grant.scope) == (
        connector.app_id,
        "botframework.com",
        BOT_FRAMEWORK_SCOPE,
    )
    [send] = connector.calls_to("send")
    assert send.bearer == grant.access_token
    assert "fake-client-secret" not in connector.everything_sent()


def test_a_mention_in_a_channel_is_answered_in_that_thread(connector, serve, sender_for):
    heard: list = []
    served = serve(*echo_app(connector, heard))
    sender = sender_for(served)
    alice = connector.person("Alice Smith")
    panel = connector.team("Innovation", ["Panel"], members=[alice]).channel("Panel")

    post = sender.channel_message(alice, panel, "idea help")
    assert sender.post(post).status == 200

    assert heard[0]["text"] == "idea help"  # <at>Lair</at> stripped by the SDK helper
    [answer] = connector.messages(panel.id)
    assert (answer.thread, answer.text) == (post["id"], "you said: idea help")
    assert connector.top_level(panel.id) == []
    # a reply in that thread: answered in the same thread
    sender.post(sender.thread_reply(alice, panel, post["id"], "score 4 3 5 4 2"))
    assert [m.text for m in connector.messages(panel.id, thread=post["id"])] == [
        "you said: idea help", "you said: score 4 3 5 4 2"]  # fmt: skip


def test_our_own_health_route_is_served_beside_the_messaging_endpoint(connector, serve):
    served = serve(*echo_app(connector, []))
    assert httpx.get(f"{served.url}/healthz").text == "ok"


# (b) bad tokens: 401 and the handler never runs -------------------------------------------------
@pytest.mark.parametrize(
    "kind",
    ["none", "not a jwt", "forged", "expired", "wrong_audience", "wrong_issuer", "unknown_kid",
     "not_yet_valid", "no_serviceurl", "wrong_serviceurl"],
)  # fmt: skip
def test_b_a_request_without_a_good_token_is_refused_and_has_no_effect(
    connector, serve, sender_for, kind
):
    heard: list = []
    served = serve(*echo_app(connector, heard))
    sender = sender_for(served)
    literal = {"none": None, "not a jwt": "abc.def"}
    token = literal[kind] if kind in literal else connector.bad_token(kind)

    reply = sender.post(sender.message(connector.person("Alice Smith"), "hello"), token=token)

    assert reply.status == 401
    assert heard == []
    assert connector.messages() == [] and connector.calls_to("token") == []


def test_b_a_token_expired_within_five_minutes_is_still_accepted(connector, serve, sender_for):
    """The SDK allows 300 s of clock skew (apps/auth/token_validator.py JWT_LEEWAY_SECONDS)."""
    heard: list = []
    sender = sender_for(serve(*echo_app(connector, heard)))
    reply = sender.post(
        sender.message(connector.person("Alice Smith"), "hi"),
        token=connector.token(expires_in=-120),
    )
    assert reply.status == 200 and len(heard) == 1


def test_b_the_serviceurl_claim_is_only_checked_when_the_activity_names_a_service_url(
    connector, serve, sender_for
):
    """With no serviceUrl in the body the SDK skips the claim check and replies to the claim's URL."""
    heard: list = []
    sender = sender_for(serve(*echo_app(connector, heard)))
    activity = sender.message(connector.person("Alice Smith"), "hi")
    del activity["serviceUrl"]
    reply = sender.post(activity, token=connector.token())
    assert reply.status == 200
    assert heard[0]["reference"]["serviceUrl"] == connector.service_url.rstrip("/")  # the claim


def test_b_an_entra_issued_agent_token_is_accepted_without_any_serviceurl_check(
    connector, serve, sender_for
):
    """Tokens whose issuer is the login endpoint take the SDK's Agent 365 path: signature, audience,
    tenant issuer and azp are checked, the serviceurl claim is not (token_validator.py:268)."""
    heard: list = []
    sender = sender_for(serve(*echo_app(connector, heard)))
    tenant = connector.tenant_id
    token = connector.token(
        issuer=f"{connector.login_endpoint}/{tenant}/v2.0",
        claims={"tid": tenant, "azp": "5a807f24-c9de-44ee-a3a7-329e88a00ffc"},
        service_url="https://smba.attacker.example/emea/",
    )
    reply = sender.post(sender.message(connector.person("Alice Smith"), "hi"), token=token)
    assert reply.status == 200 and len(heard) == 1


def test_b_explicit_false_beats_the_environment_switch_that_turns_verification_off(connector, serve, sender_for,
                                                                                  monkeypatch):  # fmt: skip
    monkeypatch.setenv("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", "true")
    app, api = build_app(connector)  # passes dangerously_allow_unauthenticated_requests=False
    sender = sender_for(serve(app, api))
    assert (
        sender.post(sender.message(connector.person("Alice Smith"), "hi"), token=None).status == 401
    )


# (c) Action.Execute: routing by verb, and the invoke response --------------------------------------
def vote_app(connector: FakeTeamsConnector, seen: list):
    app, api = build_app(connector)

    @app.on_card_action
    async def on_card_action(ctx: ActivityContext[AdaptiveCardInvokeActivity]):
        action = ctx.activity.value.action
        seen.append(("by verb", action.verb, action.data))
        if action.verb == "vote":
            card = AdaptiveCard(
                version="1.5", body=[TextBlock(text=f"You back idea {action.data['idea']}")]
            )
            return AdaptiveCardActionCardResponse(value=card)
        if action.verb == "explain":
            return AdaptiveCardActionMessageResponse(value="2 of 3 votes left")
        return InvokeResponse(status=400)

    return app, api


def test_c_action_execute_is_routed_by_verb_and_answered_with_a_card_or_a_message(
    connector, serve, sender_for
):
    seen: list = []
    sender = sender_for(serve(*vote_app(connector, seen)))
    alice = connector.person("Alice Smith")
    channel = connector.team("Innovation", ["Ideas"], members=[alice]).channel("Ideas")

    vote = sender.post(
        sender.card_action(alice, "vote", {"idea": 7}, message_id="1700000000001", channel=channel)
    )
    explain = sender.post(
        sender.card_action(alice, "explain", {"idea": 7}, message_id="1700000000001")
    )
    unknown = sender.post(sender.card_action(alice, "nonsense", {}))

    assert vote.status == 200
    assert vote.json() == {"statusCode": 200, "type": "application/vnd.microsoft.card.adaptive",
                           "value": {"type": "AdaptiveCard", "version": "1.5",
                                     "body": [{"type": "TextBlock", "text": "You back idea 7"}]}}  # fmt: skip
    assert explain.json() == {"statusCode": 200, "type": "application/vnd.microsoft.activity.message",
                              "value": "2 of 3 votes left"}  # fmt: skip
    assert unknown.status == 400
    assert [s[:2] for s in seen] == [
        ("by verb", "vote"),
        ("by verb", "explain"),
        ("by verb", "nonsense"),
    ]
    assert connector.messages() == []  # the answers went back in the invoke response only


def test_c_on_card_action_execute_routes_on_data_action_not_on_the_verb(
    connector, serve, sender_for
):
    """Handlers form a chain: the first that matches runs, the next only if it awaits ctx.next()."""
    app, api = build_app(connector)
    seen: list = []

    @app.on_card_action_execute("vote")  # matches data["action"] == "vote", whatever the verb
    async def by_action_field(ctx: ActivityContext[AdaptiveCardInvokeActivity]):
        seen.append(("by data.action", ctx.activity.value.action.verb))
        return AdaptiveCardActionMessageResponse(value="by data.action")

    @app.on_card_action
    async def fallback(ctx: ActivityContext[AdaptiveCardInvokeActivity]):
        seen.append(("fallback", ctx.activity.value.action.verb))
        return AdaptiveCardActionMessageResponse(value="fallback")

    sender = sender_for(serve(app, api))
    alice = connector.person("Alice Smith")
    assert sender.post(sender.card_action(alice, "vote", {"idea": 1})).json()["value"] == "fallback"
    assert (
        sender.post(sender.card_action(alice, "explain", {"action": "vote"})).json()["value"]
        == "by data.action"
    )
    assert seen == [("fallback", "vote"), ("by data.action", "explain")]


def test_c_a_refresh_triggered_action_execute_fails_validation_in_the_sdk(
    connector, serve, sender_for
):
    """AdaptiveCardInvokeValue.trigger is typed Literal["manual"]; Teams sends "automatic" for a
    card's `refresh` action, which the SDK answers with 500 before any handler runs."""
    seen: list = []
    sender = sender_for(serve(*vote_app(connector, seen)))
    activity = sender.card_action(connector.person("Alice Smith"), "vote", {"idea": 1})
    activity["value"]["trigger"] = "automatic"
    assert sender.post(activity).status == 500
    assert seen == []


def test_c_an_invoke_is_answered_only_when_the_whole_handler_has_returned(
    connector, serve, sender_for
):
    app, api = build_app(connector)
    entered, release = threading.Event(), threading.Event()

    @app.on_card_action
    async def slow(ctx: ActivityContext[AdaptiveCardInvokeActivity]):
        entered.set()
        await asyncio.to_thread(release.wait, 10)
        return AdaptiveCardActionMessageResponse(value="done")

    sender = sender_for(serve(app, api))
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(sender.post(sender.card_action(
        connector.person("Alice Smith"), "vote", {}))))  # fmt: skip
    thread.start()
    assert entered.wait(10)
    thread.join(0.3)
    assert answers == []  # still waiting for the handler
    release.set()
    thread.join(10)
    assert answers[0].json()["value"] == "done"


# (d) proactive sends to a stored conversation reference ----------------------------------------------
def test_d_a_stored_reference_is_enough_to_send_later_and_to_open_a_dm(
    connector, serve, sender_for
):
    heard: list = []
    served = serve(*echo_app(connector, heard))
    sender = sender_for(served)
    alice, bob = connector.person("Alice Smith"), connector.person("Bob Jones")
    connector.team("Innovation", ["Ideas"], members=[alice, bob])
    sender.post(sender.message(alice, "hello"))
    stored = heard[0]["reference"]  # what Lair would keep, as JSON
    reference = ConversationReference.model_validate(stored)
    app = served.app

    served.run(
        app.send(reference.conversation.id, "Voting is open", service_url=reference.service_url)
    )
    created = served.run(app.api.conversations.create(CreateConversationParams(
        members=[Account(id=bob.id)], tenant_id=connector.tenant_id)))  # fmt: skip
    served.run(app.send(created.id, MessageActivityInput(text="Your idea was shortlisted")))

    assert [m.text for m in connector.messages(reference.conversation.id)] == [
        "you said: hello",
        "Voting is open",
    ]
    assert created.id == connector.personal_chat(bob)
    assert [m.text for m in connector.messages(created.id)] == ["Your idea was shortlisted"]
    tokens = {g.access_token for g in connector.issued_tokens()}
    assert all(
        c.bearer in tokens for c in connector.calls if c.route in ("send", "create_conversation")
    )


def test_d_a_proactive_post_in_a_channel_starts_a_thread_and_a_reply_lands_in_it(connector, serve):
    served = serve(*echo_app(connector, []))
    app = served.app
    ideas = connector.team("Innovation", ["Ideas"]).channel("Ideas")
    card = AdaptiveCard(version="1.5", body=[TextBlock(text="Idea 7")],
                        actions=[ExecuteAction(title="Vote", verb="vote", data={"idea": 7})])  # fmt: skip

    root = served.run(app.send(ideas.id, card))
    served.run(app.reply(ideas.id, root.id, "1 of 3 scored"))
    served.run(
        app.send(ideas.id, MessageActivityInput(id=root.id).add_card(card))
    )  # update in place

    [post] = connector.top_level(ideas.id)
    assert post.id == root.id and post.cards[0]["actions"][0] == {
        "type": "Action.Execute", "title": "Vote", "verb": "vote", "data": {"idea": 7}}  # fmt: skip
    assert [m.text for m in connector.messages(ideas.id, thread=root.id)] == ["1 of 3 scored"]
    assert len(post.versions) == 1  # updated once


def test_d_sends_are_not_retried_and_a_429_surfaces_with_its_retry_after(connector, serve):
    served = serve(*echo_app(connector, []))
    alice = connector.person("Alice Smith")
    chat = connector.personal_chat(alice)
    connector.fail_next("send", 429, retry_after=3)
    connector.fail_next("send", 502, after_accept=True)

    with pytest.raises(httpx.HTTPStatusError) as throttled:
        served.run(served.app.send(chat, "one"))
    with pytest.raises(httpx.HTTPStatusError) as bad_gateway:
        served.run(served.app.send(chat, "two"))

    assert throttled.value.response.status_code == 429
    assert throttled.value.response.headers["Retry-After"] == "3"
    assert bad_gateway.value.response.status_code == 502
    assert len(connector.calls_to("send")) == 2  # one attempt each
    assert [m.text for m in connector.messages(chat)] == ["two"]  # the 502 landed all the same


def test_a_single_tenant_bot_gets_its_token_from_its_own_tenant(connector, serve):
    app, api = build_app(connector, tenant_id=connector.tenant_id)
    served = serve(app, api)
    served.run(app.send(connector.personal_chat(connector.person("Alice Smith")), "hi"))
    assert [g.tenant for g in connector.issued_tokens()] == [connector.tenant_id]


def test_a_token_provider_answering_none_sends_without_authorization(serve):
    """Lair's no-password mode (an emulator only): the Connector call carries no token at all."""
    with FakeTeamsConnector(require_auth=False) as connector:
        app, api = build_app(connector, token=lambda scope, tenant: None)
        served = serve(app, api)
        chat = connector.personal_chat(connector.person("Alice Smith"))
        served.run(app.send(chat, "hi"))
        [send] = connector.calls_to("send")
        assert send.bearer is None and connector.messages(chat)[0].text == "hi"
