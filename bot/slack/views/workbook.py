"""Messages about the workbook: the import preview with Confirm and Cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.slack.ids import Action
from bot.slack.views.text import SECTION, clip_mrkdwn, escape, fit
from bot.words import SLACK, say_problem
from challenges.money import format_pounds

if TYPE_CHECKING:  # the importer loads openpyxl; only its type is named here
    from challenges.workbook import ImportPreview

LABELS = {None: "no decision", "fund": "fund", "dont_fund": "don't fund", "defer": "defer"}
MAX_LINES = 40
MAX_WARNINGS = 40


def _label(outcome: str | None, award: int) -> str:
    return f"fund {format_pounds(award)}" if outcome == "fund" else LABELS.get(outcome, outcome)


def import_preview(preview: ImportPreview) -> tuple[str, list[Block]]:
    title = escape(preview.challenge_title)
    if not preview.changes:
        text = f"Your workbook for *{title}* (#{preview.challenge_id}) has no changes to the decisions Lair holds."
        return text, [SectionBlock(text=MarkdownTextObject(text=text))]
    lines = [
        f"• *{fit(c.title, 400)}* (#{c.idea_id}): {_label(c.old_outcome, c.old_award)} → *{_label(c.new_outcome, c.new_award)}*"
        for c in preview.changes[:MAX_LINES]
    ]
    if len(preview.changes) > MAX_LINES:
        lines.append(f"…and {len(preview.changes) - MAX_LINES} more.")
    head = (
        f"Your workbook for *{title}* (#{preview.challenge_id}) changes {len(preview.changes)} decision(s). "
        "Nothing is recorded until you confirm."
    )
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=head)),
        SectionBlock(text=MarkdownTextObject(text=clip_mrkdwn("\n".join(lines), 2900))),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"Awards would total {format_pounds(preview.total_awarded)} of the {format_pounds(preview.pot)} pot."
            + (f" {preview.unchanged} row(s) already match." if preview.unchanged else "")
        )]),
    ]  # fmt: skip
    for warning in preview.warnings[:MAX_WARNINGS]:  # within a message's 50 blocks
        said = clip_mrkdwn(say_problem(warning, SLACK), SECTION - 3)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=f"⚠️ {said}")))
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="Record these decisions",
                    action_id=Action.IMPORT_CONFIRM.value,
                    value=str(preview.import_id),
                    style="primary",
                    confirm=ConfirmObject(
                        title="Record the decisions?",
                        confirm="Record",
                        deny="Not yet",
                        text="They will be recorded and audited. Results are announced separately with /challenge decide.",
                    ),
                ),
                ButtonElement(
                    text="Cancel",
                    action_id=Action.IMPORT_CANCEL.value,
                    value=str(preview.import_id),
                ),
            ]
        )  # fmt: skip
    )
    return (
        f"Decisions from your workbook for {title}: {len(preview.changes)} change(s) to confirm",
        blocks,
    )
