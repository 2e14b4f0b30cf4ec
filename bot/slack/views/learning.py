"""Learning updates in Slack: the form, the card in the challenge channel, the reminders'
button and the coordinator's overview with its Nudge buttons."""

from datetime import date

from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
)
from slack_sdk.models.blocks import Block as SlackBlock
from slack_sdk.models.views import View

from bot.slack.ids import INPUT, Action, Block, Callback
from bot.slack.metadata import LearningFormMetadata
from bot.slack.views.idea_modal import _text_input as _text
from bot.slack.views.text import (
    HEADER,
    channel,
    clip,
    clip_mrkdwn,
    escape,
    fit,
    mention,
    plain,
    stop,
)
from challenges.learning import (
    LINK_MAX,
    TEXT_MAX,
    LearningCard,
    LearningNudge,
    UpdateForm,
    format_pence,
)
from challenges.learning_overview import DateState, Overview
from challenges.money import format_pounds
from storage.enums import LearningStatus

Rendered = tuple[str, list[SlackBlock]]

STATUS_LABELS = {
    LearningStatus.ON_TRACK: "On track",
    LearningStatus.CHANGED_COURSE: "Changed course",
    LearningStatus.STOPPED: "Stopped early",
}
STATUS_ICONS = {
    LearningStatus.ON_TRACK: "🟢",
    LearningStatus.CHANGED_COURSE: "🔀",
    LearningStatus.STOPPED: "🛑",
}
STATE_WORDS = {
    DateState.RECEIVED: "✅ received",
    DateState.UPCOMING: "🗓️ upcoming",
    DateState.DUE: "⏳ due",
    DateState.OVERDUE: "⚠️ *overdue*",
}
QUESTIONS = [
    (Block.DID, "What we did"),
    (Block.HAPPENED, "What happened"),
    (Block.LEARNED, "What we learned"),
    (Block.ADVICE, "What we'd tell another council"),
]
MAX_MESSAGE_BLOCKS = 50


def day_label(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def share_button(idea_id: int, day: date | None) -> ButtonElement:
    value = f"{idea_id}:{day.isoformat()}" if day else str(idea_id)
    return ButtonElement(
        text="Share an update", action_id=Action.SHARE_UPDATE.value, value=value, style="primary"
    )


def learning_modal(form: UpdateForm) -> View:
    """The update form, filled with the team's update when they are changing it."""
    idea, challenge = form.funded.idea, form.funded.challenge
    old = form.existing
    options = [Option(value=s.value, text=STATUS_LABELS[s]) for s in LearningStatus]
    initial = next((o for o in options if old and o.value == old.status), None)
    intro = (
        f"*{escape(clip(idea.title, 150))}* · funded {format_pounds(form.funded.award)} by "
        f"*{escape(clip(challenge.title, 150))}* · update for {day_label(form.due_date)}\n"
        "Whatever happened is worth sharing: stopping early teaches the next round too."
    )
    if old is not None:
        intro += "\nYou are changing the update your team shared; the posted card is updated."
    blocks = [
        SectionBlock(text=MarkdownTextObject(text=intro)),
        InputBlock(block_id=Block.LEARNING_STATUS.value, label="Where does the idea stand?",
                   element=StaticSelectElement(action_id=INPUT, options=options,
                                               initial_option=initial)),
        *[
            _text(block, label, initial=getattr(old, block.value, None), optional=block != Block.LEARNED,
                  multiline=True, max_length=TEXT_MAX)
            for block, label in QUESTIONS
        ],
        _text(Block.SPENT, "£ spent so far", multiline=False, max_length=20,
              initial=format_pence(old.spent_pence) if old else None, optional=False,
              placeholder="e.g. £1,250.50", hint="Pounds, and pence if you like. 0 if nothing yet."),
        _text(Block.LINK, "Link to evidence", multiline=False, max_length=LINK_MAX,
              initial=old.link if old else None, optional=True,
              placeholder="https://…", hint="A report, photos or data (a web address)."),
    ]  # fmt: skip
    return View(
        type="modal",
        callback_id=Callback.LEARNING_UPDATE.value,
        title=PlainTextObject(text="Share a learning update"),
        submit=PlainTextObject(text="Share" if old is None else "Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=LearningFormMetadata(idea_id=idea.id, date=form.due_date).dump(),
        blocks=blocks,
    )


def learning_card(card: LearningCard) -> Rendered:
    """A shared update, posted in the challenge channel (or the results thread)."""
    update, idea = card.update, card.idea
    status = LearningStatus(update.status)
    title = fit(idea.title, 140)
    head = (
        f"📓 *Learning from {title}* — {STATUS_ICONS[status]} {STATUS_LABELS[status]}\n"
        f"Funded {format_pounds(card.award)} · spent so far {format_pence(update.spent_pence)} · "
        f"update for {day_label(update.due_date)}"
    )
    blocks: list[SlackBlock] = [SectionBlock(text=MarkdownTextObject(text=head))]
    for block, label in QUESTIONS:
        text = getattr(update, block.value)
        if text:
            body = fit(text, 2900)
            blocks.append(SectionBlock(text=MarkdownTextObject(text=f"*{label}*\n{body}")))
    footer = f"Shared by {mention(card.by)}" if card.by else "Shared by the team"
    if update.link:
        target = escape(update.link).replace("|", "%7C")
        footer += f" · <{target}|evidence>"
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip_mrkdwn(footer, 2000))]))
    text = f"Learning from {clip(idea.title, 100)}: {STATUS_LABELS[status].lower()}"
    return escape(text), blocks


