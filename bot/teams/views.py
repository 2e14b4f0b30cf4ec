"""The cards Lair posts in Teams: announcements, idea cards, panel messages, results, and
the private messages of a round. Pure functions of the domain's facts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from microsoft_teams.api import MessageActivityInput
from microsoft_teams.cards import RichTextBlock, TextRun

from bot.teams.cards import card, clip, execute, facts, labelled, message, open_dialog, said, words
from bot.teams.ids import Dialog, Verb
from challenges import decisions, learning, notices, scoring
from challenges.clock import format_local
from challenges.ideas import IdeaView, tallies_visible
from challenges.money import format_pounds
from challenges.stages import Stage, voting_open
from storage.enums import IdeaStatus
from storage.models import Challenge, Idea

Names = Callable[[str], str]


ENDS_A_SENTENCE = (".", "?", "!", "…")


class Bold(str):
    """A run of a sentence shown in bold (still plain text: never markdown)."""


def sentence(*parts: str, subtle: bool = False) -> RichTextBlock:
    """A line mixing Lair's words and people's text (titles), every part shown as written."""
    runs = []
    before = ""
    for part in parts:
        if part and part[0] == "." and str(before).rstrip().endswith(ENDS_A_SENTENCE):
            part = part[1:]  # a title that ends its own sentence ("…collections?") takes no "."
        if not part:
            continue
        before = part
        run = TextRun(text=str(part))
        if isinstance(part, Bold):
            run.weight = "Bolder"
        if subtle:
            run.is_subtle = True
        runs.append(run)
    return RichTextBlock(inlines=runs or [TextRun(text=" ")])


def line(summary: str, *parts: str) -> MessageActivityInput:
    """A message of one sentence (Lair's words and people's text, all shown as written)."""
    return message(card([sentence(*parts)]), summary)


def not_understood(typed: str) -> MessageActivityInput:
    """Words Lair does not know (quoted as typed: they are the person's)."""
    return line(
        "I don't know that command", "I don't know “", clip(typed, 60), "”. Here is what I do."
    )


def when(moment: datetime | None, challenge: Challenge) -> str:
    return format_local(moment, challenge.timezone) if moment else "when the coordinator says"


def submit_button(challenge: Challenge):
    return open_dialog("Submit an idea", Dialog.SUBMIT_IDEA, challenge=challenge.id)


# channel posts ---------------------------------------------------------------------


def stage_news(news: notices.StageNews) -> MessageActivityInput:
    challenge, stage = news.challenge, news.stage
    if stage == Stage.SUBMISSIONS:
        body = [
            said(f"💡 {challenge.title}", bold=True, size="Large", limit=150),
            said(challenge.brief or " ", limit=2900),
            facts(
                [
                    ("Fund pot", format_pounds(challenge.fund_pot)),
                    ("Up to", f"{format_pounds(challenge.max_award)} an idea"),
                    ("Ideas close", when(challenge.submissions_close_at, challenge)),
                    ("Votes each", str(challenge.vote_budget)),
                ]
            ),  # fmt: skip
            words("Or send **idea** to Lair in a chat. **idea help** explains more.", subtle=True),
        ]
        actions = [submit_button(challenge)] if challenge.stage == Stage.SUBMISSIONS else []
        return message(card(body, actions), "A new Dragon's Lair challenge")
    title = Bold(challenge.title)
    lines = {
        Stage.VOTING: ("🗳️ Voting is open for ", title, ". Use the Vote buttons on the ideas — you "
                       f"have {challenge.vote_budget} votes. Voting closes "
                       f"{when(challenge.voting_close_at, challenge)}."),
        Stage.PANEL: ("🔒 Voting has closed for ", title, ". The shortlist goes to the panel."),
        Stage.DECIDED: ("⚖️ The panel has finished scoring ", title, ". Decisions follow shortly."),
        Stage.CLOSED: ("✅ ", title, " is closed. Thank you to everyone who took part."),
        Stage.DRAFT: ("", title, " is back in draft."),
    }  # fmt: skip
    body: list = [sentence(*lines[stage])]
    if stage == Stage.PANEL and news.shortlist:
        body.append(words(f"**The shortlist ({len(news.shortlist)})**"))
        body += [
            sentence("• ", Bold(clip(i.title, 100)), f" (#{i.id})") for i in news.shortlist[:40]
        ]
        if len(news.shortlist) > 40:
            body.append(words(f"…and {len(news.shortlist) - 40} more.", subtle=True))
    return message(card(body), f"{stage.label}: a Dragon's Lair challenge")


REMOVED_TEXT = "Removed by the coordinator"


def removed_card(idea: Idea, challenge: Challenge) -> MessageActivityInput:
    """An idea a coordinator hid: nothing of it is shown but that it was removed."""
    body = [words(f"_{REMOVED_TEXT}._"),
            sentence(f"Idea #{idea.id} · ", clip(challenge.title, 200), subtle=True)]  # fmt: skip
    return message(card(body), REMOVED_TEXT)


def idea_card(view: IdeaView, votes: int | None, names: Names = str) -> MessageActivityInput:
    idea, challenge = view.idea, view.challenge
    if idea.status == IdeaStatus.REMOVED:
        return removed_card(idea, challenge)
    who = (
        "Anonymous" if idea.anonymous else ", ".join(names(u) for u in [idea.author_id, *view.team])
    )
    pairs = [("Asking for", format_pounds(idea.funding_requested))]
    if votes is not None and tallies_visible(challenge):
        pairs.append(("Votes", str(votes)))
    body = [
        said(idea.title, bold=True, size="Medium", limit=100),
        *labelled("Problem", idea.problem),
        *labelled("Proposal", idea.proposal),
        facts(pairs),
        sentence("From ", who),
    ]
    if idea.theme:
        body.append(sentence("Theme: ", idea.theme))
    actions = []
    if idea.status == IdeaStatus.WITHDRAWN:
        body.append(words("_Withdrawn by its author._", subtle=True))
    elif voting_open(challenge):
        actions.append(execute("Vote", Verb.VOTE, idea=idea.id))
    body.append(sentence(f"Idea #{idea.id} · ", clip(challenge.title, 200), subtle=True))
    return message(card(body, actions), "A new idea")


def reminder(facts_: notices.Reminder) -> MessageActivityInput:
    challenge, at = facts_.challenge, format_local(facts_.close, facts_.challenge.timezone)
    title = Bold(challenge.title)
    if facts_.stage == Stage.SUBMISSIONS:
        body = [sentence("⏰ Ideas for ", title, f" close {at}. There is still time.")]
        return message(card(body, [submit_button(challenge)]), "Ideas close soon")
    if facts_.stage == Stage.VOTING:
        body = [sentence("⏰ Voting for ", title, f" closes {at}. You have {challenge.vote_budget} "
                         "votes to use on the ideas above.")]  # fmt: skip
    else:
        body = [sentence("⏰ Scoring for ", title, f" closes {at}. {facts_.scored} of "
                         f"{facts_.expected} scorecards are in. Press Score on each idea below.")]  # fmt: skip
    return message(card(body), "A deadline is coming")


def panel_parent(panel: scoring.PanelCard, names: Names = str) -> MessageActivityInput:
    idea, challenge = panel.idea, panel.challenge
    if idea.status == IdeaStatus.REMOVED:
        return removed_card(idea, challenge)
    who = "Anonymous" if idea.anonymous else ", ".join(names(u) for u in panel.team)
    body = [
        said(idea.title, bold=True, size="Medium", limit=100),
        *labelled("Problem", idea.problem, limit=1000),
        *labelled("Proposal", idea.proposal, limit=1000),
        facts(
            [
                ("Asking for", format_pounds(idea.funding_requested)),
                ("Votes", str(panel.votes)),
                ("Scored", f"{panel.scored} of {panel.eligible}"),
            ]
        ),  # fmt: skip
        sentence("From ", who),
    ]
    actions = []
    if not idea.shortlisted:
        body.append(words("_Taken off the shortlist by the coordinator._", subtle=True))
    elif challenge.stage == Stage.PANEL:
        positional = scoring.example(panel.criteria)[0] if panel.criteria else "score 4 3 5 4 2"
        body.append(words("Discuss it in this thread. Score with the button (your scores stay "
                          f"private), or reply **@Lair {positional}** — one score per criterion, "
                          "in order, then a comment.", subtle=True))  # fmt: skip
        actions = [
            open_dialog("Score", Dialog.SCORE, idea=idea.id),
            open_dialog("Panel scores", Dialog.PANEL_SCORES, idea=idea.id),
            open_dialog("Declare conflict", Dialog.CONFLICT, idea=idea.id),
        ]
    else:
        body.append(words("Scoring has closed.", subtle=True))
        actions = [open_dialog("Panel scores", Dialog.PANEL_SCORES, idea=idea.id)]
    return message(card(body, actions), "An idea for the panel")


def results(found: decisions.Results, names: Names = str) -> MessageActivityInput:
    challenge = found.challenge
    body = [sentence("🏆 The results of ", Bold(challenge.title))]
    if found.winners:
        body.append(
            words(f"**Funded ({len(found.winners)}), {format_pounds(found.total)} in all**")
        )
        for w in found.winners[:40]:
            who = "Anonymous" if w.idea.anonymous else ", ".join(names(u) for u in w.team)
            body.append(
                sentence("• ", Bold(clip(w.idea.title, 100)), f" — {format_pounds(w.award)}, ", who)
            )
    else:
        body.append(words("No idea was funded this round."))
    if found.deferred:
        body.append(words(f"{found.deferred} idea(s) deferred to a later round."))
    body.append(
        words(f"{found.shortlisted} ideas were shortlisted. Thank you to everyone who took part.")
    )
    return message(card(body), "The results are in")


# private messages ------------------------------------------------------------------


def _ideas(ideas: Sequence[Idea]) -> list:
    return [sentence("• ", Bold(clip(i.title, 100)), f" (#{i.id})") for i in ideas[:20]]


def panel_nudge(nudge: notices.PanelNudge) -> MessageActivityInput:
    count = f"{len(nudge.ideas)} idea{'s' if len(nudge.ideas) != 1 else ''}"
    body = [sentence("⏰ Scoring for ", Bold(nudge.challenge.title), " closes "
                     f"{format_local(nudge.close, nudge.challenge.timezone)}. You have {count} left to score:"),
            *_ideas(nudge.ideas), words("Open each idea's thread in the panel channel and press **Score**.")]  # fmt: skip
    return message(card(body), "Ideas still to score")


def author_notice(notice: notices.AuthorNotice) -> MessageActivityInput:
    yours = "Your idea is" if len(notice.ideas) == 1 else "Your ideas are"
    body = [sentence("🗳️ Voting is open for ", Bold(notice.challenge.title), f". {yours} in the vote.",
                     f" Voting closes {when(notice.challenge.voting_close_at, notice.challenge)}."),
            *_ideas(notice.ideas)]  # fmt: skip
    return message(card(body), "Voting is open")


def idea_moderated(news: notices.IdeaModerated) -> MessageActivityInput:
    """To an author whose idea a coordinator removed (with why) or restored."""
    idea, challenge = news.idea, news.challenge
    if news.restored:
        body = [sentence("Your idea ", Bold(idea.title), f" (#{idea.id}) in ", Bold(challenge.title),
                         " is back: a coordinator restored it. Votes it had before were returned "
                         "to their voters, who can back it again.")]  # fmt: skip
        return message(card(body), "Your idea is back")
    body = [sentence("A coordinator removed your idea ", Bold(idea.title), f" (#{idea.id}) in ",
                     Bold(challenge.title), ", because: ", news.reason),
            words("Its card now reads “Removed by the coordinator”, and any votes it had went back "
                  "to their voters. If you think this is a mistake, reply to the coordinator who "
                  "runs the challenge.")]  # fmt: skip
    return message(card(body), "Your idea was removed")


def learning_due(due: notices.LearningDue) -> MessageActivityInput:
    body = [sentence("📓 Time for a learning update on ", Bold(due.idea.title), ", funded with "
                     f"{format_pounds(due.award)} by ", Bold(due.challenge.title), ". Press Share an "
                     "update (or send “idea update”): where it stands, what you did, what happened, "
                     "what you learned. Ideas that didn't work teach the next round as much as the "
                     "ones that did; the update is posted in the challenge's channel.")]  # fmt: skip
    return message(card(body, [share_button(due.idea.id, due.day)]), "Time for a learning update")


def share_button(idea_id: int, day) -> object:
    data = {"idea": idea_id, **({"date": day.isoformat()} if day else {})}
    return open_dialog("Share an update", Dialog.LEARNING_UPDATE, **data)


def learning_nudge(nudge: learning.LearningNudge) -> MessageActivityInput:
    who = "Your coordinator asks again" if nudge.by_coordinator else "A reminder"
    body = [sentence(f"📓 {who}: the learning update on ", Bold(nudge.idea.title),
                     f" for {nudge.day.isoformat()} has not been shared yet. Stopping early is a "
                     "result worth sharing too.")]  # fmt: skip
    return message(
        card(body, [share_button(nudge.idea.id, nudge.day)]), "A learning update is awaited"
    )


LEARNING_STATUS = {
    "on_track": "on track",
    "changed_course": "changed course",
    "stopped": "stopped early",
}
LEARNING_QUESTIONS = [("did", "What we did"), ("happened", "What happened"),
                      ("learned", "What we learned"), ("advice", "What we'd tell another council")]  # fmt: skip


def learning_card(found: learning.LearningCard, names: Names) -> MessageActivityInput:
    update = found.update
    status = LEARNING_STATUS.get(update.status, update.status)
    body = [sentence("📓 Learning from ", Bold(found.idea.title), f" — {status}"),
            sentence(f"Funded {format_pounds(found.award)} · spent so far "
                     f"{learning.format_pence(update.spent_pence)} · update for {update.due_date.isoformat()}",
                     subtle=True)]  # fmt: skip
    for name, label in LEARNING_QUESTIONS:
        if getattr(update, name):
            body += [sentence(Bold(label)), sentence(clip(getattr(update, name), 3000))]
    footer = f"Shared by {names(found.by)}" if found.by else "Shared by the team"
    if update.link:
        footer += f" · evidence: {update.link}"
    body.append(sentence(footer, subtle=True))
    return message(card(body), f"Learning from {clip(found.idea.title, 80)}")


def outcome(found: decisions.Outcome) -> MessageActivityInput:
    idea, decision = found.idea, found.decision
    labels = {"fund": "funded", "dont_fund": "not funded", "defer": "deferred"}
    result = labels.get(decision.outcome, "decided") if decision else "not shortlisted"
    body = [sentence("The panel has decided on ", Bold(idea.title), f": {result}"
                     + (f", {format_pounds(decision.award)}" if decision and decision.award else "") + ".")]  # fmt: skip
    if found.scorers:
        body.append(words("**The panel's mean scores**"))
        # (criterion names are the coordinator's text: shown as written, never as markdown)
        body += [sentence(f"{mean:.1f} · ", name) for name, mean in zip(found.criteria, found.means, strict=True)
                 if mean is not None]  # fmt: skip
    for comment in found.comments[:10]:
        body.append(said(f"“{comment}”", limit=1000))
    return message(card(body), "Your idea's outcome")


def unsendable_report(report: notices.Unsendable) -> MessageActivityInput:
    """To the challenge's coordinator: a message Teams will never accept was dropped."""
    what = {"idea_card": "the card of an idea", "card_update": "an update to an idea's card",
            "stage_announcement": "a stage announcement", "results": "the results announcement",
            "panel_parent": "an idea's message in the panel channel"}.get(report.kind, "a message")  # fmt: skip
    parts = ["⚠️ Lair could not post ", what]
    if report.idea is not None:
        parts += [" (", Bold(report.idea.title), f", #{report.idea.id})"]
    parts += [" for ", Bold(report.challenge.title), f": Teams refused it ({clip(report.error, 200)}). "
              "It was left out; the messages after it were sent."]  # fmt: skip
    return message(card([sentence(*parts)]), "A message could not be posted")
