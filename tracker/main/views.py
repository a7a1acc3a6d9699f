"""Home page per role, and the public pages."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from tracker.auth.access import PUBLIC, SIGNED_IN, access
from tracker.budgets.alerts import budget_alerts
from tracker.extensions import db
from tracker.projects import services as projects
from tracker.security import acting_user

bp = Blueprint("main", __name__)


@bp.route("/")
@access(SIGNED_IN)
def home() -> Any:
    user = acting_user()
    alerts = budget_alerts(user) if user.has_role("coordinator", "finance", "admin") else []
    return render_template(
        "main/home.html",
        user=user,
        projects=projects.visible_projects(user),
        budget_alerts=alerts,
        show_exit_button=user.has_role("contributor"),
    )


@bp.route("/accessibility")
@access(PUBLIC)
def accessibility() -> Any:
    return render_template("main/accessibility.html")


@bp.route("/privacy")
@access(PUBLIC)
def privacy() -> Any:
    return render_template("main/privacy.html")


@bp.route("/healthz")
@access(PUBLIC)
def healthz() -> Any:
    db.session.execute(text("SELECT 1"))
    return jsonify(status="ok")
