"""Budget pages: the list with alerts, one budget with its figures and burn-up charts, and the
form (admin and finance). Coordinators read the budgets of the projects they coordinate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from tracker.auth.access import access
from tracker.budgets import alerts as reading
from tracker.budgets import services
from tracker.budgets.charts import BurnUp, burn_up_svg
from tracker.budgets.domain import AlertLevel, ReportLine
from tracker.budgets.forms import BudgetForm
from tracker.budgets.models import BUDGET_LINES, Budget
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.forms import optional_int
from tracker.projects import services as projects
from tracker.security import acting_user
from tracker.web import save_and_confirm, undo_and_show_error

bp = Blueprint("budgets", __name__, url_prefix="/budgets")
READERS = ("coordinator", "finance", "admin")
EDITORS = services.EDITORS


@dataclass(frozen=True)
class LineRow:
    """A report line as a table row, with its alert level and its state in words."""

    figures: ReportLine
    level: AlertLevel | None
    status: str


def _rows(report: services.BudgetReport) -> list[LineRow]:
    return [LineRow(line, report.alert(line), report.status(line)) for line in report.lines]


def _project_names() -> dict[int, Any]:
    return {p.id: p for p in projects.visible_projects(acting_user())}


@bp.route("/")
@access(*READERS)
def index() -> Any:
    user = acting_user()
    budgets = reading.readable_budgets(user)
    names = _project_names()
    reports = services.budget_reports(budgets)
    entries = []
    for report in reports:
        project = names[report.budget.project_id]
        entries.append((report, project, reading.alerts_of(report, project)))
    return render_template(
        "budgets/index.html",
        entries=entries,
        totals={r.budget.id: r.total.budget_pence for r in reports},
        today=local_today(),
        can_edit=user.has_role(*EDITORS),
    )


def _burn_up(budget: Budget, today: date) -> tuple[list[BurnUp], list[tuple[date, list[int]]]]:
    """A chart per line, and the same numbers as table rows (months that have begun)."""
    series = services.burn_up(budget)
    this_month = date(today.year, today.month, 1)
    months = [point.month for point in series["fees"]]
    amounts = {line.line: line.budget_pence for line in budget.lines}
    charts = [
        BurnUp(
            chart_id=f"burn-up-{name}",
            label=label,
            months=months,
            spent_pence=[p.spent_pence for p in series[name] if p.month <= this_month],
            budget_pence=amounts.get(name, 0),
        )
        for name, label in BUDGET_LINES.items()
    ]
    table = [
        (month, [series[name][i].spent_pence for name in BUDGET_LINES])
        for i, month in enumerate(months)
        if month <= this_month
    ]
    return charts, table


@bp.route("/<int:budget_id>")
@access(*READERS)
def show(budget_id: int) -> Any:
    user = acting_user()
    budget = reading.get_readable_budget(user, budget_id)
    [report] = services.budget_reports([budget])
    rows = _rows(report)
    today = local_today()
    charts, table = _burn_up(budget, today)
    return render_template(
        "budgets/show.html",
        budget=budget,
        project=projects.get_visible_project(user, budget.project_id),
        rows=rows,
        total=report.total,
        charts=[(chart, burn_up_svg(chart)) for chart in charts],
        burn_up_rows=table,
        line_labels=list(BUDGET_LINES.values()),
        can_edit=user.has_role(*EDITORS),
    )


def _save(form: BudgetForm, budget: Budget | None) -> Budget | None:
    """Validate and save; None (with the messages on the form) when it could not be saved."""
    if not form.validate_on_submit():
        return None
    try:
        saved = services.save_budget(
            actor=acting_user(),
            budget=budget,
            project_id=form.project_id.data,
            period_start=form.period_start.data,
            period_end=form.period_end.data,
            lines={name: getattr(form, name).pence for name in BUDGET_LINES},
            alert_low_percent=form.alert_low_percent.data,
            alert_high_percent=form.alert_high_percent.data,
        )
    except TrackerError as error:
        undo_and_show_error(form, error)
        return None
    save_and_confirm("The budget is saved.")
    return saved


def _form(budget: Budget | None) -> BudgetForm:
    if budget is None:
        form = BudgetForm(project_id=optional_int(request.args.get("project_id")))
    else:
        amounts = {line.line: line.budget_pence for line in budget.lines}
        form = BudgetForm(obj=budget, **{name: amounts.get(name, 0) for name in BUDGET_LINES})
    form.project_id.choices = [("", "Choose a project")] + [
        (p.id, f"{p.name} ({p.code})") for p in projects.visible_projects(acting_user())
    ]
    return form


@bp.route("/new", methods=["GET", "POST"])
@access(*EDITORS)
def new() -> Any:
    form = _form(None)
    if (saved := _save(form, None)) is not None:
        return redirect(url_for("budgets.show", budget_id=saved.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("budgets/form.html", form=form, budget=None), status


@bp.route("/<int:budget_id>/edit", methods=["GET", "POST"])
@access(*EDITORS)
def edit(budget_id: int) -> Any:
    budget = reading.get_readable_budget(acting_user(), budget_id)
    form = _form(budget)
    if (saved := _save(form, budget)) is not None:
        return redirect(url_for("budgets.show", budget_id=saved.id))
    status = 400 if form.errors or form.form_errors else 200
    return render_template("budgets/form.html", form=form, budget=budget), status
