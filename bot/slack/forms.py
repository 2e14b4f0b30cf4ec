"""Modal state parsed once into the domain's validated inputs.

Errors come back as `InvalidInput` whose keys are block ids, ready for
`ack(response_action="errors", errors=...)`.
"""

import re
from collections.abc import Sequence
from datetime import date, time
from typing import Any

from bot.slack.ids import INPUT, Block, award_block, outcome_block, score_block
from bot.slack.views.challenge_modal import OPTIONS
from bot.words import SLACK_FORM, say_problem
from challenges.clock import local_to_utc, valid_timezone
from challenges.codes import Code
from challenges.decisions import DecisionInput
from challenges.errors import InvalidInput, LairError, Problem, problem_of
from challenges.inputs import ChallengeDraft, IdeaDraft
from challenges.learning import UpdateDraft
from challenges.money import parse_pounds
from storage.enums import Outcome

_DATE_TIMES = [
    (Block.OPENS_DATE, Block.OPENS_TIME),
    (Block.SUBMISSIONS_CLOSE_DATE, Block.SUBMISSIONS_CLOSE_TIME),
    (Block.VOTING_CLOSE_DATE, Block.VOTING_CLOSE_TIME),
    (Block.PANEL_CLOSE_DATE, Block.PANEL_CLOSE_TIME),
]


def picker_choice(view: dict) -> str | None:
    """The challenge chosen in the picker (its id as Slack sent it)."""
    return _values(view).get(Block.CHALLENGE)


def picker_prefill(view: dict) -> dict[str, str]:
    """The title and problem the challenge picker carries (pre-filled from a message)."""
    v = _values(view)
    return {name: v[name] for name in (Block.TITLE, Block.PROBLEM) if v.get(name)}


def _values(view: dict) -> dict[str, Any]:
    """Block id → the input's value, whatever kind of element it is."""
    out: dict[str, Any] = {}
    for block_id, actions in (view.get("state") or {}).get("values", {}).items():
        element = actions.get(INPUT) or next(iter(actions.values()), {})
        kind = element.get("type")
        if kind == "plain_text_input":
            out[block_id] = element.get("value")
        elif kind in ("static_select", "external_select"):
            option = element.get("selected_option")
            out[block_id] = option["value"] if option else None
        elif kind == "multi_static_select":
            out[block_id] = [o["value"] for o in element.get("selected_options") or []]
        elif kind == "multi_users_select":
            out[block_id] = element.get("selected_users") or []
        elif kind == "conversations_select":
            out[block_id] = element.get("selected_conversation")
        elif kind == "checkboxes":
            out[block_id] = [o["value"] for o in element.get("selected_options") or []]
        elif kind == "datepicker":
            out[block_id] = element.get("selected_date")
        elif kind == "timepicker":
            out[block_id] = element.get("selected_time")
        else:
            out[block_id] = element.get("value")
    return out


def theme_of(value: str | None, themes: Sequence[str]) -> str | None:
    """The theme an option value names (bot/slack/views/idea_modal.theme_key); anything else
    is passed on as it is, for the domain to refuse as not one of the challenge's themes."""
    if (
        value
        and value.startswith("theme:")
        and value[6:].isdigit()
        and int(value[6:]) < len(themes)
    ):
        return themes[int(value[6:])]
    return value


def idea_form(view: dict, themes: Sequence[str] = ()) -> IdeaDraft:
    """The idea modal's values; `themes` are the challenge's, as its theme options list them."""
    v = _values(view)
    return IdeaDraft.parse(
        title=v.get(Block.TITLE),
        problem=v.get(Block.PROBLEM),
        proposal=v.get(Block.PROPOSAL),
        benefit=v.get(Block.BENEFIT),
        funding_requested=v.get(Block.FUNDING),
        team=v.get(Block.TEAM) or [],
        partners=v.get(Block.PARTNERS),
        theme=theme_of(v.get(Block.THEME), themes),
        anonymous="anonymous" in (v.get(Block.ANONYMOUS) or []),
    )


def learning_form(view: dict) -> UpdateDraft:
    v = _values(view)
    return UpdateDraft.parse(
        status=v.get(Block.LEARNING_STATUS), did=v.get(Block.DID), happened=v.get(Block.HAPPENED),
        learned=v.get(Block.LEARNED), advice=v.get(Block.ADVICE), spent=v.get(Block.SPENT),
        link=v.get(Block.LINK),
    )  # fmt: skip


