"""API: time entries, from a draft through submission to approval (or return, or withdrawal)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.api.common import Body, iso
from tracker.api.items import (
    NULLABLE_MONEY,
    NULLABLE_PENCE,
    NULLABLE_STRING,
    ApiKind,
    item_json,
    optional_money,
    plausible_date,
)
from tracker.api.spec import (
    DATE,
    ID,
    NULLABLE_ID,
    component,
    enum,
    obj,
)
from tracker.contributors.models import Contributor
from tracker.lifecycle.models import ITEM_STATUSES
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

FEE_CHOICES = ("accept", "decline", "reduce")

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


def time_entry_json(entry: TimeEntry) -> dict[str, Any]:
    return item_json(
        entry,
        activity_type_id=entry.activity_type_id,
        work_date=iso(entry.work_date),
        minutes=entry.minutes,
        notes=entry.notes,
        fee_choice=entry.fee_choice,
        **optional_money("fee_requested", entry.fee_requested_pence),
        billable_minutes=entry.billable_minutes,
        rate_id=entry.rate_id,
        **optional_money("calculated_fee", entry.calculated_fee_pence),
        **optional_money("fee", entry.fee_pence),
    )


def _read(body: Body, entry: TimeEntry | None) -> dict[str, Any]:
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
    values = {
        name: read() if entry is None or body.has(name) else getattr(entry, name)
        for name, read in readers.items()
    }
    if entry is not None and values["fee_choice"] is None:
        values["fee_choice"] = entry.fee_choice
    return values


def _input(contributor: Contributor | None, values: dict[str, Any]) -> timesheets.EntryInput:
    """Without a `fee_choice`, the contributor's usual choice."""
    usual = contributor.default_fee_choice if contributor else "accept"
    return timesheets.EntryInput(
        contributor_id=contributor.id if contributor else None,
        **{**values, "fee_choice": values["fee_choice"] or usual},
    )


API: ApiKind = ApiKind(
    schema=TIME_ENTRY,
    json=time_entry_json,
    read=_read,
    make_input=_input,
    create=lambda actor, data: timesheets.create_time_entry(actor=actor, data=data),
    update=lambda actor, entry, data: timesheets.update_time_entry(
        actor=actor, entry=entry, data=data
    ),
    message="Check the details of the work.",
    list_description="Newest work first. Contributors see their own; coordinators their "
    "projects'; finance decided work. `from` and `to` are work dates.",
    statuses=ITEM_STATUSES,
    create_summary="Record time as a draft",
    create_description="The entry remembers who recorded it.",
    submit_note="Refused plainly (422) when no rate applies.",
    approve_note="The rate version and fee are kept and never change.",
)
