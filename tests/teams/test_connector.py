"""The fake Teams itself, spoken to over HTTP the way a bot does."""

from __future__ import annotations

import threading

import httpx
import jwt
import msal
import pytest
import requests

from bot.sandbox.teams_connector import (
    BOT_FRAMEWORK_SCOPE,
    TEAMS_CONVERSATION_LIMITS,
    FakeTeamsConnector,
    SlidingWindows,
)

SECRET = "fake-client-secret"


def bot_token(connector: FakeTeamsConnector, tenant: str = "botframework.com") -> str:
    response = httpx.post(connector.token_url(tenant), data={
        "grant_type": "client_credentials", "client_id": connector.app_id, "client_secret": SECRET,
        "scope": BOT_FRAMEWORK_SCOPE})  # fmt: skip
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


class Bot:
    """The Connector calls a bot makes, with its token."""

    def __init__(self, connector: FakeTeamsConnector):
        self.connector = connector
        self.client = httpx.Client(base_url=connector.service_url.rstrip("/"),
                                   headers={"Authorization": f"Bearer {bot_token(connector)}"}, timeout=10)  # fmt: skip

    def send(self, conversation: str, text: str, **extra) -> httpx.Response:
        return self.client.post(f"/v3/conversations/{conversation}/activities",
                                json={"type": "message", "text": text, **extra})  # fmt: skip


@pytest.fixture
def bot(connector) -> Bot:
    return Bot(connector)


def test_the_token_endpoint_grants_client_credentials_and_records_no_secret(connector):
    token = bot_token(connector, "botframework.com")
    wrong = httpx.post(connector.token_url(), data={"grant_type": "client_credentials", "client_id": connector.app_id,
                                                    "client_secret": "guess", "scope": BOT_FRAMEWORK_SCOPE})  # fmt: skip

    assert jwt.decode(token, options={"verify_signature": False})["appid"] == connector.app_id
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    assert [(c.body["tenant"], c.body["client_secret"]) for c in connector.calls_to("token")] == [
        ("botframework.com", "<given>"), (connector.tenant_id, "<given>")]  # fmt: skip
    assert connector.token_refusals == [{"tenant": connector.tenant_id, "client_id": connector.app_id,
                                         "grant_type": "client_credentials", "secret_given": True}]  # fmt: skip
    assert SECRET not in connector.everything_sent() and "guess" not in connector.everything_sent()


def test_msal_gets_a_token_from_the_tls_twin():
    """MSAL (what the SDK uses for a client secret) takes only https authorities; with
    instance_discovery=False it asks the fake, and nobody else. (requests lets REQUESTS_CA_BUNDLE
    override MSAL's `verify=`, hence a session that ignores the environment.)"""
    with FakeTeamsConnector(tls=True) as connector:
        session = requests.Session()
        session.trust_env = False
        session.verify = connector.ca_file
        app = msal.ConfidentialClientApplication(
            connector.app_id, client_credential=SECRET, authority=f"{connector.https_login_endpoint}/botframework.com",
            instance_discovery=False, http_client=session,
        )  # fmt: skip
        result = app.acquire_token_for_client([BOT_FRAMEWORK_SCOPE])
        again = app.acquire_token_for_client([BOT_FRAMEWORK_SCOPE])  # from MSAL's cache

        assert (
            result["access_token"]
            == again["access_token"]
            == connector.issued_tokens()[0].access_token
        )
        assert [c.route for c in connector.calls] == ["tenant_discovery", "token"]


def test_the_connector_wants_a_token_it_issued(connector, bot):
    chat = connector.personal_chat(connector.person("Alice Smith"))
    anonymous = httpx.post(
        f"{connector.service_url}v3/conversations/{chat}/activities", json={"text": "hi"}
    )
    assert anonymous.status_code == 401
    assert bot.send(chat, "hi").status_code == 201
    connector.expire_tokens()
    assert bot.send(chat, "again").status_code == 401
    assert [m.text for m in connector.messages(chat)] == ["hi"]


