"""Budgets: per project and period, four lines; figures against them, alerts and burn-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.budgets import queries
from tracker.budgets.domain import (
    DEFAULT_HIGH_PERCENT,
    DEFAULT_LOW_PERCENT,
    AlertLevel,
    ReportLine,
    check_alert_percents,
    cumulative_spend,
    period_months,
    total_line,
)
from tracker.budgets.models import BUDGET_LINES, Budget, BudgetLine
from tracker.errors import Forbidden, TrackerError
from tracker.extensions import db
from tracker.projects.models import Project
from tracker.projects.services import visible_project_ids_query

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
    alert_low_percent: int = DEFAULT_LOW_PERCENT,
    alert_high_percent: int = DEFAULT_HIGH_PERCENT,
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
    if problem := check_alert_percents(alert_low_percent, alert_high_percent):
        fields["alert_low_percent"] = problem
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
class BudgetReport:
    """A budget's lines against what is committed and spent, judged by its own thresholds."""

    budget: Budget
    lines: list[ReportLine]

    def alert(self, line: ReportLine) -> AlertLevel | None:
        """The line's alert at this budget's thresholds (`budgets.domain.alert_level`)."""
        return line.alert(
            low_percent=self.budget.alert_low_percent, high_percent=self.budget.alert_high_percent
        )

    def status(self, line: ReportLine) -> str:
        """The line's state in words (`budgets.domain.status_words`)."""
        return line.status(
            low_percent=self.budget.alert_low_percent, high_percent=self.budget.alert_high_percent
        )

    @property
    def alerts(self) -> list[tuple[ReportLine, AlertLevel]]:
        return [(line, level) for line in self.lines if (level := self.alert(line))]

    @property
    def total(self) -> ReportLine:
        """Every line added up."""
        return total_line(self.lines, line="total", label="All lines")


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
    """Cumulative spend by month of payment, per line, for every month of the period
    (`budgets.domain.cumulative_spend`); pages show the months that have begun."""
    monthly = queries.monthly_spend(budget.project_id, budget.period_start, budget.period_end)
    months = period_months(budget.period_start, budget.period_end)
    series: dict[str, list[BurnUpPoint]] = {}
    for line in BUDGET_LINES:
        totals = zip(months, cumulative_spend(monthly[line], months), strict=True)
        series[line] = [BurnUpPoint(month, total) for month, total in totals]
    return series
