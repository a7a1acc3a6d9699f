"""Rate card pages: timelines, new versions with a preview, the calculator, mileage, caps and
thresholds. Finance and admin change them; coordinators read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from tracker.auth.access import access
from tracker.calendar.domain import long_date
from tracker.contributors import services as contributors
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.expenses.domain import EXPENSE_CATEGORIES
from tracker.projects import services as projects
from tracker.rates import services
from tracker.rates.forms import (
    CalculatorForm,
    ExpenseCapForm,
    MileageRateForm,
    RateForm,
    ThresholdForm,
)
from tracker.security import acting_user
from tracker.timesheets import repricing
from tracker.web import save_and_confirm, show_service_error

bp = Blueprint("rates", __name__, url_prefix="/rates")
READERS = ("coordinator", "finance", "admin")
EDITORS = ("finance", "admin")


def _limits() -> dict[str, Any]:
    """Coordinators see the organisation's defaults and what concerns their own projects."""
    user = acting_user()
    if user.has_role(*EDITORS):
        return {"project_ids": None, "contributor_ids": None}
    return {
        "project_ids": projects.coordinated_project_ids(user),
        "contributor_ids": {c.id for c in contributors.visible_contributors(user)},
    }


def _fill_choices(form: Any, *, everyone: str) -> None:
    user = acting_user()
    form.activity_type_id.choices = [("", "Choose an activity")] + [
        (a.id, a.name) for a in projects.list_activity_types(include_inactive=False)
    ]
    form.project_id.choices = [("", "Every project")] + [
        (p.id, f"{p.name} ({p.code})") for p in projects.visible_projects(user)
    ]
    form.contributor_id.choices = [("", everyone)] + [
        (c.id, f"{c.preferred_name} ({c.reference})")
        for c in contributors.visible_contributors(user)
    ]


@bp.route("/")
@access(*READERS)
def index() -> Any:
    user = acting_user()
    return render_template(
        "rates/index.html",
        timelines=services.rate_timelines(on=local_today(), **_limits()),
        can_edit=user.has_role(*EDITORS),
        describe_rate=services.describe_rate,
        today=local_today(),
    )


def _rate_input(form: RateForm) -> services.RateInput:
    return services.RateInput(
        activity_type_id=form.activity_type_id.data,
        project_id=form.project_id.data,
        contributor_id=form.contributor_id.data,
        basis=form.basis.data or "",
        effective_from=form.effective_from.data,
        amount_pence=form.amount.pence,
        half_day_pence=form.half_day.pence,
        day_pence=form.day.pence,
        increment_minutes=form.increment_minutes.data or 0,
        rounding=form.rounding.data or "",
        minimum_minutes=form.minimum_minutes.data or 0,
        half_day_max_minutes=form.half_day_max_minutes.data or 0,
        note=form.note.data or "",
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*EDITORS)
def new() -> Any:
    form = RateForm()
    _fill_choices(form, everyone="Everyone")
    preview = None
    if form.validate_on_submit():
        data = _rate_input(form)
        try:
            if form.save.data:
                rate = services.create_rate(actor=acting_user(), data=data)
                save_and_confirm(f"The new rate starts on {long_date(rate.effective_from)}.")
                return redirect(url_for("rates.index"))
            preview = repricing.preview_rate(data)
        except TrackerError as error:
            show_service_error(form, error)
    status = 400 if form.errors or form.form_errors else 200
    return render_template("rates/new.html", form=form, preview=preview), status


@bp.route("/calculator")
@access(*READERS)
def calculator() -> Any:
    form = CalculatorForm(request.args)
    _fill_choices(form, everyone="Nobody in particular")
    form.project_id.choices = form.project_id.choices[1:]
    result = None
    asked = bool(request.args)
    if asked and form.validate():
        minutes = (form.hours.data or 0) * 60 + (form.minutes.data or 0)
        if (
            form.project_id.data is None
            or form.activity_type_id.data is None
            or form.work_date.data is None
        ):
            form.form_errors.append("Choose a project and an activity.")
        elif minutes < 1:
            form.minutes.errors = ["Enter how long the work took"]
        else:
            result = services.fee_for_work(
                activity_type_id=form.activity_type_id.data,
                project_id=form.project_id.data,
                contributor_id=form.contributor_id.data,
                work_date=form.work_date.data,
                minutes=minutes,
            )
            if result.calculation is None:
                form.form_errors.append(
                    "No rate applies to that activity on that date. Finance can add one."
                )
                result = None
    elif not asked:
        form.work_date.data = local_today()
    status = 400 if asked and (form.errors or form.form_errors) else 200
    return render_template("rates/calculator.html", form=form, result=result, asked=asked), status


