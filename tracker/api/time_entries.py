"""API: time entries, from a draft through submission to approval (or return, or withdrawal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.api import bp
from tracker.api.common import Body, iso, json_body, paginate
from tracker.api.items import (
    DECIDERS,
    NULLABLE_MONEY,
    NULLABLE_PENCE,
    NULLABLE_STRING,
    READERS,
    REASON,
    RECORDERS,
    check_project_visible,
    contributor_for,
    filtered,
    filters,
    optional_money,
    plausible_date,
    reason,
    unchanged_contributor,
    warnings_json,
    with_warnings,
)
from tracker.api.spec import (
    DATE,
    ID,
    NULLABLE_ID,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.auth.models import User
from tracker.extensions import db
from tracker.lifecycle.models import ITEM_STATUSES
from tracker.security import acting_user
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

FEE_CHOICES = ("accept", "decline", "reduce")
ENTRY = "/time-entries/<id:entry_id>"

TIME_ENTRY = component(
    "TimeEntry",
    obj(
        {
            "id": ID,
            "contributor_id": {
                **ID,
                "description": "Whose work it is. Defaults to your own contributor record; "
                "coordinators name a contributor of their project.",
            },
            "project_id": ID,
            "activity_type_id": ID,
            "work_date": DATE,
            "minutes": {"type": "integer", "minimum": 1, "maximum": timesheets.MAX_MINUTES},
            "notes": {"type": "string", "maxLength": 2000, "default": ""},
            "fee_choice": {
                **enum(*FEE_CHOICES),
                "description": "Defaults to the contributor's usual choice",
            },
            "fee_requested_pence": {
                **NULLABLE_PENCE,
                "description": "With `reduce`: the fee wanted, less than the calculated fee",
            },
            "fee_requested": NULLABLE_MONEY,
            "status": enum(*ITEM_STATUSES),
            "billable_minutes": {"type": ["integer", "null"], "description": "Set at approval"},
            "rate_id": {**NULLABLE_ID, "description": "The rate version fixed at approval"},
            "calculated_fee_pence": {**NULLABLE_PENCE, "description": "Set at approval"},
            "calculated_fee": NULLABLE_MONEY,
            "fee_pence": {**NULLABLE_PENCE, "description": "Set at approval, after the choice"},
            "fee": NULLABLE_MONEY,
            "recorded_by_id": ID,
            "return_reason": NULLABLE_STRING,
        },
        required=("project_id", "activity_type_id", "work_date", "minutes"),
        read_only=(
            "id",
            "fee_requested",
            "status",
            "billable_minutes",
            "rate_id",
            "calculated_fee_pence",
            "calculated_fee",
            "fee_pence",
            "fee",
            "recorded_by_id",
            "return_reason",
        ),
    ),
)
TIME_ENTRY_WITH_WARNINGS = with_warnings("TimeEntryWithWarnings", TIME_ENTRY)


def time_entry_json(entry: TimeEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "contributor_id": entry.contributor_id,
        "project_id": entry.project_id,
        "activity_type_id": entry.activity_type_id,
        "work_date": iso(entry.work_date),
        "minutes": entry.minutes,
        "notes": entry.notes,
        "fee_choice": entry.fee_choice,
        **optional_money("fee_requested", entry.fee_requested_pence),
        "status": entry.status,
        "billable_minutes": entry.billable_minutes,
        "rate_id": entry.rate_id,
        **optional_money("calculated_fee", entry.calculated_fee_pence),
        **optional_money("fee", entry.fee_pence),
        "recorded_by_id": entry.recorded_by_id,
        "return_reason": entry.return_reason,
    }


def _entry(entry_id: int) -> tuple[User, TimeEntry]:
    actor = acting_user()
    return actor, timesheets.get_visible_entry(actor, entry_id)


@bp.get("/time-entries")
@access(*READERS)
@operation(
    "List the time entries you may see",
    description="Newest work first. Contributors see their own; coordinators their projects'; "
    "finance decided work. `from` and `to` are work dates.",
    response=TIME_ENTRY,
    paginated=True,
    query=filters(status=enum(*ITEM_STATUSES)),
)
def list_time_entries() -> Any:
    query = filtered(
        timesheets.visible_entries_query(acting_user()),
        TimeEntry,
        date_column=TimeEntry.work_date,
        statuses=ITEM_STATUSES,
    )
    query = query.order_by(TimeEntry.work_date.desc(), TimeEntry.id.desc())
    return paginate(query, time_entry_json)


@bp.post("/time-entries")
@access(*RECORDERS)
@operation(
    "Record time as a draft",
    description="For yourself, or (coordinators) for a contributor of your project. The entry "
    "remembers who recorded it.",
    request=TIME_ENTRY,
    response=TIME_ENTRY,
    status=201,
    errors=(404,),  # a contributor_id the user may not see
)
def create_time_entry() -> Any:
    body = json_body(message="Check the details of the work.")
    contributor_id = body.ident("contributor_id", required=False)
    values = _read(body)
    body.check()
    actor = acting_user()
    contributor = contributor_for(actor, contributor_id)
    check_project_visible(actor, values["project_id"])
    if values["fee_choice"] is None:
        values["fee_choice"] = contributor.default_fee_choice if contributor else "accept"
    data = timesheets.EntryInput(contributor_id=contributor.id if contributor else None, **values)
    entry = timesheets.create_time_entry(actor=actor, data=data)
    db.session.commit()
    return time_entry_json(entry), 201


def _read(body: Body, entry: TimeEntry | None = None) -> dict[str, Any]:
    """The entry's fields from the body; for PATCH (`entry` given) fields not sent stay as they
    are."""
    required = entry is None
    readers: dict[str, Callable[[], Any]] = {
        "project_id": lambda: body.ident("project_id", required=required),
        "activity_type_id": lambda: body.ident("activity_type_id", required=required),
        "work_date": lambda: plausible_date(
            body, "work_date", body.date("work_date", required=required)
        ),
        "minutes": lambda: body.integer(
            "minutes", required=required, minimum=1, maximum=timesheets.MAX_MINUTES
        ),
        "notes": lambda: body.text("notes", required=False, max_length=2000, multiline=True),
        "fee_choice": lambda: body.choice("fee_choice", FEE_CHOICES, required=False),
        "fee_requested_pence": lambda: body.pence("fee_requested_pence", required=False),
    }
    return {
        name: read() if entry is None or body.has(name) else getattr(entry, name)
        for name, read in readers.items()
    }


@bp.get(ENTRY)
@access(*READERS)
@operation("One time entry you may see", response=TIME_ENTRY)
def get_time_entry(entry_id: int) -> Any:
    return time_entry_json(_entry(entry_id)[1])


@bp.patch(ENTRY)
@access(*RECORDERS)
@operation(
    "Change a draft, or an entry sent back to you",
    description="Send only the fields to change. Approved work never changes (409).",
    request=TIME_ENTRY,
    response=TIME_ENTRY,
)
def update_time_entry(entry_id: int) -> Any:
    actor, entry = _entry(entry_id)
    body = json_body(message="Check the details of the work.")
    unchanged_contributor(body, entry.contributor_id)
    values = _read(body, entry)
    if values["fee_choice"] is None:
        values["fee_choice"] = entry.fee_choice
    body.check()
    if values["project_id"] != entry.project_id:
        check_project_visible(actor, values["project_id"])
    data = timesheets.EntryInput(contributor_id=entry.contributor_id, **values)
    timesheets.update_time_entry(actor=actor, entry=entry, data=data)
    db.session.commit()
    return time_entry_json(entry)


@bp.post(ENTRY + "/submit")
@access(*RECORDERS)
@operation(
    "Send an entry for approval",
    description="Refused plainly (422) when no rate applies. Brings any benefit warnings.",
    response=TIME_ENTRY_WITH_WARNINGS,
)
def submit_time_entry(entry_id: int) -> Any:
    actor, entry = _entry(entry_id)
    warnings = timesheets.submit_time_entry(actor=actor, entry=entry)
    db.session.commit()
    return {**time_entry_json(entry), "warnings": warnings_json(warnings)}


@bp.post(ENTRY + "/withdraw")
@access(*RECORDERS)
@operation("Withdraw an entry before it is decided", response=TIME_ENTRY)
def withdraw_time_entry(entry_id: int) -> Any:
    actor, entry = _entry(entry_id)
    timesheets.withdraw_time_entry(actor=actor, entry=entry)
    db.session.commit()
    return time_entry_json(entry)


@bp.post(ENTRY + "/approve")
@access(*DECIDERS)
@operation(
    "Approve a submitted entry, fixing its fee",
    description="The rate version and fee are kept and never change. Nobody approves their own "
    "work or work they recorded (403). Brings any benefit warnings.",
    response=TIME_ENTRY_WITH_WARNINGS,
)
def approve_time_entry(entry_id: int) -> Any:
    actor, entry = _entry(entry_id)
    warnings = timesheets.approve_time_entry(actor=actor, entry=entry)
    db.session.commit()
    return {**time_entry_json(entry), "warnings": warnings_json(warnings)}


@bp.post(ENTRY + "/return")
@access(*DECIDERS)
@operation(
    "Send a submitted entry back with a reason",
    request=REASON,
    response=TIME_ENTRY,
)
def return_time_entry(entry_id: int) -> Any:
    actor, entry = _entry(entry_id)
    body = json_body(message="Say what needs to change.")
    text = reason(body)
    body.check()
    timesheets.return_time_entry(actor=actor, entry=entry, reason=text)
    db.session.commit()
    return time_entry_json(entry)
