"""Global middleware: hand listeners the domain context, and drop redelivered requests."""

import logging

from slack_bolt import BoltResponse
from slack_bolt.request import BoltRequest

from bot.slack.ids import Action
from bot.slack.workspaces import SlackWorkspaces
from challenges.context import Context
from challenges.requests import first_time

log = logging.getLogger(__name__)


def request_key(body: dict) -> str | None:
    """What identifies one user action across Slack's redeliveries, or None if nothing does."""
    if body.get("type") == "event_callback" and body.get("event_id"):
        return f"event:{body['event_id']}"
    if body.get("type") == "block_actions":
        user = (body.get("user") or {}).get("id", "")
        parts = [f"{a.get('action_id')}@{a.get('action_ts')}" for a in body.get("actions") or []]
        if parts:
            return f"action:{user}:{'|'.join(parts)}"
    # A slash command, a modal's submission or a shortcut: Slack gives each one a trigger
    # of its own (a form fixed after a refusal and sent again has a new one), so a request
    # seen again with the same trigger is a replay or a redelivery, never a new action.
    trigger = body.get("trigger_id")
    if trigger and body.get("command"):
        return f"command:{trigger}"
    if trigger and body.get("type") in ("view_submission", "shortcut", "message_action"):
        return f"{body['type']}:{trigger}"
    return None


def _deduplicates_itself(body: dict) -> bool:
    actions = body.get("actions") or []
    return bool(actions) and all(a.get("action_id") in SELF_DEDUPLICATING for a in actions)


def inject(ctx: Context, known: SlackWorkspaces, outbox, cards=None):
    """Hand listeners the domain context of the request's workspace; refuse a request from
    a Slack team that is not Lair's (nothing else runs)."""

    def middleware(req: BoltRequest, resp: BoltResponse, next):
        req.context["outbox"] = outbox
        req.context["cards"] = cards  # bot.slack.tallies.CardRefresher
        if _uninstalling(req.body):
            req.context["lair"] = ctx
            return next()
        bot = known.by_team(req.context.team_id)
        if bot is None:
            log.warning("refused a request from Slack team %s: not this Lair's workspace",
                        req.context.team_id)  # fmt: skip
            return BoltResponse(status=200, body=NOT_YOURS if _interactive(req.body) else "")
        req.context["lair"] = ctx.in_workspace(bot.workspace_id)
        return next()

    return middleware


NOT_YOURS = "Lair is not installed in this workspace, so it cannot do that here."


def _uninstalling(body: dict) -> bool:
    event = body.get("event") or {}
    return body.get("type") == "event_callback" and event.get("type") in (
        "app_uninstalled",
        "tokens_revoked",
    )


def _interactive(body: dict) -> bool:
    return "command" in body or body.get("type") in ("block_actions", "view_submission")


# Listeners that record the request key in their own transaction, so that the key and
# the change it guards commit together (and the hot path costs one transaction, not two).
SELF_DEDUPLICATING = frozenset({Action.VOTE.value})


def deduplicate(ctx: Context):
    def middleware(req: BoltRequest, resp: BoltResponse, next):
        key = request_key(req.body)
        if key is not None and not _deduplicates_itself(req.body) and not first_time(ctx, key):
            retry = req.headers.get("x-slack-retry-num", [None])[0]
            log.info("ignoring a repeated request (retry=%s)", retry)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
