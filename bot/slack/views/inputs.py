"""Form inputs the modals share."""

from slack_sdk.models.blocks import CheckboxesElement, InputBlock, Option

from bot.slack.ids import INPUT


def tick_box(
    block_id: str, label: str, *, value: str, text: str, ticked: bool, hint: str | None = None
) -> InputBlock:
    """An optional input with one checkbox (read back by `bot.slack.forms` as [value] or [])."""
    option = Option(value=value, text=text)
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=True,
        hint=hint,
        element=CheckboxesElement(
            action_id=INPUT, options=[option], initial_options=[option] if ticked else None
        ),
    )
