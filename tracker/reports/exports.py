"""Read-only views of the figures for pages, the API and downloads: the funder report of a fund
(with small-number suppression), its CSV, and the resourcing dashboard. Nothing here writes.

Funders never see personal data: nothing here reads a name, a reference or a per-person row.
Every count of people, and every count of adaptations of a kind, passes through `suppress`.
Figures come from `tracker.reports.queries` and `tracker.budgets.services` (SQL aggregates);
the number of queries does not depend on how many items there are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.auth.models import User
from tracker.budgets.domain import ReportLine, lines_added_up
from tracker.budgets.models import BUDGET_LINES, Budget
from tracker.budgets.services import budget_reports
from tracker.dates import local_today
from tracker.extensions import db
from tracker.money import pounds_string, sum_pence
from tracker.projects import services as projects
from tracker.projects.models import Project
from tracker.reports import queries
from tracker.reports.domain import BudgetFigures, Figures, FundReport, ProjectReport, suppress
from tracker.settings.services import get_int_setting, get_setting

# --- the funder report ----------------------------------------------------------------------


def shown_figures(summary: queries.ProjectSummary, threshold: int) -> Figures:
    """A summary with every count of people and of adaptations suppressed below `threshold`."""
    counts = summary.adaptations or {}
    return Figures(
        hours=summary.hours,
        declined_fee_hours=summary.declined_fee_hours,
        fees_paid_pence=summary.fees_paid_pence,
        expenses_paid_pence=summary.expenses_paid_pence,
        contributors=suppress(summary.contributors, threshold),
        adaptations=[
            (kind, label, suppress(counts[kind], threshold))
            for kind, label in ADAPTATION_KINDS.items()
            if counts.get(kind)
        ],
    )


def _budget_figures(project_ids: list[int]) -> dict[int, list[BudgetFigures]]:
    budgets = list(
        db.session.scalars(
            select(Budget)
            .where(Budget.project_id.in_(project_ids))
            .order_by(Budget.project_id, Budget.period_start, Budget.id)
        )
    )
    found: dict[int, list[BudgetFigures]] = {pid: [] for pid in project_ids}
    for report in budget_reports(budgets):
        b = report.budget
        found[b.project_id].append(
            BudgetFigures(
                budget_id=b.id,
                project_id=b.project_id,
                period_start=b.period_start,
                period_end=b.period_end,
                alert_low_percent=b.alert_low_percent,
                alert_high_percent=b.alert_high_percent,
                lines=report.lines,
                levels={line.line: report.alert(line) for line in report.lines},
            )
        )
    return found


def total_lines(budgets: Iterable[BudgetFigures]) -> list[ReportLine]:
    """Each line summed over several budgets (its percentage follows the usual rule)."""
    return lines_added_up((b.lines for b in budgets), BUDGET_LINES)


def fund_report(user: User, fund_id: int, *, today: date | None = None) -> FundReport:
    """The funder report of one fund the user may see (NotFound otherwise)."""
    fund = projects.get_visible_fund(user, fund_id)
    members: list[Project] = queries.fund_projects(fund.id)
    ids = [p.id for p in members]
    threshold = get_int_setting("suppression_threshold")
    per_project = queries.project_summaries(ids)
    budgets = _budget_figures(ids)
    return FundReport(
        fund_id=fund.id,
        name=fund.name,
        funder_organisation=fund.funder_organisation,
        reference=fund.reference,
        organisation=get_setting("organisation_name"),
        made_on=today or local_today(),
        threshold=threshold,
        figures=shown_figures(queries.fund_summary(ids), threshold),
        budget_totals=total_lines(b for pid in ids for b in budgets[pid]),
        projects=[
            ProjectReport(
                project_id=p.id,
                name=p.name,
                code=p.code,
                figures=shown_figures(per_project[p.id], threshold),
                budgets=budgets[p.id],
            )
            for p in members
        ],
    )


# --- CSV ------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FUND_CSV_HEADER = [
    "scope",
    "project_code",
    "project_name",
    "period_start",
    "period_end",
    "figure",
    "value",
]


def safe_cell(value: object) -> str:
    """Text for a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _figure_rows(figures: Figures) -> list[tuple[str, object]]:
    rows: list[tuple[str, object]] = [
        ("hours", figures.hours),
        ("declined_fee_hours", figures.declined_fee_hours),
        ("fees_paid", pounds_string(figures.fees_paid_pence)),
        ("fees_paid_pence", figures.fees_paid_pence),
        ("expenses_paid", pounds_string(figures.expenses_paid_pence)),
        ("expenses_paid_pence", figures.expenses_paid_pence),
        ("contributors", figures.contributors),
    ]
    rows += [(f"adaptations.{kind}", count) for kind, _, count in figures.adaptations]
    return rows