@bp.route("/mileage")
@access(*READERS)
def mileage() -> Any:
    return _mileage_page(MileageRateForm())


def _list_page(template: str, form: Any, status: int, **context: Any) -> Any:
    """A list page with the form that adds to it; the form is for editors only."""
    can_edit = acting_user().has_role(*EDITORS)
    return render_template(template, form=form, can_edit=can_edit, **context), status


def _add(
    form: Any, add: Callable[[], object], message: str, endpoint: str, page: Callable[..., Any]
) -> Any:
    """Add what the form describes and go back to the list; bad input or a refusal shows the
    list page again with the form's errors (400)."""
    if form.validate_on_submit():
        try:
            add()
        except TrackerError as error:
            show_service_error(form, error)
        else:
            save_and_confirm(message)
            return redirect(url_for(endpoint))
    return page(form, 400)


def _mileage_page(form: MileageRateForm, status: int = 200) -> Any:
    return _list_page(
        "rates/mileage.html",
        form,
        status,
        rates=services.list_mileage_rates(),
        labels=services.VEHICLE_LABELS,
    )


@bp.route("/mileage", methods=["POST"])
@access(*EDITORS)
def add_mileage() -> Any:
    form = MileageRateForm()
    return _add(
        form,
        lambda: services.add_mileage_rate(
            actor=acting_user(),
            vehicle=form.vehicle.data or "",
            effective_from=form.effective_from.data,
            pence_per_mile=form.pence_per_mile.data,
            threshold_miles=form.threshold_miles.data,
            pence_after_threshold=form.pence_after_threshold.data,
        ),
        "The mileage rate has been added.",
        "rates.mileage",
        _mileage_page,
    )


CAP_CATEGORIES = [(k, v) for k, v in EXPENSE_CATEGORIES.items() if k != "mileage"]


@bp.route("/caps")
@access(*READERS)
def caps() -> Any:
    return _caps_page(ExpenseCapForm())


def _caps_page(form: ExpenseCapForm, status: int = 200) -> Any:
    form.category.choices = CAP_CATEGORIES
    return _list_page(
        "rates/caps.html", form, status, caps=services.expense_caps(), categories=CAP_CATEGORIES
    )


@bp.route("/caps", methods=["POST"])
@access(*EDITORS)
def set_cap() -> Any:
    form = ExpenseCapForm()
    form.category.choices = CAP_CATEGORIES
    return _add(
        form,
        lambda: services.set_expense_cap(
            actor=acting_user(), category=form.category.data or "", cap_pence=form.cap.pence
        ),
        "The cap has been saved.",
        "rates.caps",
        _caps_page,
    )


@bp.route("/thresholds")
@access(*READERS)
def thresholds() -> Any:
    return _thresholds_page(ThresholdForm())


def _thresholds_page(form: ThresholdForm, status: int = 200) -> Any:
    return _list_page(
        "rates/thresholds.html",
        form,
        status,
        thresholds=services.list_thresholds(),
        periods=services.PERIOD_LABELS,
        purposes=services.PURPOSE_LABELS,
    )


@bp.route("/thresholds", methods=["POST"])
@access(*EDITORS)
def add_threshold() -> Any:
    form = ThresholdForm()
    return _add(
        form,
        lambda: services.add_threshold(
            actor=acting_user(),
            label=form.label.data or "",
            purpose=form.purpose.data or "",
            period=form.period.data or "",
            amount_pence=form.amount.pence,
            valid_from=form.valid_from.data,
            advice=form.advice.data or "",
        ),
        "The threshold has been added.",
        "rates.thresholds",
        _thresholds_page,
    )
