"""The idea dialogs: submit (after a picker when several challenges take ideas, and from the
"Submit as idea" message action pre-filled), and edit. Slack's are bot/slack/views/idea_modal.py
and bot/slack/listeners/views.py: the same domain calls, the same refusals."""

from __future__ import annotations

from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.teams import people, redraw
from bot.teams.args import number, optional_number
from bot.teams.cards import clip, said, words
from bot.teams.dialogs.registry import opens, submits
from bot.teams.forms import Form, Result, Show, flag, listed
from bot.teams.ids import Dialog
from bot.teams.refusals import field_errors
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line
from challenges import ideas, setup
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, WrongStage
from challenges.inputs import LONG_TEXT_MAX, TITLE_MAX, IdeaDraft
from challenges.money import format_pounds
from storage.models import Challenge

SUBMIT_TITLE, EDIT_TITLE = "Submit an idea", "Edit your idea"
SOURCE_PREFIX = "https://teams.microsoft.com/"  # a "Submit as idea" message's own link


def taking_ideas(challenge: Challenge) -> None:
    ideas.require_taking_ideas(challenge)


def idea_form(turn: Turn, challenge: Challenge, *, values: dict[str, Any], data: dict[str, Any],
              errors: dict[str, str] | None = None, team: list[str] = ()) -> AdaptiveCard:  # fmt: skip
    """The idea form for `challenge`, holding `values` (typed, or the idea being edited)."""
    form = Form(values, errors)
    form.add(said(challenge.title, bold=True, limit=150))
    if challenge.brief:
        form.add(said(challenge.brief, subtle=True, limit=600))
    form.text(
        "title",
        "Title",
        required=True,
        max_length=TITLE_MAX,
        placeholder="A short name for your idea",
    )
    form.text(
        "problem",
        "What problem does it solve?",
        required=True,
        multiline=True,
        max_length=LONG_TEXT_MAX,
    )
    form.text(
        "proposal", "What do you propose?", required=True, multiline=True, max_length=LONG_TEXT_MAX
    )
    form.text(
        "benefit",
        "Expected benefit",
        multiline=True,
        max_length=LONG_TEXT_MAX,
        placeholder="Who benefits, and how you would know",
    )
    form.text(
        "funding_requested",
        "Funding requested (£)",
        required=True,
        placeholder="e.g. £1,500",
        max_length=20,
    )
    form.add(
        words(
            f"Whole pounds, up to {format_pounds(challenge.max_award)}. "
            "Enter 0 if you need no money.",
            subtle=True,
        )
    )
    others = [(u, name) for u, name in people.options(turn.ctx, also=team) if u != turn.user]
    form.choices(
        "team", "Team members (they cannot vote for it)", others, multi=True, initial=list(team)
    )
    form.text("partners", "Partners", max_length=500,
              placeholder="Other teams or organisations involved")  # fmt: skip
    if challenge.themes:
        form.choices("theme", "Theme", [(clip(t, 75), t) for t in challenge.themes])
    if challenge.allow_anonymous:
        form.toggle("anonymous", "Show my idea without my name", label="Anonymous")
    if data.get("source"):
        form.add(words("Pre-filled from a message.", subtle=True))
    editing = data.get("dialog") == Dialog.EDIT_IDEA
    return form.card("Save" if editing else "Submit", data, fallback="title")


def draft_of(turn: Turn, values: dict[str, Any]) -> IdeaDraft:
    """The form's values as the domain's validated draft (every problem at once)."""
    errors: dict[str, str] = {}
    team: list[str] = []
    try:
        team = people.chosen(
            turn.ctx, "team", [u for u in listed(values.get("team")) if u != turn.user]
        )
    except InvalidInput as bad:
        errors.update(bad.errors)
    try:
        draft = IdeaDraft.parse(
            title=values.get("title"), problem=values.get("problem"),
            proposal=values.get("proposal"), benefit=values.get("benefit"),
            funding_requested=values.get("funding_requested"), team=team,
            partners=values.get("partners"), theme=values.get("theme") or None,
            anonymous=flag(values.get("anonymous")),
        )  # fmt: skip
    except InvalidInput as bad:
        raise InvalidInput({**bad.errors, **errors}) from None
    if errors:
        raise InvalidInput(errors)
    return draft


def _prefill(data: dict[str, Any]) -> dict[str, Any]:
    prefill = data.get("prefill")
    if not isinstance(prefill, dict):
        return {}
    kept = {k: str(prefill[k]) for k in ("title", "problem") if prefill.get(k)}
    source = str(prefill.get("source") or "")
    if source.startswith(SOURCE_PREFIX) and len(source) <= 500:
        kept["source"] = source
    return kept


