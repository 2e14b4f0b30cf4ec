"""The coordinator's forms after voting: the shortlist and the funding decisions (paged when
the shortlist is long). Slack's are bot/slack/views/decisions.py and listeners/decisions.py."""

from __future__ import annotations

from typing import Any

from bot.teams import redraw
from bot.teams.args import number, optional_number
from bot.teams.cards import clip, said, words
from bot.teams.dialogs.registry import opens, submits
from bot.teams.forms import Form, Result, Show, flag, listed
from bot.teams.ids import Dialog
from bot.teams.refusals import field_errors
from bot.teams.replies import Reply
from bot.teams.turn import Turn
from bot.teams.views import Bold, line, sentence
from challenges import decisions, shortlist
from challenges.decisions import FUND, OUTCOMES, DecisionForm, DecisionInput
from challenges.errors import InvalidInput, LairError
from challenges.money import format_pounds, parse_pounds

MAX_CANDIDATES = 100
PAGE_SIZE = 20  # ideas a page of the decisions form: three blocks each keeps a card small
SHORTLIST_TITLE, DECIDE_TITLE = "Shortlist", "Funding decisions"


def shortlist_card(form: shortlist.ShortlistForm, values: dict[str, Any] | None = None,
                   errors: dict[str, str] | None = None):  # fmt: skip
    candidates = form.candidates
    shown = [c for c in candidates if c.shortlisted]
    shown += [c for c in candidates if not c.shortlisted][: MAX_CANDIDATES - len(shown)]
    shown.sort(key=lambda c: (-c.votes, c.idea_id))
    sheet = Form(values, errors)
    sheet.add(said(form.challenge.title, bold=True, limit=200),
              words(f"The shortlist is the top {form.challenge.shortlist_size} by votes, with ties "
                    "at the cut. Add or remove ideas until the panel's first score."))  # fmt: skip
    sheet.choices("shortlist", "Shortlisted ideas",
                  [(str(c.idea_id), f"{clip(c.title, 100)} ({c.votes} votes)") for c in shown],
                  initial=[str(c.idea_id) for c in shown if c.shortlisted], required=True,
                  multi=True, expanded=len(shown) <= 20)  # fmt: skip
    if len(candidates) > len(shown):
        sheet.add(words(f"Showing the {len(shown)} ideas with the most votes of {len(candidates)}.",
                        subtle=True))  # fmt: skip
    data = {"dialog": Dialog.SHORTLIST.value, "challenge": form.challenge.id}
    return sheet.card("Save", data, fallback="shortlist")


@opens(Dialog.SHORTLIST)
def open_shortlist(turn: Turn, data: dict[str, Any]) -> Result:
    form = shortlist.form(turn.ctx, turn.user, number(data, "challenge"))
    return Show(shortlist_card(form), SHORTLIST_TITLE)


