"""API: expense claims (mileage worked out from the dated rates), receipts and decisions."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from flask import request

from tracker.api import bp
from tracker.api.common import Body, iso, money
from tracker.api.items import (
    NULLABLE_MONEY,
    NULLABLE_PENCE,
    NULLABLE_STRING,
    RECORDERS,
    ApiKind,
    item_json,
    optional_money,
    plausible_date,
    visible_item,
)
from tracker.api.spec import (
    BOOLEAN,
    DATE,
    ID,
    PENCE,
    STRING,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import access
from tracker.contributors.models import Contributor
from tracker.errors import TrackerError
from tracker.expenses import services as expenses
from tracker.expenses.models import CATEGORY_CODES, ExpenseClaim
from tracker.extensions import db
from tracker.lifecycle.kinds import ItemKind
from tracker.lifecycle.models import ITEM_STATUSES

VEHICLES = ("car", "motorcycle", "bicycle")
CLAIM = "/expenses/<id:expense_id>"
# The service's names for fields that the API calls something else.
API_NAMES = {"claim_date": "date"}

EXPENSE = component(
    "Expense",
    obj(
        {
            "id": ID,
            "contributor_id": {
                **ID,
                "description": "Whose claim it is. Defaults to your own contributor record; "
                "coordinators name a contributor of their project.",
            },
            "project_id": ID,
            "date": {**DATE, "description": "When the money was spent or the journey made"},
            "category": enum(*CATEGORY_CODES),
            "description": {"type": "string", "maxLength": 1000, "default": ""},
            "amount_pence": {
                **PENCE,
                "description": "The amount claimed; worked out for mileage (leave it out)",
            },
            "amount": {"type": "string", "pattern": r"^[0-9]+\.[0-9]{2}$", "example": "4.50"},
            "miles": {
                "type": ["string", "null"],
                "pattern": r"^[0-9]+(\.[0-9])?$",
                "example": "12.5",
                "description": "Mileage only: miles to one decimal place",
            },
            "vehicle": {**enum(*VEHICLES, nullable=True), "description": "Mileage only"},
            "passengers": {"type": "integer", "minimum": 0, "maximum": 8, "default": 0},
            "receipt_missing_reason": {
                **NULLABLE_STRING,
                "maxLength": 1000,
                "description": "Why there is no receipt, if there is none",
            },
            "status": enum(*ITEM_STATUSES),
            "over_cap": {**BOOLEAN, "description": "Above the category's cap per claim"},
            "approved_pence": {**NULLABLE_PENCE, "description": "Fixed at approval"},
            "approved": NULLABLE_MONEY,
            "has_receipt": BOOLEAN,
            "recorded_by_id": ID,
            "return_reason": NULLABLE_STRING,
        },
        required=("project_id", "date", "category"),
        read_only=(
            "id",
            "amount",
            "status",
            "over_cap",
            "approved_pence",
            "approved",
            "has_receipt",
            "recorded_by_id",
            "return_reason",
        ),
    ),
)
RECEIPT_UPLOAD = component(
    "ReceiptUpload",
    obj(
        {
            "receipt": {
                "type": "string",
                "format": "binary",
                "description": "A photo (JPEG or PNG) or a PDF, at most 10 MB",
            }
        }
    ),
)
EXPENSE_APPROVAL = component(
    "ExpenseApproval",
    obj(
        {
            "at_cap": {**BOOLEAN, "default": False, "description": "Approve the capped amount"},
            "override_reason": {
                **STRING,
                "maxLength": 1000,
                "description": "Why the full amount over the cap is approved",
            },
        },
        required=(),
    ),
)


def miles_text(tenths: int | None) -> str | None:
    """Whole tenths of a mile as the API shows them: 300 -> "30.0"."""
    return None if tenths is None else f"{Decimal(tenths) / 10:.1f}"


def expense_json(claim: ExpenseClaim) -> dict[str, Any]:
    return item_json(
        claim,
        date=iso(claim.claim_date),
        category=claim.category,
        description=claim.description,
        **money("amount", claim.amount_pence),
        miles=miles_text(claim.miles_tenths),
        vehicle=claim.vehicle,
        passengers=claim.passengers,
        receipt_missing_reason=claim.receipt_missing_reason,
        over_cap=claim.over_cap,
        **optional_money("approved", claim.approved_pence),
        has_receipt=claim.receipt_stored_name is not None,
    )


def _miles(body: Body) -> str | None:
    value = body.data.get("miles")
    if value is None:
        return None
    if type(value) is int:
        value = str(value)
    if not isinstance(value, str) or not value.isascii() or len(value) > 12:
        body.reject("miles", 'Enter the miles as a string, like "12.5"')
        return None
    return value


def _read(body: Body, claim: ExpenseClaim | None) -> dict[str, Any]:
    """The claim's fields from the body; for PATCH (`claim` given) fields not sent stay."""
    required = claim is None
    readers: dict[str, Callable[[], Any]] = {
        "project_id": lambda: body.ident("project_id", required=required),
        "claim_date": lambda: plausible_date(body, "date", body.date("date", required=required)),
        "category": lambda: body.choice("category", CATEGORY_CODES, required=required) or "",
        "description": lambda: body.text(
            "description", required=False, max_length=1000, multiline=True
        ),
        "amount_pence": lambda: body.pence("amount_pence", required=False),
        "miles": lambda: _miles(body),
        "vehicle": lambda: body.choice("vehicle", VEHICLES, required=False),
        "passengers": lambda: body.integer(
            "passengers", required=False, default=0, minimum=0, maximum=8
        ),
        "receipt_missing_reason": lambda: body.text(
            "receipt_missing_reason", required=False, max_length=1000, multiline=True
        ),
    }
    if claim is None:
        return {name: read() for name, read in readers.items()}
    current = _current(claim)
    values = {
        name: read() if body.has(API_NAMES.get(name, name)) else current[name]
        for name, read in readers.items()
    }
    if values["category"] != claim.category:
        # A new category starts its amounts afresh rather than inheriting the old ones.
        for name, empty in (("amount_pence", None), ("miles", None), ("vehicle", None)):
            if not body.has(name):
                values[name] = empty
        if not body.has("passengers"):
            values["passengers"] = 0
    return values


