"""Learning updates: what funded teams share after the award, and who is overdue.

A funded team (its author and members) shares one update per learning date of its
challenge: where the idea stands (on track, changed course, stopped — stopping early is
a result), what they did, what happened, what they learned, what they would tell another
council, the money spent so far (pence) and an optional link to evidence. Updates open
once the results are announced; the team may change an update for `EDIT_DAYS` days after
it was first shared. The first share posts a learning card in the challenge channel (in
the results thread when there is one); a change redraws it. Every share and change is
audited.

Who has shared what, the coordinator's nudges and everyone's "recently learned":
challenges/learning_overview.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session, select

from challenges import audit, decisions, outbox, places, scope
from challenges.clock import utc_to_local
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import InvalidInput, LairError, NotAllowed, NotFound, Problem, WrongStage
from challenges.setup import get as get_challenge
from challenges.stages import Stage
from challenges.timeline import learning_moment
from storage.enums import IdeaStatus, LearningStatus, Outcome
from storage.models import Challenge, Decision, Idea, IdeaMember, LearningUpdate

EDIT_DAYS = 7  # a team may change its update this long after first sharing it
EDIT_DAYS_DELTA = timedelta(days=EDIT_DAYS)
TEXT_MAX = 3000
LINK_MAX = 1000
SPENT_MAX_POUNDS = 10_000_000
TEXTS = ("did", "happened", "learned", "advice")
# The form's questions, as the refusals name them (facts, not markup).
LABELS = {
    "did": "What we did",
    "happened": "What happened",
    "learned": "What we learned",
    "advice": "What we'd tell another council",
    "link": "The evidence link",
}
REQUIRED = ("learned",)


# --- the form's input -------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateDraft:
    status: LearningStatus
    did: str
    happened: str
    learned: str
    advice: str
    spent_pence: int
    link: str | None

    @classmethod
    def parse(cls, *, status: Any, spent: Any, link: Any = None, **texts: Any) -> UpdateDraft:
        """Raw form values → a draft; every problem, one per field, as one InvalidInput."""
        problems: dict[str, Problem] = {}
        try:
            chosen = LearningStatus(str(status or "").strip())
        except ValueError:
            problems["status"] = Problem(Code.LEARNING_STATUS_MISSING)
            chosen = LearningStatus.ON_TRACK
        clean: dict[str, str] = {}
        for name in TEXTS:
            text = str(texts.get(name) or "").strip()
            if len(text) > TEXT_MAX:
                problems[name] = _too_long(name, text, TEXT_MAX)
            elif name in REQUIRED and not text:
                problems[name] = Problem(Code.LEARNING_TEXT_MISSING, {"label": LABELS[name]})
            clean[name] = text
        pence = 0
        try:
            pence = parse_pence(spent)
        except LairError as error:
            problems["spent"] = error.problem
        url = str(link or "").strip() or None
        if url is not None:
            if len(url) > LINK_MAX:
                problems["link"] = _too_long("link", url, LINK_MAX)
            elif not is_web_link(url):
                problems["link"] = Problem(Code.LEARNING_LINK_NOT_WEB)
        if problems:
            raise InvalidInput(problems)
        return cls(chosen, spent_pence=pence, link=url, **clean)


def _too_long(name: str, text: str, limit: int) -> Problem:
    return Problem(Code.LEARNING_TEXT_TOO_LONG, {"label": LABELS[name], "length": len(text),
                                                 "limit": limit, "over": len(text) - limit})  # fmt: skip


_MONEY = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d{1,2})?$")


def parse_pence(text: Any) -> int:
    """Pence from "£1,250.50", "1250.5" or "£0". Refuses blank, negative and non-numeric text."""
    raw = "" if text is None else str(text).strip()
    if not raw:
        raise LairError(Code.LEARNING_SPENT_MISSING, field="spent")
    cleaned = raw.replace(" ", "").removeprefix("£")
    if cleaned.startswith("-") or cleaned.startswith("£-") or raw.startswith("-"):
        raise LairError(Code.LEARNING_SPENT_NEGATIVE, field="spent")
    cleaned = cleaned.removeprefix("£")
    if not _MONEY.match(cleaned):
        raise LairError(Code.LEARNING_SPENT_NOT_MONEY, field="spent", text=raw[:40])
    try:
        pounds = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise LairError(Code.LEARNING_SPENT_NOT_MONEY, field="spent", text=raw[:40]) from None
    if pounds > SPENT_MAX_POUNDS:
        raise LairError(Code.LEARNING_SPENT_TOO_LARGE, field="spent", limit=SPENT_MAX_POUNDS)
    return int(pounds * 100)


def is_web_link(text: str) -> bool:
    if any(ch.isspace() for ch in text):
        return False
    try:
        parts = urlsplit(text)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def format_pence(pence: int) -> str:
    """£1,250.50, or £1,250 for whole pounds."""
    pounds, rest = divmod(pence, 100)
    return f"£{pounds:,}" if rest == 0 else f"£{pounds:,}.{rest:02d}"


# --- who may share, and for which date --------------------------------------------------


def learning_key(idea_id: int, day: date) -> str:
    return f"idea:{idea_id}:learning:{day.isoformat()}"


def card_place(idea_id: int, day: date) -> str:
    """The posted learning card of an idea's update for `day`."""
    return f"{learning_key(idea_id, day)}:card"


