"""Equipment and adaptation requests: asked for, decided, provided, and loans given back.

Paid to a supplier, a request counts against the project's adaptations budget and never reaches
a slip. Reimbursed to the contributor, it becomes payable (`payment_status` approved) once it is
provided at its actual cost, and then follows the payment lifecycle like any other item.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from tracker.adaptations.models import ADAPTATION_KINDS, AdaptationRequest
from tracker.auth.models import User
from tracker.dates import utc_now
from tracker.errors import Conflict, Forbidden, TrackerError
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.projects.services import coordinates
from tracker.rates.domain import ThresholdWarning

PROVISIONS = {"loan": "A loan", "gift": "A gift to keep", "service": "A service"}
PAYMENTS = {
    "supplier": "The organisation pays the supplier",
    "reimburse": "I pay and the organisation pays me back",
}
MAX_PENCE = 1_000_000
PRIVATE = frozenset({"description"})  # kept out of the audit trail


@dataclass(frozen=True)
class RequestInput:
    contributor_id: int | None
    project_id: int | None
    kind: str
    description: str
    estimated_pence: int | None
    provision: str
    payment: str
    needed_by: date | None = None


def _checked(data: RequestInput) -> dict[str, object]:
    fields = lifecycle.whose_and_where(
        data.contributor_id, data.project_id, who="Choose who needs it"
    )
    if data.kind not in ADAPTATION_KINDS:
        fields["kind"] = "Choose what is needed"
    if not data.description.strip():
        fields["description"] = "Say what is needed, for example 'a laptop for online meetings'"
    elif len(data.description) > 1000:
        fields["description"] = "Keep it to 1,000 characters or fewer"
    if data.estimated_pence is None:
        fields["estimated_pence"] = "Enter roughly what it costs, like 250.00, or 0 if unsure"
    elif not 0 <= data.estimated_pence <= MAX_PENCE:
        fields["estimated_pence"] = "Enter £10,000.00 or less"
    if data.provision not in PROVISIONS:
        fields["provision"] = "Choose a loan, a gift or a service"
    if data.payment not in PAYMENTS:
        fields["payment"] = "Choose who pays"
    if fields:
        raise TrackerError("Check the details of the request.", fields=fields)
    return {
        "contributor_id": data.contributor_id,
        "project_id": data.project_id,
        "kind": data.kind,
        "description": data.description.strip(),
        "estimated_pence": data.estimated_pence,
        "provision": data.provision,
        "payment": data.payment,
        "needed_by": data.needed_by,
    }


def create_request(*, actor: User, data: RequestInput) -> AdaptationRequest:
    item: AdaptationRequest = lifecycle.create_item(
        actor, AdaptationRequest, _checked(data), private=PRIVATE
    )
    return item


def update_request(
    *, actor: User, item: AdaptationRequest, data: RequestInput
) -> AdaptationRequest:
    lifecycle.check_can_change(actor, item)
    values = _checked(replace(data, contributor_id=item.contributor_id))
    lifecycle.save_changes(actor, item, values, private=PRIVATE)
    return item


# --- the kind's checks in the one lifecycle (tracker/items/services.py) ----------------------


def before_submit(item: AdaptationRequest) -> list[ThresholdWarning]:
    """Nothing more to check: the coordinator decides what is needed."""
    return []


def before_approve(
    item: AdaptationRequest,
) -> tuple[dict[str, tuple[object, object]], list[ThresholdWarning]]:
    """Nothing is paid yet: a reimbursement becomes payable once it is provided."""
    return {}, []


# --- the kind's own actions -------------------------------------------------------------------


def _check_manages(actor: User, item: AdaptationRequest) -> None:
    if not coordinates(actor, item.project_id):
        raise Forbidden("Only a coordinator of this project can do this.")
    if lifecycle.is_own(actor, item):
        raise Forbidden("Another coordinator needs to record this for your own request.")


def mark_provided(*, actor: User, item: AdaptationRequest, actual_pence: int | None) -> None:
    """Record that it was provided and what it really cost; a reimbursement becomes payable."""
    _check_manages(actor, item)
    if actual_pence is None or not 0 <= actual_pence <= MAX_PENCE:
        raise TrackerError(
            "Enter what it actually cost, like 249.99.",
            fields={"actual_pence": "Enter the actual cost"},
        )
    item.actual_pence = actual_pence
    item.provided_at = utc_now()
    lifecycle.move(
        item,
        "provide",
        actor=actor,
        changes={"actual_pence": (None, actual_pence)},
    )
    if item.payment == "reimburse":
        item.payment_status = "approved"
        db.session.flush()


def mark_loan_returned(*, actor: User, item: AdaptationRequest) -> None:
    _check_manages(actor, item)
    if item.provision != "loan":
        raise Conflict("Only a loan can be marked as returned.")
    item.loan_returned_at = utc_now()
    lifecycle.move(item, "return_loan", actor=actor)
