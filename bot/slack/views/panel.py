"""The panel's surfaces: each idea's parent message, the score and conflict forms, the
scores a member may see once they have scored, and the private confirmations."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.ids import INPUT, Action, Callback, score_block
from bot.slack.ids import Block as B
from bot.slack.metadata import IdeaPlaceMetadata
from bot.slack.views.cards import removed_card
from bot.slack.views.inputs import tick_box
from bot.slack.views.text import SECTION, clip_mrkdwn, escape, fit, mention, plain, quote
from challenges.money import format_pounds
from challenges.scoring import PanelCard, PanelScores, ScoreForm, ScoreResult, example
from challenges.stages import Stage
from storage.enums import IdeaStatus
from storage.models import Criterion


def _scores_button(idea_id: int) -> ButtonElement:
    return ButtonElement(
        text="Panel scores", action_id=Action.SHOW_SCORES.value, value=str(idea_id)
    )


def panel_parent(
    card: PanelCard, criteria: list[Criterion] | None = None
) -> tuple[str, list[Block]]:
    """One shortlisted idea in the panel channel; its thread is where the panel discusses it."""
    idea, challenge = card.idea, card.challenge
    if idea.status == IdeaStatus.REMOVED:
        return removed_card(idea, challenge)
    who = "Anonymous" if idea.anonymous else ", ".join(mention(u) for u in card.team)
    fields = [
        MarkdownTextObject(text=f"*Team*\n{who}"),
        MarkdownTextObject(text=f"*Asking for*\n{format_pounds(idea.funding_requested)}"),
        MarkdownTextObject(text=f"*Votes*\n{card.votes}"),
    ]
    if idea.theme:
        fields.append(MarkdownTextObject(text=f"*Theme*\n{fit(idea.theme, 1900)}"))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(idea.title)}*  ·  idea #{idea.id}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Problem*\n{fit(idea.problem, 700)}")),
        SectionBlock(text=MarkdownTextObject(text=f"*Proposal*\n{fit(idea.proposal, 1200)}")),
    ]  # fmt: skip
    if idea.benefit:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(text=f"*Expected benefit*\n{fit(idea.benefit, 700)}")
            )
        )
    blocks.append(SectionBlock(fields=fields))
    progress = f"*{card.scored} of {card.eligible} scored*"
    if not idea.shortlisted:
        blocks.append(
            ContextBlock(
                elements=[MarkdownTextObject(text="_Taken off the shortlist by the coordinator._")]
            )
        )
    elif challenge.stage == Stage.PANEL:
        blocks.append(
            ActionsBlock(
                elements=[
                    ButtonElement(
                        text="Score",
                        action_id=Action.SCORE_IDEA.value,
                        value=str(idea.id),
                        style="primary",
                    ),
                    _scores_button(idea.id),
                    ButtonElement(
                        text="Declare conflict",
                        action_id=Action.DECLARE_CONFLICT.value,
                        value=str(idea.id),
                    ),
                ]
            )  # fmt: skip
        )
        how = "Discuss it in this thread."
        if criteria:
            positional, _named = example(criteria)
            how += (
                f" To score here, reply `{positional}` (one score per criterion, in order, then a "
                "comment) — the thread is visible to the channel; *Score* keeps yours private."
            )
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=f"{progress} · {how}")]))
    else:
        blocks.append(ActionsBlock(elements=[_scores_button(idea.id)]))
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=f"{progress} · Scoring has closed.")])
        )
    return f"Shortlisted: {escape(idea.title)} ({card.scored} of {card.eligible} scored)", blocks


def _score_options(c: Criterion) -> list[Option]:
    def label(v: int) -> str:
        if v == c.scale_min:
            return f"{v} — lowest"
        if v == c.scale_max:
            return f"{v} — highest"
        return str(v)

    return [Option(value=str(v), text=label(v)) for v in range(c.scale_min, c.scale_max + 1)]


def score_modal(form: ScoreForm, *, channel: str | None, thread_ts: str | None) -> View:
    idea = form.idea
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(idea.title)}*\nAsking for {format_pounds(idea.funding_requested)}"
            )
        )
    ]
    for c in form.criteria:
        options = _score_options(c)
        current = form.values.get(c.key)
        initial = next((o for o in options if o.value == str(current)), None)
        weight = f" (weight {c.weight:g})" if c.weight != 1 else ""
        blocks.append(
            InputBlock(
                block_id=score_block(c.key),
                label=plain(f"{c.name}{weight}", 2000),
                element=StaticSelectElement(
                    action_id=INPUT,
                    options=options,
                    initial_option=initial,
                    placeholder=f"{c.scale_min}–{c.scale_max}",
                ),
            )  # fmt: skip
        )
    blocks.append(
        InputBlock(
            block_id=B.COMMENT.value,
            label="Comment",
            optional=True,
            hint="Your reasons, for the panel. Tick below to share it with the author too.",
            element=PlainTextInputElement(
                action_id=INPUT, multiline=True, max_length=3000, initial_value=form.comment or None
            ),
        )  # fmt: skip
    )
    blocks.append(
        tick_box(B.SHARE_COMMENT.value, "Feedback", value="share",
                 text="Share my comment with the author with the results", ticked=form.share_comment)
    )  # fmt: skip
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="The rest of the panel cannot see your scores until they have scored this "
                    "idea themselves. You can change them until the panel closes."
                )
            ]
        )
    )
    return View(
        type="modal",
        callback_id=Callback.SCORE.value,
        title=PlainTextObject(text="Score idea"),
        submit=PlainTextObject(text="Save scores"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=IdeaPlaceMetadata(
            idea_id=idea.id, channel=channel, thread_ts=thread_ts
        ).dump(),
        blocks=blocks,
    )


def conflict_modal(idea_id: int, title: str, *, channel: str | None, thread_ts: str | None) -> View:
    return View(
        type="modal",
        callback_id=Callback.DECLARE_CONFLICT.value,
        title=PlainTextObject(text="Declare a conflict"),
        submit=PlainTextObject(text="Declare"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=IdeaPlaceMetadata(
            idea_id=idea_id, channel=channel, thread_ts=thread_ts
        ).dump(),
        blocks=[
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"You will not score *{escape(title)}* and drop out of its count. "
                    "A score you already gave it stops counting. This is recorded and cannot be undone here."
                )
            ),
            InputBlock(
                block_id=B.CONFLICT_REASON.value, label="Reason", optional=True,
                hint="For the coordinator's record, e.g. “I manage one of the team”.",
                element=PlainTextInputElement(action_id=INPUT, multiline=True, max_length=500),
            ),
        ],
    )  # fmt: skip


def _line(criteria: list[Criterion], values) -> str:
    """Each criterion's name and value, at most 1,000 characters as sent."""
    return clip_mrkdwn(
        " · ".join(
            f"{escape(c.name)} {v if isinstance(v, int) else f'{v:.1f}'}"
            for c, v in zip(criteria, values, strict=True)
        ),
        1000,
    )


