"""The portfolio workbook for the fund's governance board: every round of the workspace.

Sheets: Summary; Rounds (ideas, distinct submitters, voters and votes cast, shortlisted,
funded, £ awarded against the pot), with charts of ideas and £ awarded per round; Themes
(ideas, funded, £), with a chart of ideas per theme; Funded ideas (each with its latest
learning status once learning updates exist). Written like the challenge workbook
(challenges/workbook/build.py): styled headers, frozen panes, filters, £ formats, and
every text cell through `cells.cell`, so nothing a person typed can become a formula.
Anonymous ideas are "Anonymous" here too.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from sqlmodel import Session, func, select

from challenges import audit, scope
from challenges.clock import utc_to_local
from challenges.codes import Code
from challenges.context import Context
from challenges.errors import Problem
from challenges.roles import require_coordinator
from challenges.stages import Stage
from challenges.workbook import cells
from challenges.workbook.build import Column, _rows, _sheet
from challenges.workbook.cells import DATE, HEADER, MONEY, TEXT, WRAP, cell
from storage.enums import IdeaStatus, MemberRole, Outcome
from storage.models import Challenge, Decision, Idea, IdeaMember, LearningUpdate, Vote

SHEETS = ("Summary", "Rounds", "Themes", "Funded ideas")
MARKER = "Lair portfolio"
NO_THEME = "(no theme)"


@dataclass(frozen=True)
class RoundRow:
    challenge: Challenge
    ideas: int
    submitters: int
    voters: int
    votes: int
    shortlisted: int
    funded: int
    awarded: int


@dataclass(frozen=True)
class ThemeRow:
    theme: str
    ideas: int
    funded: int
    awarded: int


@dataclass(frozen=True)
class FundedRow:
    idea: Idea
    challenge: Challenge
    team: list[str]
    decision: Decision
    learning_status: str | None
    learned: str | None


@dataclass
class Portfolio:
    rounds: list[RoundRow]
    themes: list[ThemeRow]
    funded: list[FundedRow]
    made_at: datetime
    timezone: str
    learning: bool  # the database keeps learning updates
    people: Mapping[str, str] = field(default_factory=dict)

    def name(self, user_id: str) -> str:
        return self.people.get(user_id, user_id)


def _count_by_challenge(session: Session, query) -> dict[int, int]:
    return {cid: n for cid, n in session.exec(query).all()}


def _latest_learning(session: Session, idea_ids: list[int]) -> dict[int, tuple[str, str]]:
    """Each idea's latest learning update (status, what they learned)."""
    if not idea_ids:
        return {}
    rows = session.exec(
        select(LearningUpdate.idea_id, LearningUpdate.status, LearningUpdate.learned)
        .where(LearningUpdate.idea_id.in_(idea_ids))
        .order_by(LearningUpdate.due_date, LearningUpdate.updated_at, LearningUpdate.id)
    )
    return {i: (s, learned) for i, s, learned in rows}