def challenge_form(view: dict) -> ChallengeDraft:
    v = _values(view)
    errors: dict[str, str] = {}
    zone = (v.get(Block.TIMEZONE) or "Europe/London").strip()
    try:
        valid_timezone(zone)
    except ValueError as exc:
        raise InvalidInput({Block.TIMEZONE.value: problem_of(exc)}) from None
    moments = {}
    for date_block, time_block in _DATE_TIMES:
        day, at = v.get(date_block), v.get(time_block)
        if day and not at:
            errors[time_block.value] = Problem(Code.PICK_TIME_TOO)
        elif at and not day:
            errors[date_block.value] = Problem(Code.PICK_DATE_TOO)
        elif day and at:
            moments[date_block.value] = local_to_utc(
                date.fromisoformat(day), time.fromisoformat(at), zone
            )
    if errors:
        raise InvalidInput(errors)
    options = set(v.get(Block.OPTIONS) or [])
    return ChallengeDraft.parse(
        title=v.get(Block.TITLE),
        brief=v.get(Block.BRIEF),
        themes=v.get(Block.THEMES) or "",
        channel_id=v.get(Block.CHANNEL),
        panel_channel_id=v.get(Block.PANEL_CHANNEL),
        fund_pot=v.get(Block.FUND_POT),
        max_award=v.get(Block.MAX_AWARD),
        vote_budget=v.get(Block.VOTE_BUDGET) or 3,
        shortlist_size=v.get(Block.SHORTLIST_SIZE) or 5,
        criteria=v.get(Block.CRITERIA) or "",
        scale_max=v.get(Block.SCALE_MAX) or 5,
        timezone=zone,
        reminder_lead_hours=v.get(Block.REMINDER_LEAD) or 24,
        learning_update_dates=v.get(Block.LEARNING_DATES) or "",
        **moments,
        **{name: name in options for name in OPTIONS},
    )


def modal_errors(error: InvalidInput, known_blocks: set[str], fallback: str) -> dict[str, str]:
    """Place each message on its block; messages for fields not on the form go to `fallback`."""
    errors: dict[str, str] = {}
    for field, problem in error.errors.items():
        message = say_problem(problem, SLACK_FORM)
        block = field if field in known_blocks else fallback
        errors[block] = f"{errors[block]} {message}" if block in errors else message
    return errors


def block_ids(view: dict) -> set[str]:
    return {b.get("block_id") for b in view.get("blocks", []) if b.get("block_id")}


def panel_members(view: dict) -> list[str] | None:
    """The challenge form's panel, or None when the form has no panel input."""
    if Block.PANEL.value not in block_ids(view):
        return None
    return list(_values(view).get(Block.PANEL) or [])


def score_form(view: dict, criterion_keys: list[str]) -> tuple[dict[str, int], str, bool]:
    """(criterion key -> value, comment, share the comment with the author)."""
    v = _values(view)
    scores = {}
    for key in criterion_keys:
        raw = v.get(score_block(key))
        if raw is not None:
            scores[key] = option_number(raw)
    comment = (v.get(Block.COMMENT) or "").strip()
    return scores, comment, "share" in (v.get(Block.SHARE_COMMENT) or [])


def shortlist_form(view: dict) -> list[int]:
    return [option_number(i) for i in _values(view).get(Block.SHORTLIST) or []]


def option_number(value: Any) -> int:
    """A number Lair put in an option's or a button's value. Anything else did not come
    from a form Lair drew (an old form, or a forged request): refused as out of date."""
    text = str(value or "")
    if not _OPTION_NUMBER.fullmatch(text):
        raise LairError(Code.FORM_OUT_OF_DATE)
    return int(text)


_OPTION_NUMBER = re.compile(r"-?[0-9]{1,12}")


def decide_form(view: dict, idea_ids: list[int]) -> tuple[list[DecisionInput], bool]:
    """The decisions on the form's page, and whether to announce."""
    v = _values(view)
    inputs, errors = [], {}
    for idea_id in idea_ids:
        outcome = v.get(outcome_block(idea_id))
        award = 0
        if outcome == Outcome.FUND:
            try:
                award = parse_pounds(v.get(award_block(idea_id)), field="award")
            except ValueError as exc:
                errors[award_block(idea_id)] = problem_of(exc)
        inputs.append(DecisionInput(idea_id=idea_id, outcome=outcome or "", award=award))
    if errors:
        raise InvalidInput(errors)
    return inputs, "announce" in (v.get(Block.ANNOUNCE) or [])


def refuse(ack, view: dict, error: LairError, fallback: str) -> None:
    """Answer a modal submission with the domain error shown beside the input it is about
    (or on `fallback` when it names no input on this form); the person's text stays."""
    errors = (
        error
        if isinstance(error, InvalidInput)
        else InvalidInput({error.field or fallback: error.problem})
    )
    ack(response_action="errors", errors=modal_errors(errors, block_ids(view), fallback))
