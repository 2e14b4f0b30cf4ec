"""The panel's dialogs: Score (one choice per criterion, a comment, the share toggle),
Declare conflict, and Panel scores (a dialog that only shows them). Slack's are
bot/slack/views/panel.py and bot/slack/listeners/scoring.py."""

from __future__ import annotations

from typing import Any

from bot.teams import redraw
from bot.teams.args import number
from bot.teams.cards import said, words
from bot.teams.dialogs.registry import opens, submits
from bot.teams.forms import Form, Result, Show, flag
from bot.teams.ids import Dialog
from bot.teams.panel import confirmation, scores_card
from bot.teams.refusals import field_errors
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line, sentence
from challenges import panel, scoring
from challenges.codes import Code
from challenges.errors import InvalidInput, LairError, Problem
from challenges.money import format_pounds
from challenges.scoring import COMMENT_MAX
from storage.models import Criterion

SCORE_TITLE, CONFLICT_TITLE = "Score idea", "Declare a conflict"


def _options(c: Criterion) -> list[tuple[str, str]]:
    def label(v: int) -> str:
        if v == c.scale_min:
            return f"{v} — lowest"
        return f"{v} — highest" if v == c.scale_max else str(v)

    return [(str(v), label(v)) for v in range(c.scale_min, c.scale_max + 1)]


def score_card(form: scoring.ScoreForm, values: dict[str, Any] | None = None,
               errors: dict[str, str] | None = None):  # fmt: skip
    idea = form.idea
    start: dict[str, Any] = {f"score.{k}": v for k, v in form.values.items()}
    start.update(comment=form.comment, share_comment=form.share_comment)
    sheet = Form({**start, **(values or {})}, errors)
    sheet.add(said(idea.title, bold=True, limit=150),
              words(f"Asking for {format_pounds(idea.funding_requested)}", subtle=True))  # fmt: skip
    for c in form.criteria:
        weight = f" (weight {c.weight:g})" if c.weight != 1 else ""
        sheet.add(said(f"{c.name}{weight}", bold=True, limit=200))
        sheet.choices(f"score.{c.key}", "Score", _options(c), required=True)
    sheet.text("comment", "Comment", multiline=True, max_length=COMMENT_MAX,
               placeholder="Your reasons, for the panel")  # fmt: skip
    sheet.toggle("share_comment", "Share my comment with the author with the results",
                 label="Feedback")  # fmt: skip
    sheet.add(words("The rest of the panel cannot see your scores until they have scored this idea "
                    "themselves. You can change them until the panel closes.", subtle=True))  # fmt: skip
    data = {"dialog": Dialog.SCORE.value, "idea": idea.id}
    return sheet.card("Save scores", data, fallback="comment")


def _scores(form: scoring.ScoreForm, data: dict[str, Any]) -> dict[str, int]:
    values, errors = {}, {}
    for c in form.criteria:
        raw = str(data.get(f"score.{c.key}") or "").strip()
        if not raw:
            continue  # the domain says which are missing
        try:
            values[c.key] = int(raw)
        except ValueError:
            errors[f"score.{c.key}"] = Problem(
                Code.SCORE_RANGE, {"criterion": c.name, "low": c.scale_min, "high": c.scale_max}
            )
    if errors:
        raise InvalidInput(errors)
    return values


@opens(Dialog.SCORE)
def open_score(turn: Turn, data: dict[str, Any]) -> Result:
    return Show(
        score_card(scoring.score_form(turn.ctx, turn.user, number(data, "idea"))), SCORE_TITLE
    )


@submits(Dialog.SCORE)
def submit_score(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    idea_id = number(data, "idea")
    form = scoring.score_form(turn.ctx, turn.user, idea_id)  # refuses if they may not score now
    try:
        result = scoring.record_scores(
            turn.ctx, member=turn.user, idea_id=idea_id, values=_scores(form, data),
            comment=str(data.get("comment") or "").strip(),
            share_comment=flag(data.get("share_comment")), via="dialog",
        )  # fmt: skip
    except LairError as error:
        return Show(score_card(form, data, field_errors(error, "comment")), SCORE_TITLE), []
    if result.changed:
        redraw.panel_parent(turn.ctx, idea_id)
    return None, [Reply(confirmation(result, via_thread=False))]


def conflict_card(idea_id: int, title: str, values: dict[str, Any] | None = None,
                  errors: dict[str, str] | None = None):  # fmt: skip
    form = Form(values, errors)
    form.add(
        sentence(
            "You will not score ",
            Bold(title),
            " and drop out of its count. A score "
            "you already gave it stops counting. This is recorded and cannot be undone "
            "here.",
        )
    )
    form.text("reason", "Reason", multiline=True, max_length=500,
              placeholder="For the coordinator's record, e.g. “I manage one of the team”")  # fmt: skip
    return form.card(
        "Declare", {"dialog": Dialog.CONFLICT.value, "idea": idea_id}, fallback="reason"
    )


@opens(Dialog.CONFLICT)
def open_conflict(turn: Turn, data: dict[str, Any]) -> Result:
    idea = panel.check_declarable(turn.ctx, turn.user, number(data, "idea"))
    return Show(conflict_card(idea.id, idea.title), CONFLICT_TITLE)


@submits(Dialog.CONFLICT)
def submit_conflict(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    idea_id = number(data, "idea")
    try:
        idea = panel.declare_conflict(turn.ctx, turn.user, idea_id, str(data.get("reason") or ""))
    except LairError as error:
        idea = panel.check_declarable(turn.ctx, turn.user, idea_id)
        return Show(conflict_card(idea_id, idea.title, data, field_errors(error, "reason")),
                    CONFLICT_TITLE), []  # fmt: skip
    redraw.panel_parent(turn.ctx, idea_id)
    noted = line("A conflict of interest", "Noted: you have a conflict of interest with ",
                 Bold(idea.title), ". You will not score it, and it is scored by the rest of the panel.")  # fmt: skip
    return None, [Reply(noted)]


@opens(Dialog.PANEL_SCORES)
def open_panel_scores(turn: Turn, data: dict[str, Any]) -> Result:
    scores = scoring.panel_scores(turn.ctx, turn.user, number(data, "idea"))
    return Show(scores_card(turn, scores), "Panel scores")