def collect(session: Session, *, now: datetime, timezone: str,
            people: Mapping[str, str] | None = None) -> Portfolio:  # fmt: skip
    challenges = list(
        session.exec(select(Challenge).where(scope.visible(session)).order_by(Challenge.id))
    )
    ids = [c.id for c in challenges]
    live = (Idea.challenge_id.in_(ids), Idea.status != IdeaStatus.WITHDRAWN.value)
    per = {
        "ideas": _count_by_challenge(session, select(Idea.challenge_id, func.count()).where(*live).group_by(Idea.challenge_id)),
        "submitters": _count_by_challenge(session, select(Idea.challenge_id, func.count(func.distinct(Idea.author_id))).where(*live).group_by(Idea.challenge_id)),
        "voters": _count_by_challenge(session, select(Vote.challenge_id, func.count(func.distinct(Vote.voter_id))).where(Vote.challenge_id.in_(ids)).group_by(Vote.challenge_id)),
        "votes": _count_by_challenge(session, select(Vote.challenge_id, func.count()).where(Vote.challenge_id.in_(ids)).group_by(Vote.challenge_id)),
        "shortlisted": _count_by_challenge(session, select(Idea.challenge_id, func.count()).where(*live, Idea.shortlisted).group_by(Idea.challenge_id)),
    }  # fmt: skip
    funded_rows = session.exec(
        select(Idea, Decision)
        .join(Decision, Decision.idea_id == Idea.id)
        .where(*live, Decision.outcome == Outcome.FUND.value)
        .order_by(Idea.challenge_id, Idea.id)
    ).all()
    by_challenge: dict[int, list[int]] = defaultdict(list)
    for idea, decision in funded_rows:
        by_challenge[idea.challenge_id].append(decision.award)
    rounds = [
        RoundRow(c, per["ideas"].get(c.id, 0), per["submitters"].get(c.id, 0), per["voters"].get(c.id, 0),
                 per["votes"].get(c.id, 0), per["shortlisted"].get(c.id, 0), len(by_challenge[c.id]),
                 sum(by_challenge[c.id]))
        for c in challenges
    ]  # fmt: skip
    themes: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for theme, count in session.exec(
        select(Idea.theme, func.count()).where(*live).group_by(Idea.theme)
    ).all():
        themes[theme or NO_THEME][0] += count
    for idea, decision in funded_rows:
        themes[idea.theme or NO_THEME][1] += 1
        themes[idea.theme or NO_THEME][2] += decision.award
    by_id = {c.id: c for c in challenges}
    funded_ids = [idea.id for idea, _ in funded_rows]
    members: dict[int, list[tuple[str, str]]] = defaultdict(list)
    if funded_ids:
        for idea_id, user_id, role in session.exec(
            select(IdeaMember.idea_id, IdeaMember.user_id, IdeaMember.role).where(
                IdeaMember.idea_id.in_(funded_ids)
            )
        ):
            members[idea_id].append((role, user_id))
    learning = _latest_learning(session, funded_ids)
    funded = [
        FundedRow(idea, by_id[idea.challenge_id],
                  [u for r, u in sorted(members[idea.id], key=lambda m: m[0] != MemberRole.AUTHOR)],
                  decision, *learning.get(idea.id, (None, None)))
        for idea, decision in funded_rows
    ]  # fmt: skip
    return Portfolio(
        rounds,
        [ThemeRow(t, *v) for t, v in sorted(themes.items(), key=lambda kv: (-kv[1][0], kv[0]))],
        funded, now, timezone, True,
        people or {},
    )  # fmt: skip


def _local(p: Portfolio, moment: datetime | None):
    return utc_to_local(moment, p.timezone).replace(tzinfo=None) if moment else None


def _summary(wb: Workbook, p: Portfolio) -> None:
    ws = wb.create_sheet("Summary")
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 60
    ws.freeze_panes = "A2"
    ws.append([cell(ws, MARKER, HEADER), cell(ws, "Dragon's Lair — the fund's portfolio", HEADER)])
    rows = [
        ("Rounds", len(p.rounds), TEXT),
        ("Ideas", sum(r.ideas for r in p.rounds), TEXT),
        ("Ideas funded", sum(r.funded for r in p.rounds), TEXT),
        ("Awarded", sum(r.awarded for r in p.rounds), MONEY),
        ("Fund pots", sum(r.challenge.fund_pot for r in p.rounds), MONEY),
        ("Votes cast", sum(r.votes for r in p.rounds), TEXT),
        ("Made", _local(p, p.made_at), DATE),
        ("Time zone", p.timezone, TEXT),
    ]
    for label, value, style in rows:
        ws.append([cell(ws, label, TEXT), cell(ws, value, style)])


ROUND_COLUMNS = [
    Column("Challenge id", 10), Column("Round", 40, WRAP), Column("Stage", 14), Column("Opened", 17, DATE),
    Column("Ideas", 9), Column("Submitters", 11), Column("Voters", 9), Column("Votes cast", 10),
    Column("Shortlisted", 11), Column("Funded", 9), Column("Awarded £", 13, MONEY),
    Column("Fund pot £", 13, MONEY), Column("Share of pot awarded", 12),
]  # fmt: skip


def _chart(title: str, ws, data_column: int, rows: int, y_title: str, anchor: str) -> None:
    chart = BarChart()
    chart.type = "col"
    chart.title = title
    chart.y_axis.title = y_title
    chart.legend = None
    chart.height, chart.width = 8, 16
    chart.add_data(
        Reference(ws, min_col=data_column, min_row=1, max_row=rows + 1), titles_from_data=True
    )
    chart.set_categories(Reference(ws, min_col=2 if ws.title == "Rounds" else 1, min_row=2,
                                   max_row=rows + 1))  # fmt: skip
    ws.add_chart(chart, anchor)


