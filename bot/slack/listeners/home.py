"""App Home: published when opened, and after a person's own actions change it."""

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock
from slack_sdk.models.views import View

from bot.slack.errors import reports_errors
from bot.slack.listeners.common import lair
from bot.slack.views.help import CHALLENGE_HELP, IDEA_HELP
from bot.slack.views.home import home_view
from challenges.context import Context
from challenges.home import home_for

log = logging.getLogger(__name__)


def publish_home(client: WebClient, ctx: Context, user_id: str) -> None:
    """Bring the person's Home tab up to date. A failure here never undoes their action."""
    try:
        client.views_publish(user_id=user_id, view=home_view(home_for(ctx, user_id)))
    except SlackApiError as exc:
        log.warning("views.publish failed: %s", exc.response.get("error"))


def home_opened(event: dict, client: WebClient, context: BoltContext) -> None:
    if event.get("tab", "home") != "home":
        return
    publish_home(client, lair(context), event["user"])


@reports_errors
def show_help(ack: Ack, body: dict, action: dict, client: WebClient) -> None:
    ack()
    text = CHALLENGE_HELP if action.get("value") == "challenge" else IDEA_HELP
    client.views_open(
        trigger_id=body["trigger_id"],
        view=View(
            type="modal",
            title="Lair help",
            close="Close",
            blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
        ),  # fmt: skip
    )
