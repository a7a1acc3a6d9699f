"""Equipment and adaptation requests: asked for, decided, provided, and loans given back.

Paid to a supplier, a request counts against the project's adaptations budget and never reaches
a slip. Reimbursed to the contributor, it becomes payable (`payment_status` approved) once it is
provided at its actual cost, and then follows the payment lifecycle like any other item.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, or_, select

from tracker.adaptations.models import ADAPTATION_KINDS, AdaptationRequest
from tracker.audit.services import diff, record
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.dates import utc_now
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import is_editable
from tracker.projects.models import Project
from tracker.projects.services import coordinated_project_ids_query, coordinates
from tracker.timesheets.services import check_can_record

PROVISIONS = {"loan": "A loan", "gift": "A gift to keep", "service": "A service"}
PAYMENTS = {
    "supplier": "The organisation pays the supplier",
    "reimburse": "I pay and the organisation pays me back",
}
MAX_PENCE = 1_000_000


def visible_requests_query(user: User) -> Select[AdaptationRequest]:
    if user.has_role("admin"):
        return select(AdaptationRequest)
    conditions = [
        AdaptationRequest.contributor_id.in_(
            select(Contributor.id).where(Contributor.user_id == user.id)
        ),
        AdaptationRequest.recorded_by_id == user.id,
    ]
    if user.has_role("coordinator"):
        conditions.append(AdaptationRequest.project_id.in_(coordinated_project_ids_query(user)))
    if user.has_role("finance"):
        conditions.append(AdaptationRequest.payment_status.is_not(None))
    return select(AdaptationRequest).where(or_(*conditions))


def get_visible_request(user: User, request_id: int) -> AdaptationRequest:
    found = db.session.scalar(
        visible_requests_query(user).where(AdaptationRequest.id == request_id)
    )
    if found is None:
        raise NotFound("That request was not found.")
    return found


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
    fields: dict[str, str] = {}
    if data.contributor_id is None:
        fields["contributor_id"] = "Choose who needs it"
    if data.project_id is None or db.session.get(Project, data.project_id) is None:
        fields["project_id"] = "Choose a project"
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
    values = _checked(data)
    assert data.contributor_id is not None and data.project_id is not None
    check_can_record(actor, data.contributor_id, data.project_id)
    item = AdaptationRequest(
        recorded_by_id=actor.id, last_changed_by_id=actor.id, status="draft", **values
    )
    db.session.add(item)
    db.session.flush()
    record(
        actor=actor,
        action="adaptation.created",
        entity_type="adaptation",
        entity_id=item.id,
        changes={k: (None, v) for k, v in values.items() if k != "description"},
    )
    return item


def update_request(*, actor: User, item: AdaptationRequest, data: RequestInput) -> None:
    lifecycle.check_can_act_for(actor, item)
    if not is_editable(item.status):
        raise Conflict("Only a draft, or a request sent back to you, can be changed.")
    values = _checked(RequestInput(**{**data.__dict__, "contributor_id": item.contributor_id}))
    assert data.project_id is not None
    check_can_record(actor, item.contributor_id, data.project_id)
    changes = diff(item, values)
    if changes:
        lifecycle.mark_changed(item, actor)
    db.session.flush()
    if changes:
        record(
            actor=actor,
            action="adaptation.updated",
            entity_type="adaptation",
            entity_id=item.id,
            changes={k: v for k, v in changes.items() if k != "description"},
        )


def submit_request(*, actor: User, item: AdaptationRequest) -> None:
    lifecycle.check_can_act_for(actor, item)
    lifecycle.move(item, "submit", actor=actor, entity_type="adaptation")


def withdraw_request(*, actor: User, item: AdaptationRequest) -> None:
    lifecycle.check_can_act_for(actor, item)
    lifecycle.move(item, "withdraw", actor=actor, entity_type="adaptation")


def approve_request(*, actor: User, item: AdaptationRequest) -> None:
    lifecycle.check_can_decide(actor, item)
    lifecycle.move(item, "approve", actor=actor, entity_type="adaptation")


def _reason(reason: str) -> str:
    if not reason.strip():
        raise TrackerError(
            "Give a reason the contributor will see.", fields={"reason": "Enter a reason"}
        )
    return reason.strip()


def decline_request(*, actor: User, item: AdaptationRequest, reason: str) -> None:
    lifecycle.check_can_decide(actor, item)
    text = _reason(reason)
    lifecycle.move(
        item,
        "decline",
        actor=actor,
        entity_type="adaptation",
        changes={"return_reason": (None, text)},
    )
    item.return_reason = text


def return_request(*, actor: User, item: AdaptationRequest, reason: str) -> None:
    lifecycle.check_can_decide(actor, item)
    text = _reason(reason)
    lifecycle.move(
        item,
        "return",
        actor=actor,
        entity_type="adaptation",
        changes={"return_reason": (None, text)},
    )
    item.return_reason = text


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
        entity_type="adaptation",
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
    lifecycle.move(item, "return_loan", actor=actor, entity_type="adaptation")
