"""`/challenge person @user [json|erase]`: a person's data, sent privately to the
coordinator; or their erasure, after a confirm step (UK GDPR)."""

from slack_bolt import Ack, BoltContext, Respond

from bot.slack.errors import reports_errors
from bot.slack.listeners.commands.challenge import Call, subcommand
from bot.slack.listeners.common import lair, mentioned_users
from bot.slack.views.person import erase_confirmation, erased
from bot.slack.views.text import mention
from challenges import privacy
from challenges.codes import Code
from challenges.errors import LairError
from challenges.workbook.person import person_file


@subcommand("person")
def person(call: Call) -> None:
    users = mentioned_users(call.args)
    words = call.args.lower().split()
    if len(users) != 1:
        raise LairError(Code.NAME_A_PERSON)
    (user,) = users
    if "erase" in words:
        text, blocks = erase_confirmation(user)
        call.say_privately(text, blocks)
        return
    data = privacy.person_data(call.ctx, call.user, user)
    filename, content = person_file(data, xlsx="json" not in words)
    dm = call.client.conversations_open(users=call.user)["channel"]["id"]
    call.client.files_upload_v2(
        channel=dm, content=content, filename=filename, title=filename.rsplit(".", 1)[0],
        initial_comment=f"Everything Lair holds about {mention(user)}, as you asked. It includes "
        "their own votes: share it only with them.",
    )  # fmt: skip
    call.say_privately(f"The data Lair holds about {mention(user)} is in your DMs with Lair.")


@reports_errors
def erase(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    done = privacy.erase_person(lair(context), body["user"]["id"], action["value"])
    respond(replace_original=True, text=erased(action["value"], done.name))


@reports_errors
def keep(ack: Ack, body: dict, action: dict, respond: Respond, context: BoltContext) -> None:
    ack()
    respond(replace_original=True, text=f"Kept: nothing about {mention(action['value'])} changed.")
