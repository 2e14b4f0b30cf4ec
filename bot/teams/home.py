"""The home card in a person's chat with Lair (on install and on `home`): what Slack's App
Home shows (bot/slack/views/home.py) — open challenges and their deadlines, my ideas and
their outcomes, votes left, ideas to score, and for coordinators each challenge's numbers."""

from __future__ import annotations

from microsoft_teams.api import MessageActivityInput
from microsoft_teams.cards import ActionSet, AdaptiveCard

from bot.teams.cards import card, clip, execute, message, open_dialog, words
from bot.teams.ids import Dialog, Verb
from bot.teams.turn import Turn
from bot.teams.views import Bold, sentence
from challenges.clock import format_local
from challenges.home import SHOWN, Home, home_for
from challenges.money import format_pounds
from challenges.stages import Stage

OUTCOME_LABELS = {"fund": "Funded", "dont_fund": "Not funded", "defer": "Deferred"}
NEXT = {
    Stage.DRAFT: "“challenge edit {n}” · “challenge advance {n}” opens it",
    Stage.SUBMISSIONS: "“challenge status {n}” · “challenge panel {n} @…”",
    Stage.VOTING: "“challenge status {n}” · “challenge advance {n}” closes voting",
    Stage.PANEL: "“challenge shortlist {n}” · “challenge status {n}”",
    Stage.DECIDED: "“challenge decide {n}” · “challenge export {n}”",
}


def _more(count: int, shown: int, hint: str = "") -> list:
    return (
        [words(f"…and {count - shown} more. {hint}".strip(), subtle=True)] if count > shown else []
    )


def _open_challenges(home: Home) -> list:
    body: list = [words("**Open challenges**", size="Medium")]
    if not home.open_challenges:
        return body + [words("Nothing is running right now. You'll see new challenges here and "
                             "in their channels.")]  # fmt: skip
    shown = home.open_challenges[: SHOWN.challenges]
    for item in shown:
        c = item.challenge
        body.append(sentence(Bold(clip(c.title, 200)), f" (#{c.id}) — {home.stage(c)}"))
        if item.deadline_label:
            due = (
                format_local(item.deadline, c.timezone)
                if item.deadline
                else "on a date to be announced"
            )
            body.append(words(f"{item.deadline_label.capitalize()} {due}", subtle=True))
        if item.votes_left is not None:
            body.append(words(f"You have **{item.votes_left} of {c.vote_budget}** votes left."))
        if c.stage == Stage.SUBMISSIONS:
            body.append(ActionSet(actions=[open_dialog("Submit an idea", Dialog.SUBMIT_IDEA,
                                                       challenge=c.id)]))  # fmt: skip
    return body + _more(home.total("open_challenges"), len(shown))


def _status(home: Home, item) -> str:
    idea, c = item.idea, item.challenge
    if idea.status == "withdrawn":
        return "Withdrawn"
    if idea.status == "removed":
        return "Removed by the coordinator"
    if (decision := home.outcomes.get(idea.id)) is not None:
        label = OUTCOME_LABELS.get(decision.outcome, decision.outcome)
        return f"{label} ({format_pounds(decision.award)})" if decision.outcome == "fund" else label
    return "Shortlisted" if idea.shortlisted else home.stage(c)


def _my_ideas(home: Home) -> list:
    body: list = [words("**My ideas**", size="Medium")]
    if not home.my_ideas:
        return body + [words("None yet. Press **Submit an idea** or send “idea”.")]
    shown = home.my_ideas[: SHOWN.ideas]
    for item in shown:
        votes = f" · {item.votes} votes" if item.votes is not None else ""
        body.append(
            sentence(Bold(clip(item.idea.title, 100)), " · ", clip(item.challenge.title, 80))
        )
        body.append(words(f"{_status(home, item)}{votes} · asking "
                          f"{format_pounds(item.idea.funding_requested)}", subtle=True))  # fmt: skip
    return body + _more(home.total("my_ideas"), len(shown), "“idea mine” lists them all.")


def _to_score(home: Home) -> list:
    body: list = [words(f"**To score** ({home.total('to_score')})", size="Medium")]
    shown = home.to_score[: SHOWN.to_score]
    for item in shown:
        body.append(sentence(Bold(clip(item.idea.title, 100)), " · ", clip(item.challenge.title, 80),
                             " — press Score on it in the panel channel"))  # fmt: skip
    return body + _more(home.total("to_score"), len(shown))


def _coordinator(home: Home) -> list:
    body: list = [words("**Your challenges** (coordinator)", size="Medium")]
    if not home.coordinator:
        return body + [words("None of yours yet. “challenge new” creates one; “challenge list” "
                             "shows every challenge.")]  # fmt: skip
    shown = home.coordinator[: SHOWN.coordinator]
    for view in shown:
        c, n = view.challenge, view.numbers
        body.append(sentence(f"#{c.id} ", Bold(clip(c.title, 120)), f" — {home.stage(c)}"))
        body.append(words(f"{n.ideas} ideas · {n.votes} votes from {n.voters} people · "
                          f"{n.panel_members} on the panel · {n.scorecards} scorecards"))  # fmt: skip
        body.append(words(NEXT.get(Stage(c.stage), "“challenge status {n}”").format(n=c.id),
                          subtle=True))  # fmt: skip
    return body + _more(home.total("coordinator"), len(shown), "“challenge list” shows them all.")


LEARNING_STATUS = {
    "on_track": "on track",
    "changed_course": "changed course",
    "stopped": "stopped early",
}


def _learning_rounds(home: Home) -> list:
    """Coordinators: each announced round's learning updates received, due and overdue."""
    body: list = [words("**Learning from funded ideas** (coordinator)", size="Medium")]
    for r in home.learning_rounds:
        body.append(sentence(f"#{r.challenge.id} ", Bold(clip(r.challenge.title, 120)),
                             f" — {r.received} received · {r.due} due · {r.overdue} overdue"))  # fmt: skip
        body.append(words(f"“challenge learning {r.challenge.id}” shows each team", subtle=True))
    return body


def _recently_learned(home: Home) -> list:
    """Everyone: the latest learning updates across rounds."""
    body: list = [words("**Recently learned**", size="Medium")]
    for r in home.recently_learned:
        status = LEARNING_STATUS.get(r.update.status, r.update.status)
        body.append(sentence(Bold(clip(r.idea.title, 100)), " · ", clip(r.challenge.title, 80),
                             f" — {status}"))  # fmt: skip
        body.append(sentence(clip(r.update.learned, 600), subtle=True))
    return body


def home_card(turn: Turn, *, greeting: bool = False) -> AdaptiveCard:
    home = home_for(turn.ctx, turn.user)
    body: list = []
    if greeting:
        body.append(words("👋 **Lair** runs Dragon's Lair innovation challenges: submit ideas, "
                          "back your colleagues' ideas, and — on a panel — score the shortlist."))  # fmt: skip
    body.append(words("Share ideas, back your colleagues' ideas, and see where they stand. "
                      "Send “help” for everything Lair understands.", subtle=True))  # fmt: skip
    body += _open_challenges(home) + _my_ideas(home)
    if home.to_score:
        body += _to_score(home)
    if home.coordinator is not None:
        body += _coordinator(home)
        if home.learning_rounds:
            body += _learning_rounds(home)
    if home.recently_learned:
        body += _recently_learned(home)
    return card(body, [execute("Refresh", Verb.HOME)])


def home_message(turn: Turn, *, greeting: bool = False) -> MessageActivityInput:
    return message(home_card(turn, greeting=greeting), "Welcome to Lair" if greeting else "Lair")
