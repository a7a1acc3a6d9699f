"""Read-only report queries. Every figure is an SQL aggregate (SUM, COUNT, GROUP BY) over
indexed columns: nothing here loads item rows into Python, so reports stay fast at 100,000+
entries and a page's query count does not depend on how much data there is."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Integer, extract, func, select, union

from tracker.adaptations.models import AdaptationRequest
from tracker.budgets.queries import APPROVED_OR_LATER, PROVIDED, sum_where
from tracker.calendar import domain as calendar
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.money import sum_pence
from tracker.projects.models import Project, ProjectFund
from tracker.reports.domain import median
from tracker.timesheets.models import TimeEntry


class _Hours:
    """Hours from the minutes a set of figures counts: every approved minute, and those given
    without a fee."""

    minutes: int
    declined_minutes: int

    @property
    def hours(self) -> Decimal:
        return calendar.hours(self.minutes)

    @property
    def declined_fee_hours(self) -> Decimal:
        return calendar.hours(self.declined_minutes)


@dataclass
class ProjectSummary(_Hours):
    """Anonymous figures for one project (or, with project_id None, a whole fund)."""

    project_id: int | None
    minutes: int = 0
    declined_minutes: int = 0
    fees_paid_pence: int = 0
    expenses_paid_pence: int = 0
    contributors: int = 0
    adaptations: dict[str, int] | None = None


def project_summaries(project_ids: Iterable[int]) -> dict[int, ProjectSummary]:
    """Hours (every approved entry, paid or not; declined-fee hours too), fees and expenses
    paid, distinct contributors and adaptations provided by kind, per project."""
    ids = list(project_ids)
    found = {pid: ProjectSummary(pid, adaptations={}) for pid in ids}
    if not ids:
        return found
    t, e, a = TimeEntry, ExpenseClaim, AdaptationRequest
    for pid, minutes, declined, fees in db.session.execute(
        select(
            t.project_id,
            func.coalesce(func.sum(t.minutes), 0),
            sum_where(t.fee_choice == "decline", t.minutes),
            sum_where(t.status == "paid", t.fee_pence),
        )
        .where(t.project_id.in_(ids), t.status.in_(APPROVED_OR_LATER))
        .group_by(t.project_id)
    ).all():
        found[pid].minutes, found[pid].declined_minutes = int(minutes), int(declined)
        found[pid].fees_paid_pence = int(fees)
    for pid, paid in db.session.execute(
        select(e.project_id, func.sum(e.approved_pence))
        .where(e.project_id.in_(ids), e.status == "paid")
        .group_by(e.project_id)
    ).all():
        found[pid].expenses_paid_pence = int(paid or 0)
    people = _people_query(ids).subquery()
    for pid, count in db.session.execute(
        select(people.c.project_id, func.count(func.distinct(people.c.contributor_id))).group_by(
            people.c.project_id
        )
    ).all():
        found[pid].contributors = int(count)
    for pid, kind, count in db.session.execute(
        select(a.project_id, a.kind, func.count())
        .where(a.project_id.in_(ids), a.status.in_(PROVIDED))
        .group_by(a.project_id, a.kind)
    ).all():
        assert found[pid].adaptations is not None
        found[pid].adaptations[kind] = int(count)  # type: ignore[index]
    return found


def _people_query(ids: list[int]) -> Any:
    """(project, contributor) pairs of everyone with approved work or expenses."""
    t, e = TimeEntry, ExpenseClaim
    return union(
        select(t.project_id.label("project_id"), t.contributor_id.label("contributor_id")).where(
            t.project_id.in_(ids), t.status.in_(APPROVED_OR_LATER)
        ),
        select(e.project_id, e.contributor_id).where(
            e.project_id.in_(ids), e.status.in_(APPROVED_OR_LATER)
        ),
    )


def fund_summary(project_ids: Iterable[int]) -> ProjectSummary:
    """The fund's figures: sums over its projects, but people counted once across them."""
    ids = list(project_ids)
    per_project = list(project_summaries(ids).values())
    total = ProjectSummary(
        None,
        minutes=sum(s.minutes for s in per_project),
        declined_minutes=sum(s.declined_minutes for s in per_project),
        fees_paid_pence=sum_pence(s.fees_paid_pence for s in per_project),
        expenses_paid_pence=sum_pence(s.expenses_paid_pence for s in per_project),
        adaptations={},
    )
    for summary in per_project:
        for kind, count in (summary.adaptations or {}).items():
            assert total.adaptations is not None
            total.adaptations[kind] = total.adaptations.get(kind, 0) + count
    if ids:
        people = _people_query(ids).subquery()
        total.contributors = int(
            db.session.scalar(select(func.count(func.distinct(people.c.contributor_id)))) or 0
        )
    return total


# --- funds and the resourcing dashboard --------------------------------------------------------


