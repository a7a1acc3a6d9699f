"""Who reads which budgets, and the budget alerts a person should see (home page, budget list).

Admin and finance read every budget. A coordinator reads the budgets of the projects they
coordinate and a funder those of the projects their funds pay for. Being a contributor on a
project (someone may hold both roles) does not open its budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.auth.models import User
from tracker.budgets.domain import AlertLevel, alert_message
from tracker.budgets.models import Budget
from tracker.budgets.services import BudgetReport, budget_reports, visible_budgets
from tracker.dates import local_today
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.projects.models import FundMember, Project, ProjectFund
from tracker.projects.services import coordinated_project_ids


def readable_project_ids(user: User) -> set[int] | None:
    """The projects whose budgets this user reads; None means every project."""
    if user.has_role("admin", "finance"):
        return None
    ids = coordinated_project_ids(user)
    if user.has_role("funder"):
        ids |= set(
            db.session.scalars(
                select(ProjectFund.project_id)
                .join(FundMember, FundMember.fund_id == ProjectFund.fund_id)
                .where(FundMember.user_id == user.id)
            )
        )
    return ids


def readable_budgets(user: User) -> list[Budget]:
    """Budgets this user reads, by project then period."""
    allowed = readable_project_ids(user)
    return [b for b in visible_budgets(user) if allowed is None or b.project_id in allowed]


def reads_project(user: User, project_id: int) -> bool:
    """Whether this user reads the budgets of that project."""
    allowed = readable_project_ids(user)
    return allowed is None or project_id in allowed


def get_readable_budget(user: User, budget_id: int) -> Budget:
    budget = db.session.get(Budget, budget_id)
    if budget is None or not reads_project(user, budget.project_id):
        raise NotFound("That budget was not found.")
    return budget


def get_readable_project(user: User, project_id: int) -> Project:
    project = db.session.get(Project, project_id)
    if project is None or not reads_project(user, project.id):
        raise NotFound("That project was not found.")
    return project


def current_budget(project_id: int, today: date | None = None) -> Budget | None:
    """The project's budget whose period covers today; else the one that started last."""
    today = today or local_today()
    budgets = list(
        db.session.scalars(
            select(Budget)
            .where(Budget.project_id == project_id)
            .order_by(Budget.period_start.desc(), Budget.id.desc())
        )
    )
    covering = [b for b in budgets if b.period_start <= today <= b.period_end]
    chosen = covering or budgets
    return chosen[0] if chosen else None


@dataclass(frozen=True)
class BudgetAlert:
    """One budget line at or past an alert threshold, with its words (`budgets.domain`)."""

    budget_id: int
    project_name: str
    project_code: str
    period_start: date
    period_end: date
    line: str
    label: str
    level: AlertLevel
    tag_text: str  # "Over budget", "Reached 80%": the words on a coloured tag
    message: str  # "Fees: over budget": the colour is never the only clue


def alerts_of(report: BudgetReport, project: Project) -> list[BudgetAlert]:
    budget = report.budget
    return [
        BudgetAlert(
            budget_id=budget.id,
            project_name=project.name,
            project_code=project.code,
            period_start=budget.period_start,
            period_end=budget.period_end,
            line=line.line,
            label=line.label,
            level=level,
            tag_text=report.status(line),
            message=alert_message(
                line.label,
                level,
                remaining_pence=line.remaining_pence,
                low_percent=budget.alert_low_percent,
                high_percent=budget.alert_high_percent,
            ),
        )
        for line, level in report.alerts
    ]


def budget_alerts(user: User, today: date | None = None) -> list[BudgetAlert]:
    """Alerts on the budgets this user reads whose period covers today, worst first.

    For the home page of coordinators, finance and admin. A fixed number of queries: the
    budgets, their lines, the projects, and three per distinct budget period."""
    today = today or local_today()
    current = [b for b in readable_budgets(user) if b.period_start <= today <= b.period_end]
    if not current:
        return []
    projects = {
        p.id: p
        for p in db.session.scalars(
            select(Project).where(Project.id.in_({b.project_id for b in current}))
        )
    }
    alerts = [
        alert
        for report in budget_reports(current)
        for alert in alerts_of(report, projects[report.budget.project_id])
    ]
    return sorted(alerts, key=lambda a: (a.level != "over", a.project_name, a.line))
