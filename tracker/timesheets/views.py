"""Logging time: for yourself, or on behalf of a contributor of your project."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, url_for

from tracker.auth.access import access
from tracker.auth.models import User
from tracker.contributions import recording
from tracker.contributions.recording import ITEM, READERS, RECORDERS
from tracker.contributors.models import Contributor
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import DECIDED
from tracker.lifecycle.kinds import ItemKind
from tracker.projects import services as projects
from tracker.projects.models import ActivityType
from tracker.security import acting_user
from tracker.timesheets import services
from tracker.timesheets.forms import FEE_CHOICE_WORDS, TimeEntryForm
from tracker.timesheets.models import TimeEntry
from tracker.web import show_service_error

bp = Blueprint("timesheets", __name__, url_prefix="/time")
OPEN = frozenset({"draft", "returned", "submitted"})


def _fill_choices(form: TimeEntryForm, user: User, contributor: Contributor) -> None:
    recording.fill_project_choices(form, user, contributor)
    form.activity_type_id.choices = [("", "Choose an activity")] + [
        (a.id, a.name) for a in projects.list_activity_types(include_inactive=False)
    ]


def _entry_input(form: TimeEntryForm, contributor_id: int) -> services.EntryInput:
    return services.EntryInput(
        contributor_id=contributor_id,
        project_id=form.project_id.data,
        activity_type_id=form.activity_type_id.data,
        work_date=form.work_date.data,
        minutes=form.total_minutes(),
        notes=form.notes.data or "",
        fee_choice=form.fee_choice.data or "",
        fee_requested_pence=form.fee_requested_pence.pence,
    )


def _show_error(form: TimeEntryForm, error: TrackerError) -> None:
    db.session.rollback()
    # Time is typed as hours and minutes: a message about the minutes belongs with the hours box.
    if "minutes" in error.fields:
        error.fields["hours"] = error.fields.pop("minutes")
    show_service_error(form, error)


def _form_page(form: TimeEntryForm, contributor: Contributor, entry: TimeEntry | None) -> Any:
    return recording.form_page(
        "timesheets/form.html", form, contributor, new=entry is None, entry=entry
    )


@bp.route("/new", methods=["GET", "POST"])
@access(*RECORDERS)
def new() -> Any:
    user = acting_user()
    contributor = recording.for_whom(user)
    if contributor is None:
        return recording.ask_who(user, action=url_for("timesheets.new"), caption="Log time")
    form = TimeEntryForm(fee_choice=contributor.default_fee_choice, work_date=local_today())
    _fill_choices(form, user, contributor)
    if form.validate_on_submit():
        saved = recording.save_item(
            form,
            lambda: services.create_time_entry(actor=user, data=_entry_input(form, contributor.id)),
            "Saved. Check the details and the fee, then send it for approval.",
            _show_error,
        )
        if saved:
            return saved
    return _form_page(form, contributor, None)


@bp.route(ITEM)
@access(*READERS)
def show(item_id: int) -> Any:
    user = acting_user()
    entry = lifecycle.get_visible(user, ItemKind.TIME, item_id)
    estimate = warnings = None
    if entry.status not in DECIDED:
        estimate = services.estimate_entry(entry)
        # Shown before sending, and again once sent: the same calm note as at submission.
        if entry.status in OPEN and estimate.fee_pence:
            warnings = services.benefit_warnings(
                entry.contributor_id, entry.work_date, estimate.fee_pence, exclude_id=entry.id
            )
    return recording.item_page(
        "timesheets/show.html",
        user,
        entry,
        entry=entry,
        activity=db.session.get(ActivityType, entry.activity_type_id),
        estimate=estimate,
        warnings=warnings,
        fee_words=FEE_CHOICE_WORDS,
    )


def _entry_data(entry: TimeEntry) -> dict[str, Any]:
    return {
        "project_id": entry.project_id,
        "activity_type_id": entry.activity_type_id,
        "work_date": entry.work_date,
        "hours": entry.minutes // 60,
        "minutes": entry.minutes % 60,
        "notes": entry.notes,
        "fee_choice": entry.fee_choice,
        "fee_requested_pence": entry.fee_requested_pence,
    }


@bp.route(ITEM + "/edit", methods=["GET", "POST"])
@access(*RECORDERS)
def edit(item_id: int) -> Any:
    user = acting_user()
    entry, contributor = recording.open_for_change(user, ItemKind.TIME, item_id)
    form = TimeEntryForm(data=_entry_data(entry))
    _fill_choices(form, user, contributor)
    if form.validate_on_submit():
        saved = recording.save_item(
            form,
            lambda: services.update_time_entry(
                actor=user, entry=entry, data=_entry_input(form, contributor.id)
            ),
            "Your changes are saved. Check them, then send it for approval.",
            _show_error,
        )
        if saved:
            return saved
    return _form_page(form, contributor, entry)