def _line_rows(line: ReportLine) -> list[tuple[str, object]]:
    percent = line.percent_used
    return [
        (f"budget.{line.line}.budget_pence", line.budget_pence),
        (f"budget.{line.line}.committed_pence", line.committed_pence),
        (f"budget.{line.line}.spent_pence", line.spent_pence),
        (f"budget.{line.line}.remaining_pence", line.remaining_pence),
        (f"budget.{line.line}.percent_used", "" if percent is None else percent),
    ]


def fund_csv(report: FundReport) -> bytes:
    """One figure a row ("long" form, easy to pivot): the fund's figures, then each project's,
    then each budget's lines. Counts are suppressed as on the page; no names of people."""
    rows: list[list[object]] = []
    for figure, value in _figure_rows(report.figures):
        rows.append(["fund", "", "", "", "", figure, value])
    for line in report.budget_totals:
        for figure, value in _line_rows(line):
            rows.append(["fund", "", "", "", "", figure, value])
    for project in report.projects:
        where = ["project", project.code, project.name, "", ""]
        rows += [[*where, figure, value] for figure, value in _figure_rows(project.figures)]
        for budget in project.budgets:
            period = [budget.period_start.isoformat(), budget.period_end.isoformat()]
            for line in budget.lines:
                rows += [
                    ["budget", project.code, project.name, *period, figure, value]
                    for figure, value in _line_rows(line)
                ]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(FUND_CSV_HEADER)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # With a byte order mark, Excel reads the text as UTF-8 rather than guessing.
    return out.getvalue().encode("utf-8-sig")


# --- the resourcing dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class ResourcingProject:
    project_id: int
    name: str
    code: str
    months: list[queries.MonthFigures]
    total: queries.MonthFigures  # the months added up; its `month` is the first month


def _add_up(project_id: int, months: list[queries.MonthFigures]) -> queries.MonthFigures:
    total = queries.MonthFigures(
        project_id,
        months[0].month if months else date.min,
        minutes=sum(m.minutes for m in months),
        declined_minutes=sum(m.declined_minutes for m in months),
        fees_paid_pence=sum_pence(m.fees_paid_pence for m in months),
        expenses_paid_pence=sum_pence(m.expenses_paid_pence for m in months),
    )
    for m in months:
        for kind, count in m.adaptations.items():
            total.adaptations[kind] = total.adaptations.get(kind, 0) + count
        for days, count in m.payment_days.items():
            total.payment_days[days] = total.payment_days.get(days, 0) + count
    return total


def resourcing(user: User) -> list[ResourcingProject]:
    """Per project the user manages (all of them for admin and finance), per month of work."""
    if user.has_role("admin", "finance"):
        chosen = projects.visible_projects(user)
    else:
        mine = projects.coordinated_project_ids(user)
        chosen = [p for p in projects.visible_projects(user) if p.id in mine]
    by_project = queries.monthly_resourcing([p.id for p in chosen])
    return [
        ResourcingProject(
            project_id=p.id,
            name=p.name,
            code=p.code,
            months=by_project.get(p.id, []),
            total=_add_up(p.id, by_project.get(p.id, [])),
        )
        for p in chosen
    ]
