"""`/challenge shortlist`, `/challenge panel` and `/challenge decide`."""

import re

from bot.slack.listeners.commands.challenge import Call, subcommand
from bot.slack.listeners.common import kick_outbox, mentioned_users, resolve_challenge
from bot.slack.listeners.scoring import refresh_parent
from bot.slack.views.decisions import decide_modal, loading_modal, shortlist_modal
from bot.slack.views.text import channel, mention
from bot.words import SLACK, say
from challenges import decisions, panel, shortlist
from challenges.errors import LairError

_MENTION = re.compile(r"<@[^>]*>")


@subcommand("shortlist")
def shortlist_(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge shortlist 4")
    form = shortlist.form(call.ctx, call.user, challenge_id)
    call.client.views_open(trigger_id=call.trigger_id, view=shortlist_modal(form))


@subcommand("panel")
def panel_(call: Call) -> None:
    users = mentioned_users(call.args)
    challenge_id = resolve_challenge(
        call.ctx, _MENTION.sub(" ", call.args), usage="/challenge panel 4 @alex @sam"
    )
    if not users:
        members = panel.members(call.ctx, challenge_id)
        now = ", ".join(mention(u) for u in members) if members else "nobody yet"
        call.say_privately(
            f"The panel of challenge #{challenge_id}: {now}. To set it, name the whole panel: "
            f"`/challenge panel {challenge_id} @alex @sam @kim`."
        )
        return
    change = panel.set_panel(call.ctx, call.user, challenge_id, users)
    kick_outbox(call.context)
    for idea_id in change.to_refresh:
        refresh_parent(call.client, call.ctx, idea_id)
    parts = [
        f"The panel of challenge #{challenge_id} is now {', '.join(mention(u) for u in change.members)}."
    ]
    if change.added or change.removed:
        parts.append(f"({len(change.added)} added, {len(change.removed)} removed.)")
    if change.conflicts_recorded:
        parts.append(
            f"{change.conflicts_recorded} conflict(s) of interest recorded: members on a shortlisted "
            "idea's team will not score it."
        )
    if change.panel_channel_id:
        parts.append(
            f"They score the shortlist in {channel(change.panel_channel_id)}; invite them there."
        )
    else:
        parts.append(
            f"There is no panel channel yet: choose one with `/challenge edit {challenge_id}`, "
            "and the shortlist is posted there."
        )
    call.say_privately(" ".join(parts))


@subcommand("decide")
def decide(call: Call) -> None:
    challenge_id = resolve_challenge(call.ctx, call.args, usage="/challenge decide 4")
    # Refuse early (wrong stage, already announced) before opening anything.
    decisions.check_deciding(call.ctx, call.user, challenge_id)
    # The trigger lasts 3 seconds: open the modal now, then fill it in.
    opened = call.client.views_open(
        trigger_id=call.trigger_id, view=loading_modal("Funding decisions")
    )
    view_id = opened["view"]["id"]
    try:
        form = decisions.decision_form(call.ctx, call.user, challenge_id)
    except LairError as error:
        call.client.views_update(
            view_id=view_id, view=loading_modal("Funding decisions", say(error, SLACK))
        )
        return
    call.client.views_update(view_id=view_id, view=decide_modal(form))
