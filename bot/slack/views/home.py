"""The App Home tab. Stays within Block Kit's 100-block limit however much there is to show."""

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.slack.ids import Action
from bot.slack.ids import Block as Block_
from bot.slack.views.cards import submit_button
from bot.slack.views.learning import STATUS_ICONS, STATUS_LABELS
from bot.slack.views.text import clip, escape, fit, when_for_reader
from challenges.home import SHOWN, Home
from challenges.money import format_pounds
from challenges.stages import Stage
from storage.enums import LearningStatus

MAX_BLOCKS = 100

OUTCOME_LABELS = {"fund": "Funded", "dont_fund": "Not funded", "defer": "Deferred"}


def _more(count: int, shown: int, hint: str) -> list[Block]:
    if count <= shown:
        return []
    return [ContextBlock(elements=[MarkdownTextObject(text=f"…and {count - shown} more. {hint}")])]


def search_box() -> InputBlock:
    """Search every round's ideas: Enter opens the results."""
    return InputBlock(
        block_id=Block_.SEARCH.value, label="Search every round's ideas", dispatch_action=True,
        optional=True,
        element=PlainTextInputElement(
            action_id=Action.SEARCH.value, placeholder="e.g. bin sensors",
            dispatch_action_config={"trigger_actions_on": ["on_enter_pressed"]}, max_length=200,
        ),
    )  # fmt: skip


def home_view(home: Home) -> View:
    blocks: list[Block] = [
        HeaderBlock(text="Lair — Dragon's Lair challenges"),
        ContextBlock(elements=[MarkdownTextObject(text="Share ideas, back your colleagues' ideas, and see where they stand. `/idea help` explains how.")]),
        search_box(),
    ]  # fmt: skip
    blocks += _open_challenges(home)
    blocks += _my_ideas(home)
    if home.to_score:
        blocks += _to_score(home)
    if home.coordinator is not None:
        blocks += _coordinator(home)
        blocks += _learning_rounds(home)
    blocks += _recently_learned(home)
    assert len(blocks) <= MAX_BLOCKS, len(blocks)
    return View(type="home", blocks=blocks)


def _open_challenges(home: Home) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text="*Open challenges*")),
    ]
    if not home.open_challenges:
        return [
            *blocks,
            SectionBlock(
                text=MarkdownTextObject(
                    text="Nothing is running right now. You'll see new challenges here and in their channels."
                )
            ),
        ]
    shown = home.open_challenges[: SHOWN.challenges]
    for item in shown:
        c = item.challenge
        line = f"*{escape(clip(c.title, 200))}* (#{c.id}) — {home.stage(c)}"
        if item.deadline_label:
            due = (
                when_for_reader(item.deadline, c.timezone)
                if item.deadline
                else "on a date to be announced"
            )
            line += f"\n{item.deadline_label.capitalize()} {due}"
        if item.votes_left is not None:
            line += f"\nYou have *{item.votes_left} of {c.vote_budget}* votes left."
        section = SectionBlock(text=MarkdownTextObject(text=line))
        if c.stage == Stage.SUBMISSIONS:
            section = SectionBlock(text=MarkdownTextObject(text=line), accessory=submit_button(c))
        blocks.append(section)
    return blocks + _more(home.total("open_challenges"), len(shown), "")


def _my_ideas(home: Home) -> list[Block]:
    blocks: list[Block] = [DividerBlock(), SectionBlock(text=MarkdownTextObject(text="*My ideas*"))]
    if not home.my_ideas:
        return [
            *blocks,
            SectionBlock(
                text=MarkdownTextObject(
                    text="None yet. Press *Submit an idea* above or type `/idea`."
                )
            ),
        ]
    shown = home.my_ideas[: SHOWN.ideas]
    for item in shown:
        idea, c = item.idea, item.challenge
        if idea.status == "withdrawn":
            status = "Withdrawn"
        elif idea.status == "removed":
            status = "Removed by the coordinator"
        elif (decision := home.outcomes.get(idea.id)) is not None:
            status = OUTCOME_LABELS.get(decision.outcome, decision.outcome)
            if decision.outcome == "fund":
                status += f" ({format_pounds(decision.award)})"
        elif idea.shortlisted:
            status = "Shortlisted"
        else:
            status = home.stage(c)
        votes = f" · {item.votes} votes" if item.votes is not None else ""
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape(clip(idea.title, 100))}* · {escape(clip(c.title, 80))}\n{status}{votes} · asking {format_pounds(idea.funding_requested)}"
                )
            )
        )
    blocks += _more(home.total("my_ideas"), len(shown), "`/idea mine` lists them all.")
    return blocks