def test_conversations_are_created_like_teams_does(connector, bot):
    alice = connector.person("Alice Smith")
    ideas = connector.team("Innovation", ["Ideas"], members=[alice]).channel("Ideas")

    first = bot.client.post(
        "/v3/conversations", json={"members": [{"id": alice.id}], "tenantId": alice.tenant_id}
    )
    again = bot.client.post("/v3/conversations", json={"members": [{"id": alice.aad_object_id}],
                                                       "tenantId": alice.tenant_id})  # fmt: skip
    stranger = bot.client.post("/v3/conversations", json={"members": [{"id": "29:nobody"}],
                                                          "tenantId": alice.tenant_id})  # fmt: skip
    thread = bot.client.post("/v3/conversations", json={
        "isGroup": True, "channelData": {"channel": {"id": ideas.id}, "tenant": {"id": alice.tenant_id}},
        "activity": {"type": "message", "text": "Idea 1"}})  # fmt: skip

    assert first.json()["id"] == again.json()["id"] == connector.personal_chat(alice)
    assert first.json()["id"].startswith("a:1")
    assert stranger.status_code == 403
    created = thread.json()
    assert created["id"] == f"{ideas.id};messageid={created['activityId']}"
    assert [(p.id, p.thread, p.text) for p in connector.messages(ideas.id)] == [
        (created["activityId"], None, "Idea 1")
    ]


def test_threads_updates_and_deletes_land_where_teams_would_put_them(connector, bot):
    ideas = connector.team("Innovation", ["Ideas"]).channel("Ideas")
    root = bot.send(ideas.id, "Idea 1").json()["id"]
    in_thread = bot.send(f"{ideas.id};messageid={root}", "1 of 3 scored").json()["id"]
    reply = bot.client.post(
        f"/v3/conversations/{ideas.id}/activities/{in_thread}", json={"text": "2 of 3 scored"}
    )
    updated = bot.client.put(
        f"/v3/conversations/{ideas.id}/activities/{root}", json={"text": "Idea 1 (edited)"}
    )
    deleted = bot.client.delete(f"/v3/conversations/{ideas.id}/activities/{in_thread}")
    missing = bot.client.put(f"/v3/conversations/{ideas.id}/activities/999", json={"text": "x"})
    unknown = bot.send("19:nowhere@thread.tacv2", "hello")

    assert reply.status_code == 201 and updated.status_code == 200 and deleted.status_code == 200
    assert missing.status_code == 404 and unknown.status_code == 404
    assert unknown.json() == {
        "error": {"code": "ConversationNotFound", "message": "Conversation not found."}
    }
    [post] = connector.top_level(ideas.id)
    assert (post.id, post.text, [v["text"] for v in post.versions]) == (
        root,
        "Idea 1 (edited)",
        ["Idea 1"],
    )
    assert [m.text for m in connector.messages(ideas.id, thread=root)] == ["2 of 3 scored"]
    assert [m.text for m in connector.messages(ideas.id, thread=root, include_deleted=True)] == [
        "1 of 3 scored", "2 of 3 scored"]  # fmt: skip
    assert int(root) < int(in_thread)  # message ids are increasing epoch milliseconds


def test_members_answer_like_teams_channel_accounts(connector, bot):
    alice = connector.person("Alice Smith")
    chat = connector.personal_chat(alice)
    members = bot.client.get(f"/v3/conversations/{chat}/members").json()
    one = bot.client.get(f"/v3/conversations/{chat}/members/{alice.aad_object_id}").json()
    nobody = bot.client.get(f"/v3/conversations/{chat}/members/29:nobody")

    assert members == [one] and one["id"] == alice.id and one["aadObjectId"] == alice.aad_object_id
    assert one["tenantId"] == connector.tenant_id and one["email"] == "alice.smith@council.example"
    assert nobody.status_code == 404


