"""Read-only budget figures: committed and spent per project and line, and spending by month
for the burn-up chart. Every figure is an SQL aggregate (SUM, GROUP BY) over indexed columns,
so the number of queries does not depend on how many items there are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import case, extract, func, select

from tracker.adaptations.models import AdaptationRequest
from tracker.budgets.models import BUDGET_LINES
from tracker.dates import end_of_local_day, start_of_local_day
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.timesheets.models import TimeEntry

APPROVED_UNPAID = ("approved", "in_run", "on_slip")
APPROVED_OR_LATER = ("approved", "in_run", "on_slip", "paid")
PROVIDED = ("provided", "loan_returned")


@dataclass
class LineFigures:
    """Committed and spent pence for one budget line."""

    committed_pence: int = 0
    spent_pence: int = 0


def sum_where(condition: Any, value: Any) -> Any:
    """SUM of `value` over the rows where `condition` holds; 0 rather than NULL."""
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def adaptation_spent() -> Any:
    """An adaptation is spent once it is provided and paid for: at once when the organisation
    pays the supplier, or when the contributor's slip is paid when it is reimbursed."""
    a = AdaptationRequest
    return a.status.in_(PROVIDED) & ((a.payment == "supplier") | (a.payment_status == "paid"))


def _item_figures(
    model: Any, dated: Any, amount: Any, ids: list[int], start: date, end: date
) -> Any:
    """Committed (approved, not yet paid) and spent (paid) pence per project, for one kind of
    item dated within the period."""
    return (
        select(
            model.project_id,
            sum_where(model.status.in_(APPROVED_UNPAID), amount),
            sum_where(model.status == "paid", amount),
        )
        .where(
            model.project_id.in_(ids),
            dated.between(start, end),
            model.status.in_(APPROVED_OR_LATER),
        )
        .group_by(model.project_id)
    )


def line_figures(
    project_ids: Iterable[int], start: date, end: date
) -> dict[tuple[int, str], LineFigures]:
    """Committed and spent per (project, line) for work dated within the period.

    Fees and expenses: committed = approved and not yet paid; spent = paid. Adaptations:
    approved requests count at their estimate until provided; provided ones at actual cost,
    spent once the supplier is paid (at provision) or the contributor's slip is paid.
    Three grouped queries, whatever the number of projects or items.
    """
    ids = list(project_ids)
    figures: dict[tuple[int, str], LineFigures] = defaultdict(LineFigures)
    if not ids:
        return figures
    t, e, a = TimeEntry, ExpenseClaim, AdaptationRequest
    queries = {
        "fees": _item_figures(t, t.work_date, t.fee_pence, ids, start, end),
        "expenses": _item_figures(e, e.claim_date, e.approved_pence, ids, start, end),
        "adaptations": select(
            a.project_id,
            func.coalesce(
                func.sum(
                    case(
                        (a.status == "approved", a.estimated_pence),
                        (a.status.in_(PROVIDED) & ~adaptation_spent(), a.actual_pence),
                        else_=0,
                    )
                ),
                0,
            ),
            sum_where(adaptation_spent(), a.actual_pence),
        )
        .where(
            a.project_id.in_(ids),
            a.status.in_(("approved", *PROVIDED)),
            a.approved_at >= start_of_local_day(start),
            a.approved_at < end_of_local_day(end),
        )
        .group_by(a.project_id),
    }
    for line, query in queries.items():
        for project_id, committed, spent in db.session.execute(query).all():
            figures[(project_id, line)] = LineFigures(int(committed), int(spent))
    return figures


def monthly_spend(project_id: int, start: date, end: date) -> dict[str, dict[date, int]]:
    """Spent pence per line per month of payment (its first day), for the burn-up chart."""
    t, e, a = TimeEntry, ExpenseClaim, AdaptationRequest
    result: dict[str, dict[date, int]] = {line: {} for line in BUDGET_LINES}
    sources = {
        "fees": (
            t.paid_at,
            t.fee_pence,
            (t.status == "paid") & t.work_date.between(start, end) & (t.project_id == project_id),
        ),
        "expenses": (
            e.paid_at,
            e.approved_pence,
            (e.status == "paid") & e.claim_date.between(start, end) & (e.project_id == project_id),
        ),
        "adaptations": (
            func.coalesce(a.paid_at, a.provided_at),
            a.actual_pence,
            adaptation_spent()
            & (a.project_id == project_id)
            & (a.approved_at >= start_of_local_day(start))
            & (a.approved_at < end_of_local_day(end)),
        ),
    }
    for line, (moment, amount, condition) in sources.items():
        year, month = extract("year", moment), extract("month", moment)
        for y, m, total in db.session.execute(
            select(year, month, func.sum(amount)).where(condition).group_by(year, month)
        ).all():
            result[line][date(int(y), int(m), 1)] = int(total or 0)
    return result
