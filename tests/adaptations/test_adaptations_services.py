"""Adaptation requests: decisions, provision at actual cost, loans and who pays."""

from __future__ import annotations

import pytest

from tests.items import make_world
from tracker.adaptations import services as adaptations
from tracker.adaptations.services import RequestInput
from tracker.errors import Conflict, Forbidden, TrackerError
from tracker.items import services as items


def _request(w, **kw) -> RequestInput:  # type: ignore[no-untyped-def]
    values = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "kind": "laptop",
        "description": "A laptop for online meetings",
        "estimated_pence": 30000,
        "provision": "loan",
        "payment": "supplier",
    }
    values.update(kw)
    return RequestInput(**values)  # type: ignore[arg-type]


def test_supplier_paid_loan_is_provided_and_returned_without_touching_payments(app) -> None:
    w = make_world()
    item = adaptations.create_request(actor=w.person_user, data=_request(w))
    items.submit_item(actor=w.person_user, item=item)
    items.approve_item(actor=w.coordinator, item=item)
    adaptations.mark_provided(actor=w.coordinator, item=item, actual_pence=28999)
    assert (item.status, item.actual_pence, item.payment_status) == ("provided", 28999, None)
    adaptations.mark_loan_returned(actor=w.coordinator, item=item)
    assert item.status == "loan_returned"


def test_reimbursed_request_becomes_payable_at_actual_cost(app) -> None:
    w = make_world()
    item = adaptations.create_request(
        actor=w.person_user,
        data=_request(
            w, kind="data_top_up", provision="gift", payment="reimburse", estimated_pence=1000
        ),
    )
    items.submit_item(actor=w.person_user, item=item)
    items.approve_item(actor=w.coordinator, item=item)
    adaptations.mark_provided(actor=w.coordinator, item=item, actual_pence=1500)
    assert item.payment_status == "approved"
    with pytest.raises(Conflict):
        adaptations.mark_loan_returned(actor=w.coordinator, item=item)


def test_decline_needs_a_reason_and_cannot_then_be_provided(app) -> None:
    w = make_world()
    item = adaptations.create_request(actor=w.person_user, data=_request(w))
    items.submit_item(actor=w.person_user, item=item)
    with pytest.raises(TrackerError):
        items.decline_item(actor=w.coordinator, item=item, reason="")
    items.decline_item(actor=w.coordinator, item=item, reason="We can lend one instead")
    assert item.status == "declined" and item.return_reason == "We can lend one instead"
    with pytest.raises(Conflict):
        adaptations.mark_provided(actor=w.coordinator, item=item, actual_pence=100)


def test_contributor_cannot_approve_or_provide(app) -> None:
    w = make_world()
    item = adaptations.create_request(actor=w.person_user, data=_request(w))
    items.submit_item(actor=w.person_user, item=item)
    with pytest.raises(Forbidden):
        items.approve_item(actor=w.person_user, item=item)
    with pytest.raises(Forbidden):
        adaptations.mark_provided(actor=w.person_user, item=item, actual_pence=1)


def test_request_needs_what_and_who_pays(app) -> None:
    w = make_world()
    with pytest.raises(TrackerError) as caught:
        adaptations.create_request(
            actor=w.person_user, data=_request(w, description=" ", payment="someone")
        )
    assert set(caught.value.fields) == {"description", "payment"}