def _to_score(home: Home) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text=f"*To score* ({home.total('to_score')})")),
    ]
    shown = home.to_score[: SHOWN.to_score]
    for item in shown:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*{escape(clip(item.idea.title, 100))}* · {escape(clip(item.challenge.title, 80))} — score it in its thread in <#{item.challenge.panel_channel_id}>"
                    if item.challenge.panel_channel_id
                    else f"*{escape(clip(item.idea.title, 100))}* · {escape(clip(item.challenge.title, 80))}"
                )
            )
        )
    return blocks + _more(home.total("to_score"), len(shown), "")


def _coordinator(home: Home) -> list[Block]:
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text="*Your challenges* (coordinator)")),
    ]
    if not home.coordinator:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="None of yours yet. `/challenge new` creates one; `/challenge list` "
                    "shows every challenge."
                )
            )
        )
    shown = home.coordinator[: SHOWN.coordinator]
    for view in shown:
        c, n = view.challenge, view.numbers
        blocks.append(
            SectionBlock(
                fields=[
                    MarkdownTextObject(
                        text=f"*#{c.id} {escape(clip(c.title, 120))}*\n{home.stage(c)}"
                    ),
                    MarkdownTextObject(
                        text=f"{n.ideas} ideas · {n.votes} votes from {n.voters} people\n{n.panel_members} on the panel · {n.scorecards} scorecards"
                    ),
                ]
            )
        )
        blocks.append(
            ContextBlock(elements=[MarkdownTextObject(text=_next_commands(c.id, Stage(c.stage)))])
        )
    blocks += _more(home.total("coordinator"), len(shown), "`/challenge list` shows them all.")
    blocks.append(
        ActionsBlock(
            elements=[
                ButtonElement(
                    text="How to run a challenge",
                    action_id=Action.SHOW_HELP.value,
                    value="challenge",
                )
            ]
        )
    )
    return blocks


def _next_commands(challenge_id: int, stage: Stage) -> str:
    nxt = {
        Stage.DRAFT: f"`/challenge edit {challenge_id}` · `/challenge advance {challenge_id}` opens it",
        Stage.SUBMISSIONS: f"`/challenge status {challenge_id}` · `/challenge panel {challenge_id} @…`",
        Stage.VOTING: f"`/challenge status {challenge_id}` · `/challenge advance {challenge_id}` closes voting",
        Stage.PANEL: f"`/challenge shortlist {challenge_id}` · `/challenge status {challenge_id}`",
        Stage.DECIDED: f"`/challenge decide {challenge_id}` · `/challenge export {challenge_id}`",
    }
    return nxt.get(stage, f"`/challenge status {challenge_id}`")


def _learning_rounds(home: Home) -> list[Block]:
    """Coordinators: each announced round's learning updates (the `/challenge learning` summary)."""
    if not home.learning_rounds:
        return []
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text="*Learning from funded ideas* (coordinator)")),
    ]
    for r in home.learning_rounds:
        overdue = f"*{r.overdue} overdue*" if r.overdue else "0 overdue"
        line = (
            f"*#{r.challenge.id} {fit(r.challenge.title, 120)}* — {r.received} received · "
            f"{r.due} due · {overdue}\n`/challenge learning {r.challenge.id}` shows each team"
            + (" and lets you nudge the overdue ones." if r.overdue else ".")
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line)))
    return blocks


def _recently_learned(home: Home) -> list[Block]:
    """Everyone: the latest learning cards across rounds."""
    if not home.recently_learned:
        return []
    blocks: list[Block] = [
        DividerBlock(),
        SectionBlock(text=MarkdownTextObject(text="*Recently learned*")),
    ]
    for r in home.recently_learned:
        status = LearningStatus(r.update.status)
        line = (
            f"{STATUS_ICONS[status]} *{fit(r.idea.title, 100)}* · "
            f"{fit(r.challenge.title, 80)} — {STATUS_LABELS[status].lower()}\n"
            f"{fit(r.update.learned, 600)}"
        )
        blocks.append(SectionBlock(text=MarkdownTextObject(text=line)))
    return blocks