def scores_modal(scores: PanelScores) -> View:
    """The panel's scores for an idea, for someone allowed to see them."""
    criteria = scores.criteria
    counting = [c for c in scores.cards if c.counts]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(scores.idea.title)}*\n{scores.scored} of {scores.eligible} panel members have scored."
            )
        )
    ]
    if counting:
        means = [sum(c.values[i] for c in counting) / len(counting) for i in range(len(criteria))]
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text=f"*Mean* — {_line(criteria, means)}"))
        )
    blocks.append(DividerBlock())
    for card in scores.cards[:45]:
        note = "" if card.counts else "  _(conflict declared: not counted)_"
        text = f"{mention(card.member)}{note}\n{_line(criteria, card.values)}"
        if card.comment:
            text += "\n" + quote(card.comment, SECTION - len(text) - 1)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=text)))
    return View(
        type="modal",
        callback_id=Callback.PANEL_SCORES.value,
        title=PlainTextObject(text="Panel scores"),
        close=PlainTextObject(text="Close"),
        blocks=blocks,
    )


def score_confirmation(result: ScoreResult, *, via_thread: bool) -> tuple[str, list[Block]]:
    """The private reply after a member scores."""
    values = [result.values[c.key] for c in result.criteria]
    title = escape(result.idea.title)
    if result.changed:
        head = f"✅ {'Scored' if result.created else 'Updated your scores for'} *{title}*: {_line(result.criteria, values)}."
    else:
        head = f"Your scores for *{title}* are unchanged: {_line(result.criteria, values)}."
    lines = [head, f"{result.scored} of {result.eligible} panel members have scored it. "
             "You can change your scores until the panel closes."]  # fmt: skip
    if via_thread:
        lines.append(
            "Your reply is visible in the thread; the *Score* button keeps scores private. "
            + (
                "Your comment is shared with the author with the results."
                if result.share_comment and result.comment
                else "Comments stay within the panel unless you tick *Share* in the Score form."
            )
        )
    text = "\n".join(lines)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip_mrkdwn(text, SECTION))),
        ActionsBlock(elements=[_scores_button(result.idea.id)]),
    ]
    return clip_mrkdwn(text.replace("*", ""), 3000), blocks
