"""API: budgets (admin and finance create them) and a project's budget report.

Who reads a budget: admin and finance, the coordinators of its project, and the funders of a
fund that pays for the project. Anyone else is told it does not exist (404)."""

from __future__ import annotations

from typing import Any

from tracker.api import bp
from tracker.api.common import Body, field_names, iso, json_body, money
from tracker.api.spec import (
    DATE,
    ID,
    INTEGER,
    MONEY,
    PENCE,
    Schema,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.budgets import alerts as reading
from tracker.budgets import services as budgets
from tracker.budgets.domain import (
    DEFAULT_HIGH_PERCENT,
    DEFAULT_LOW_PERCENT,
    MAX_ALERT_PERCENT,
    AlertLevel,
    ReportLine,
)
from tracker.budgets.models import BUDGET_LINES, Budget
from tracker.errors import NotFound
from tracker.extensions import db
from tracker.money import MAX_PARSED_PENCE
from tracker.security import acting_user

READERS = ("coordinator", "finance", "admin", "funder")

BUDGET_LINE = component("BudgetLine", obj({"line": enum(*BUDGET_LINES), "budget_pence": PENCE}))
PERCENT: Schema = {
    "type": "integer",
    "minimum": 1,
    "maximum": MAX_ALERT_PERCENT,
    "description": "Percentage of a line's budget",
}
BUDGET = component(
    "Budget",
    obj(
        {
            "id": ID,
            "project_id": ID,
            "period_start": DATE,
            "period_end": DATE,
            "alert_low_percent": {**PERCENT, "default": DEFAULT_LOW_PERCENT},
            "alert_high_percent": {**PERCENT, "default": DEFAULT_HIGH_PERCENT},
            "lines": {
                "type": "array",
                "items": BUDGET_LINE,
                "maxItems": len(BUDGET_LINES),
                "description": "A line left out is 0",
            },
        },
        required=("project_id", "period_start", "period_end", "lines"),
        read_only=("id",),
    ),
)
SIGNED_MONEY: Schema = {**MONEY, "description": "Pounds with two decimals; negative when over"}
REPORT_LINE = component(
    "BudgetReportLine",
    obj(
        {
            "line": enum(*BUDGET_LINES),
            "budget_pence": PENCE,
            "budget": MONEY,
            "committed_pence": {**PENCE, "description": "Approved and not yet paid"},
            "committed": MONEY,
            "spent_pence": {**PENCE, "description": "Paid"},
            "spent": MONEY,
            "remaining_pence": {**INTEGER, "description": "Negative when over budget"},
            "remaining": SIGNED_MONEY,
            "percent_used": {
                "type": ["string", "null"],
                "pattern": r"^[0-9]+\.[0-9]$",
                "description": "Committed and spent as a percentage of the budget; null if 0",
            },
            "alert": enum("near", "over", nullable=True),
        }
    ),
)
BUDGET_REPORT = component(
    "BudgetReport",
    obj(
        {
            "budget_id": ID,
            "project_id": ID,
            "period_start": DATE,
            "period_end": DATE,
            "alert_low_percent": PERCENT,
            "alert_high_percent": PERCENT,
            "lines": {"type": "array", "items": REPORT_LINE},
        }
    ),
)


def _budget_terms(budget: Budget) -> dict[str, Any]:
    """What a budget and its report both say about it: project, period and alert levels."""
    return {
        "project_id": budget.project_id,
        "period_start": iso(budget.period_start),
        "period_end": iso(budget.period_end),
        "alert_low_percent": budget.alert_low_percent,
        "alert_high_percent": budget.alert_high_percent,
    }


def budget_json(budget: Budget) -> dict[str, Any]:
    amounts = {line.line: line.budget_pence for line in budget.lines}
    return {
        "id": budget.id,
        **_budget_terms(budget),
        "lines": [{"line": name, "budget_pence": amounts.get(name, 0)} for name in BUDGET_LINES],
    }


def report_line_json(line: ReportLine, alert: AlertLevel | None) -> dict[str, Any]:
    percent = line.percent_used
    return {
        "line": line.line,
        **money("budget", line.budget_pence),
        **money("committed", line.committed_pence),
        **money("spent", line.spent_pence),
        **money("remaining", line.remaining_pence),
        "percent_used": None if percent is None else str(percent),
        "alert": alert,
    }


def budget_report_json(report: budgets.BudgetReport) -> dict[str, Any]:
    return {
        "budget_id": report.budget.id,
        **_budget_terms(report.budget),
        "lines": [report_line_json(line, report.alert(line)) for line in report.lines],
    }


def _read_lines(body: Body) -> dict[str, int | None]:
    """`lines`: a list of {line, budget_pence}, each line at most once."""
    value = body.data.get("lines")
    if value is None:
        body.reject("lines", "This field is required")
        return {}
    if not isinstance(value, list) or len(value) > len(BUDGET_LINES):
        body.reject("lines", 'Give a list of up to 4 {"line", "budget_pence"} objects')
        return {}
    found: dict[str, int | None] = {}
    for i, item in enumerate(value):
        if not isinstance(item, dict) or set(item) - {"line", "budget_pence"}:
            body.reject(f"lines[{i}]", 'Give an object with "line" and "budget_pence"')
            continue
        line, pence = item.get("line"), item.get("budget_pence")
        if not isinstance(line, str) or line not in BUDGET_LINES:
            body.reject(f"lines[{i}].line", "Choose one of: " + ", ".join(BUDGET_LINES))
            continue
        if line in found:
            body.reject(f"lines[{i}].line", "Give each line once")
            continue
        if (
            isinstance(pence, bool)
            or not isinstance(pence, int)
            or not 0 <= pence <= MAX_PARSED_PENCE
        ):
            body.reject(
                f"lines[{i}].budget_pence", f"Enter whole pence from 0 to {MAX_PARSED_PENCE}"
            )
            continue
        found[line] = pence
    return found


@bp.post("/budgets")
@access("admin", "finance")
@operation("Create a budget for a project and period", request=BUDGET, response=BUDGET, status=201)
def create_budget() -> Any:
    body = json_body(message="Check the budget.")
    project_id = body.ident("project_id")
    period_start = body.date("period_start")
    period_end = body.date("period_end")
    low = body.integer(
        "alert_low_percent",
        required=False,
        default=DEFAULT_LOW_PERCENT,
        minimum=1,
        maximum=MAX_ALERT_PERCENT,
    )
    high = body.integer(
        "alert_high_percent",
        required=False,
        default=DEFAULT_HIGH_PERCENT,
        minimum=1,
        maximum=MAX_ALERT_PERCENT,
    )
    lines = _read_lines(body)
    body.check()
    with field_names({name: "lines" for name in BUDGET_LINES}):
        budget = budgets.save_budget(
            actor=acting_user(),
            budget=None,
            project_id=project_id,
            period_start=period_start,
            period_end=period_end,
            lines=lines,
            alert_low_percent=low if low is not None else DEFAULT_LOW_PERCENT,
            alert_high_percent=high if high is not None else DEFAULT_HIGH_PERCENT,
        )
    db.session.commit()
    return budget_json(budget), 201


@bp.get("/budgets/<id:budget_id>")
@access("admin", "finance")
@operation(
    "One budget with its lines",
    description="Admin and finance only (DESIGN §11); coordinators and funders read a "
    "project's budget report instead.",
    response=BUDGET,
)
def get_budget(budget_id: int) -> Any:
    return budget_json(reading.get_readable_budget(acting_user(), budget_id))


@bp.get("/projects/<id:project_id>/budget")
@access(*READERS)
@operation(
    "A project's budget report",
    description="The budget whose period covers today, or else the latest one: each line's "
    "budget, committed (approved, not yet paid), spent (paid), remaining and percent used.",
    response=BUDGET_REPORT,
)
def get_project_budget(project_id: int) -> Any:
    project = reading.get_readable_project(acting_user(), project_id)
    budget = reading.current_budget(project.id)
    if budget is None:
        raise NotFound("This project has no budget yet.")
    [report] = budgets.budget_reports([budget])
    return budget_report_json(report)
