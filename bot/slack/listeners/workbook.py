"""The workbook round trip: a coordinator sends the edited workbook back in a DM, sees the
changes, and confirms (or cancels) them."""

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.errors import reports_errors
from bot.slack.files import download, is_spreadsheet
from bot.slack.listeners.common import lair
from bot.slack.views.text import escape
from bot.slack.views.workbook import import_preview
from challenges import workbook  # its functions load openpyxl when first called
from challenges.context import Context
from challenges.money import format_pounds
from challenges.requests import first_time


def receive_workbook(
    client: WebClient, ctx: Context, *, user: str, channel: str, file_id: str
) -> None:
    """Check a spreadsheet sent to the bot in a DM and show what it would change.

    Slack may announce one upload twice (file_shared and a message with the file): the
    file id is handled once. Someone who may not send decisions is told so before the file
    is looked at or downloaded."""
    if not channel.startswith("D") or not first_time(ctx, f"file:{file_id}"):
        return
    workbook.check_sender(ctx, user)
    info = client.files_info(file=file_id)["file"]
    if not is_spreadsheet(info):
        return
    preview = workbook.stage_import(ctx, user, download(client, info))
    text, blocks = import_preview(preview)
    client.chat_postMessage(channel=channel, text=text, blocks=blocks)


def file_shared(event: dict, client: WebClient, context: BoltContext) -> None:
    receive_workbook(client, lair(context), user=event["user_id"], channel=event.get("channel_id", ""),
                     file_id=event["file_id"])  # fmt: skip


@reports_errors
def confirm(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    result = workbook.confirm_import(lair(context), body["user"]["id"], int(action["value"]))
    respond(
        replace_original=True,
        text=(
            f"✅ Recorded {result.changed} decision(s) for *{escape(result.challenge.title)}*: "
            f"{result.funded} funded, {format_pounds(result.total_awarded)} awarded. "
            f"`/challenge decide {result.challenge.id}` reviews them and announces the results."
        ),
    )


@reports_errors
def cancel(
    ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond, context: BoltContext
) -> None:
    ack()
    workbook.cancel_import(lair(context), body["user"]["id"], int(action["value"]))
    respond(replace_original=True, text="Cancelled: nothing from that workbook was recorded.")