def learning_reminder(idea, challenge, award: int, day: date | None) -> Rendered:
    """The DM to each member of a funded team on a learning date, with the form's button."""
    line = (
        f"📓 Time for a learning update on *{escape(idea.title)}*, funded with "
        f"{format_pounds(award)} by *{escape(challenge.title)}*{stop(challenge.title)} Press *Share an update* (or type "
        "`/idea update`): where it stands, what you did, what happened, what you learned. Ideas "
        "that didn't work teach the next round as much as the ones that did; the update is "
        f"posted in {channel(challenge.channel_id)}."
    )
    return _plain(line), [
        SectionBlock(text=MarkdownTextObject(text=line)),
        ActionsBlock(elements=[share_button(idea.id, day)]),
    ]


def learning_nudge(nudge: LearningNudge) -> Rendered:
    who = "Your coordinator asks again" if nudge.by_coordinator else "A reminder"
    line = (
        f"📓 {who}: the learning update on *{escape(nudge.idea.title)}* for "
        f"{day_label(nudge.day)} has not been shared yet. It takes a few minutes, and stopping "
        "early is a result worth sharing too."
    )
    return _plain(line), [
        SectionBlock(text=MarkdownTextObject(text=line)),
        ActionsBlock(elements=[share_button(nudge.idea.id, nudge.day)]),
    ]


def _plain(line: str) -> str:
    return clip_mrkdwn(line.replace("*", ""), 300)


def overview_message(view: Overview) -> Rendered:
    """`/challenge learning`: each funded idea's updates, with Nudge for an overdue team."""
    c = view.challenge
    title = fit(c.title, 140)
    if not view.announced:
        text = f"The awards for *{title}* (#{c.id}) have not been announced yet; learning updates open after."
        return _plain(text), [SectionBlock(text=MarkdownTextObject(text=text))]
    if not view.ideas:
        text = f"*{title}* (#{c.id}) funded no ideas, so there is no learning to follow."
        return _plain(text), [SectionBlock(text=MarkdownTextObject(text=text))]
    counts = (
        f"{view.total(DateState.RECEIVED)} received · {view.total(DateState.DUE)} due · "
        f"{view.total(DateState.OVERDUE)} overdue · {view.total(DateState.UPCOMING)} upcoming"
    )
    blocks: list[SlackBlock] = [
        HeaderBlock(text=plain(f"📓 Learning: {c.title}", HEADER)),
        ContextBlock(elements=[MarkdownTextObject(text=f"#{c.id} · {counts}")]),
    ]
    room = MAX_MESSAGE_BLOCKS - len(blocks) - 1
    for item in view.ideas[:room]:
        team = ", ".join(mention(u) for u in item.team[:10])
        lines = [f"*{fit(item.idea.title, 100)}* (#{item.idea.id}) · "
                 f"{format_pounds(item.award)} · {team}"]  # fmt: skip
        for d in item.dates:
            word = STATE_WORDS[d.state]
            if d.update is not None:
                word += f" — {STATUS_LABELS[LearningStatus(d.update.status)].lower()}"
            lines.append(f"{day_label(d.day)}: {word}")
        if item.nudged_today:
            lines.append("_Nudged today._")
        section = SectionBlock(text=MarkdownTextObject(text=clip_mrkdwn("\n".join(lines), 2900)))
        if item.overdue and not item.nudged_today:
            section = SectionBlock(
                text=section.text,
                accessory=ButtonElement(text="Nudge", action_id=Action.NUDGE_TEAM.value,
                                        value=str(item.idea.id)),
            )  # fmt: skip
        blocks.append(section)
    if len(view.ideas) > room:
        more = f"…and {len(view.ideas) - room} more funded ideas. `/challenge export {c.id}` lists them all."
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=more)]))
    return f"Learning from {escape(clip(c.title, 100))}: {counts}", blocks
