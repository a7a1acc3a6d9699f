"""API: the funder summary of a fund, with small-number suppression and no names."""

from __future__ import annotations

from typing import Any

from tracker.api import bp
from tracker.api.budgets import REPORT_LINE, report_line_json
from tracker.api.common import iso, money
from tracker.api.spec import DATE, ID, MONEY, PENCE, STRING, Schema, component, obj, operation
from tracker.auth.access import access
from tracker.reports import exports
from tracker.reports.domain import BudgetFigures, Figures
from tracker.security import acting_user

COUNT: Schema = {
    "oneOf": [
        {"type": "integer", "minimum": 0},
        {"type": "string", "pattern": "^fewer than [0-9]+$"},
    ],
    "description": 'A count, or "fewer than N" from 1 to the suppression threshold minus one',
}
HOURS: Schema = {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "example": "12.50"}
FIGURES: dict[str, Schema] = {
    "contributors": {**COUNT, "description": "Distinct people with approved work or expenses"},
    "hours": {**HOURS, "description": "Every approved hour, paid or not, declined fees included"},
    "declined_fee_hours": {**HOURS, "description": "Hours given without a fee"},
    "fees_paid_pence": PENCE,
    "fees_paid": MONEY,
    "expenses_paid_pence": PENCE,
    "expenses_paid": MONEY,
    "adaptations": {
        "type": "object",
        "additionalProperties": COUNT,
        "description": "Equipment and support provided, by kind",
    },
}
BUDGET_FIGURES = component(
    "BudgetFigures",
    obj(
        {
            "budget_id": ID,
            "period_start": DATE,
            "period_end": DATE,
            "lines": {"type": "array", "items": REPORT_LINE},
        }
    ),
)
PROJECT_SUMMARY = component(
    "ProjectSummary",
    obj(
        {
            "project_id": ID,
            "name": STRING,
            "code": STRING,
            **FIGURES,
            "budgets": {"type": "array", "items": BUDGET_FIGURES},
        }
    ),
)
FUND_SUMMARY = component(
    "FundSummary",
    obj(
        {
            "fund_id": ID,
            "name": STRING,
            "funder_organisation": STRING,
            "reference": STRING,
            "suppression_threshold": {"type": "integer", "minimum": 1},
            **FIGURES,
            "budget_lines": {
                "type": "array",
                "items": REPORT_LINE,
                "description": "Each line over every budget of the fund's projects",
            },
            "projects": {"type": "array", "items": PROJECT_SUMMARY},
        }
    ),
)


def figures_json(figures: Figures) -> dict[str, Any]:
    return {
        "contributors": figures.contributors,
        "hours": str(figures.hours),
        "declined_fee_hours": str(figures.declined_fee_hours),
        **money("fees_paid", figures.fees_paid_pence),
        **money("expenses_paid", figures.expenses_paid_pence),
        "adaptations": {kind: count for kind, _, count in figures.adaptations},
    }


def budget_figures_json(budget: BudgetFigures) -> dict[str, Any]:
    return {
        "budget_id": budget.budget_id,
        "period_start": iso(budget.period_start),
        "period_end": iso(budget.period_end),
        "lines": [report_line_json(line, budget.levels[line.line]) for line in budget.lines],
    }


@bp.get("/funds/<id:fund_id>/summary")
@access("funder", "finance", "admin")
@operation(
    "The funder summary of a fund",
    description="Hours, fees and expenses paid, people and adaptations by kind, for the fund "
    "and each of its projects, with spending against budget. No names; counts from 1 to the "
    'suppression threshold minus one are "fewer than N".',
    response=FUND_SUMMARY,
)
def get_fund_summary(fund_id: int) -> Any:
    report = exports.fund_report(acting_user(), fund_id)
    return {
        "fund_id": report.fund_id,
        "name": report.name,
        "funder_organisation": report.funder_organisation,
        "reference": report.reference,
        "suppression_threshold": report.threshold,
        **figures_json(report.figures),
        "budget_lines": [report_line_json(line, None) for line in report.budget_totals],
        "projects": [
            {
                "project_id": p.project_id,
                "name": p.name,
                "code": p.code,
                **figures_json(p.figures),
                "budgets": [budget_figures_json(b) for b in p.budgets],
            }
            for p in report.projects
        ],
    }
