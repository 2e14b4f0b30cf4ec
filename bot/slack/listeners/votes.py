"""The Vote button on idea cards: a click backs the idea, or takes the vote back."""

import logging

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.slack.errors import handle_error, reports_errors, tell_privately
from bot.slack.listeners.common import lair
from bot.slack.middleware import request_key
from bot.slack.replies import ResponseUrlReplies
from bot.slack.views.text import escape, stop
from challenges import voting

log = logging.getLogger(__name__)
REPLIES = ResponseUrlReplies()


@reports_errors
def vote_button(ack: Ack, body: dict, action: dict, client: WebClient, respond: Respond,
                context: BoltContext) -> None:  # fmt: skip
    """Record the vote, then ack: a 200 to Slack means the vote is in the database. The
    toggle is a few milliseconds; the reply and any card refresh come after the ack."""
    try:
        outcome = voting.toggle_vote(
            lair(context), voter=body["user"]["id"], idea_id=int(action["value"]),
            request_key=request_key(body),
        )  # fmt: skip
    except Exception as error:
        ack()
        # Refusals (and bugs) go to the central handler directly rather than by raising:
        # Bolt drops an ack when its listener raises a moment after acking (its request
        # thread polls for the ack every 10 ms, and an error resets it), and this path is
        # fast enough to hit that window.
        handle_error(error, body, client, respond)
        return
    ack()
    if outcome.redelivered:
        return  # the same click sent again: its first delivery's reply says what happened
    say_privately(client, body, respond, reply(outcome))
    cards = context.get("cards")
    if outcome.tally_live and cards is not None:
        cards.request(outcome.idea_id, client)


def say_privately(client: WebClient, body: dict, respond: Respond, text: str) -> None:
    """Through the click's response_url, kept alive (bot/slack/replies.py); failing that, as
    bot/slack/errors.tell_privately does (an ephemeral message, or a DM)."""
    if url := body.get("response_url"):
        try:
            REPLIES.ephemeral(respond, url, text)
            return
        except Exception as exc:
            log.info("reply by response_url failed (%s); using the Web API", type(exc).__name__)
    tell_privately(client, body, text)


def reply(outcome: voting.VoteOutcome) -> str:
    title = escape(outcome.idea_title)
    if not outcome.changed:  # a second click in the double-click window: no click goes unanswered
        return current_state(f"*{title}*", outcome)
    left = f"{outcome.votes_left} of {outcome.budget} votes left."
    end = stop(outcome.idea_title)
    if not outcome.backed:
        return f"You took your vote back from *{title}*{end} {left}"
    if outcome.votes_left == 0:
        return (
            f"You backed *{title}*{end} {left} To back another idea, take a vote back by "
            "pressing Vote again on an idea you backed."
        )
    return f"You backed *{title}*{end} {left}"


def current_state(title: str, outcome: voting.VoteOutcome) -> str:
    """Where a voter stands on an idea, after a click that changed nothing (a double click)."""
    if outcome.backed:
        return (f"You back {title} · {outcome.votes_left} of {outcome.budget} votes left · "
                "press again to take it back.")  # fmt: skip
    return (f"You do not back {title} · {outcome.votes_left} of {outcome.budget} votes left · "
            "press again to back it.")  # fmt: skip
