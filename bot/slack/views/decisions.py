"""The shortlist and decisions forms, the results announcement, and each author's outcome."""

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
)
from slack_sdk.models.views import View

from bot.slack.ids import INPUT, Callback, award_block, outcome_block
from bot.slack.ids import Block as B
from bot.slack.metadata import PAGE_SIZE, DecisionsMetadata, ShortlistMetadata
from bot.slack.views.inputs import tick_box
from bot.slack.views.text import (
    HEADER,
    OPTION,
    SECTION,
    clip_mrkdwn,
    escape,
    fit,
    mention,
    plain,
    quote,
    stop,
)
from bot.words import SLACK_FORM, say_problem
from challenges.decisions import OUTCOMES, DecisionForm, Outcome, Results
from challenges.money import format_pounds
from challenges.shortlist import ShortlistForm
from storage.enums import Outcome as Verdict

MAX_OPTIONS = 100  # a multi-select's limit


def shortlist_modal(form: ShortlistForm) -> View:
    candidates = form.candidates
    shown = [c for c in candidates if c.shortlisted]
    shown += [c for c in candidates if not c.shortlisted][: MAX_OPTIONS - len(shown)]
    shown.sort(key=lambda c: (-c.votes, c.idea_id))
    options = {
        c.idea_id: Option(
            value=str(c.idea_id),
            text=_option_text(c.title, f" ({c.votes} votes)"),
        )
        for c in shown
    }
    initial = [options[c.idea_id] for c in shown if c.shortlisted]
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{escape(form.challenge.title)}*\nThe shortlist is the top "
                f"{form.challenge.shortlist_size} by votes, with ties at the cut. Add or remove "
                "ideas until the panel's first score."
            )
        ),
        InputBlock(
            block_id=B.SHORTLIST.value,
            label="Shortlisted ideas",
            element=StaticMultiSelectElement(
                action_id=INPUT, options=list(options.values()), initial_options=initial or None
            ),
        ),  # fmt: skip
    ]
    if len(candidates) > len(shown):
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Showing the {len(shown)} ideas with the most votes of {len(candidates)}."
                    )
                ]
            )
        )
    return View(
        type="modal",
        callback_id=Callback.SHORTLIST.value,
        title=PlainTextObject(text="Shortlist"),
        submit=PlainTextObject(text="Save"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=ShortlistMetadata(challenge_id=form.challenge.id).dump(),
        blocks=blocks,
    )


def _option_text(title: str, tail: str) -> str:
    """A title then Lair's `tail`, shortened so the whole is an option's text."""
    return plain(title, OPTION - len(tail)) + tail


def loading_modal(title: str, message: str | None = None) -> View:
    """Opened at once (a trigger lasts 3 seconds), then replaced by the real form."""
    text = f"⚠️ {fit(message, SECTION - 3)}" if message else "Working out the recommendation…"
    return View(
        type="modal",
        title=PlainTextObject(text=plain(title, 24)),
        close=PlainTextObject(text="Close"),
        blocks=[SectionBlock(text=MarkdownTextObject(text=text))],
    )


def pages(form: DecisionForm) -> int:
    return max(1, -(-len(form.ranks) // PAGE_SIZE))


def decide_modal(form: DecisionForm, *, page: int = 0) -> View:
    """Decisions for one page of the ranked shortlist, pre-filled with what was decided so
    far or else the recommendation. Two inputs per idea, up to PAGE_SIZE ideas a page."""
    challenge, rec = form.challenge, form.recommendation.by_idea
    count = pages(form)
    ranks = form.ranks[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    funded = sum(1 for e in form.recommendation.entries if e.fund)
    blocks: list[Block] = [
        SectionBlock(
            text=MarkdownTextObject(
                text=f"*{fit(challenge.title, 1000)}*\nFund pot {format_pounds(challenge.fund_pot)}, "
                f"up to {format_pounds(challenge.max_award)} an idea. Recommended: fund {funded} "
                f"for {format_pounds(form.recommendation.total)} — the most total weighted score "
                "the pot can buy. Change anything you decide otherwise."
            )
        )
    ]
    options = [Option(value=k, text=v) for k, v in OUTCOMES.items()]
    for r in ranks:
        decided = form.decisions.get(r.idea_id)
        entry = rec[r.idea_id]
        outcome = (
            decided.outcome if decided else (Verdict.FUND if entry.fund else Verdict.DONT_FUND)
        )
        award = decided.award if decided else entry.award
        score = "not scored" if r.weighted is None else f"weighted {r.weighted:.2f}"
        if r.normalised is not None:
            score += f", normalised {r.normalised:+.2f}"
        split = (
            f" · ⚠ panel split on {', '.join(r.disagreement_criteria)}" if r.disagreement else ""
        )
        hint = (
            f"{score} · {r.scorers} scored · {r.votes} votes · asks "
            f"{format_pounds(r.funding_requested)}{split}. Recommendation: {say_problem(entry.reason, SLACK_FORM)}"
        )
        blocks.append(
            InputBlock(
                block_id=outcome_block(r.idea_id),
                label=plain(f"{r.rank}. {r.title}", 2000),
                hint=plain(hint, 2000),
                element=StaticSelectElement(
                    action_id=INPUT,
                    options=options,
                    initial_option=next(o for o in options if o.value == outcome),
                ),
            )  # fmt: skip
        )
        blocks.append(
            InputBlock(
                block_id=award_block(r.idea_id),
                label=f"Award for {r.rank}. (£, if funded)",
                optional=True,
                element=PlainTextInputElement(action_id=INPUT, initial_value=format_pounds(award)),
            )  # fmt: skip
        )
    last = page == count - 1
    if last:
        blocks.append(
            tick_box(B.ANNOUNCE.value, "Announce", value="announce", ticked=True,
                     text="Announce the winners and tell every author now",
                     hint="Announcing is final: decisions cannot change afterwards. Untick to save a draft.")
        )  # fmt: skip
    if count > 1:
        blocks.append(
            ContextBlock(
                elements=[
                    MarkdownTextObject(
                        text=f"Page {page + 1} of {count}. Saving a page keeps its decisions and shows the next."
                    )
                ]
            )
        )
    return View(
        type="modal",
        callback_id=Callback.DECIDE.value,
        title=PlainTextObject(text="Funding decisions"),
        submit=PlainTextObject(text="Save" if last else "Save and next"),
        close=PlainTextObject(text="Cancel"),
        private_metadata=DecisionsMetadata(
            challenge_id=challenge.id, page=page, ideas=[r.idea_id for r in ranks], last=last
        ).dump(),
        blocks=blocks,
    )


def _who(idea, team: list[str]) -> str:
    return "an anonymous team" if idea.anonymous else ", ".join(mention(u) for u in team)


def results_message(results: Results) -> tuple[str, list[Block]]:
    challenge = results.challenge
    blocks: list[Block] = [HeaderBlock(text=plain(f"🏆 Results: {challenge.title}", HEADER))]
    if results.winners:
        lines = [
            clip_mrkdwn(
                f"• *{escape(w.idea.title)}* — {format_pounds(w.award)} — {_who(w.idea, w.team)}",
                1000,
            )
            for w in results.winners
        ]
        chunk = ""
        for line in [f"The panel has decided. Funded ({len(results.winners)}):", *lines]:
            if len(chunk) + len(line) + 1 > 2900:
                blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
                chunk = ""
            chunk = f"{chunk}\n{line}" if chunk else line
        blocks.append(SectionBlock(text=MarkdownTextObject(text=chunk)))
    else:
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text="The panel has decided: no ideas were funded this round."
                )
            )
        )
    deferred = f" · {results.deferred} deferred" if results.deferred else ""
    blocks.append(
        ContextBlock(
            elements=[
                MarkdownTextObject(
                    text=f"{format_pounds(results.total)} of the {format_pounds(challenge.fund_pot)} pot awarded · "
                    f"{results.shortlisted} ideas shortlisted{deferred} · every author has been sent "
                    "their outcome and the panel's feedback. Thank you to everyone who took part."
                )
            ]
        )
    )
    names = ", ".join(w.idea.title for w in results.winners[:5]) or "no ideas funded"
    return clip_mrkdwn(f"Results for {escape(challenge.title)}: {escape(names)}", 3000), blocks


def outcome_message(outcome: Outcome) -> tuple[str, list[Block]]:
    idea, challenge, decision = outcome.idea, outcome.challenge, outcome.decision
    title = escape(idea.title)
    if not outcome.shortlisted:
        head = (
            f"Your idea *{title}* for *{escape(challenge.title)}* was not shortlisted this time "
            f"(it had {outcome.votes} votes). Thank you for putting it forward — the panel funded "
            "the shortlisted ideas; watch the challenge channel for the next round."
        )
    elif decision is None:
        head = f"The panel has finished with *{title}*; the coordinator will be in touch about its outcome."
    elif decision.outcome == Verdict.FUND:
        head = (
            f"🎉 *{title}* is funded: {format_pounds(decision.award)} from *{escape(challenge.title)}*{stop(challenge.title)} "
            "The coordinator will be in touch about next steps."
        )
    elif decision.outcome == Verdict.DEFER:
        head = f"The decision on *{title}* is deferred; the coordinator will be in touch."
    else:
        head = (
            f"*{title}* was not funded this time. Thank you for pitching it — here is the panel's "
            "feedback."
        )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=head))]
    if outcome.shortlisted and outcome.scorers:
        means = " · ".join(
            f"{escape(name)} {mean:.1f}"
            for name, mean in zip(outcome.criteria, outcome.means, strict=True)
            if mean is not None
        )
        blocks.append(
            SectionBlock(
                text=MarkdownTextObject(
                    text=f"*The panel's scores* (mean of {outcome.scorers} panel members, "
                    f"{outcome.scale[0]} to {outcome.scale[1]})\n{means}"
                )
            )
        )
    if outcome.comments:
        blocks.append(
            SectionBlock(text=MarkdownTextObject(text="*Comments the panel shared with you*"))
        )
        for comment in outcome.comments[:40]:
            blocks.append(SectionBlock(text=MarkdownTextObject(text=quote(comment, SECTION))))
    return clip_mrkdwn(head.replace("*", ""), 3000), blocks