def fund_projects(fund_id: int) -> list[Project]:
    """The projects a fund pays for, by name."""
    return list(
        db.session.scalars(
            select(Project)
            .join(ProjectFund, ProjectFund.project_id == Project.id)
            .where(ProjectFund.fund_id == fund_id)
            .order_by(Project.name, Project.id)
        )
    )


@dataclass
class MonthFigures(_Hours):
    """What one project's work in one month was given and paid: hours (every approved entry,
    declined-fee hours too), fees and expenses paid, adaptations provided by kind, and days
    from approval to payment as a histogram."""

    project_id: int
    month: date
    minutes: int = 0
    declined_minutes: int = 0
    fees_paid_pence: int = 0
    expenses_paid_pence: int = 0
    adaptations: dict[str, int] = field(default_factory=dict)
    payment_days: dict[int, int] = field(default_factory=dict)

    @property
    def paid_items(self) -> int:
        return sum(self.payment_days.values())

    @property
    def median_days_to_payment(self) -> Decimal | None:
        return median(self.payment_days)


_DAY_MS = 86_400_000


def whole_days_sql(start: Any, end: Any) -> Any:
    """`tracker.calendar.domain.whole_days` in SQL, for grouping: complete 24-hour periods from
    `start` to `end`, rounded down. PostgreSQL counts to the microsecond; SQLite keeps no time
    type, so it counts milliseconds from Julian day numbers and floors with integer arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.floor(func.extract("epoch", end - start) / 86400).cast(Integer)
    elapsed_ms = func.round((func.julianday(end) - func.julianday(start)) * _DAY_MS).cast(Integer)
    # SQLite's % and / truncate towards zero; take the remainder that is never negative, so
    # that the division floors for instants in either order.
    below = ((elapsed_ms % _DAY_MS) + _DAY_MS) % _DAY_MS
    return (elapsed_ms - below) / _DAY_MS


def monthly_resourcing(project_ids: Iterable[int]) -> dict[int, list[MonthFigures]]:
    """Per project, one row per month in which work was done (expenses: the date of the cost;
    adaptations: when provided), oldest first. Five grouped queries, whatever the data."""
    ids = list(project_ids)
    rows: dict[tuple[int, int, int], MonthFigures] = {}

    def row(pid: Any, year: Any, month: Any) -> MonthFigures:
        key = (int(pid), int(year), int(month))
        if key not in rows:
            rows[key] = MonthFigures(key[0], date(key[1], key[2], 1))
        return rows[key]

    if not ids:
        return {}
    t, e, a = TimeEntry, ExpenseClaim, AdaptationRequest
    t_year, t_month = extract("year", t.work_date), extract("month", t.work_date)
    for pid, y, m, minutes, declined, fees in db.session.execute(
        select(
            t.project_id,
            t_year,
            t_month,
            func.coalesce(func.sum(t.minutes), 0),
            sum_where(t.fee_choice == "decline", t.minutes),
            sum_where(t.status == "paid", t.fee_pence),
        )
        .where(t.project_id.in_(ids), t.status.in_(APPROVED_OR_LATER))
        .group_by(t.project_id, t_year, t_month)
    ).all():
        found = row(pid, y, m)
        found.minutes, found.declined_minutes = int(minutes), int(declined)
        found.fees_paid_pence = int(fees)
    e_year, e_month = extract("year", e.claim_date), extract("month", e.claim_date)
    for pid, y, m, paid in db.session.execute(
        select(e.project_id, e_year, e_month, func.sum(e.approved_pence))
        .where(e.project_id.in_(ids), e.status == "paid")
        .group_by(e.project_id, e_year, e_month)
    ).all():
        row(pid, y, m).expenses_paid_pence = int(paid or 0)
    a_year, a_month = extract("year", a.provided_at), extract("month", a.provided_at)
    for pid, y, m, kind, count in db.session.execute(
        select(a.project_id, a_year, a_month, a.kind, func.count())
        .where(a.project_id.in_(ids), a.status.in_(PROVIDED), a.provided_at.is_not(None))
        .group_by(a.project_id, a_year, a_month, a.kind)
    ).all():
        row(pid, y, m).adaptations[kind] = int(count)
    for model, when in ((t, t.work_date), (e, e.claim_date)):
        year, month = extract("year", when), extract("month", when)
        days = whole_days_sql(model.approved_at, model.paid_at)
        for pid, y, m, value, count in db.session.execute(
            select(model.project_id, year, month, days, func.count())
            .where(model.project_id.in_(ids), model.status == "paid")
            .group_by(model.project_id, year, month, days)
        ).all():
            histogram = row(pid, y, m).payment_days
            histogram[int(value)] = histogram.get(int(value), 0) + int(count)
    result: dict[int, list[MonthFigures]] = {}
    for key in sorted(rows):
        result.setdefault(key[0], []).append(rows[key])
    return result
