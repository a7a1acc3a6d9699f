"""API: rate card lines (finance and admin add them; coordinators read) and the fee estimate."""

from __future__ import annotations

from typing import Any

from tracker.api import bp
from tracker.api.common import Body, iso, json_body, money, paginate
from tracker.api.items import (
    NULLABLE_MONEY,
    NULLABLE_PENCE,
    check_project_visible,
    contributor_for,
    optional_money,
    plausible_date,
    query_id,
)
from tracker.api.spec import (
    DATE,
    ID,
    INTEGER,
    MONEY,
    NULLABLE_ID,
    PENCE,
    STRING,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.calendar.domain import long_date
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.lifecycle.services import check_can_record
from tracker.projects.models import ActivityType
from tracker.rates import services as rates
from tracker.rates.models import Rate
from tracker.security import acting_user
from tracker.timesheets.services import MAX_MINUTES

BASES = tuple(rates.BASIS_LABELS)
ROUNDINGS = tuple(rates.ROUNDING_LABELS)
# The amounts each basis uses; the others must be left out.
AMOUNTS = {
    "hour": ("amount_pence",),
    "session": ("amount_pence",),
    "day": ("half_day_pence", "day_pence"),
}
# Finance and admin may estimate for anyone; others only for whom they may record.
SEES_ALL_RATES = ("finance", "admin")

MINUTES = {"type": "integer", "minimum": 1, "maximum": MAX_MINUTES}
RATE = component(
    "Rate",
    obj(
        {
            "id": ID,
            "project_id": {**NULLABLE_ID, "description": "null: an organisation default"},
            "activity_type_id": ID,
            "contributor_id": {**NULLABLE_ID, "description": "Set: one contributor's own rate"},
            "basis": enum(*BASES),
            "amount_pence": {**NULLABLE_PENCE, "description": "An hour's or a session's pay"},
            "amount": NULLABLE_MONEY,
            "half_day_pence": {**NULLABLE_PENCE, "description": "Day basis: up to the threshold"},
            "half_day": NULLABLE_MONEY,
            "day_pence": {**NULLABLE_PENCE, "description": "Day basis: over the threshold"},
            "day": NULLABLE_MONEY,
            "increment_minutes": {"type": "integer", "minimum": 1, "maximum": 240, "default": 15},
            "rounding": {**enum(*ROUNDINGS), "default": "up"},
            "minimum_minutes": {"type": "integer", "minimum": 0, "maximum": 1440, "default": 0},
            "half_day_max_minutes": {**MINUTES, "default": 240},
            "effective_from": DATE,
            "note": {"type": "string", "maxLength": 500, "default": ""},
        },
        required=("activity_type_id", "basis", "effective_from"),
        read_only=("id", "amount", "half_day", "day"),
    ),
)
ESTIMATE_REQUEST = component(
    "EstimateRequest",
    obj(
        {
            "contributor_id": {
                **ID,
                "description": "Defaults to your own contributor record. Finance may leave it "
                "out to see the rate that applies to nobody in particular.",
            },
            "project_id": ID,
            "activity_type_id": ID,
            "work_date": DATE,
            "minutes": MINUTES,
        },
        required=("project_id", "activity_type_id", "work_date", "minutes"),
    ),
)
ESTIMATE = component(
    "Estimate",
    obj(
        {
            "rate_id": {**NULLABLE_ID, "description": "null for unpaid work"},
            "billable_minutes": INTEGER,
            "calculated_fee_pence": PENCE,
            "calculated_fee": MONEY,
            "reason": {**STRING, "description": "Why this rate applies"},
            "explanation": {**STRING, "description": "How the fee was worked out"},
        }
    ),
)


def rate_json(rate: Rate) -> dict[str, Any]:
    return {
        "id": rate.id,
        "project_id": rate.project_id,
        "activity_type_id": rate.activity_type_id,
        "contributor_id": rate.contributor_id,
        "basis": rate.basis,
        **optional_money("amount", rate.amount_pence),
        **optional_money("half_day", rate.half_day_pence),
        **optional_money("day", rate.day_pence),
        "increment_minutes": rate.increment_minutes,
        "rounding": rate.rounding,
        "minimum_minutes": rate.minimum_minutes,
        "half_day_max_minutes": rate.half_day_max_minutes,
        "effective_from": iso(rate.effective_from),
        "note": rate.note,
    }


@bp.get("/rates")
@access("finance", "admin", "coordinator")
@operation(
    "List rate card lines",
    description="Every version of every rate, oldest first. Coordinators see the organisation's "
    "defaults and the rates of their own projects and contributors.",
    response=RATE,
    paginated=True,
    query={
        "project": {**ID, "description": "Only this project's rates"},
        "contributor": {**ID, "description": "Only this contributor's rates"},
        "activity_type": {**ID, "description": "Only rates for this activity"},
    },
)
def list_rates() -> Any:
    query = rates.visible_rates_query(acting_user())
    for parameter, column in (
        ("project", Rate.project_id),
        ("contributor", Rate.contributor_id),
        ("activity_type", Rate.activity_type_id),
    ):
        value = query_id(parameter)
        if value is not None:
            query = query.where(column == value)
    return paginate(query, rate_json)


@bp.post("/rates")
@access("finance", "admin")
@operation(
    "Add a rate, or a new version of one from a date",
    description="Rates are never changed once made: a change is a new version with a later "
    "`effective_from`. Hour and session rates take `amount_pence`; day rates take "
    "`half_day_pence` and `day_pence`.",
    request=RATE,
    response=RATE,
    status=201,
)
def create_rate() -> Any:
    body = json_body(message="Check the rate details.")
    basis = body.choice("basis", BASES) or ""
    amounts = {
        name: body.pence(name, required=False)
        for name in ("amount_pence", "half_day_pence", "day_pence")
    }
    for name, value in amounts.items():
        if basis and value is not None and name not in AMOUNTS[basis]:
            body.reject(name, f"Leave this out for a rate by the {basis}")
    data = rates.RateInput(
        activity_type_id=body.ident("activity_type_id"),
        project_id=body.ident("project_id", required=False),
        contributor_id=body.ident("contributor_id", required=False),
        basis=basis,
        effective_from=plausible_date(body, "effective_from", body.date("effective_from")),
        increment_minutes=_minutes(body, "increment_minutes", 15, 1),
        rounding=body.choice("rounding", ROUNDINGS, required=False) or "up",
        minimum_minutes=_minutes(body, "minimum_minutes", 0, 0),
        half_day_max_minutes=_minutes(body, "half_day_max_minutes", 240, 1),
        note=body.text("note", required=False, max_length=500, multiline=True),
        **amounts,
    )
    body.check()
    rate = rates.create_rate(actor=acting_user(), data=data)
    db.session.commit()
    return rate_json(rate), 201


def _minutes(body: Body, name: str, default: int, minimum: int) -> int:
    value = body.integer(name, required=False, default=default, minimum=minimum, maximum=1440)
    return default if value is None else value


# --- the estimate -------------------------------------------------------------------------------


@bp.post("/estimate")
@access("contributor", "coordinator", "finance", "admin")
@operation(
    "Work out the fee for some work, saving nothing",
    description="The rate that would apply and the fee it gives, before any fee choice. "
    "Contributors ask for themselves; coordinators for contributors of their projects. No rate "
    "is a 422 with a plain message.",
    request=ESTIMATE_REQUEST,
    response=ESTIMATE,
    errors=(404,),  # a contributor_id the user may not see
)
def estimate() -> Any:
    body = json_body(message="Check the details of the work.")
    contributor_id = body.ident("contributor_id", required=False)
    project_id = body.ident("project_id")
    activity_type_id = body.ident("activity_type_id")
    work_date = plausible_date(body, "work_date", body.date("work_date"))
    minutes = body.integer("minutes", minimum=1, maximum=MAX_MINUTES)
    body.check()
    assert project_id is not None and activity_type_id is not None
    assert work_date is not None and minutes is not None
    actor = acting_user()
    contributor = contributor_for(actor, contributor_id)
    sees_all = actor.has_role(*SEES_ALL_RATES)
    if contributor is None and not sees_all:
        raise TrackerError(
            "Say whose work this is.", fields={"contributor_id": "Choose who did the work"}
        )
    check_project_visible(actor, project_id)
    if contributor is not None and not sees_all:
        check_can_record(actor, contributor.id, project_id)
    activity = db.session.get(ActivityType, activity_type_id)
    if activity is None:
        raise TrackerError(
            "Choose what kind of work it was.",
            fields={"activity_type_id": "Choose what kind of work it was"},
        )
    found = rates.fee_for_work(
        activity_type_id=activity.id,
        project_id=project_id,
        contributor_id=contributor.id if contributor else None,
        work_date=work_date,
        minutes=minutes,
    )
    if found.calculation is None:
        raise TrackerError(
            f"There is no agreed rate for {activity.name} on "
            f"{long_date(work_date)} yet, so we cannot work out a fee. "
            "Finance can add a rate."
        )
    return {
        "rate_id": found.selection.rate.id if found.selection else None,
        "billable_minutes": found.calculation.billable_minutes,
        **money("calculated_fee", found.calculation.fee_pence),
        "reason": found.selection.reason if found.selection else "Unpaid work: no rate applies",
        "explanation": found.calculation.explanation,
    }
