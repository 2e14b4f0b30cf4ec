"""The submit/edit idea modal and the challenge picker that may come before it."""

from slack_sdk.models.blocks import (
    ContextBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticSelectElement,
    UserMultiSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.ids import INPUT, Block, Callback
from bot.slack.metadata import (
    IdeaEditMetadata,
    IdeaFormMetadata,
    PickerMetadata,
    permalink_or_none,
)
from bot.slack.views.inputs import tick_box
from bot.slack.views.text import OPTION, clip, fit, plain
from challenges.inputs import LONG_TEXT_MAX, TITLE_MAX
from challenges.money import format_pounds
from storage.models import Challenge, Idea


def _text_input(block: Block, label: str, *, multiline=False, max_length=None, initial=None,
                placeholder=None, optional=False, hint=None) -> InputBlock:  # fmt: skip
    return InputBlock(
        block_id=block.value,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=INPUT,
            multiline=multiline,
            max_length=max_length,
            initial_value=initial or None,
            placeholder=placeholder,
        ),
    )


def theme_key(index: int) -> str:
    """A theme's option value: its place in the challenge's list."""
    return f"theme:{index}"


def idea_modal(
    challenge: Challenge,
    *,
    idea: Idea | None = None,
    team: list[str] | None = None,
    prefill: dict | None = None,
) -> View:
    """The idea form. `idea` pre-fills an edit; `prefill` (e.g. from a shortcut) a new one."""
    values = dict(prefill or {})
    if idea is not None:
        values = {
            "title": idea.title, "problem": idea.problem, "proposal": idea.proposal,
            "benefit": idea.benefit, "funding_requested": str(idea.funding_requested),
            "partners": idea.partners, "theme": idea.theme, "anonymous": idea.anonymous,
        }  # fmt: skip
    blocks = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{fit(challenge.title, 1000)}*\n{fit(challenge.brief, 600)}"
            )
        ),
        _text_input(Block.TITLE, "Title", max_length=TITLE_MAX, initial=values.get("title"),
                    placeholder="A short name for your idea"),
        _text_input(Block.PROBLEM, "What problem does it solve?", multiline=True,
                    max_length=LONG_TEXT_MAX, initial=values.get("problem")),
        _text_input(Block.PROPOSAL, "What do you propose?", multiline=True,
                    max_length=LONG_TEXT_MAX, initial=values.get("proposal")),
        _text_input(Block.BENEFIT, "Expected benefit", multiline=True, max_length=LONG_TEXT_MAX,
                    initial=values.get("benefit"), optional=True,
                    placeholder="Who benefits, and how you would know"),
        _text_input(Block.FUNDING, "Funding requested (£)", initial=values.get("funding_requested"),
                    placeholder="e.g. £1,500",
                    hint=f"Whole pounds, up to {format_pounds(challenge.max_award)}. Enter 0 if you need no money."),
        InputBlock(
            block_id=Block.TEAM.value, label="Team members", optional=True,
            hint="Colleagues working on this with you. They cannot vote for it.",
            element=UserMultiSelectElement(action_id=INPUT, initial_users=team or None),
        ),
        _text_input(Block.PARTNERS, "Partners", initial=values.get("partners"), optional=True,
                    max_length=500, placeholder="Other teams or organisations involved"),
    ]  # fmt: skip
    if challenge.themes:
        # The value is the theme's place in the list: a theme may be longer than an option's
        # text shows (75), and its value must name it whole (bot/slack/forms.theme_of).
        options = [
            Option(value=theme_key(n), text=plain(t, OPTION))
            for n, t in enumerate(challenge.themes)
        ]
        chosen = values.get("theme")
        initial = next(
            (o for o, t in zip(options, challenge.themes, strict=True) if t == chosen), None
        )
        blocks.append(
            InputBlock(
                block_id=Block.THEME.value,
                label="Theme",
                optional=True,
                element=StaticSelectElement(
                    action_id=INPUT, options=options, initial_option=initial
                ),
            )  # fmt: skip
        )
    if challenge.allow_anonymous:
        blocks.append(
            tick_box(Block.ANONYMOUS.value, "Anonymous", value="anonymous",
                     text="Show my idea without my name", ticked=bool(values.get("anonymous")))
        )  # fmt: skip
    if values.get("source_permalink"):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(text=f"From <{values['source_permalink']}|this message>.")
                ]
            )
        )
    metadata = (
        IdeaEditMetadata(idea_id=idea.id)
        if idea is not None
        else IdeaFormMetadata(
            challenge_id=challenge.id,
            source_permalink=permalink_or_none(values.get("source_permalink")),
        )
    )
    editing = idea is not None
    return View(
        type="modal",
        callback_id=(Callback.IDEA_EDIT if editing else Callback.IDEA_SUBMIT).value,
        title=PlainTextObject(text="Edit your idea" if editing else "Submit an idea"),
        submit=PlainTextObject(text="Save" if editing else "Submit"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata.dump(),
        blocks=blocks,
    )


def challenge_picker_modal(challenges: list[Challenge], *, prefill: dict | None = None) -> View:
    """Asks which challenge the idea is for, when several are taking ideas. A pre-fill (from
    "Submit as idea" on a message) stays in the picker's own title and problem inputs, which
    Slack sends back with the choice, so it is never cut to fit the metadata."""
    prefill = prefill or {}
    options = [Option(value=str(c.id), text=plain(c.title, OPTION)) for c in challenges[:100]]
    blocks = [
        InputBlock(
            block_id=Block.CHALLENGE.value,
            label="Which challenge is your idea for?",
            dispatch_action=True,
            element=StaticSelectElement(action_id="pick_challenge", options=options),
        )
    ]
    if prefill.get("title") or prefill.get("problem"):
        blocks += [
            _text_input(Block.TITLE, "Title", max_length=TITLE_MAX, optional=True,
                        initial=clip(prefill.get("title") or "", TITLE_MAX)),
            _text_input(Block.PROBLEM, "What problem does it solve?", multiline=True, optional=True,
                        max_length=LONG_TEXT_MAX, initial=clip(prefill.get("problem") or "", LONG_TEXT_MAX)),
        ]  # fmt: skip
    metadata = PickerMetadata(source_permalink=permalink_or_none(prefill.get("source_permalink")))
    return View(
        type="modal",
        callback_id=Callback.IDEA_PICK_CHALLENGE.value,
        title=PlainTextObject(text="Submit an idea"),
        submit=PlainTextObject(text="Next"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=metadata.dump(),
        blocks=blocks,
    )
