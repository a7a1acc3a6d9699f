"""Reports: the funder report of each fund (page, CSV and PDF) and the resourcing dashboard.

Funders see only the funds they are linked to (another fund's id is a 404), and never a name
or a per-person row: every count of people or of adaptations of a kind is suppressed below the
organisation's threshold."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.auth.access import access
from tracker.projects import services as projects
from tracker.reports import exports, pdf
from tracker.reports.domain import FundReport
from tracker.security import acting_user

bp = Blueprint("reports", __name__, url_prefix="/reports")
FUND_READERS = ("funder", "finance", "admin")
RESOURCING_READERS = ("coordinator", "finance", "admin")


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _file_stem(report: FundReport) -> str:
    return f"fund-{report.fund_id}-resourcing-{report.made_on.isoformat()}"


@bp.route("/")
@access(*FUND_READERS)
def index() -> Any:
    user = acting_user()
    return render_template(
        "reports/index.html",
        funds=projects.visible_funds(user),
        can_see_resourcing=user.has_role(*RESOURCING_READERS),
    )


@bp.route("/funds/<int:fund_id>")
@access(*FUND_READERS)
def fund(fund_id: int) -> Any:
    return render_template("reports/fund.html", report=exports.fund_report(acting_user(), fund_id))


@bp.route("/funds/<int:fund_id>.csv")
@access(*FUND_READERS)
def fund_csv(fund_id: int) -> Any:
    report = exports.fund_report(acting_user(), fund_id)
    return _download(exports.fund_csv(report), "text/csv", _file_stem(report) + ".csv")


@bp.route("/funds/<int:fund_id>.pdf")
@access(*FUND_READERS)
def fund_pdf(fund_id: int) -> Any:
    report = exports.fund_report(acting_user(), fund_id)
    return _download(pdf.render_fund_report(report), "application/pdf", _file_stem(report) + ".pdf")


@bp.route("/resourcing")
@access(*RESOURCING_READERS)
def resourcing() -> Any:
    return render_template(
        "reports/resourcing.html",
        projects=exports.resourcing(acting_user()),
        kinds=ADAPTATION_KINDS,
    )