def test_scripted_failures_answer_once_and_after_accept_still_lands(connector, bot):
    chat = connector.personal_chat(connector.person("Alice Smith"))
    connector.fail_next("send", 429, retry_after=2)
    connector.fail_next("send", 503, after_accept=True)

    throttled, unavailable, fine = (bot.send(chat, text) for text in ("one", "two", "three"))

    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "2")
    assert unavailable.status_code == 503 and fine.status_code == 201
    assert [m.text for m in connector.messages(chat)] == ["two", "three"]


def test_uninstalled_conversations_answer_403(connector, bot):
    chat = connector.personal_chat(connector.person("Alice Smith"))
    connector.uninstall(chat)
    answer = bot.send(chat, "hi")
    assert (
        answer.status_code == 403 and answer.json()["error"]["code"] == "BotNotInConversationRoster"
    )


def test_teams_limits_are_per_conversation_windows():
    windows = SlidingWindows(TEAMS_CONVERSATION_LIMITS)
    assert [windows.take(100.0 + i * 0.01) for i in range(7)] == [0.0] * 7
    assert windows.take(100.1) == pytest.approx(0.9)  # 7 per second
    assert windows.take(101.0) == 0.0  # the 8th in 2 s
    assert windows.take(101.5) == pytest.approx(0.5)  # 8 per 2 s: wait for the first to leave
    later = SlidingWindows(TEAMS_CONVERSATION_LIMITS)
    allowed = sum(later.take(1000.0 + i * 0.3) == 0.0 for i in range(100))  # 30 s at 3.3 a second
    assert allowed == 60


def test_rate_limited_writes_answer_429_with_retry_after_per_conversation(connector, bot):
    connector.rate_limit(((60.0, 3),))
    alice_chat = connector.personal_chat(connector.person("Alice Smith"))
    bob_chat = connector.personal_chat(connector.person("Bob Jones"))

    answers = [bot.send(alice_chat, str(i)).status_code for i in range(4)]
    refused = bot.send(alice_chat, "more")

    assert answers == [201, 201, 201, 429]
    assert 55 <= int(refused.headers["Retry-After"]) <= 60
    assert bot.send(bob_chat, "elsewhere").status_code == 201
    assert [m.text for m in connector.messages(alice_chat)] == ["0", "1", "2"]


def test_a_delayed_reply_lands_before_it_is_answered(connector, bot):
    chat = connector.personal_chat(connector.person("Alice Smith"))
    connector.delay_reply("send", 5)
    answers: list = []
    thread = threading.Thread(target=lambda: answers.append(bot.send(chat, "hi")))
    thread.start()
    connector.wait_for_messages(chat)
    assert answers == []  # landed, not yet answered: a crash now leaves it unmarked
    connector.delay_reply("send", 0)
    thread.join(10)
    assert answers[0].status_code == 201


def test_file_consent_uploads_need_a_content_range_and_may_come_in_chunks(connector):
    alice = connector.person("Alice Smith")
    info = connector.upload_info(alice, "round.xlsx")
    content = b"PK\x03\x04" + bytes(range(256)) * 4

    no_range = httpx.put(info["uploadUrl"], content=content)
    first = httpx.put(
        info["uploadUrl"],
        content=content[:600],
        headers={"Content-Range": f"bytes 0-599/{len(content)}"},
    )
    rest = httpx.put(info["uploadUrl"], content=content[600:],
                     headers={"Content-Range": f"bytes 600-{len(content) - 1}/{len(content)}"})  # fmt: skip

    assert no_range.status_code == 400
    assert first.status_code == 202 and first.json()["nextExpectedRanges"] == ["600-"]
    assert rest.status_code == 201 and rest.json()["id"] == info["uniqueId"]
    [upload] = connector.uploaded()
    assert (upload.name, bytes(upload.content), upload.owner) == ("round.xlsx", content, alice.id)
    assert all(c.bearer is None for c in connector.calls_to("upload"))


def test_a_file_sent_to_the_bot_downloads_without_a_token(connector):
    attachment = connector.add_file("edited.xlsx", b"workbook")
    response = httpx.get(attachment["content"]["downloadUrl"])
    assert response.content == b"workbook"
    assert attachment["contentType"] == "application/vnd.microsoft.teams.file.download.info"