def _submit_data(challenge: Challenge, prefill: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"dialog": Dialog.SUBMIT_IDEA.value, "challenge": challenge.id}
    if prefill.get("source"):
        data["source"] = prefill["source"]
    return data


def picker(challenges: list[Challenge], prefill: dict[str, Any]) -> Show:
    form = Form()
    form.choices("challenge_id", "Which challenge is your idea for?",
                 [(str(c.id), c.title) for c in challenges[:100]], required=True)  # fmt: skip
    data = {"dialog": Dialog.PICK_CHALLENGE.value, "prefill": prefill}
    return Show(form.card("Next", data, fallback="challenge_id"), SUBMIT_TITLE)


def submit_form(turn: Turn, challenge: Challenge, prefill: dict[str, Any]) -> Show:
    taking_ideas(challenge)
    data = _submit_data(challenge, prefill)
    return Show(idea_form(turn, challenge, values=prefill, data=data), SUBMIT_TITLE)


@opens(Dialog.SUBMIT_IDEA)
def open_submit(turn: Turn, data: dict[str, Any]) -> Result:
    """The idea form of the challenge named, or of the only one taking ideas; else the picker.
    `data["prefill"]` (from the message action) starts the form off."""
    prefill = _prefill(data)
    challenge_id = optional_number(data, "challenge")
    if challenge_id is not None:
        return submit_form(turn, setup.load(turn.ctx, challenge_id), prefill)
    open_now = setup.taking_ideas(turn.ctx)
    if not open_now:
        raise WrongStage(Code.NONE_TAKING_IDEAS)
    if len(open_now) > 1:
        return picker(open_now, prefill)
    return submit_form(turn, open_now[0], prefill)


@submits(Dialog.PICK_CHALLENGE)
def submit_pick(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    challenge = setup.load(turn.ctx, number(data, "challenge_id"))
    return submit_form(turn, challenge, _prefill(data)), []


@submits(Dialog.SUBMIT_IDEA)
def submit_idea(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    challenge_id = number(data, "challenge")
    source = data.get("source") if str(data.get("source") or "").startswith(SOURCE_PREFIX) else None
    try:
        draft = draft_of(turn, data)
        result = ideas.submit_idea(turn.ctx, turn.user, challenge_id, draft,
                                   source_permalink=(source or "")[:500] or None)  # fmt: skip
    except LairError as error:
        challenge = setup.load(turn.ctx, challenge_id)
        card = idea_form(turn, challenge, values=data, data=_submit_data(challenge, data),
                         errors=field_errors(error, "title"))  # fmt: skip
        return Show(card, SUBMIT_TITLE), []
    idea, challenge = result.idea, result.challenge
    thanks = line("Your idea is in", "Thanks — your idea ", Bold(idea.title), f" (#{idea.id}) is in "
                  "for ", Bold(challenge.title), ". It will appear in the challenge's channel "
                  "shortly. Send “idea mine” to see your ideas and edit them while ideas are open.")  # fmt: skip
    return None, [Reply(thanks)]


def _values_of(view: ideas.IdeaView) -> dict[str, Any]:
    idea = view.idea
    return {
        "title": idea.title, "problem": idea.problem, "proposal": idea.proposal,
        "benefit": idea.benefit, "funding_requested": str(idea.funding_requested),
        "partners": idea.partners, "theme": idea.theme, "anonymous": idea.anonymous,
    }  # fmt: skip


def _editable(turn: Turn, idea_id: int) -> ideas.IdeaView:
    view = ideas.load_own(turn.ctx, turn.user, idea_id)
    ideas.require_editable(view.challenge)
    return view


@opens(Dialog.EDIT_IDEA)
def open_edit(turn: Turn, data: dict[str, Any]) -> Result:
    view = _editable(turn, number(data, "idea"))
    data = {"dialog": Dialog.EDIT_IDEA.value, "idea": view.idea.id}
    card = idea_form(turn, view.challenge, values=_values_of(view), data=data, team=view.team)
    return Show(card, EDIT_TITLE)


@submits(Dialog.EDIT_IDEA)
def submit_edit(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    idea_id = number(data, "idea")
    try:
        view = ideas.edit_idea(turn.ctx, turn.user, idea_id, draft_of(turn, data))
    except LairError as error:
        view = ideas.load_own(turn.ctx, turn.user, idea_id)
        card = idea_form(turn, view.challenge, values=data, errors=field_errors(error, "title"),
                         data={"dialog": Dialog.EDIT_IDEA.value, "idea": idea_id})  # fmt: skip
        return Show(card, EDIT_TITLE), []
    redraw.card(turn.ctx, idea_id)
    return None, [
        Reply(line("Your idea is saved", "Saved your changes to ", Bold(view.idea.title), "."))
    ]
