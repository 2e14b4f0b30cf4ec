"""Search across rounds: `/idea search <words>` and App Home's search box; and the
similar-ideas page's Back to edit."""

import logging

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.errors import reports_errors
from bot.slack.listeners.common import lair, parse_id
from bot.slack.views import idea_modal as modals
from bot.slack.views.found import search_blocks, search_modal
from challenges import search, similar
from challenges.codes import Code
from challenges.errors import LairError
from challenges.search import SearchResults

log = logging.getLogger(__name__)


def card_links(client: WebClient, results: SearchResults) -> dict[int, str]:
    """A link to each found idea's card, where Slack gives one."""
    links = {}
    for hit in results.hits:
        if hit.card is None:
            continue
        try:
            reply = client.chat_getPermalink(
                channel=hit.card.conversation_id, message_ts=hit.card.message_id
            )
            links[hit.idea_id] = reply["permalink"]
        except SlackApiError as exc:  # a deleted message or a channel Lair has left
            log.info("no permalink for idea %s: %s", hit.idea_id, exc.response.get("error"))
    return links


def search_reply(client: WebClient, context: BoltContext, text: str) -> list:
    results = search.search(lair(context), text)
    return search_blocks(text, results, card_links(client, results))


@reports_errors
def search_from_home(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    ack()
    text = action.get("value") or ""
    results = search.search(lair(context), text)
    client.views_open(
        trigger_id=body["trigger_id"],
        view=search_modal(text, results, card_links(client, results)),
    )


@reports_errors
def back_to_edit(
    ack: Ack, body: dict, action: dict, client: WebClient, context: BoltContext
) -> None:
    """The similar-ideas page turns back into the form, as the person left it."""
    ack()
    view = body.get("view")
    check_id = parse_id(action.get("value") or "")
    if view is None or check_id is None:  # not pressed on the similar-ideas page Lair drew
        raise LairError(Code.FORM_OUT_OF_DATE)
    back = similar.back_to_edit(lair(context), body["user"]["id"], check_id)
    prefill = back.draft.model_dump(mode="json")
    prefill["funding_requested"] = str(back.draft.funding_requested)
    if back.source_permalink:
        prefill["source_permalink"] = back.source_permalink
    client.views_update(
        view_id=view["id"],
        hash=view.get("hash"),
        view=modals.idea_modal(back.challenge, team=back.draft.team, prefill=prefill),
    )
