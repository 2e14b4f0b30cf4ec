"""Lair's command words in Teams: sent in a person's chat with Lair, or with @Lair in a
channel — `idea`, `idea mine`, `idea help`, `challenge …` (the same subcommands and roles
as Slack's /challenge), `home`, `help` — and scores given as replies in a panel thread."""

from __future__ import annotations

import re
from collections.abc import Callable

from microsoft_teams.api import MessageActivityInput

from bot.teams import views
from bot.teams.cards import card, clip, note, open_dialog, words
from bot.teams.ids import Dialog
from bot.teams.turn import Turn
from bot.teams.views import Bold, sentence
from challenges import ideas, places, roles, scoring, setup, voting
from challenges.errors import LairError, NotACoordinator
from challenges.stages import Stage
from challenges.transitions import advance

_ID = re.compile(r"^#?(\d{1,9})$")

IDEA_HELP = (
    "**Lair** runs Dragon's Lair innovation challenges.\n\n"
    "- **idea** — submit an idea to a challenge that is taking ideas\n"
    "- **idea mine** — your ideas and where they stand\n"
    "- **home** — open challenges, your ideas, votes left, ideas to score\n"
    "- Vote with the **Vote** button on an idea's card in the challenge channel.\n"
    "- On a panel: score with **Score** on the idea, or reply in its thread "
    "**@Lair score 4 3 5 4 2 your comment**."
)
CHALLENGE_HELP = (
    "**challenge** — for coordinators:\n\n"
    "- **challenge new** — create a challenge\n"
    "- **challenge list** — every challenge and its number\n"
    "- **challenge status 4** — where challenge 4 stands\n"
    "- **challenge edit 4**, **challenge advance 4**, **challenge shortlist 4**\n"
    "- **challenge panel 4 @Alex @Sam** — set the panel\n"
    "- **challenge decide 4**, **challenge export 4**, **challenge grant @Alex**"
)


def words_of(error: LairError) -> str:
    """A domain refusal in Teams' words (its command words, no Slack markup)."""
    text = error.message
    text = re.sub(r"`/(idea|challenge)([^`]*)`", lambda m: f"**{m.group(1)}{m.group(2)}**", text)
    return text.replace("`", "")


def vote_reply(outcome: voting.VoteOutcome) -> str:
    """What only the voter sees after a click."""
    title = f"“{outcome.idea_title}”"
    left = f"{outcome.votes_left} of {outcome.budget} votes left."
    if not outcome.changed:
        state = "You back" if outcome.backed else "You do not back"
        return f"{state} {title} · {left} Press again to change that."
    if not outcome.backed:
        return f"You took your vote back from {title}. {left}"
    if outcome.votes_left == 0:
        return (f"You backed {title}. {left} To back another idea, take a vote back by pressing "
                "Vote again on an idea you backed.")  # fmt: skip
    return f"You backed {title}. {left}"


def scores_in_thread(turn: Turn, text: str) -> bool:
    """A reply in a panel thread that looks like a score (read even without an @mention)."""
    return bool(turn.thread) and scoring.looks_like_score(text)


def handle(turn: Turn, text: str, *, mentions: list, files: list) -> list:
    from bot.teams.handlers import Reply

    text = (text or "").strip()
    if turn.thread and scoring.looks_like_score(text):
        idea_id = places.idea_under(turn.ctx, turn.conversation_id, turn.thread)
        if idea_id is not None:
            result = scoring.record_reply(turn.ctx, member=turn.user, idea_id=idea_id, text=text)
            return [Reply(score_confirmation(result))]
    word, _, rest = text.partition(" ")
    handler = COMMANDS.get(word.lower())
    if handler is None:
        return [Reply(note(f"I don't know **{clip(word, 40)}**.\n\n{IDEA_HELP}"))]
    return [Reply(a) for a in handler(turn, rest.strip(), mentions)]


# commands --------------------------------------------------------------------------


