"""Lair's Action.Execute buttons other than dialogs: Vote, Withdraw, the home card's Refresh,
and the workbook import's Record / Cancel. The answer goes to the clicker only (Teams shows
a message response, or a card response in place of the card, to the person who clicked)."""

from __future__ import annotations

from collections.abc import Callable

from microsoft_teams.api import AdaptiveCardActionCardResponse, AdaptiveCardActionMessageResponse

from bot.teams import home, person, redraw, workbook
from bot.teams.args import number
from bot.teams.cards import clip
from bot.teams.ids import Verb
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from challenges import ideas, learning_overview, voting
from challenges.errors import LairError

Answer = AdaptiveCardActionMessageResponse | AdaptiveCardActionCardResponse


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


def vote(turn: Turn, data: dict) -> Answer:
    """Back the idea or take the vote back. The click's activity id is its request key, kept
    in the vote's own transaction: a redelivered click has no second effect."""
    outcome = voting.toggle_vote(
        turn.ctx, voter=turn.user, idea_id=number(data, "idea"),
        request_key=f"teams:invoke:{turn.activity_id}",
    )  # fmt: skip
    if outcome.changed and outcome.tally_live:
        redraw.card(turn.ctx, outcome.idea_id)
    return AdaptiveCardActionMessageResponse(value=vote_reply(outcome))


def withdraw(turn: Turn, data: dict) -> tuple[Answer, list[Reply]]:
    view = ideas.withdraw_idea(turn.ctx, turn.user, number(data, "idea"))
    redraw.card(turn.ctx, view.idea.id)
    return AdaptiveCardActionMessageResponse(
        value=f"“{view.idea.title}” is withdrawn. Any votes it had have gone back to their voters."
    ), []


def nudge(turn: Turn, data: dict) -> tuple[Answer, list[Reply]]:
    """A coordinator's Nudge beside an overdue team (once a day)."""
    nudged = learning_overview.nudge(turn.ctx, turn.user, number(data, "idea"))
    people = len(nudged.people)
    return AdaptiveCardActionMessageResponse(
        value=f"Nudged the team behind “{nudged.idea.title}” ({people} "
        f"{'person' if people == 1 else 'people'}) about their update for "
        f"{nudged.day:%-d %B %Y}. You can nudge them again tomorrow."
    ), []


def refresh_home(turn: Turn, data: dict) -> tuple[Answer, list[Reply]]:
    return AdaptiveCardActionCardResponse(value=home.home_card(turn)), []


VERBS: dict[str, Callable[[Turn, dict], tuple[Answer, list[Reply]]]] = {
    Verb.WITHDRAW_IDEA: withdraw,
    Verb.HOME: refresh_home,
    Verb.NUDGE_LEARNING: nudge,
    Verb.IMPORT_CONFIRM: workbook.confirm,
    Verb.IMPORT_CANCEL: workbook.cancel,
    Verb.PERSON_ERASE: person.erase,
    Verb.PERSON_KEEP: person.keep,
}


def act(turn: Turn, verb: str, data: dict) -> tuple[Answer, list[Reply]]:
    handler = VERBS.get(verb)
    if handler is None:
        raise LairError(
            f"That button ({clip(verb, 30)}) is not one Lair knows. Use the latest card."
        )
    return handler(turn, data)
