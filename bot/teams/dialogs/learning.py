"""The learning-update dialog: opened by the reminder's *Share an update* button or the
button `idea update` answers with. Slack's is bot/slack/views/learning.py and
bot/slack/listeners/learning.py: the same domain calls, the same refusals."""

from __future__ import annotations

from datetime import date
from typing import Any

from microsoft_teams.cards import AdaptiveCard

from bot.teams.args import number
from bot.teams.cards import said, words
from bot.teams.dialogs.registry import opens, submits
from bot.teams.forms import Form, Result, Show
from bot.teams.ids import Dialog
from bot.teams.refusals import field_errors
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line
from challenges import learning
from challenges.errors import LairError
from challenges.money import format_pounds

TITLE = "Share a learning update"
STATUSES = [("on_track", "On track"), ("changed_course", "Changed course"),
            ("stopped", "Stopped early (a result worth sharing too)")]  # fmt: skip
QUESTIONS = [("did", "What we did"), ("happened", "What happened"),
             ("learned", "What we learned"), ("advice", "What we'd tell another council")]  # fmt: skip


def _day(data: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(str(data["date"])) if data.get("date") else None
    except ValueError:
        return None


def _values(form: learning.UpdateForm) -> dict[str, Any]:
    old = form.existing
    if old is None:
        return {}
    values = {name: getattr(old, name) for name, _ in QUESTIONS}
    return {**values, "status": old.status, "spent": learning.format_pence(old.spent_pence),
            "link": old.link or ""}  # fmt: skip


def update_form(form: learning.UpdateForm, values: dict[str, Any],
                errors: dict[str, str] | None = None) -> AdaptiveCard:  # fmt: skip
    funded = form.funded
    card = Form(values, errors)
    card.add(said(funded.idea.title, bold=True, limit=150))
    card.add(words(f"Funded {format_pounds(funded.award)} · update for {form.due_date:%-d %B %Y}. "
                   "Whatever happened is worth sharing: stopping early teaches the next round too.",
                   subtle=True))  # fmt: skip
    if form.existing is not None:
        card.add(
            words("You are changing the update your team shared; its card is updated.", subtle=True)
        )
    card.choices("status", "Where does the idea stand?", STATUSES, required=True, expanded=True)
    for name, label in QUESTIONS:
        card.text(
            name, label, multiline=True, max_length=learning.TEXT_MAX, required=name == "learned"
        )
    card.text("spent", "£ spent so far", required=True, max_length=20, placeholder="e.g. £1,250.50")
    card.text("link", "Link to evidence (a web address)", max_length=learning.LINK_MAX,
              placeholder="https://…")  # fmt: skip
    data = {
        "dialog": Dialog.LEARNING_UPDATE.value,
        "idea": funded.idea.id,
        "date": form.due_date.isoformat(),
    }
    return card.card("Save" if form.existing else "Share", data, fallback="learned")


@opens(Dialog.LEARNING_UPDATE)
def open_update(turn: Turn, data: dict[str, Any]) -> Result:
    form = learning.form(turn.ctx, turn.user, number(data, "idea"), _day(data))
    return Show(update_form(form, _values(form)), TITLE)


@submits(Dialog.LEARNING_UPDATE)
def submit_update(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    idea_id, day = number(data, "idea"), _day(data)
    try:
        draft = learning.UpdateDraft.parse(
            status=data.get("status"), did=data.get("did"), happened=data.get("happened"),
            learned=data.get("learned"), advice=data.get("advice"), spent=data.get("spent"),
            link=data.get("link"),
        )  # fmt: skip
        shared = learning.share(turn.ctx, turn.user, idea_id, day, draft)
    except LairError as error:
        form = learning.form(
            turn.ctx, turn.user, idea_id, day
        )  # refuses what cannot be shown again
        return Show(update_form(form, data, field_errors(error, "learned")), TITLE), []
    said_ = ("Thank you — your team's learning update on " if shared.first
             else "Your team's update on ")  # fmt: skip
    after = (" is shared, and will appear in the challenge's channel shortly." if shared.first
             else " is changed, and its card updated.")  # fmt: skip
    return None, [Reply(line("Learning update shared", said_, Bold(shared.idea.title),
                             f" for {shared.update.due_date:%-d %B %Y}", after))]  # fmt: skip
