"""API: equipment and adaptation requests, from asking through decisions to provision and loans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tracker.adaptations import services as adaptations
from tracker.adaptations.models import ADAPTATION_KINDS, ADAPTATION_STATUSES, AdaptationRequest
from tracker.api import bp
from tracker.api.common import Body, iso, json_body, money
from tracker.api.items import (
    DECIDERS,
    NULLABLE_MONEY,
    NULLABLE_PENCE,
    NULLABLE_STRING,
    ApiKind,
    item_json,
    optional_money,
    plausible_date,
    visible_item,
)
from tracker.api.spec import (
    ID,
    NULLABLE_DATE,
    PENCE,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.contributors.models import Contributor
from tracker.extensions import db
from tracker.lifecycle.kinds import ItemKind

REQUEST = "/adaptations/<id:adaptation_id>"
PAYMENT_STATUSES = ("approved", "in_run", "on_slip", "paid")

ADAPTATION = component(
    "Adaptation",
    obj(
        {
            "id": ID,
            "contributor_id": {
                **ID,
                "description": "Who needs it. Defaults to your own contributor record; "
                "coordinators name a contributor of their project.",
            },
            "project_id": ID,
            "kind": enum(*ADAPTATION_KINDS),
            "description": {"type": "string", "maxLength": 1000},
            "estimated_pence": {**PENCE, "description": "Roughly what it costs; 0 if unsure"},
            "estimated": {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$"},
            "actual_pence": {**NULLABLE_PENCE, "description": "Set when it is provided"},
            "actual": NULLABLE_MONEY,
            "provision": enum(*adaptations.PROVISIONS),
            "payment": {
                **enum(*adaptations.PAYMENTS),
                "description": "`supplier`: the organisation pays the supplier. `reimburse`: the "
                "contributor pays and is paid back on their slip.",
            },
            "needed_by": NULLABLE_DATE,
            "status": enum(*ADAPTATION_STATUSES),
            "payment_status": {
                **enum(*PAYMENT_STATUSES, nullable=True),
                "description": "Reimbursed requests, once provided: the money's progress",
            },
            "recorded_by_id": ID,
            "return_reason": {
                **NULLABLE_STRING,
                "description": "Why it was sent back or declined",
            },
        },
        required=("project_id", "kind", "description", "estimated_pence", "provision", "payment"),
        read_only=(
            "id",
            "estimated",
            "actual_pence",
            "actual",
            "status",
            "payment_status",
            "recorded_by_id",
            "return_reason",
        ),
    ),
)
PROVIDED = component(
    "AdaptationProvided",
    obj({"actual_pence": {**PENCE, "description": "What it really cost"}}),
)


def adaptation_json(item: AdaptationRequest) -> dict[str, Any]:
    return item_json(
        item,
        kind=item.kind,
        description=item.description,
        **money("estimated", item.estimated_pence),
        **optional_money("actual", item.actual_pence),
        provision=item.provision,
        payment=item.payment,
        needed_by=iso(item.needed_by),
        payment_status=item.payment_status,
    )


def _read(body: Body, item: AdaptationRequest | None) -> dict[str, Any]:
    """The request's fields from the body; for PATCH (`item` given) fields not sent stay."""
    required = item is None
    readers: dict[str, Callable[[], Any]] = {
        "project_id": lambda: body.ident("project_id", required=required),
        "kind": lambda: body.choice("kind", ADAPTATION_KINDS, required=required) or "",
        "description": lambda: body.text(
            "description", required=required, max_length=1000, multiline=True
        ),
        "estimated_pence": lambda: body.pence("estimated_pence", required=False),
        "provision": lambda: (
            body.choice("provision", adaptations.PROVISIONS, required=required) or ""
        ),
        "payment": lambda: body.choice("payment", adaptations.PAYMENTS, required=required) or "",
        "needed_by": lambda: plausible_date(
            body, "needed_by", body.date("needed_by", required=False)
        ),
    }
    return {
        name: read() if item is None or body.has(name) else getattr(item, name)
        for name, read in readers.items()
    }


@bp.post(REQUEST + "/provided")
@access(*DECIDERS)
@operation(
    "Record that an approved request was provided, and what it cost",
    description="A reimbursed request then becomes payable at `actual_pence`.",
    request=PROVIDED,
    response=ADAPTATION,
)
def provide_adaptation(adaptation_id: int) -> Any:
    actor, item = visible_item(ItemKind.ADAPTATION, adaptation_id)
    body = json_body(message="Enter what it actually cost.")
    actual_pence = body.pence("actual_pence")
    body.check()
    adaptations.mark_provided(actor=actor, item=item, actual_pence=actual_pence)
    db.session.commit()
    return adaptation_json(item)


@bp.post(REQUEST + "/returned")
@access(*DECIDERS)
@operation("Record that a loan was given back", response=ADAPTATION)
def loan_returned(adaptation_id: int) -> Any:
    actor, item = visible_item(ItemKind.ADAPTATION, adaptation_id)
    adaptations.mark_loan_returned(actor=actor, item=item)
    db.session.commit()
    return adaptation_json(item)


def _input(contributor: Contributor | None, values: dict[str, Any]) -> adaptations.RequestInput:
    return adaptations.RequestInput(
        contributor_id=contributor.id if contributor else None, **values
    )


API: ApiKind = ApiKind(
    schema=ADAPTATION,
    json=adaptation_json,
    read=_read,
    make_input=_input,
    create=lambda actor, data: adaptations.create_request(actor=actor, data=data),
    update=lambda actor, item, data: adaptations.update_request(actor=actor, item=item, data=data),
    message="Check the details of the request.",
    list_description="Newest first. Finance sees requests reimbursed to contributors.",
    statuses=ADAPTATION_STATUSES,
    choices={"kind": ("kind", ADAPTATION_KINDS), "payment": ("payment", adaptations.PAYMENTS)},
    create_summary="Ask for equipment or an adaptation (a draft)",
    create_description="The request remembers who recorded it.",
    submit_note="The coordinator decides what is needed.",
    approve_note="A reimbursed request becomes payable once it is provided.",
)