def dates_of(challenge: Challenge) -> list[date]:
    return sorted(date.fromisoformat(d) for d in challenge.learning_update_dates or [])


def today(challenge: Challenge, now: datetime) -> date:
    return utc_to_local(now, challenge.timezone).date()


def current_date(challenge: Challenge, now: datetime) -> date:
    """The learning date an update shared now is for: the latest that has come, else the
    first still to come (an early update), else (a challenge with no dates) today."""
    days = dates_of(challenge)
    come = [d for d in days if learning_moment(challenge, d) <= now]
    if come:
        return come[-1]
    return days[0] if days else today(challenge, now)


@dataclass(frozen=True)
class Funded:
    idea: Idea
    challenge: Challenge
    award: int  # whole pounds


def _funded(session: Session, idea: Idea) -> Funded:
    """The idea as a funded one whose award is announced, or the refusal saying why not."""
    challenge = get_challenge(session, idea.challenge_id)
    decision = session.get(Decision, idea.id)
    announced = decisions.announced(session, challenge.id)
    if decision is None or decision.outcome != Outcome.FUND or idea.status == IdeaStatus.WITHDRAWN:
        if announced or Stage(challenge.stage) == Stage.CLOSED:
            raise NotAllowed(Code.LEARNING_NOT_FUNDED, title=idea.title)
        raise WrongStage(Code.LEARNING_BEFORE_AWARD, title=challenge.title)
    if not announced:
        raise WrongStage(Code.LEARNING_BEFORE_AWARD, title=challenge.title)
    return Funded(idea, challenge, decision.award)


def _on_team(session: Session, actor: str, idea: Idea) -> None:
    member = session.get(IdeaMember, (idea.id, actor))
    if member is None:
        raise NotAllowed(Code.LEARNING_NOT_ON_TEAM, title=idea.title)


def _editable(update: LearningUpdate | None, idea: Idea, now: datetime) -> None:
    if update is not None and now >= update.created_at + EDIT_DAYS_DELTA:
        raise WrongStage(Code.LEARNING_EDIT_CLOSED, title=idea.title,
                         date=update.due_date.isoformat(), days=EDIT_DAYS)  # fmt: skip


def _update(session: Session, idea_id: int, day: date) -> LearningUpdate | None:
    return session.exec(
        select(LearningUpdate).where(LearningUpdate.idea_id == idea_id,
                                     LearningUpdate.due_date == day)
    ).first()  # fmt: skip


def _check_date(funded: Funded, day: date, now: datetime) -> None:
    days = dates_of(funded.challenge)
    if (days and day not in days) or (not days and day > today(funded.challenge, now)):
        raise InvalidInput({"status": Problem(Code.LEARNING_NOT_A_DATE,
                                              {"title": funded.idea.title, "date": day.isoformat()})})  # fmt: skip


@dataclass(frozen=True)
class UpdateForm:
    """What the update form shows: the idea, the date it is for, and any update to change."""

    funded: Funded
    due_date: date
    existing: LearningUpdate | None


def _form(session: Session, actor: str, idea: Idea, day: date | None, now: datetime) -> UpdateForm:
    funded = _funded(session, idea)
    _on_team(session, actor, idea)
    day = day or current_date(funded.challenge, now)
    _check_date(funded, day, now)
    existing = _update(session, idea.id, day)
    _editable(existing, idea, now)
    return UpdateForm(funded, day, existing)


def form(ctx: Context, actor: str, idea_id: int, day: date | None = None) -> UpdateForm:
    """The form for `actor`'s update on the idea (for `day`, else the current date), or the
    refusal: not funded, before the award, not on its team, past the edit window."""
    with ctx.transaction() as session:
        return _form(session, actor, scope.idea(session, idea_id), day, ctx.now())


def funded_ideas_of(session: Session, user_id: str) -> list[Idea]:
    """Funded, announced ideas `user_id` is on the team of (newest first)."""
    rows = session.exec(
        select(Idea)
        .join(IdeaMember, IdeaMember.idea_id == Idea.id)
        .join(Decision, Decision.idea_id == Idea.id)
        .join(Challenge, Challenge.id == Idea.challenge_id)
        .where(IdeaMember.user_id == user_id, Decision.outcome == Outcome.FUND.value,
               Idea.status != IdeaStatus.WITHDRAWN.value, scope.visible(session))
        .order_by(Idea.id.desc())
    ).all()  # fmt: skip
    return [i for i in rows if decisions.announced(session, i.challenge_id)]


def form_for_me(ctx: Context, actor: str, idea_id: int | None) -> UpdateForm:
    """The update form a person asks for: the named idea's, or that of the one funded idea
    of theirs."""
    if idea_id is not None:
        return form(ctx, actor, idea_id)
    with ctx.transaction() as session:
        mine = funded_ideas_of(session, actor)
        if not mine:
            raise NotFound(Code.LEARNING_NO_FUNDED_IDEA)
        if len(mine) > 1:
            raise LairError(Code.LEARNING_WHICH_IDEA, ids=", ".join(f"#{i.id}" for i in mine))
        return _form(session, actor, mine[0], None, ctx.now())


