"""`challenge …` in Teams, for coordinators: the subcommands and roles of Slack's /challenge
(bot/slack/listeners/commands/). A form opens from a button (a message cannot open a dialog
itself); anything refused is refused before the button is offered."""

from __future__ import annotations

from collections.abc import Callable

from microsoft_teams.cards import ActionSet

from bot.teams import people, person, redraw, workbook
from bot.teams.args import resolve_challenge
from bot.teams.cards import card, clip, execute, message, note, open_dialog, words
from bot.teams.ids import Dialog, Verb
from bot.teams.people import Mentioned
from bot.teams.registry import into
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line, not_understood, sentence
from challenges import (
    decisions,
    learning_overview,
    panel,
    roles,
    setup,
    shortlist,
    voting,
)
from challenges.errors import NotACoordinator, WrongStage
from challenges.stages import Stage
from challenges.transitions import advance
from storage.enums import ConversationKind

CHALLENGE_HELP = (
    "**Lair for coordinators**\n\n"
    "- **challenge new** — create a challenge (saved as a draft)\n"
    "- **challenge list** — every challenge and its stage\n"
    "- **challenge status 4** — numbers for challenge #4 (only you see them)\n"
    "- **challenge edit 4** — change challenge #4's settings and dates\n"
    "- **challenge advance 4** — move challenge #4 to its next stage now\n"
    "- **challenge shortlist 4** — adjust the shortlist before scoring starts\n"
    "- **challenge panel 4 @Alex @Sam** — set the panel\n"
    "- **challenge decide 4** — record funding decisions\n"
    "- **challenge export 4** — the workbook for the fund panel, sent to you privately\n"
    "- **challenge learning 4** — funded ideas' learning updates: received, due, overdue, with **Nudge**\n"
    "- **challenge grant @Alex** — make someone a coordinator\n"
    "- **challenge person @Alex** — everything Lair holds about someone, sent to you privately "
    "(add **json** for JSON); **challenge person @Alex erase** erases them, after you confirm\n"
    "- **challenge help** — this help\n\n"
    "Where a command takes a number and only one challenge is running, you can leave it out. "
    "In a channel, start with **@Lair**; Lair answers in your chat with it."
)

Subcommand = Callable[[Turn, str, list[Mentioned]], list[Reply]]
SUBCOMMANDS: dict[str, Subcommand] = {}


def subcommand(name: str) -> Callable[[Subcommand], Subcommand]:
    return into(SUBCOMMANDS, name)