def _current(claim: ExpenseClaim) -> dict[str, Any]:
    return {
        "project_id": claim.project_id,
        "claim_date": claim.claim_date,
        "category": claim.category,
        "description": claim.description,
        "amount_pence": claim.amount_pence,
        "miles": miles_text(claim.miles_tenths),
        "vehicle": claim.vehicle,
        "passengers": claim.passengers,
        "receipt_missing_reason": claim.receipt_missing_reason,
    }


@bp.post(CLAIM + "/receipt")
@access(*RECORDERS)
@operation(
    "Add or replace the receipt",
    description="A multipart upload with the file as `receipt`: a PDF, JPEG or PNG (checked by "
    "its content, not its name), at most 10 MB.",
    request=RECEIPT_UPLOAD,
    response=EXPENSE,
    content_type="multipart/form-data",
)
def upload_receipt(expense_id: int) -> Any:
    actor, claim = visible_item(ItemKind.EXPENSE, expense_id)
    upload = request.files.get("receipt")
    if upload is None or not upload.filename:
        raise TrackerError(
            "Choose the photo or PDF of the receipt and send it as `receipt`.",
            fields={"receipt": "Choose a file"},
        )
    expenses.attach_receipt(
        actor=actor, claim=claim, stream=upload.stream, filename=_safe_name(upload.filename)
    )
    db.session.commit()
    return expense_json(claim)


def _safe_name(filename: str) -> str:
    """The uploaded file's name without control characters (kept only to show it again)."""
    cleaned = "".join(ch for ch in filename if unicodedata.category(ch) not in {"Cc", "Cs"})
    return cleaned.strip() or "receipt"


def _input(contributor: Contributor | None, values: dict[str, Any]) -> expenses.ClaimInput:
    return expenses.ClaimInput(contributor_id=contributor.id if contributor else None, **values)


API: ApiKind = ApiKind(
    schema=EXPENSE,
    json=expense_json,
    read=_read,
    make_input=_input,
    create=lambda actor, data: expenses.create_expense(actor=actor, data=data),
    update=lambda actor, claim, data: expenses.update_expense(actor=actor, claim=claim, data=data),
    message="Check the details of the claim.",
    list_description="Newest first. `from` and `to` are claim dates.",
    statuses=ITEM_STATUSES,
    choices={"category": ("category", CATEGORY_CODES)},
    create_summary="Record an expense claim as a draft",
    create_description="Mileage takes `miles`, `vehicle` and `passengers`, and the amount is "
    "worked out from the dated mileage rates. Other categories take `amount_pence`. Add the "
    "receipt with POST /api/v1/expenses/{expense_id}/receipt, or give `receipt_missing_reason`.",
    submit_note="A receipt, or a reason it is missing, is needed (not for mileage).",
    approve_note="The body is optional. Over the category's cap, approve the cap (`at_cap`) or "
    "the full amount with an `override_reason`. Mileage is worked out again with the miles "
    "approved before it.",
    approval=EXPENSE_APPROVAL,
    names=API_NAMES,
)