@submits(Dialog.SHORTLIST)
def submit_shortlist(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    challenge_id = number(data, "challenge")
    try:
        chosen = [int(i) for i in listed(data.get("shortlist")) if i.isdigit()]
        if len(chosen) != len(listed(data.get("shortlist"))):
            raise InvalidInput({"shortlist": "Choose ideas from the list."})
        change = shortlist.set_shortlist(turn.ctx, turn.user, challenge_id, chosen)
    except LairError as error:
        form = shortlist.form(turn.ctx, turn.user, challenge_id)
        return Show(
            shortlist_card(form, data, field_errors(error, "shortlist")), SHORTLIST_TITLE
        ), []
    for idea_id in change.to_refresh:
        redraw.panel_parent(turn.ctx, idea_id)
    done = line("The shortlist", f"The shortlist of challenge #{challenge_id} now has "
                f"{len(change.shortlist)} ideas ({len(change.added)} added, {len(change.removed)} "
                "removed). The panel channel shows them.")  # fmt: skip
    return None, [Reply(done)]


def pages(form: DecisionForm) -> int:
    return max(1, -(-len(form.ranks) // PAGE_SIZE))


def decide_card(form: DecisionForm, page: int, values: dict[str, Any] | None = None,
                errors: dict[str, str] | None = None):  # fmt: skip
    """One page of the ranked shortlist, pre-filled with what was decided so far or else the
    recommendation; the last page has the Announce toggle."""
    challenge, rec = form.challenge, form.recommendation.by_idea
    count = pages(form)
    page = min(max(page, 0), count - 1)
    ranks = form.ranks[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    funded = sum(1 for e in form.recommendation.entries if e.fund)
    sheet = Form(values, errors)
    sheet.add(said(challenge.title, bold=True, limit=200),
              words(f"Fund pot {format_pounds(challenge.fund_pot)}, up to "
                    f"{format_pounds(challenge.max_award)} an idea. Recommended: fund {funded} for "
                    f"{format_pounds(form.recommendation.total)} — the most total weighted score the "
                    "pot can buy. Change anything you decide otherwise."))  # fmt: skip
    outcomes = list(OUTCOMES.items())
    for r in ranks:
        decided, entry = form.decisions.get(r.idea_id), rec[r.idea_id]
        outcome = decided.outcome if decided else (FUND if entry.fund else "dont_fund")
        award = decided.award if decided else entry.award
        score = "not scored" if r.weighted is None else f"weighted {r.weighted:.2f}"
        if r.normalised is not None:
            score += f", normalised {r.normalised:+.2f}"
        split = f" · panel split on {', '.join(r.disagreement_criteria)}" if r.disagreement else ""
        sheet.add(sentence(f"{r.rank}. ", Bold(clip(r.title, 150))),
                  sentence(f"{score} · {r.scorers} scored · {r.votes} votes · asks "
                           f"{format_pounds(r.funding_requested)}{split}. Recommendation: {entry.reason}",
                           subtle=True))  # fmt: skip
        sheet.choices(f"outcome.{r.idea_id}", "Decision", outcomes, initial=outcome, required=True)
        sheet.text(f"award.{r.idea_id}", "Award (£, if funded)", initial=format_pounds(award),
                   max_length=20)  # fmt: skip
    last = page == count - 1
    if last:
        sheet.toggle("announce", "Announce the winners and tell every author now", initial=True,
                     label="Announce")  # fmt: skip
        sheet.add(words("Announcing is final: decisions cannot change afterwards. Leave it off "
                        "to save a draft.", subtle=True))  # fmt: skip
    if count > 1:
        sheet.add(words(f"Page {page + 1} of {count}. Saving a page keeps its decisions and shows "
                        "the next.", subtle=True))  # fmt: skip
    data = {"dialog": Dialog.DECIDE.value, "challenge": challenge.id, "page": page,
            "ideas": [r.idea_id for r in ranks], "last": last}  # fmt: skip
    fallback = "announce" if last else f"outcome.{ranks[0].idea_id}" if ranks else "announce"
    return sheet.card("Save" if last else "Save and next", data, fallback=fallback)


@opens(Dialog.DECIDE)
def open_decide(turn: Turn, data: dict[str, Any]) -> Result:
    challenge_id = number(data, "challenge")
    decisions.check_deciding(turn.ctx, turn.user, challenge_id)
    form = decisions.decision_form(turn.ctx, turn.user, challenge_id)
    return Show(decide_card(form, 0), DECIDE_TITLE)


def _inputs(data: dict[str, Any], form: DecisionForm, page: int) -> list[DecisionInput]:
    """The decisions on the page (the ideas the server put on it, not what the client says)."""
    on_page = [r.idea_id for r in form.ranks[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]]
    inputs, errors = [], {}
    for idea_id in on_page:
        outcome = str(data.get(f"outcome.{idea_id}") or "")
        award = 0
        if outcome == FUND:
            try:
                award = parse_pounds(data.get(f"award.{idea_id}"), field="award")
            except ValueError as exc:
                errors[f"award.{idea_id}"] = getattr(exc, "problem", None) or str(exc)
        inputs.append(DecisionInput(idea_id=idea_id, outcome=outcome, award=award))
    if errors:
        raise InvalidInput(errors)
    return inputs


@submits(Dialog.DECIDE)
def submit_decide(turn: Turn, data: dict[str, Any]) -> tuple[Result, list[Reply]]:
    challenge_id = number(data, "challenge")
    form = decisions.decision_form(turn.ctx, turn.user, challenge_id)
    page = min(optional_number(data, "page") or 0, pages(form) - 1)
    last = page == pages(form) - 1
    try:
        result = decisions.record_decisions(turn.ctx, turn.user, challenge_id, _inputs(data, form, page),
                                            announce=last and flag(data.get("announce")))  # fmt: skip
    except LairError as error:
        first = form.ranks[page * PAGE_SIZE].idea_id if form.ranks else 0
        fallback = "announce" if last else f"outcome.{first}"
        return Show(decide_card(form, page, data, field_errors(error, fallback)), DECIDE_TITLE), []
    if not last:
        return Show(decide_card(decisions.decision_form(turn.ctx, turn.user, challenge_id), page + 1),
                    DECIDE_TITLE), []  # fmt: skip
    challenge = result.challenge
    said_ = ["Decisions saved for ", Bold(challenge.title), f": {result.funded} funded, "
             f"{format_pounds(result.total_awarded)} of the {format_pounds(challenge.fund_pot)} pot."]  # fmt: skip
    if result.announced:
        said_.append(" The winners are being announced in the challenge channel and every author "
                     "is being sent their outcome and feedback.")  # fmt: skip
    else:
        said_.append(
            f" Nothing is announced yet: “challenge decide {challenge_id}” again to announce."
        )
    return None, [Reply(line("Funding decisions", *said_))]
