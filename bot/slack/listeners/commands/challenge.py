"""`/challenge …` for coordinators. Each subcommand is a small function in SUBCOMMANDS."""

from collections.abc import Callable
from dataclasses import dataclass

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.errors import reports_errors
from bot.slack.listeners.common import (
    kick_outbox,
    lair,
    mentioned_users,
    resolve_challenge,
)
from bot.slack.views.challenge_modal import challenge_modal
from bot.slack.views.help import CHALLENGE_HELP
from bot.slack.views.learning import overview_message
from bot.slack.views.lists import challenge_list, challenge_status
from bot.slack.views.text import escape, mention
from challenges import learning_overview, roles, setup, voting
from challenges.context import Context
from challenges.errors import NotACoordinator
from challenges.inputs import default_criteria
from challenges.transitions import advance


@dataclass
class Call:
    """One `/challenge` invocation, parsed."""

    ctx: Context
    user: str
    channel: str
    trigger_id: str
    args: str
    client: WebClient
    respond: Respond
    context: BoltContext

    def say_privately(self, text: str, blocks=None) -> None:
        self.respond(text=text, blocks=blocks, response_type="ephemeral")


Subcommand = Callable[[Call], None]
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str) -> Callable[[Subcommand], Subcommand]:
    def register(fn: Subcommand) -> Subcommand:
        SUBCOMMANDS[name] = fn
        return fn

    return register


@reports_errors
def challenge_command(
    ack: Ack, body: dict, command: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    ctx = lair(context)
    if not roles.check_coordinator(ctx, command["user_id"]):
        raise NotACoordinator()
    text = (command.get("text") or "").strip()
    name, _, args = text.partition(" ")
    call = Call(ctx, command["user_id"], command.get("channel_id", ""), command["trigger_id"], args.strip(),
                client, respond, context)  # fmt: skip
    handler = SUBCOMMANDS.get(name.lower())
    if handler is None:
        prefix = (
            f"I don't know `/challenge {escape(name)}`.\n\n"
            if name and name.lower() != "help"
            else ""
        )
        call.say_privately(prefix + CHALLENGE_HELP)
        return
    handler(call)


@subcommand("new")
def new(call: Call) -> None:
    defaults = {
        "timezone": call.ctx.default_timezone,
        "criteria": [{"name": c.name, "weight": c.weight} for c in default_criteria()],
    }
    call.client.views_open(
        trigger_id=call.trigger_id,
        view=challenge_modal(
            defaults, default_channel=call.channel if call.channel.startswith(("C", "G")) else None
        ),
    )


@subcommand("edit")
def edit(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge edit 4")
    _challenge, values = setup.load_with_draft(call.ctx, challenge_id)
    call.client.views_open(
        trigger_id=call.trigger_id, view=challenge_modal(values, challenge_id=challenge_id)
    )


@subcommand("list")
def list_(call: Call) -> None:
    call.say_privately(
        "Challenges", challenge_list(setup.list_challenges(call.ctx, include_closed=True))
    )


@subcommand("status")
def status(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge status 4")
    challenge, numbers = setup.status(call.ctx, call.user, challenge_id)
    ranked = voting.standings(call.ctx, call.user, challenge_id)
    call.say_privately(
        f"Status of {escape(challenge.title)}", challenge_status(challenge, numbers, ranked)
    )


@subcommand("advance")
def advance_(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge advance 4")
    stage = advance(call.ctx, challenge_id=challenge_id, actor=call.user)
    kick_outbox(call.context)
    call.say_privately(
        f"Challenge #{challenge_id} is now at *{stage.label}*. The channel has been told."
    )


@subcommand("grant")
def grant(call: Call) -> None:
    users = mentioned_users(call.args)
    if not users:
        call.say_privately("Say who to make a coordinator, e.g. `/challenge grant @alex`.")
        return
    done = [u for u in users if roles.grant_coordinator(call.ctx, call.user, u)]
    already = [u for u in users if u not in done]
    parts = []
    if done:
        parts.append(f"{', '.join(mention(u) for u in done)} can now run challenges.")
    if already:
        parts.append(f"{', '.join(mention(u) for u in already)} already could.")
    call.say_privately(" ".join(parts))


@subcommand("learning")
def learning_(call: Call) -> None:
    """Each funded idea's learning updates: received, due, overdue (with Nudge), upcoming."""
    if call.args:
        challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge learning 4")
    else:
        challenge_id = learning_overview.default_round(call.ctx)
    text, blocks = overview_message(learning_overview.overview(call.ctx, call.user, challenge_id))
    call.say_privately(text, blocks)
