"""Lair in Teams: added to a tenant, answering in a person's chat and in channels, refusing
what it must."""

import httpx

from bot.teams.turn import Doorkeeper
from challenges import directory


def test_healthz(teams):
    reply = httpx.get(f"{teams.url}/healthz")
    assert reply.status_code == 200 and reply.json() == {"status": "ok"}


def test_added_in_a_personal_chat_says_hello_and_remembers_the_person(teams):
    alice = teams.connector.person("Alice Smith")
    assert teams.send.post(teams.send.installation_update(alice)).status == 200
    chat = teams.connector.personal_chat(alice)
    [hello] = teams.connector.wait_for_messages(chat)
    assert "Lair" in str(hello.cards)
    assert directory.names(teams.ctx, [alice.aad_object_id]) == {alice.aad_object_id: "Alice Smith"}
    assert (
        directory.personal_chat(
            teams.ctx, teams.ctx.workspace_id, alice.aad_object_id
        ).conversation_id
        == chat
    )


def test_help_in_a_personal_chat_and_by_mention_in_a_channel(teams):
    alice = teams.connector.person("Alice Smith")
    teams.send.post(teams.send.installation_update(alice))
    chat = teams.connector.personal_chat(alice)
    teams.connector.wait_for_messages(chat)
    assert teams.send.post(teams.send.message(alice, "help")).status == 200
    answers = teams.connector.wait_for_messages(chat, 2)
    assert "idea mine" in str(answers[-1].cards)
    channel = teams.connector.team("Innovation", ["Ideas"], members=[alice]).channel("Ideas")
    post = teams.send.channel_message(alice, channel, "idea help")
    assert teams.send.post(post).status == 200
    # the answer is private: in Alice's own chat, not in the channel
    answers = teams.connector.wait_for_messages(chat, 3)
    assert "idea mine" in str(answers[-1].cards)
    assert teams.connector.messages(channel.id) == []


def test_channel_talk_without_a_mention_is_left_alone(teams):
    alice = teams.connector.person("Alice Smith")
    teams.send.post(teams.send.installation_update(alice))
    chat = teams.connector.personal_chat(alice)
    teams.connector.wait_for_messages(chat)
    channel = teams.connector.team("Innovation", ["Ideas"], members=[alice]).channel("Ideas")
    assert (
        teams.send.post(teams.send.channel_message(alice, channel, "help", mention=False)).status
        == 200
    )
    assert len(teams.connector.messages(chat)) == 1  # only the welcome


def test_a_tenant_where_lair_was_never_added_is_refused_and_nothing_is_stored(teams):
    stranger = teams.connector.person("Eve Other", tenant_id="00000000-0000-0000-0000-0000000000ee")
    assert teams.send.post(teams.send.message(stranger, "challenge new")).status == 200
    [answer] = teams.connector.wait_for_messages(teams.connector.personal_chat(stranger))
    assert "not been added" in str(answer.cards)
    assert Doorkeeper(teams.runtime.ctx)._workspace(stranger.tenant_id) is None


def test_bad_tokens_are_refused_with_401_and_no_effect(teams):
    alice = teams.connector.person("Alice Smith")
    for kind in ("forged", "expired", "wrong_audience"):
        activity = teams.send.installation_update(alice)
        assert teams.send.post(activity, token=teams.connector.bad_token(kind)).status == 401
    assert teams.send.post(teams.send.installation_update(alice), token=None).status == 401
    assert teams.connector.messages() == []


def test_an_install_announced_twice_is_greeted_once(teams):
    alice = teams.connector.person("Alice Smith")
    assert teams.send.post(teams.send.installation_update(alice)).status == 200
    assert teams.send.post(teams.send.bot_added(alice)).status == 200  # Teams sends both
    chat = teams.connector.personal_chat(alice)
    teams.connector.wait_for_messages(chat)
    assert teams.send.post(teams.send.message(alice, "help")).status == 200
    answers = teams.connector.wait_for_messages(chat, 2)
    assert ["👋" in str(a.cards) for a in answers] == [True, False]