# --- sharing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Shared:
    update: LearningUpdate
    idea: Idea
    challenge: Challenge
    first: bool  # a new update (its card is posted), else a change (its card redrawn)


def share(ctx: Context, actor: str, idea_id: int, day: date | None, draft: UpdateDraft) -> Shared:
    """Store the team's update for `day` (or change it, within the edit window), audit it,
    and queue its learning card (posted once; redrawn after a change)."""
    now = ctx.now()
    with ctx.transaction() as session:
        idea = scope.idea(session, idea_id, lock=True)
        found = _form(session, actor, idea, day, now)
        challenge, day = found.funded.challenge, found.due_date
        values = {"status": draft.status.value, "did": draft.did, "happened": draft.happened,
                  "learned": draft.learned, "advice": draft.advice,
                  "spent_pence": draft.spent_pence, "link": draft.link}  # fmt: skip
        update = found.existing
        first = update is None
        if first:
            update = LearningUpdate(idea_id=idea.id, challenge_id=challenge.id, due_date=day,
                                    written_by=actor, updated_by=actor, created_at=now,
                                    updated_at=now, **values)  # fmt: skip
            session.add(update)
            changed = list(values)
        else:
            changed = [k for k, v in values.items() if getattr(update, k) != v]
            for k in changed:
                setattr(update, k, values[k])
            update.updated_by, update.updated_at = actor, now
        session.flush()
        audit.record(
            session, actor=actor, action="learning.shared" if first else "learning.edited",
            at=now, challenge_id=challenge.id, subject=f"idea:{idea.id}", date=day.isoformat(),
            status=draft.status.value, spent_pence=draft.spent_pence, fields=changed,
        )  # fmt: skip
        place = card_place(idea.id, day)
        payload = {"idea_id": idea.id, "date": day.isoformat()}
        if first:
            outbox.enqueue(
                session, key=place, kind=outbox.MessageKind.LEARNING_CARD,
                to=_card_audience(session, challenge), payload=payload, now=now,
                challenge=challenge, save_as=place,
            )  # fmt: skip
        elif changed:
            outbox.enqueue(
                session, key=f"{place}:{now.timestamp():.6f}", kind=outbox.MessageKind.LEARNING_CARD,
                to=outbox.redraw(place, challenge.channel_id), payload=payload, now=now,
                challenge=challenge,
            )  # fmt: skip
        return Shared(update, idea, challenge, first)


def _card_audience(session: Session, challenge: Challenge) -> outbox.To:
    """In the results thread when the results were (or are being) posted, else the channel."""
    results = places.results(challenge.id)
    if places.known(session, results):
        return outbox.in_thread(results, challenge.channel_id)
    return outbox.to_channel(challenge.channel_id)


# --- what is posted ---------------------------------------------------------------------


@dataclass(frozen=True)
class LearningCard:
    """An update as posted in the challenge channel."""

    update: LearningUpdate
    idea: Idea
    challenge: Challenge
    award: int
    by: str | None  # who shared it; None for an anonymous idea


def card(ctx: Context, idea_id: int, day: date) -> LearningCard | None:
    with ctx.transaction() as session:
        update = _update(session, idea_id, day)
        if update is None:
            return None
        idea = session.get(Idea, idea_id)
        challenge = session.get(Challenge, idea.challenge_id)
        decision = session.get(Decision, idea_id)
        return LearningCard(update, idea, challenge, decision.award if decision else 0,
                            None if idea.anonymous else update.written_by)  # fmt: skip


@dataclass(frozen=True)
class LearningNudge:
    """To a funded team member: an update for `day` is still awaited."""

    idea: Idea
    challenge: Challenge
    award: int
    day: date
    by_coordinator: bool


def nudge_facts(
    ctx: Context, idea_id: int, day: date, *, by_coordinator: bool
) -> LearningNudge | None:
    """None once the update has arrived (or the idea is no longer funded)."""
    with ctx.transaction() as session:
        idea = session.get(Idea, idea_id)
        decision = session.get(Decision, idea_id)
        if (idea is None or decision is None or decision.outcome != Outcome.FUND
                or idea.status == IdeaStatus.WITHDRAWN or _update(session, idea_id, day)):  # fmt: skip
            return None
        challenge = session.get(Challenge, idea.challenge_id)
        return LearningNudge(idea, challenge, decision.award, day, by_coordinator)


def updates_of(session: Session, challenge_id: int) -> list[tuple[Idea, LearningUpdate]]:
    """Every update of a challenge, by idea then date (the workbook's Learning sheet)."""
    return list(
        session.exec(
            select(Idea, LearningUpdate)
            .join(LearningUpdate, LearningUpdate.idea_id == Idea.id)
            .where(LearningUpdate.challenge_id == challenge_id)
            .order_by(Idea.id, LearningUpdate.due_date)
        ).all()
    )
