"""Template helpers shared by every page: navigation per role and display filters."""

from __future__ import annotations

from typing import Any

from flask import Flask, flash, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.main import WTFormsHelpers

from tracker.calendar.domain import days_text, duration, long_date, long_datetime, month_year
from tracker.dates import utc_now
from tracker.extensions import db
from tracker.money import format_money

# (text, endpoint, roles that see it). An entry shows only once its feature has registered
# the endpoint, so the navigation grows with the app and never links to a missing page.
NAVIGATION: list[tuple[str, str, frozenset[str] | None]] = [
    ("Home", "main.home", None),
    ("My contributions", "contributions.mine", frozenset({"contributor"})),
    ("My payments", "payments.mine", frozenset({"contributor"})),
    ("Approvals", "approvals.queue", frozenset({"coordinator"})),
    ("Contributors", "admin.contributors", frozenset({"coordinator", "admin"})),
    ("Projects", "admin.projects", frozenset({"coordinator", "admin"})),
    ("Rates", "rates.index", frozenset({"coordinator", "finance", "admin"})),
    ("Payment runs", "payments.runs", frozenset({"finance"})),
    ("Budgets", "budgets.index", frozenset({"coordinator", "finance", "admin"})),
    ("Reports", "reports.index", frozenset({"finance", "funder", "admin"})),
    ("Admin", "admin.index", frozenset({"admin"})),
]


def nav_items(app: Flask) -> list[dict[str, Any]]:
    """The links this user may use; the one whose address best matches the page is active."""
    if not current_user.is_authenticated:
        return []
    items: list[dict[str, Any]] = []
    for text, endpoint, roles in NAVIGATION:
        if endpoint not in app.view_functions:
            continue
        if roles is not None and not current_user.has_role(*roles):
            continue
        items.append({"text": text, "href": url_for(endpoint), "active": False})
    matches = [
        item
        for item in items
        if request.path == item["href"]
        or (item["href"] != "/" and request.path.startswith(item["href"]))
    ]
    if matches:
        max(matches, key=lambda item: len(str(item["href"])))["active"] = True
    return items


def register_template_helpers(app: Flask) -> None:
    WTFormsHelpers(app)
    app.add_template_global(error_summary)
    app.add_template_filter(format_money, "money")
    app.add_template_filter(long_datetime, "local_datetime")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(month_year, "month_year")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(days_text, "days")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"nav_items": nav_items(app), "now_utc": utc_now()}


def error_summary(form: Any) -> dict[str, Any]:
    """The GOV.UK error summary for a form: each field's first message linking to the field,
    then messages about the form as a whole (without a link)."""
    items: list[dict[str, str]] = []
    for field in form:
        if field.errors and not isinstance(field.errors, dict):
            items.append({"text": str(field.errors[0]), "href": f"#{field.id}"})
    items += [{"text": str(message)} for message in form.form_errors]
    return {"titleText": "There is a problem", "errorList": items}


def show_service_error(form: Any, error: Any) -> None:
    """Put a service's field messages on the form, so the page shows them beside what was typed."""
    placed = False
    for name, message in error.fields.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [*list(field.errors), message]
            placed = True
    if not placed:
        form.form_errors.append(error.message)


def undo_and_show_error(form: Any, error: Any) -> None:
    """A change the service refused: undo any part of it, and show why on the form."""
    db.session.rollback()
    show_service_error(form, error)


def save_and_confirm(message: str) -> None:
    """Keep the change, and confirm it to the person on the next page they see."""
    db.session.commit()
    flash(message, "success")
