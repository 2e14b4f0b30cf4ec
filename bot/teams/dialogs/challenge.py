"""The create/edit challenge dialog (Slack: bot/slack/views/challenge_modal.py and forms.py).
Channels are chosen from the Teams channels Lair knows in the tenant (recorded when Lair is
added to a team), the channel the command was sent in first; the panel from the people Lair
knows. Every choice is checked against what Lair knows in this workspace on submit."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from bot.teams import people
from bot.teams.args import number
from bot.teams.cards import clip, words
from bot.teams.dialogs.registry import opens, submits
from bot.teams.forms import Form, Result, Show, flag, listed
from bot.teams.ids import Dialog
from bot.teams.refusals import field_errors
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line
from challenges import directory, roles, setup
from challenges.clock import format_local, local_to_utc, utc_to_local, valid_timezone
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, NotACoordinator, Problem, problem_of
from challenges.inputs import CHALLENGE_TITLE_MAX, LONG_TEXT_MAX, ChallengeDraft, default_criteria
from challenges.money import format_pounds
from challenges.stages import Stage
from storage.enums import ConversationKind

NEW_TITLE, EDIT_TITLE = "New challenge", "Edit challenge"
OPTIONS = {
    "allow_anonymous": "Allow anonymous ideas",
    "show_tallies_live": "Show vote counts while voting is open",
    "vote_during_submissions": "Let people vote while ideas are still coming in",
}
DATES = {
    "opens_at": "Opens for ideas",
    "submissions_close_at": "Ideas close, voting opens",
    "voting_close_at": "Voting closes, panel starts",
    "panel_close_at": "Panel closes",
}
NUMBERS = ("vote_budget", "shortlist_size", "scale_max", "reminder_lead_hours")


def _channels(turn: Turn) -> list[tuple[str, str]]:
    return [(c.conversation_id, c.name or f"A channel ({clip(c.conversation_id, 24)})")
            for c in directory.channels(turn.ctx)]  # fmt: skip


def challenge_form(turn: Turn, values: dict[str, Any], data: dict[str, Any],
                   errors: dict[str, str] | None = None):  # fmt: skip
    form = Form(values, errors)
    form.text(
        "title",
        "Challenge",
        required=True,
        max_length=CHALLENGE_TITLE_MAX,
        placeholder="How might we cut missed bin collections?",
    )
    form.text("brief", "Brief", multiline=True, max_length=LONG_TEXT_MAX)
    form.text("themes", "Themes (separate with commas; leave empty for none)", max_length=2100)
    channels = _channels(turn)
    if not channels:
        form.add(words("Lair knows no channels yet: add Lair to a team, then open this form again.",
                       color="Attention"))  # fmt: skip
    form.choices("channel_id", "Announce in channel", channels, required=True)
    form.choices(
        "panel_channel_id", "Panel channel (where the Dragons score the shortlist)", channels
    )
    form.add(words("Use a standard channel of a team only the panel is in: bots cannot post in "
                   "private channels.", subtle=True))  # fmt: skip
    form.choices("panel", "Panel (Dragons)", people.options(turn.ctx, also=listed(values.get("panel"))),
                 multi=True)  # fmt: skip
    form.text("fund_pot", "Fund pot (£)", required=True, placeholder="£20,000", max_length=20)
    form.text("max_award", "Largest award for one idea (£)", required=True, placeholder="£5,000",
              max_length=20)  # fmt: skip
    form.text("vote_budget", "Votes per person", required=True, max_length=4)
    form.text("shortlist_size", "Ideas on the shortlist (ties at the cut all go through)",
              required=True, max_length=4)  # fmt: skip
    form.text("criteria", "Scoring criteria, one a line as “Name: weight” (empty: the five "
              "standard ones)", multiline=True, max_length=1000)  # fmt: skip
    form.text("scale_max", "Score each criterion from 1 to", required=True, max_length=4)
    form.add(words("**Timeline**", size="Medium"))
    form.text("timezone", "Time zone (the dates below are in it), e.g. Europe/London",
              required=True, max_length=64)  # fmt: skip
    for name, label in DATES.items():
        form.date(name, f"{label}: date")
        form.time(f"{name}_time", f"{label}: time")
    form.add(
        words("Leave the opening empty to open it yourself with “challenge advance”.", subtle=True)
    )
    form.text(
        "reminder_lead_hours", "Reminder before each close (hours)", required=True, max_length=4
    )
    form.text("learning_update_dates", "Learning updates due (after the round), e.g. "
              "2027-09-01, 2028-03-01", max_length=200)  # fmt: skip
    for name, label in OPTIONS.items():
        form.toggle(name, label)
    form.add(
        words("Saved as a draft: nothing is announced until the challenge opens.", subtle=True)
    )
    return form.card("Save", data, fallback="title")


def form_values(draft: dict[str, Any]) -> dict[str, Any]:
    """The challenge's settings (setup.draft_of) as the form's values."""
    zone = draft.get("timezone") or "Europe/London"
    values = {k: draft.get(k) for k in ("title", "brief", "channel_id", "panel_channel_id",
                                         "timezone", *NUMBERS, *OPTIONS)}  # fmt: skip
    values["themes"] = ", ".join(draft.get("themes") or [])
    values["panel"] = list(draft.get("panel") or [])
    for money in ("fund_pot", "max_award"):
        values[money] = format_pounds(draft[money]) if isinstance(draft.get(money), int) else None
    values["criteria"] = "\n".join(
        f"{c['name']}: {c['weight']:g}" for c in draft.get("criteria") or []
    )
    for name in DATES:
        moment: datetime | None = draft.get(name)
        if moment is not None:
            local = utc_to_local(moment, zone)
            values[name], values[f"{name}_time"] = f"{local:%Y-%m-%d}", f"{local:%H:%M}"
    values["learning_update_dates"] = ", ".join(
        str(d) for d in draft.get("learning_update_dates") or []
    )
    return values


def new_values(turn: Turn, channel: str | None) -> dict[str, Any]:
    return {
        "timezone": turn.ctx.default_timezone, "vote_budget": 3, "shortlist_size": 5,
        "scale_max": 5, "reminder_lead_hours": 24, "channel_id": channel,
        "criteria": "\n".join(f"{c.name}: {c.weight:g}" for c in default_criteria()),
    }  # fmt: skip


def _moments(values: dict[str, Any], zone: str, errors: dict[str, str]) -> dict[str, datetime]:
    moments = {}
    for name in DATES:
        day, at = values.get(name), values.get(f"{name}_time")
        if day and not at:
            errors[f"{name}_time"] = Problem(Code.PICK_TIME_TOO)
        elif at and not day:
            errors[name] = Problem(Code.PICK_DATE_TOO)
        elif day and at:
            try:
                moments[name] = local_to_utc(
                    date.fromisoformat(str(day)), time.fromisoformat(str(at)), zone
                )
            except ValueError:
                errors[name] = Problem(Code.PICK_FROM_CALENDAR)
    return moments


def _channel(turn: Turn, values: dict[str, Any], name: str, errors: dict[str, str]) -> str | None:
    chosen = values.get(name) or None
    if chosen is None:
        return None
    known = directory.conversation(turn.ctx, turn.workspace_id, str(chosen))
    if known is None or known.kind != ConversationKind.CHANNEL:
        errors[name] = Problem(Code.CHOOSE_LAIR_CHANNEL)
        return None
    return str(chosen)


def draft_of(turn: Turn, values: dict[str, Any]) -> tuple[ChallengeDraft, list[str]]:
    """The form's values as the domain's validated draft and the panel (every problem at once)."""
    errors: dict[str, str] = {}
    zone = str(values.get("timezone") or turn.ctx.default_timezone).strip()
    try:
        valid_timezone(zone)
    except ValueError as exc:
        raise InvalidInput({"timezone": problem_of(exc)}) from None
    moments = _moments(values, zone, errors)
    channel, panel_channel = (
        _channel(turn, values, n, errors) for n in ("channel_id", "panel_channel_id")
    )
    panel: list[str] = []
    try:
        panel = people.chosen(turn.ctx, "panel", listed(values.get("panel")))
    except InvalidInput as bad:
        errors.update(bad.errors)
    try:
        draft = ChallengeDraft.parse(
            title=values.get("title"), brief=values.get("brief"), themes=values.get("themes") or "",
            channel_id=channel, panel_channel_id=panel_channel, fund_pot=values.get("fund_pot"),
            max_award=values.get("max_award"), criteria=values.get("criteria") or "",
            timezone=zone, learning_update_dates=values.get("learning_update_dates") or "",
            **{n: values.get(n) for n in NUMBERS}, **moments,
            **{n: flag(values.get(n)) for n in OPTIONS},
        )  # fmt: skip
    except InvalidInput as bad:
        raise InvalidInput({**bad.errors, **errors}) from None
    if errors:
        raise InvalidInput(errors)
    return draft, panel


def _coordinator(turn: Turn) -> None:
    if not roles.check_coordinator(turn.ctx, turn.user):
        raise NotACoordinator()


@opens(Dialog.NEW_CHALLENGE)
def open_new(turn: Turn, data: dict[str, Any]) -> Result:
    _coordinator(turn)
    channel = str(data.get("channel") or "") or None
    values = new_values(turn, channel)
    return Show(challenge_form(turn, values, {"dialog": Dialog.NEW_CHALLENGE.value}), NEW_TITLE)


@opens(Dialog.EDIT_CHALLENGE)
def open_edit(turn: Turn, data: dict[str, Any]) -> Result:
    _coordinator(turn)
    challenge, draft = setup.load_with_draft(turn.ctx, number(data, "challenge"))
    form = {"dialog": Dialog.EDIT_CHALLENGE.value, "challenge": challenge.id}
    return Show(challenge_form(turn, form_values(draft), form), EDIT_TITLE)


def _saved(challenge) -> Reply:
    if challenge.stage != Stage.DRAFT:
        step = f"“challenge status {challenge.id}” shows how it is going."
    elif challenge.opens_at is not None:
        step = (f"It opens automatically on {format_local(challenge.opens_at, challenge.timezone)}, "
                f"or now with “challenge advance {challenge.id}”.")  # fmt: skip
    else:
        step = (f"No opening date is set, so it opens when you say: “challenge advance "
                f"{challenge.id}” opens it now, “challenge edit {challenge.id}” sets a date.")  # fmt: skip
    return Reply(line("Challenge saved", f"Challenge #{challenge.id} ", Bold(challenge.title),
                      f" is saved ({Stage(challenge.stage).label}). {step}"))  # fmt: skip


@submits(Dialog.NEW_CHALLENGE)
def submit_new(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    try:
        draft, panel = draft_of(turn, data)
        challenge = setup.create_challenge(turn.ctx, turn.user, draft, panel=panel)
    except LairError as error:
        card = challenge_form(turn, data, {"dialog": Dialog.NEW_CHALLENGE.value},
                              field_errors(error, "title"))  # fmt: skip
        return Show(card, NEW_TITLE), []
    return None, [_saved(challenge)]


@submits(Dialog.EDIT_CHALLENGE)
def submit_edit(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    challenge_id = number(data, "challenge")
    try:
        draft, panel = draft_of(turn, data)
        challenge = setup.edit_challenge(turn.ctx, turn.user, challenge_id, draft, panel=panel)
    except LairError as error:
        setup.load(turn.ctx, challenge_id)  # (another workspace's challenge: refused outright)
        form = {"dialog": Dialog.EDIT_CHALLENGE.value, "challenge": challenge_id}
        return Show(challenge_form(turn, data, form, field_errors(error, "title")), EDIT_TITLE), []
    return None, [_saved(challenge)]
