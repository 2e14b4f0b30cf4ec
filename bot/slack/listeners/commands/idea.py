"""`/idea`, `/idea <challenge>`, `/idea mine`, `/idea help`."""

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.errors import reports_errors
from bot.slack.listeners.common import lair, open_idea_form, parse_id
from bot.slack.views.help import IDEA_HELP
from bot.slack.views.learning import learning_modal
from bot.slack.views.lists import my_ideas
from challenges import ideas, learning
from challenges.codes import Code
from challenges.errors import LairError


@reports_errors
def idea_command(
    ack: Ack, body: dict, command: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    ctx = lair(context)
    text = (command.get("text") or "").strip()
    sub = text.split()[0].lower() if text else ""
    if sub == "mine":
        respond(
            text="Your ideas",
            blocks=my_ideas(ideas.ideas_of(ctx, command["user_id"])),
            response_type="ephemeral",
        )
    elif sub == "update":
        rest = text.split()[1:]
        idea_id = parse_id(rest[0]) if rest else None
        if rest and idea_id is None:
            raise LairError(Code.LEARNING_NOT_AN_IDEA_NUMBER, text=rest[0][:40])
        form = learning.form_for_me(ctx, command["user_id"], idea_id)
        client.views_open(trigger_id=command["trigger_id"], view=learning_modal(form))
    elif sub == "help":
        respond(text=IDEA_HELP, response_type="ephemeral")
    elif not sub or parse_id(sub) is not None:
        open_idea_form(client, command["trigger_id"], ctx, challenge_id=parse_id(sub))
    else:
        respond(text=f"I don't know `/idea {sub}`.\n\n{IDEA_HELP}", response_type="ephemeral")