def challenge(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    if not roles.check_coordinator(turn.ctx, turn.user):
        raise NotACoordinator()
    sub, _, rest = args.partition(" ")
    handler = SUBCOMMANDS.get(sub.lower())
    if handler is None:
        said = [Reply(not_understood(f"challenge {sub}"))] if sub and sub.lower() != "help" else []
        return said + [Reply(note(CHALLENGE_HELP))]
    return handler(turn, rest.strip(), mentions)


def _button(text: list, title: str, dialog: Dialog, summary: str, **data) -> list[Reply]:
    return [Reply(message(card(text, [open_dialog(title, dialog, **data)]), summary))]


@subcommand("new")
def new(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    here = {"channel": turn.conversation_id} if turn.kind == ConversationKind.CHANNEL else {}
    text = [words("Create a Dragon's Lair challenge: its title, brief, channels, fund and timeline. "
                  "It is saved as a draft: nothing is announced until it opens.")]  # fmt: skip
    return _button(text, "Create a challenge", Dialog.NEW_CHALLENGE, "Create a challenge", **here)


@subcommand("edit")
def edit(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    found = setup.load(turn.ctx, resolve_challenge(turn, args, usage="challenge edit 4"))
    if found.stage == Stage.CLOSED:
        raise WrongStage("This challenge is closed, so it can no longer be edited.")
    text = [
        sentence(f"Challenge #{found.id} ", Bold(found.title), f" — {Stage(found.stage).label}")
    ]
    return _button(text, "Edit the challenge", Dialog.EDIT_CHALLENGE, "Edit a challenge",
                   challenge=found.id)  # fmt: skip


@subcommand("list")
def list_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    found = setup.list_challenges(turn.ctx, include_closed=True)
    if not found:
        return [Reply(note("There are no challenges yet. **challenge new** creates one."))]
    body = [words("**Challenges**")] + [
        sentence(f"#{c.id} ", Bold(clip(c.title, 100)), f" — {Stage(c.stage).label}")
        for c in found[:50]
    ]
    if len(found) > 50:
        body.append(words(f"…and {len(found) - 50} more.", subtle=True))
    return [Reply(message(card(body), "Challenges"))]


@subcommand("status")
def status(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    challenge_id = resolve_challenge(turn, args, usage="challenge status 4")
    found, n = setup.status(turn.ctx, turn.user, challenge_id)
    ranked = voting.standings(turn.ctx, turn.user, challenge_id)
    body = [sentence(f"#{found.id} ", Bold(found.title), f" — {Stage(found.stage).label}"),
            words(f"{n.ideas} ideas ({n.withdrawn} withdrawn) · {n.votes} votes from {n.voters} "
                  f"people · {n.panel_members} on the panel, {n.scorecards} scorecards")]  # fmt: skip
    if ranked:
        body.append(words("**Votes per idea** (live)"))
        body += [
            sentence(f"{s.votes} · ", clip(s.title, 100), f" (#{s.idea_id})") for s in ranked[:40]
        ]
    body.append(words("Counts are for coordinators only; who voted for what is never shown.",
                      subtle=True))  # fmt: skip
    return [Reply(message(card(body), "Challenge status"))]


@subcommand("advance")
def advance_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    challenge_id = resolve_challenge(turn, args, usage="challenge advance 4")
    stage = advance(turn.ctx, challenge_id=challenge_id, actor=turn.user)
    return [Reply(note(f"Challenge #{challenge_id} is now at **{stage.label}**. "
                       "The channel has been told."))]  # fmt: skip


@subcommand("shortlist")
def shortlist_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    challenge_id = resolve_challenge(turn, args, usage="challenge shortlist 4")
    form = shortlist.form(turn.ctx, turn.user, challenge_id)  # refuses when it cannot change
    text = [sentence("The shortlist of ", Bold(form.challenge.title), f": "
                     f"{sum(c.shortlisted for c in form.candidates)} ideas.")]  # fmt: skip
    return _button(text, "Change the shortlist", Dialog.SHORTLIST, "The shortlist",
                   challenge=challenge_id)  # fmt: skip


@subcommand("panel")
def panel_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    challenge_id = resolve_challenge(turn, args, usage="challenge panel 4 @Alex @Sam")
    if not mentions:
        members = panel.members(turn.ctx, challenge_id)
        return [Reply(line("The panel", f"The panel of challenge #{challenge_id}: ",
                           people.names_of(turn.ctx, members) if members else "nobody yet",
                           f". To set it, name the whole panel: “challenge panel {challenge_id} @Alex @Sam”."))]  # fmt: skip
    change = panel.set_panel(turn.ctx, turn.user, challenge_id, people.who(mentions))
    for idea_id in change.to_refresh:
        redraw.panel_parent(turn.ctx, idea_id)
    parts = [f"The panel of challenge #{challenge_id} is now ",
             people.names_of(turn.ctx, change.members), "."]  # fmt: skip
    if change.added or change.removed:
        parts.append(f" ({len(change.added)} added, {len(change.removed)} removed.)")
    if change.conflicts_recorded:
        parts.append(f" {change.conflicts_recorded} conflict(s) of interest recorded: members on "
                     "a shortlisted idea's team will not score it.")  # fmt: skip
    if change.panel_channel_id:
        parts.append(" They score the shortlist in the panel channel; add them to its team.")
    else:
        parts.append(f" There is no panel channel yet: choose one with “challenge edit "
                     f"{challenge_id}”, and the shortlist is posted there.")  # fmt: skip
    return [Reply(line("The panel", *parts))]


@subcommand("decide")
def decide(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    challenge_id = resolve_challenge(turn, args, usage="challenge decide 4")
    decisions.check_deciding(turn.ctx, turn.user, challenge_id)  # refuses before any form
    text = [words(f"Record the funding decisions for challenge #{challenge_id}: Lair recommends "
                  "the most total weighted score the pot can buy; change anything you decide "
                  "otherwise.")]  # fmt: skip
    return _button(text, "Record decisions", Dialog.DECIDE, "Funding decisions",
                   challenge=challenge_id)  # fmt: skip


@subcommand("export")
def export(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    return workbook.offer(turn, resolve_challenge(turn, args, usage="challenge export 4"))


@subcommand("grant")
def grant(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    if not mentions:
        return [Reply(note("Say who to make a coordinator, e.g. **@Lair challenge grant @Alex** "
                           "in a channel."))]  # fmt: skip
    users = people.who(mentions)
    done = [u for u in users if roles.grant_coordinator(turn.ctx, turn.user, u)]
    already = [u for u in users if u not in done]
    parts = []
    if done:
        parts += [people.names_of(turn.ctx, done), " can now run challenges. "]
    if already:
        parts += [people.names_of(turn.ctx, already), " already could."]
    return [Reply(line("Coordinators", *parts))]


@subcommand("person")
def person_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    return person.command(turn, args, mentions)


STATE_WORDS = {
    "received": "✅ received",
    "upcoming": "upcoming",
    "due": "⏳ due",
    "overdue": "⚠️ overdue",
}
STATUS_WORDS = {
    "on_track": "on track",
    "changed_course": "changed course",
    "stopped": "stopped early",
}


@subcommand("learning")
def learning_(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    """Each funded idea's learning updates: received, due, overdue (with Nudge), upcoming."""
    if args:
        challenge_id = resolve_challenge(turn, args, usage="challenge learning 4")
    else:
        challenge_id = learning_overview.default_round(turn.ctx)
    view = learning_overview.overview(turn.ctx, turn.user, challenge_id)
    c, states = view.challenge, learning_overview.DateState
    if not view.announced or not view.ideas:
        why = "have not been announced yet" if not view.announced else "funded no ideas"
        return [Reply(line("Learning", "The awards of ", Bold(c.title), f" {why}, so there is no learning to follow yet."))]  # fmt: skip
    body = [sentence("📓 Learning from ", Bold(c.title), f" (#{c.id})"),
            words(f"{view.total(states.RECEIVED)} received · {view.total(states.DUE)} due · "
                  f"{view.total(states.OVERDUE)} overdue · {view.total(states.UPCOMING)} upcoming")]  # fmt: skip
    for item in view.ideas[:30]:
        body.append(sentence(Bold(clip(item.idea.title, 100)), f" (#{item.idea.id}) · ",
                             people.names_of(turn.ctx, item.team[:10])))  # fmt: skip
        for d in item.dates:
            said = STATE_WORDS[d.state.value]
            if d.update is not None:
                said += f" — {STATUS_WORDS.get(d.update.status, d.update.status)}"
            body.append(words(f"{d.day:%-d %b %Y}: {said}", subtle=True))
        if item.nudged_today:
            body.append(words("Nudged today.", subtle=True))
        elif item.overdue:
            body.append(
                ActionSet(actions=[execute("Nudge", Verb.NUDGE_LEARNING, idea=item.idea.id)])
            )
    if len(view.ideas) > 30:
        body.append(words(f"…and {len(view.ideas) - 30} more.", subtle=True))
    return [Reply(message(card(body), "Learning updates"))]
