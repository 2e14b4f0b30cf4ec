"""The one place errors become messages: domain errors as friendly private text,
anything else logged with a reference the user can quote."""

import functools
import logging
import time
import uuid

from slack_bolt import BoltContext
from slack_bolt.context.respond import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.words import SLACK, say
from challenges.errors import LairError

log = logging.getLogger("lair.errors")


def user_of(body: dict) -> str | None:
    return (
        (body.get("user") or {}).get("id")
        or body.get("user_id")
        or (body.get("event") or {}).get("user")
        or (body.get("event") or {}).get("user_id")
    )


def channel_of(body: dict) -> str | None:
    return (
        (body.get("channel") or {}).get("id")
        or body.get("channel_id")
        or (body.get("container") or {}).get("channel_id")
        or (body.get("event") or {}).get("channel")
        or (body.get("event") or {}).get("channel_id")
    )


def tell_privately(client: WebClient, body: dict, text: str, *, blocks=None, respond=None) -> None:
    """Show `text` to the person behind `body` only: in place (response_url), as an
    ephemeral message in the channel, or, failing both, in a DM from the app."""
    user = user_of(body)
    if respond is not None and (body.get("response_url") or body.get("response_urls")):
        try:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
            return
        except Exception:  # response_url expired or unusable: fall through to the API
            log.info("response_url failed; falling back to chat.postEphemeral")
    channel = channel_of(body)
    if channel and user:
        # A reply in a thread (an Events API message) is answered in that thread.
        thread = {"thread_ts": ts} if (ts := (body.get("event") or {}).get("thread_ts")) else {}
        try:
            client.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=blocks, **thread
            )
            return
        except SlackApiError as exc:
            log.info(
                "chat.postEphemeral failed (%s); sending a DM instead", exc.response.get("error")
            )
    if user:
        client.chat_postMessage(channel=user, text=text, blocks=blocks)


def handle_error(
    error: Exception, body: dict, client: WebClient, respond, context: BoltContext | None = None
) -> None:
    """Bolt's global error handler."""
    try:
        _report(error, body, client, respond)
    finally:
        _let_bolt_see_the_ack(context)


# Bolt's request thread polls every 10 ms for a listener's ack; when the listener then
# raises, Bolt resets the ack after this handler returns. A listener that acks and
# raises within one poll (a quick refusal) would answer Slack 404. Waiting a little
# here, only in that case, lets the poll see the ack first.
ACK_GRACE_SECONDS = 0.1


def _let_bolt_see_the_ack(context: BoltContext | None) -> None:
    ack = context.ack if context is not None else None
    if ack is not None and getattr(ack, "response", None) is not None:
        time.sleep(ACK_GRACE_SECONDS)


def _report(error: Exception, body: dict, client: WebClient, respond) -> None:
    if isinstance(error, LairError):
        tell_privately(client, body, f"⚠️ {say(error, SLACK)}", respond=respond)
        return
    ref = uuid.uuid4().hex[:8].upper()
    log.error("unexpected error ref=%s type=%s", ref, body.get("type") or "command", exc_info=error)
    try:
        tell_privately(
            client, body,
            f"Sorry, something went wrong on our side and nothing was changed by that last step. "
            f"If it happens again, tell your coordinator and quote reference *{ref}*.",
            respond=respond,
        )  # fmt: skip
    except Exception:
        log.exception("could not tell the user about error ref=%s", ref)


def reports_errors(listener):
    """Show whatever a listener raises through `handle_error` here, instead of letting Bolt
    see it (acknowledging first if the listener had not).

    slack-bolt's thread runner (1.30) sets the acknowledged response back to None when a
    listener raises after `ack()`; if the request thread has not yet read the ack, it
    waits out the 3 seconds and answers 404 "unhandled request", so Slack shows the
    person an error beside the button or command. The listener must take `ack`, `body`
    and `client` (Bolt passes arguments by name)."""

    @functools.wraps(listener)
    def wrapper(**kwargs):
        try:
            return listener(**kwargs)
        except Exception as error:
            ack = kwargs.get("ack")
            if ack is not None and ack.response is None:
                ack()  # failed before acknowledging: still answer Slack at once
            body = kwargs["body"]
            respond = kwargs.get("respond")
            if respond is None and body.get("response_url"):
                respond = Respond(response_url=body["response_url"])
            handle_error(error, body, kwargs["client"], respond)

    return wrapper