def _rounds(wb: Workbook, p: Portfolio) -> None:
    ws = _sheet(wb, "Rounds", ROUND_COLUMNS, len(p.rounds), freeze="C2")
    for n, r in enumerate(p.rounds, start=2):
        c = r.challenge
        values = [c.id, c.title, Stage(c.stage).label, _local(p, c.opens_at), r.ideas, r.submitters,
                  r.voters, r.votes, r.shortlisted, r.funded, r.awarded, c.fund_pot]  # fmt: skip
        styles = [col.style for col in ROUND_COLUMNS]
        row = [
            cell(ws, v, s) if v is not None else None for v, s in zip(values, styles, strict=False)
        ]
        share = cells.formula(ws, f'=IF(L{n}>0,K{n}/L{n},"")')
        share.number_format = "0%"
        ws.append([*row, share])
    if p.rounds:
        _chart("Ideas per round", ws, 5, len(p.rounds), "Ideas", "O2")
        _chart("£ awarded per round", ws, 11, len(p.rounds), "£", "O20")


THEME_COLUMNS = [Column("Theme", 30, WRAP), Column("Ideas", 9), Column("Funded", 9),
                 Column("Awarded £", 13, MONEY)]  # fmt: skip


def _themes(wb: Workbook, p: Portfolio) -> None:
    ws = _sheet(wb, "Themes", THEME_COLUMNS, len(p.themes))
    _rows(ws, THEME_COLUMNS, ((t.theme, t.ideas, t.funded, t.awarded) for t in p.themes))
    if p.themes:
        _chart("Ideas per theme", ws, 2, len(p.themes), "Ideas", "F2")


def _funded(wb: Workbook, p: Portfolio) -> None:
    columns = [
        Column("Idea id", 8), Column("Title", 36, WRAP), Column("Round", 30, WRAP), Column("Theme", 16),
        Column("Team", 28, WRAP), Column("Award £", 12, MONEY), Column("Decided", 17, DATE),
        Column("Latest learning status", 16), Column("What they learned", 60, WRAP),
    ]  # fmt: skip
    ws = _sheet(wb, "Funded ideas", columns, len(p.funded), freeze="C2")
    missing = "no update yet" if p.learning else None
    _rows(
        ws,
        columns,
        (
            (
                f.idea.id, f.idea.title, f.challenge.title, f.idea.theme,
                "Anonymous" if f.idea.anonymous else ", ".join(p.name(u) for u in f.team),
                f.decision.award, _local(p, f.decision.decided_at),
                f.learning_status.replace("_", " ") if f.learning_status else missing, f.learned,
            )
            for f in p.funded
        ),
    )  # fmt: skip


def write(p: Portfolio) -> bytes:
    wb = Workbook(write_only=True)
    cells.add_styles(wb)
    _summary(wb, p)
    _rounds(wb, p)
    _themes(wb, p)
    _funded(wb, p)
    wb.properties.title = "Dragon's Lair — the fund's portfolio"
    wb.properties.creator = "Lair"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class Report:
    filename: str
    content: bytes
    summary: Problem  # what is in it, as facts (Code.PORTFOLIO_SUMMARY)


def portfolio_report(
    ctx: Context, actor: str, *, people: Mapping[str, str] | None = None
) -> Report:
    """The portfolio workbook of the acting workspace's rounds (coordinators only; every
    round Lair keeps when Lair itself acts, from the command line), audited."""
    now = ctx.now()
    with ctx.transaction() as session:
        require_coordinator(session, ctx, actor)
        portfolio = collect(session, now=now, timezone=ctx.default_timezone, people=people)
    content = write(portfolio)
    with ctx.transaction() as session:
        audit.record(session, actor=actor, action="portfolio.exported", at=now,
                     rounds=len(portfolio.rounds), bytes=len(content))  # fmt: skip
    awarded = sum(r.awarded for r in portfolio.rounds)
    summary = Problem(
        Code.PORTFOLIO_SUMMARY,
        {"rounds": len(portfolio.rounds), "ideas": sum(r.ideas for r in portfolio.rounds),
         "funded": len(portfolio.funded), "awarded": awarded},
    )  # fmt: skip
    return Report(f"lair-portfolio-{now:%Y%m%d-%H%M}.xlsx", content, summary)


def involved(ctx: Context) -> set[str]:
    """Everyone the portfolio may name: the teams of funded ideas (never voters)."""
    with ctx.read() as session:
        return set(
            session.exec(
                select(IdeaMember.user_id)
                .join(Idea, Idea.id == IdeaMember.idea_id)
                .join(Decision, Decision.idea_id == Idea.id)
                .join(Challenge, Challenge.id == Idea.challenge_id)
                .where(
                    Decision.outcome == Outcome.FUND.value,
                    scope.visible(session),
                    Idea.anonymous.is_(False),
                )  # fmt: skip
            ).all()
        )
