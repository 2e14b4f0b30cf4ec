"""The create/edit challenge modal."""

from datetime import datetime

from slack_sdk.models.blocks import (
    CheckboxesElement,
    ContextBlock,
    ConversationSelectElement,
    DatePickerElement,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    TimePickerElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.ids import INPUT, Block, Callback
from bot.slack.metadata import ChallengeFormMetadata
from challenges.clock import utc_to_local
from challenges.money import format_pounds

OPTIONS = {
    "allow_anonymous": "Allow anonymous ideas",
    "show_tallies_live": "Show vote counts while voting is open",
    "vote_during_submissions": "Let people vote while ideas are still coming in",
}

_DATES = [
    (
        Block.OPENS_DATE,
        Block.OPENS_TIME,
        "Opens for ideas",
        "Leave empty to open it yourself with /challenge advance.",
    ),
    (Block.SUBMISSIONS_CLOSE_DATE, Block.SUBMISSIONS_CLOSE_TIME, "Ideas close, voting opens", None),
    (Block.VOTING_CLOSE_DATE, Block.VOTING_CLOSE_TIME, "Voting closes, panel starts", None),
    (Block.PANEL_CLOSE_DATE, Block.PANEL_CLOSE_TIME, "Panel closes", None),
]


def _text(
    block,
    label,
    *,
    initial=None,
    multiline=False,
    optional=False,
    hint=None,
    placeholder=None,
    max_length=None,
):
    return InputBlock(
        block_id=block.value, label=label, optional=optional, hint=hint,
        element=PlainTextInputElement(
            action_id=INPUT, initial_value=None if initial in (None, "") else str(initial),
            multiline=multiline, placeholder=placeholder, max_length=max_length,
        ),
    )  # fmt: skip


def challenge_modal(
    values: dict, *, challenge_id: int | None = None, default_channel: str | None = None
) -> View:
    """`values` holds ChallengeDraft field values (an edit) or defaults (a new challenge)."""
    zone = values.get("timezone") or "Europe/London"
    criteria = values.get("criteria") or []
    criteria_text = "\n".join(
        f"{c['name']}: {c['weight']:g}" if isinstance(c, dict) else f"{c.name}: {c.weight:g}"
        for c in criteria
    )
    channel = values.get("channel_id") or default_channel
    blocks = [
        _text(Block.TITLE, "Challenge", initial=values.get("title"), max_length=150,
              placeholder="How might we cut missed bin collections?"),
        _text(Block.BRIEF, "Brief", initial=values.get("brief"), multiline=True, optional=True, max_length=3000),
        _text(Block.THEMES, "Themes", initial=", ".join(values.get("themes") or []), optional=True,
              hint="Separate with commas. Leave empty for none."),
        InputBlock(block_id=Block.CHANNEL.value, label="Announce in channel",
                   hint="Add Lair to this channel so it can post there.",
                   element=ConversationSelectElement(action_id=INPUT, initial_conversation=channel,
                                                     filter={"include": ["public", "private"], "exclude_bot_users": True})),
        InputBlock(block_id=Block.PANEL_CHANNEL.value, label="Panel channel", optional=True,
                   hint="Where the Dragons score the shortlist. Keep it private.",
                   element=ConversationSelectElement(action_id=INPUT, initial_conversation=values.get("panel_channel_id"),
                                                     filter={"include": ["public", "private"], "exclude_bot_users": True})),
        InputBlock(block_id=Block.PANEL.value, label="Panel (Dragons)", optional=True,
                   hint="They score the shortlist in the panel channel. Also /challenge panel.",
                   element=UserMultiSelectElement(action_id=INPUT, initial_users=values.get("panel") or None)),
        _text(Block.FUND_POT, "Fund pot (£)", initial=_money(values.get("fund_pot")), placeholder="£20,000"),
        _text(Block.MAX_AWARD, "Largest award for one idea (£)", initial=_money(values.get("max_award")), placeholder="£5,000"),
        _text(Block.VOTE_BUDGET, "Votes per person", initial=values.get("vote_budget", 3)),
        _text(Block.SHORTLIST_SIZE, "Ideas on the shortlist", initial=values.get("shortlist_size", 5),
              hint="Ties at the cut all go through."),
        _text(Block.CRITERIA, "Scoring criteria", initial=criteria_text, multiline=True, optional=True,
              hint="One a line as “Name: weight”. Leave empty for the five standard criteria."),
        _text(Block.SCALE_MAX, "Score each criterion from 1 to", initial=values.get("scale_max", 5)),
        DividerBlock(),
        HeaderBlock(text="Timeline"),
        _text(Block.TIMEZONE, "Time zone", initial=zone, hint="Dates below are in this zone, e.g. Europe/London."),
    ]  # fmt: skip
    for date_block, time_block, label, hint in _DATES:
        moment: datetime | None = values.get(date_block.value)
        local = utc_to_local(moment, zone) if moment else None
        blocks.append(
            InputBlock(block_id=date_block.value, label=f"{label}: date", optional=True, hint=hint,
                       element=DatePickerElement(action_id=INPUT, initial_date=local.strftime("%Y-%m-%d") if local else None))
        )  # fmt: skip
        blocks.append(
            InputBlock(block_id=time_block.value, label=f"{label}: time", optional=True,
                       element=TimePickerElement(action_id=INPUT, timezone=zone,
                                                 initial_time=local.strftime("%H:%M") if local else None))
        )  # fmt: skip
    blocks.append(
        _text(
            Block.REMINDER_LEAD,
            "Reminder before each close (hours)",
            initial=values.get("reminder_lead_hours", 24),
        )
    )
    blocks.append(
        _text(Block.LEARNING_DATES, "Learning updates due", optional=True,
              initial=", ".join(str(d) for d in values.get("learning_update_dates") or []),
              placeholder="2027-09-01, 2028-03-01",
              hint="After the round closes, funded teams are reminded on these dates to share what they learned.")
    )  # fmt: skip
    options = [Option(value=k, text=v) for k, v in OPTIONS.items()]
    chosen = [o for o in options if values.get(o.value)]
    blocks.append(
        InputBlock(block_id=Block.OPTIONS.value, label="Options", optional=True,
                   element=CheckboxesElement(action_id=INPUT, options=options, initial_options=chosen or None))
    )  # fmt: skip
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text="Saved as a draft: nothing is announced until the challenge opens."
                )
            ]
        )
    )
    editing = challenge_id is not None
    return View(
        type="modal",
        callback_id=(Callback.CHALLENGE_EDIT if editing else Callback.CHALLENGE_CREATE).value,
        title=PlainTextObject(text="Edit challenge" if editing else "New challenge"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=ChallengeFormMetadata(challenge_id=challenge_id).dump(),
        blocks=blocks,
    )


def _money(value) -> str | None:
    return format_pounds(value) if isinstance(value, int) else value
