"""Small helpers every listener uses."""

import re

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.slack.views import idea_modal as modals
from challenges import ideas, setup
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import LairError, WrongStage

_ID = re.compile(r"^#?(\d{1,9})$")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def lair(context: BoltContext) -> Context:
    return context["lair"]


def kick_outbox(context: BoltContext) -> None:
    worker = context.get("outbox")
    if worker is not None:
        worker.kick()


def parse_id(text: str | None) -> int | None:
    match = _ID.match((text or "").strip())
    return int(match.group(1)) if match else None


def mentioned_users(text: str) -> list[str]:
    return list(dict.fromkeys(_USER.findall(text or "")))


def resolve_challenge(ctx: Context, arg: str | None, *, usage: str) -> int:
    """The challenge id named in `arg`, or the only running challenge when none is named."""
    arg = (arg or "").strip()
    if arg:
        challenge_id = parse_id(arg.split()[0])
        if challenge_id is None:
            raise LairError(Code.NOT_A_CHALLENGE_NUMBER, text=arg.split()[0], usage=usage[1:])
        return challenge_id
    running = setup.list_challenges(ctx)
    if len(running) == 1:
        return running[0].id
    if not running:
        raise LairError(Code.NO_CHALLENGES_YET)
    raise LairError(Code.WHICH_CHALLENGE, usage=usage[1:])


def open_idea_form(client: WebClient, trigger_id: str, ctx: Context, *, challenge_id: int | None = None,
                   prefill: dict | None = None) -> None:  # fmt: skip
    """Open the idea modal for `challenge_id`, or the picker when several challenges take ideas."""
    if challenge_id is not None:
        challenge = setup.load(ctx, challenge_id)
        ideas.require_taking_ideas(challenge)
        client.views_open(trigger_id=trigger_id, view=modals.idea_modal(challenge, prefill=prefill))
        return
    open_now = setup.taking_ideas(ctx)
    if not open_now:
        raise WrongStage(Code.NONE_TAKING_IDEAS)
    if len(open_now) == 1:
        client.views_open(
            trigger_id=trigger_id, view=modals.idea_modal(open_now[0], prefill=prefill)
        )
    else:
        client.views_open(
            trigger_id=trigger_id, view=modals.challenge_picker_modal(open_now, prefill=prefill)
        )
