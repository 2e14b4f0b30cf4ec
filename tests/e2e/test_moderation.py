"""Issue 13 item 6 through Slack: a coordinator hides an idea with a reason (card replaced,
votes released, author told privately), restores it before the panel, and revokes a grant."""

from sqlmodel import func, select

from challenges import roles
from storage.models import AuditEvent, Vote
from tests import posted
from tests.conftest import COORDINATOR
from tests.e2e.test_voting_flow import click, voting_round
from tests.waiting import wait_until

REASON = "It names a resident & their <address>."


def card_updates(lair, idea) -> list:
    card = posted.card(lair.ctx, idea.id)
    return [c for c in lair.slack.calls_to("chat.update") if c.args.get("ts") == card.message_id]


def said(lair, n: int) -> str:
    return lair.slack.wait_for("response_url", n)[-1].args.get("text", "")


def votes(lair) -> int:
    with lair.ctx.db.transaction() as s:
        return s.exec(select(func.count()).select_from(Vote)).one()


def test_hide_replaces_the_card_releases_votes_tells_the_author_and_restore_reverses_it(lair):
    bad, good = voting_round(lair, count=2)
    wait_until(lambda: len(card_updates(lair, bad)) == 1)  # voting opened: the Vote button
    click(lair, "UVOTER", bad)
    click(lair, "UVOTER", good)
    lair.slack.wait_for("response_url", 2)  # both clicks answered
    replies = 2

    lair.send.command("UVOTER", "/challenge", f"hide {bad.id} spam")
    assert "Only challenge coordinators" in said(lair, replies + 1)
    lair.send.command(COORDINATOR, "/challenge", "hide")
    assert said(lair, replies + 2).startswith(
        "⚠️ Say which idea to remove and why: `/challenge hide`"
    )
    lair.send.command(COORDINATOR, "/challenge", f"hide {bad.id}")
    assert "Say why the idea is being removed" in said(lair, replies + 3)

    lair.send.command(COORDINATOR, "/challenge", f"hide {bad.id} {REASON}")
    assert said(lair, replies + 4) == (
        f"*Idea 0* (#{bad.id}) is removed: its card now reads “Removed by the coordinator”, "
        f"1 vote(s) went back to their voters, and its author has been told why. "
        f"`/challenge restore {bad.id}` puts it back before the panel."
    )
    assert votes(lair) == 1
    wait_until(lambda: len(card_updates(lair, bad)) == 2)
    removed = card_updates(lair, bad)[-1].args
    assert removed["text"] == "Removed by the coordinator"
    assert "Idea 0" not in str(removed["blocks"]) and "vote" not in str(removed["blocks"])
    wait_until(lambda: any(c.args.get("channel") == "UAUTHOR0"
                           for c in lair.slack.calls_to("chat.postMessage")))  # fmt: skip
    told = [c.args for c in lair.slack.calls_to("chat.postMessage")
            if c.args.get("channel") == "UAUTHOR0"]  # fmt: skip
    assert "It names a resident &amp; their &lt;address&gt;." in told[-1]["text"]
    assert "Idea 0" in told[-1]["text"]

    click(lair, "UVOTER2", bad)  # an old card's button: refused, with what to do
    assert "was removed by the coordinator" in said(lair, replies + 5)

    lair.send.command(COORDINATOR, "/challenge", f"restore {bad.id}")
    assert said(lair, replies + 6).startswith(f"*Idea 0* (#{bad.id}) is back")
    wait_until(lambda: len(card_updates(lair, bad)) == 3)
    back = str(card_updates(lair, bad)[-1].args["blocks"])
    assert "Idea 0" in back and "'action_id': 'vote'" in back
    with lair.ctx.db.transaction() as s:
        actions = s.exec(
            select(AuditEvent.action).where(AuditEvent.subject == f"idea:{bad.id}")
        ).all()
    assert actions[-2:] == ["idea.removed", "idea.restored"]


def test_a_coordinator_revokes_a_grant_but_not_a_configured_coordinator(lair):
    lair.send.command(COORDINATOR, "/challenge", "grant <@UALEX>")
    assert "can now run challenges" in said(lair, 1)
    lair.send.command("UALEX", "/challenge", f"revoke <@{COORDINATOR}>")
    assert "through Lair's settings (LAIR_COORDINATORS)" in said(lair, 2)
    lair.send.command(COORDINATOR, "/challenge", "revoke <@UALEX>")
    assert said(lair, 3) == "<@UALEX> can no longer run challenges."
    assert not roles.check_coordinator(lair.ctx, "UALEX")
    lair.send.command("UALEX", "/challenge", "list")
    assert "Only challenge coordinators" in said(lair, 4)
