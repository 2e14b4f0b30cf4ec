"""A person's data: the erase confirmation and what was done."""

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
from bot.slack.views.text import mention


def erase_confirmation(user_id: str) -> tuple[str, list[Block]]:
    who = mention(user_id)
    text = (
        f"Erase {who} from Lair? A pseudonym such as _Former member 3_ takes their place in "
        "every idea, vote, score, decision and audit row; their name and Slack id are removed. "
        "Counts, rankings and decisions do not change. This cannot be undone."
    )
    return f"Erase {who} from Lair?", [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"Send them their data first if they asked for it: `/challenge person {who}`."
        )]),
        ActionsBlock(elements=[
            ButtonElement(
                text="Erase", action_id=Action.PERSON_ERASE.value, value=user_id, style="danger",
                confirm=ConfirmObject(title="Erase this person?", confirm="Erase", deny="Keep",
                                      text="Their name and id are replaced everywhere, for good."),
            ),
            ButtonElement(text="Keep", action_id=Action.PERSON_KEEP.value, value=user_id),
        ]),
    ]  # fmt: skip


def erased(user_id: str, name: str) -> str:
    return (
        f"Erased: {mention(user_id)} is now *{name}* everywhere in Lair. Counts, scores and "
        "decisions are unchanged; the erasure is in the audit trail."
    )
