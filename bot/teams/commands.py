"""Lair's command words in Teams: sent in a person's chat with Lair, or with @Lair in a
channel — `idea`, `idea mine`, `idea help`, `challenge …` (the same subcommands and roles
as Slack's /challenge: bot/teams/coordinator.py), `home`, `help` — and scores given as
replies in a panel thread. Every answer is private (in the person's own chat)."""

from __future__ import annotations

from collections.abc import Callable

from microsoft_teams.api import MessageActivityInput
from microsoft_teams.cards import ActionSet, ShowCardAction

from bot.teams import coordinator, home, panel
from bot.teams.args import parse_id
from bot.teams.cards import card, clip, execute, message, note, open_dialog, words
from bot.teams.ids import Dialog, Verb
from bot.teams.people import Mentioned
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, not_understood, sentence
from challenges import ideas, learning, places, scoring, setup
from challenges.codes import Code
from challenges.errors import LairError, WrongStage
from challenges.money import format_pounds
from challenges.stages import Stage

IDEA_HELP = (
    "**Lair** runs Dragon's Lair innovation challenges.\n\n"
    "- **idea** — submit an idea to a challenge that is taking ideas\n"
    "- **idea 4** — submit an idea to challenge #4\n"
    "- **idea mine** — your ideas, where they stand, and buttons to edit or withdraw them\n"
    "- **idea update** — share (or change) your funded idea's learning update; **idea update 12** names the idea\n"
    "- **home** — open challenges, your ideas, votes left, ideas to score\n"
    "- **Submit as idea** in any message's **…** menu starts an idea from that message.\n"
    "- Vote with the **Vote** button on an idea's card in the challenge channel (press it "
    "again to take the vote back). You cannot vote for an idea you are on the team of, and "
    "who voted for what is never shown.\n"
    "- On a panel: score with **Score** on the idea, or reply in its thread "
    "**@Lair score 4 3 5 4 2 your comment**.\n"
    "- Coordinators: **challenge help**."
)
MINE_SHOWN = 15


def scores_in_thread(turn: Turn, text: str) -> bool:
    """A reply in a channel thread that looks like a score (read even without an @mention)."""
    return bool(turn.thread) and scoring.looks_like_score(text)


def handle(
    turn: Turn, text: str, *, mentions: list[Mentioned], mentioned: bool = True
) -> list[Reply]:
    text = (text or "").strip()
    if scores_in_thread(turn, text):
        idea_id = places.idea_under(turn.ctx, turn.conversation_id, turn.thread)
        if idea_id is not None:
            return panel.score_reply(turn, idea_id, text)
        if not mentioned:
            return []  # a channel message that only looks like a score
    if not text:
        return [Reply(note(IDEA_HELP))]  # "@Lair" and nothing else
    word, _, rest = text.partition(" ")
    command = COMMANDS.get(word.lower())
    if command is None:
        return [Reply(not_understood(word)), Reply(note(IDEA_HELP))]
    return command(turn, rest.strip(), mentions)