def _help(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    return [note(IDEA_HELP)]


def _home(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    return [welcome(turn)]


def _idea(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    sub = args.split()[0].lower() if args else ""
    if sub == "help":
        return [note(IDEA_HELP)]
    if sub == "mine":
        return [my_ideas(turn)]
    challenge_id = _number(sub) if sub else None
    if sub and challenge_id is None:
        return [note(f"I don't know **idea {clip(sub, 40)}**.\n\n{IDEA_HELP}")]
    return [idea_form_button(turn, challenge_id)]


def _challenge(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    if not roles.check_coordinator(turn.ctx, turn.user):
        raise NotACoordinator()
    sub, _, rest = args.partition(" ")
    handler = CHALLENGE.get(sub.lower())
    if handler is None:
        prefix = (
            f"I don't know **challenge {clip(sub, 40)}**.\n\n"
            if sub and sub.lower() != "help"
            else ""
        )
        return [note(prefix + CHALLENGE_HELP)]
    return handler(turn, rest.strip(), mentions)


def _list(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    found = setup.list_challenges(turn.ctx, include_closed=True)
    if not found:
        return [note("There are no challenges yet. **challenge new** creates one.")]
    body = [words("**Challenges**")] + [
        sentence(f"#{c.id} ", Bold(clip(c.title, 100)), f" — {Stage(c.stage).label}")
        for c in found[:50]
    ]
    return [views.message(card(body), "Challenges")]


def _status(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    challenge_id = resolve_challenge(turn, args, usage="challenge status 4")
    challenge, numbers = setup.status(turn.ctx, turn.user, challenge_id)
    body = [sentence(f"#{challenge.id} ", Bold(challenge.title), f" — {Stage(challenge.stage).label}"),
            words(f"{numbers.ideas} ideas ({numbers.withdrawn} withdrawn) · {numbers.voters} people "
                  f"voted, {numbers.votes} votes · {numbers.panel_members} on the panel, "
                  f"{numbers.scorecards} scorecards")]  # fmt: skip
    return [views.message(card(body), "Challenge status")]


def _advance(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    challenge_id = resolve_challenge(turn, args, usage="challenge advance 4")
    stage = advance(turn.ctx, challenge_id=challenge_id, actor=turn.user)
    return [
        note(f"Challenge #{challenge_id} is now at **{stage.label}**. The channel has been told.")
    ]


def _new(turn: Turn, args: str, mentions: list) -> list[MessageActivityInput]:
    body = [
        words("Create a Dragon's Lair challenge: its title, brief, channels, fund and timeline.")
    ]
    return [views.message(card(body, [open_dialog("Create a challenge", Dialog.NEW_CHALLENGE)]),
                          "Create a challenge")]  # fmt: skip


COMMANDS: dict[str, Callable] = {
    "help": _help,
    "home": _home,
    "idea": _idea,
    "challenge": _challenge,
}
CHALLENGE: dict[str, Callable] = {
    "list": _list,
    "status": _status,
    "advance": _advance,
    "new": _new,
}


# helpers ---------------------------------------------------------------------------


def _number(word: str) -> int | None:
    match = _ID.match(word or "")
    return int(match.group(1)) if match else None


def resolve_challenge(turn: Turn, args: str, *, usage: str) -> int:
    """The challenge named in `args`, or the only running one when none is named."""
    first = args.split()[0] if args.split() else ""
    if first:
        number = _number(first)
        if number is None:
            raise LairError(f"“{clip(first, 40)}” is not a challenge number. Try **{usage}**; "
                            "**challenge list** shows the numbers.")  # fmt: skip
        return number
    running = setup.list_challenges(turn.ctx)
    if len(running) == 1:
        return running[0].id
    if not running:
        raise LairError("There are no challenges yet. **challenge new** creates one.")
    raise LairError(f"Several challenges are running; say which, e.g. **{usage}**. "
                    "**challenge list** shows the numbers.")  # fmt: skip


def idea_form_button(turn: Turn, challenge_id: int | None) -> MessageActivityInput:
    if challenge_id is not None:
        challenge = setup.load(turn.ctx, challenge_id)
        if challenge.stage != Stage.SUBMISSIONS:
            raise LairError(f"“{challenge.title}” is not taking ideas now (it is at "
                            f"“{Stage(challenge.stage).label}”).")  # fmt: skip
        open_now = [challenge]
    else:
        open_now = setup.taking_ideas(turn.ctx)
    if not open_now:
        raise LairError(
            "No challenge is taking ideas right now. Watch your challenge channel for the next one."
        )
    actions = [open_dialog(clip(f"Submit to: {c.title}", 60), Dialog.SUBMIT_IDEA, challenge=c.id)
               for c in open_now[:5]]  # fmt: skip
    return views.message(
        card([words("Which challenge is your idea for?")], actions), "Submit an idea"
    )


def my_ideas(turn: Turn) -> MessageActivityInput:
    mine = ideas.ideas_of(turn.ctx, turn.user)
    if not mine:
        return note("You have no ideas yet. Send **idea** to submit one.")
    body = [words("**Your ideas**")]
    for m in mine[:30]:
        votes = f", {m.votes} votes" if m.votes is not None else ""
        body.append(sentence("• ", Bold(clip(m.idea.title, 100)), f" (#{m.idea.id}) — "
                             f"{Stage(m.challenge.stage).label}{votes}"))  # fmt: skip
    return views.message(card(body), "Your ideas")


def welcome(turn: Turn) -> MessageActivityInput:
    body = [words("👋 **Lair** runs Dragon's Lair innovation challenges: submit ideas, back your "
                  "colleagues' ideas, and — on a panel — score the shortlist.")]  # fmt: skip
    open_now = setup.taking_ideas(turn.ctx)
    for c in open_now[:5]:
        body.append(sentence("💡 ", Bold(clip(c.title, 100)), " is taking ideas."))
    actions = (
        [open_dialog("Submit an idea", Dialog.SUBMIT_IDEA, challenge=open_now[0].id)]
        if len(open_now) == 1
        else []
    )
    body.append(words("Send **help** for everything Lair understands.", subtle=True))
    return views.message(card(body, actions), "Welcome to Lair")


def score_confirmation(result: scoring.ScoreResult) -> MessageActivityInput:
    values = ", ".join(f"{c.name} {result.values[c.key]}" for c in result.criteria)
    verb = "recorded" if result.created else ("changed" if result.changed else "unchanged")
    body = [sentence("Your scores for ", Bold(result.idea.title), f" are {verb}: {values}."),
            words(f"{result.scored} of {result.eligible} panel members have scored it.", subtle=True)]  # fmt: skip
    return views.message(card(body), "Your scores")


def card_action(turn: Turn, verb: str, data: dict):
    """Action.Execute buttons other than Vote (which bot/teams/handlers.py answers itself)."""
    raise LairError(f"That button ({clip(verb, 30)}) is not one Lair knows. Use the latest card.")
