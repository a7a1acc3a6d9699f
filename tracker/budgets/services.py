"""Budgets: per project and period, four lines; figures against them, alerts and burn-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.budgets.models import BUDGET_LINES, Budget, BudgetLine
from tracker.errors import Forbidden, TrackerError
from tracker.extensions import db
from tracker.projects.models import Project
from tracker.projects.services import visible_project_ids_query
from tracker.reports import queries

EDITORS = ("admin", "finance")


def _check_editor(actor: User) -> None:
    if not actor.has_role(*EDITORS):
        raise Forbidden("Only admin and finance can change budgets.")


def visible_budgets(user: User, project_id: int | None = None) -> list[Budget]:
    query = select(Budget).where(Budget.project_id.in_(visible_project_ids_query(user)))
    if project_id is not None:
        query = query.where(Budget.project_id == project_id)
    return list(db.session.scalars(query.order_by(Budget.project_id, Budget.period_start)))


def save_budget(
    *,
    actor: User,
    budget: Budget | None,
    project_id: int | None,
    period_start: date | None,
    period_end: date | None,
    lines: dict[str, int | None],
    alert_low_percent: int = 80,
    alert_high_percent: int = 100,
) -> Budget:
    """Create (budget=None) or change a budget; every line is whole pence, 0 or more."""
    _check_editor(actor)
    fields: dict[str, str] = {}
    if project_id is None or db.session.get(Project, project_id) is None:
        fields["project_id"] = "Choose a project"
    if period_start is None:
        fields["period_start"] = "Enter the start of the period"
    if period_end is None:
        fields["period_end"] = "Enter the end of the period"
    elif period_start and period_end < period_start:
        fields["period_end"] = "The end must be on or after the start"
    for line in BUDGET_LINES:
        value = lines.get(line)
        if value is not None and value < 0:
            fields[line] = "Enter 0 or more"
    if not 1 <= alert_low_percent <= alert_high_percent <= 1000:
        fields["alert_low_percent"] = "The first alert must be between 1% and the second alert"
    if fields:
        raise TrackerError("Check the budget.", fields=fields)
    assert project_id is not None and period_start is not None and period_end is not None
    before = {line.line: line.budget_pence for line in budget.lines} if budget else {}
    if budget is None:
        budget = Budget(project_id=project_id, period_start=period_start, period_end=period_end)
        db.session.add(budget)
    budget.project_id, budget.period_start, budget.period_end = project_id, period_start, period_end
    budget.alert_low_percent, budget.alert_high_percent = alert_low_percent, alert_high_percent
    existing = {line.line: line for line in budget.lines}
    for name in BUDGET_LINES:
        pence = lines.get(name) or 0
        if name in existing:
            existing[name].budget_pence = pence
        else:
            budget.lines.append(BudgetLine(line=name, budget_pence=pence))
    db.session.flush()
    after = {name: lines.get(name) or 0 for name in BUDGET_LINES}
    record(
        actor=actor,
        action="budget.saved",
        entity_type="budget",
        entity_id=budget.id,
        changes={
            name: (before.get(name), after[name])
            for name in BUDGET_LINES
            if before.get(name) != after[name]
        }
        | {"period": (None, f"{period_start.isoformat()} to {period_end.isoformat()}")},
    )
    return budget


@dataclass(frozen=True)
class ReportLine:
    line: str
    label: str
    budget_pence: int
    committed_pence: int
    spent_pence: int

    @property
    def used_pence(self) -> int:
        return self.committed_pence + self.spent_pence

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.used_pence

    @property
    def percent_used(self) -> Decimal | None:
        """Committed and spent as a percentage of the budget, to one decimal place."""
        if self.budget_pence == 0:
            return None
        return (Decimal(self.used_pence) * 100 / self.budget_pence).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class BudgetReport:
    budget: Budget
    lines: list[ReportLine]

    def alert(self, line: ReportLine) -> str | None:
        """'over' at the high threshold, 'near' at the low one, else None."""
        percent = line.percent_used
        if percent is None:
            return "over" if line.used_pence > 0 else None
        if percent >= self.budget.alert_high_percent:
            return "over"
        if percent >= self.budget.alert_low_percent:
            return "near"
        return None

    @property
    def alerts(self) -> list[tuple[ReportLine, str]]:
        return [(line, level) for line in self.lines if (level := self.alert(line))]


def budget_reports(budgets: list[Budget]) -> list[BudgetReport]:
    """Figures for several budgets with a fixed number of queries per distinct period."""
    by_period: dict[tuple[date, date], list[Budget]] = {}
    for budget in budgets:
        by_period.setdefault((budget.period_start, budget.period_end), []).append(budget)
    reports: dict[int, BudgetReport] = {}
    for (start, end), group in by_period.items():
        figures = queries.line_figures({b.project_id for b in group}, start, end)
        for budget in group:
            amounts = {line.line: line.budget_pence for line in budget.lines}
            reports[budget.id] = BudgetReport(
                budget,
                [
                    ReportLine(
                        line=name,
                        label=label,
                        budget_pence=amounts.get(name, 0),
                        committed_pence=figures[(budget.project_id, name)].committed_pence,
                        spent_pence=figures[(budget.project_id, name)].spent_pence,
                    )
                    for name, label in BUDGET_LINES.items()
                ],
            )
    return [reports[b.id] for b in budgets]


@dataclass(frozen=True)
class BurnUpPoint:
    month: date
    spent_pence: int  # cumulative


def burn_up(budget: Budget) -> dict[str, list[BurnUpPoint]]:
    """Cumulative spend by month of payment, per line, from the period's first month to its
    last (or this month, if sooner)."""
    monthly = queries.monthly_spend(budget.project_id, budget.period_start, budget.period_end)
    months: list[date] = []
    cursor = date(budget.period_start.year, budget.period_start.month, 1)
    last = date(budget.period_end.year, budget.period_end.month, 1)
    while cursor <= last:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    series: dict[str, list[BurnUpPoint]] = {}
    for line in BUDGET_LINES:
        running = sum(
            pence for (y, m), pence in monthly.get(line, {}).items() if date(y, m, 1) < months[0]
        )
        points = []
        for month in months:
            running += monthly.get(line, {}).get((month.year, month.month), 0)
            points.append(BurnUpPoint(month, running))
        series[line] = points
    return series