def _help(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    return [Reply(note(IDEA_HELP))]


def _home(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    return [Reply(home.home_message(turn))]


def _idea(turn: Turn, args: str, mentions: list[Mentioned]) -> list[Reply]:
    sub = args.split()[0].lower() if args else ""
    if sub == "help":
        return [Reply(note(IDEA_HELP))]
    if sub == "mine":
        return [Reply(my_ideas(turn))]
    if sub == "update":
        return [Reply(update_button(turn, args.split()[1:]))]
    challenge_id = parse_id(sub) if sub else None
    if sub and challenge_id is None:
        return [Reply(not_understood(f"idea {sub}")), Reply(note(IDEA_HELP))]
    return [Reply(idea_form_button(turn, challenge_id))]


COMMANDS: dict[str, Callable[[Turn, str, list[Mentioned]], list[Reply]]] = {
    "help": _help,
    "home": _home,
    "idea": _idea,
    "challenge": coordinator.challenge,
}


def idea_form_button(turn: Turn, challenge_id: int | None) -> MessageActivityInput:
    """A button opening the idea dialog (of the challenge named, or of the only one taking
    ideas; with several, the dialog asks which first)."""
    if challenge_id is not None:
        challenge = setup.load(turn.ctx, challenge_id)
        if challenge.stage != Stage.SUBMISSIONS:
            raise WrongStage(f"“{challenge.title}” is not taking ideas now (it is at "
                             f"“{Stage(challenge.stage).label}”).")  # fmt: skip
        open_now = [challenge]
    else:
        open_now = setup.taking_ideas(turn.ctx)
    if not open_now:
        raise WrongStage("No challenge is taking ideas right now. Watch your challenge channel "
                         "for the next one.")  # fmt: skip
    if len(open_now) == 1:
        body = [sentence("Submit an idea to ", Bold(open_now[0].title), ".")]
        button = open_dialog("Submit an idea", Dialog.SUBMIT_IDEA, challenge=open_now[0].id)
    else:
        body = [words(f"{len(open_now)} challenges are taking ideas; the form asks which first.")]
        button = open_dialog("Submit an idea", Dialog.SUBMIT_IDEA)
    return message(card(body, [button]), "Submit an idea")


def update_button(turn: Turn, rest: list[str]) -> MessageActivityInput:
    """`idea update [id]`: a button opening the learning-update form (refused before it is offered)."""
    idea_id = parse_id(rest[0]) if rest else None
    if rest and idea_id is None:
        raise LairError(Code.LEARNING_NOT_AN_IDEA_NUMBER, text=rest[0][:40])
    form = learning.form_for_me(turn.ctx, turn.user, idea_id)
    body = [sentence("Share your team's learning update on ", Bold(form.funded.idea.title),
                     f" for {form.due_date:%-d %B %Y}.")]  # fmt: skip
    button = open_dialog("Share an update", Dialog.LEARNING_UPDATE, idea=form.funded.idea.id,
                         date=form.due_date.isoformat())  # fmt: skip
    return message(card(body, [button]), "Share a learning update")


def _idea_buttons(item: ideas.MyIdea) -> list:
    idea, challenge = item.idea, item.challenge
    if (item.role != "author" or idea.status == "withdrawn"
            or challenge.stage not in (Stage.SUBMISSIONS, Stage.VOTING)):  # fmt: skip
        return []
    buttons = []
    if challenge.stage == Stage.SUBMISSIONS:
        buttons.append(open_dialog("Edit", Dialog.EDIT_IDEA, idea=idea.id))
    sure = card([sentence("“", clip(idea.title, 100), "” will be taken out of the challenge and "
                          "any votes returned.")], [execute("Withdraw it", Verb.WITHDRAW_IDEA, idea=idea.id)])  # fmt: skip
    buttons.append(ShowCardAction(title="Withdraw", card=sure))
    return [ActionSet(actions=buttons)]


def my_ideas(turn: Turn) -> MessageActivityInput:
    mine = ideas.ideas_of(turn.ctx, turn.user)
    if not mine:
        return note("You have no ideas yet. Send **idea** to submit one.")
    body: list = [words(f"**Your ideas** ({len(mine)})")]
    for item in mine[:MINE_SHOWN]:
        idea, challenge = item.idea, item.challenge
        status = "Withdrawn" if idea.status == "withdrawn" else Stage(challenge.stage).label
        if idea.shortlisted and challenge.stage in (Stage.PANEL, Stage.DECIDED):
            status = "Shortlisted"
        votes = f" · {item.votes} votes" if item.votes is not None else ""
        role = "" if item.role == "author" else " · you are on the team"
        body.append(sentence(Bold(clip(idea.title, 100)), f" (#{idea.id})"))
        body.append(sentence(clip(challenge.title, 150), f" · {format_pounds(idea.funding_requested)}"
                             f" · {status}{votes}{role}", subtle=True))  # fmt: skip
        body += _idea_buttons(item)
    if len(mine) > MINE_SHOWN:
        body.append(words(f"…and {len(mine) - MINE_SHOWN} older ideas.", subtle=True))
    return message(card(body), "Your ideas")


def welcome(turn: Turn) -> MessageActivityInput:
    return home.home_message(turn, greeting=True)
