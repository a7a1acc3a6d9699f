"""Deciding one item on its page: approve, send back, caps, adaptations, and who may decide."""

from __future__ import annotations

import html
from datetime import date

from flask.testing import FlaskClient

from tests.approvals.support import submitted_claim, submitted_entry, submitted_request
from tests.conftest import sign_in
from tests.factories import make_contributor, make_project, make_user
from tests.items import make_world
from tracker.adaptations.models import AdaptationRequest
from tracker.audit.models import AuditEvent
from tracker.contributors.models import ContributorThreshold
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.items import services as items
from tracker.rates import services as rates
from tracker.timesheets.models import TimeEntry


def _reread(model: type, item_id: int) -> object:
    db.session.expire_all()
    found = db.session.get(model, item_id)
    assert found is not None
    return found


def test_coordinator_approves_a_time_entry_and_the_fee_is_fixed(client: FlaskClient) -> None:
    w = make_world()
    entry = submitted_entry(w)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/time/{entry.id}")
    assert page.status_code == 200
    assert "£13.80" in page.text and "50 minutes rounded up to 60" in page.text
    response = client.post(f"/approvals/time/{entry.id}/approve")
    assert response.status_code == 302 and response.headers["Location"] == "/approvals/"
    saved = _reread(TimeEntry, entry.id)
    assert (saved.status, saved.fee_pence, saved.decided_by_id) == (  # type: ignore[attr-defined]
        "approved",
        1380,
        w.coordinator.id,
    )
    follow = client.get("/approvals/")
    assert "Approved: Robin – Meeting, 4 May 2026. Fee £13.80." in follow.text
    assert db.session.scalar(db.select(AuditEvent.id).where(AuditEvent.action == "time.approve"))


def test_send_back_needs_a_reason_which_the_contributor_then_has(client: FlaskClient) -> None:
    w = make_world()
    entry = submitted_entry(w)
    sign_in(client, w.coordinator.email)
    empty = client.post(f"/approvals/time/{entry.id}/return", data={"return-reason": "  "})
    assert empty.status_code == 400
    assert "Say what needs to change" in empty.text
    assert _reread(TimeEntry, entry.id).status == "submitted"  # type: ignore[attr-defined]
    sent = client.post(
        f"/approvals/time/{entry.id}/return", data={"return-reason": "Was it 2 hours?"}
    )
    assert sent.status_code == 302
    saved = _reread(TimeEntry, entry.id)
    assert (saved.status, saved.return_reason) == ("returned", "Was it 2 hours?")  # type: ignore[attr-defined]


def test_own_work_is_refused_with_a_plain_message_and_left_unchanged(
    client: FlaskClient,
) -> None:
    w = make_world()
    own = make_contributor(user=w.coordinator, projects_=[w.project], name="Casey")
    entry = submitted_entry(w, by=w.coordinator, contributor_id=own.id)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/time/{entry.id}")
    assert page.status_code == 200
    assert "You cannot approve your own work" in page.text
    assert f"/approvals/time/{entry.id}/approve" not in page.text
    refused = client.post(f"/approvals/time/{entry.id}/approve")
    assert refused.status_code == 403
    assert "You cannot approve your own work. Another coordinator needs to do it." in refused.text
    assert "Casey – Meeting" in refused.text  # the decision page, not an error page
    returned = client.post(f"/approvals/time/{entry.id}/return", data={"return-reason": "x"})
    assert returned.status_code == 403
    assert _reread(TimeEntry, entry.id).status == "submitted"  # type: ignore[attr-defined]


def test_work_they_recorded_is_refused_and_unchanged(client: FlaskClient) -> None:
    w = make_world()
    paper = make_contributor(projects_=[w.project], name="Pat")
    entry = submitted_entry(w, by=w.coordinator, contributor_id=paper.id)
    claim = submitted_claim(w, by=w.coordinator, contributor_id=paper.id)
    sign_in(client, w.coordinator.email)
    refused = client.post(f"/approvals/time/{entry.id}/approve")
    assert refused.status_code == 403
    assert "You recorded this yourself, so another coordinator needs to approve it." in (
        refused.text
    )
    assert client.post(f"/approvals/expenses/{claim.id}/approve").status_code == 403
    assert _reread(TimeEntry, entry.id).status == "submitted"  # type: ignore[attr-defined]
    assert _reread(ExpenseClaim, claim.id).status == "submitted"  # type: ignore[attr-defined]


def test_another_projects_item_answers_404(client: FlaskClient) -> None:
    w = make_world()
    entry = submitted_entry(w)
    claim = submitted_claim(w)
    request = submitted_request(w)
    stranger = make_user("coordinator")
    make_project(coordinators=[stranger])
    sign_in(client, stranger.email)
    for url in (
        f"/approvals/time/{entry.id}",
        f"/approvals/expenses/{claim.id}",
        f"/approvals/adaptations/{request.id}",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url + "/approve").status_code == 404, url
    assert _reread(TimeEntry, entry.id).status == "submitted"  # type: ignore[attr-defined]


def test_a_coordinators_own_item_on_another_project_is_404_not_decidable(
    client: FlaskClient,
) -> None:
    w = make_world()
    elsewhere = make_project(coordinators=[w.other_coordinator])
    own = make_contributor(user=w.coordinator, projects_=[elsewhere], name="Casey")
    entry = submitted_entry(w, by=w.coordinator, contributor_id=own.id, project_id=elsewhere.id)
    sign_in(client, w.coordinator.email)
    assert client.get(f"/approvals/time/{entry.id}").status_code == 404


def test_over_cap_claim_needs_the_cap_or_a_reason(client: FlaskClient) -> None:
    w = make_world()
    rates.set_expense_cap(actor=make_user("finance"), category="taxi", cap_pence=1500)
    db.session.commit()
    capped = submitted_claim(w)
    full = submitted_claim(w)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/expenses/{capped.id}")
    assert "This claim is over the cap" in page.text
    assert "Approve the capped amount" in page.text
    plain = client.post(f"/approvals/expenses/{capped.id}/approve")
    assert plain.status_code == 400
    assert "over the £15.00 cap" in plain.text
    no_reason = client.post(
        f"/approvals/expenses/{full.id}/approve-full", data={"full-override_reason": ""}
    )
    assert no_reason.status_code == 400
    assert "Give a reason to approve more than the cap" in no_reason.text
    assert _reread(ExpenseClaim, full.id).status == "submitted"  # type: ignore[attr-defined]
    assert client.post(f"/approvals/expenses/{capped.id}/approve-cap").status_code == 302
    assert (
        client.post(
            f"/approvals/expenses/{full.id}/approve-full",
            data={"full-override_reason": "No buses after 11pm"},
        ).status_code
        == 302
    )
    at_cap = _reread(ExpenseClaim, capped.id)
    assert (at_cap.status, at_cap.approved_pence) == ("approved", 1500)  # type: ignore[attr-defined]
    in_full = _reread(ExpenseClaim, full.id)
    assert (in_full.approved_pence, in_full.cap_override_reason) == (  # type: ignore[attr-defined]
        1850,
        "No buses after 11pm",
    )


def test_expense_page_shows_the_receipt_reason_and_returns_with_a_reason(
    client: FlaskClient,
) -> None:
    w = make_world()
    claim = submitted_claim(w)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/expenses/{claim.id}")
    assert "The driver had no receipts" in page.text
    response = client.post(
        f"/approvals/expenses/{claim.id}/return", data={"return-reason": "Which journey?"}
    )
    assert response.status_code == 302
    saved = _reread(ExpenseClaim, claim.id)
    assert (saved.status, saved.return_reason) == ("returned", "Which journey?")  # type: ignore[attr-defined]


def test_reimbursed_adaptation_provided_at_actual_cost_becomes_payable(
    client: FlaskClient,
) -> None:
    w = make_world()
    item = submitted_request(
        w, kind="data_top_up", provision="gift", payment="reimburse", estimated_pence=1000
    )
    sign_in(client, w.coordinator.email)
    assert client.post(f"/approvals/adaptations/{item.id}/approve").status_code == 302
    page = client.get(f"/approvals/adaptations/{item.id}")
    assert "Mark as provided" in page.text and "paid back to them" in page.text
    bad = client.post(
        f"/approvals/adaptations/{item.id}/provided", data={"provided-actual_pence": "12.345"}
    )
    assert bad.status_code == 400
    assert "nearest penny" in bad.text
    assert (
        client.post(
            f"/approvals/adaptations/{item.id}/provided", data={"provided-actual_pence": "15.00"}
        ).status_code
        == 302
    )
    saved = _reread(AdaptationRequest, item.id)
    assert (saved.status, saved.actual_pence, saved.payment_status) == (  # type: ignore[attr-defined]
        "provided",
        1500,
        "approved",
    )


def test_supplier_paid_loan_is_provided_and_returned_without_a_payment(
    client: FlaskClient,
) -> None:
    w = make_world()
    item = submitted_request(w)
    sign_in(client, w.coordinator.email)
    client.post(f"/approvals/adaptations/{item.id}/approve")
    client.post(
        f"/approvals/adaptations/{item.id}/provided", data={"provided-actual_pence": "289.99"}
    )
    saved = _reread(AdaptationRequest, item.id)
    assert (saved.status, saved.actual_pence, saved.payment_status) == (  # type: ignore[attr-defined]
        "provided",
        28999,
        None,
    )
    assert "Mark the loan as returned" in client.get(f"/approvals/adaptations/{item.id}").text
    assert client.post(f"/approvals/adaptations/{item.id}/loan-returned").status_code == 302
    assert _reread(AdaptationRequest, item.id).status == "loan_returned"  # type: ignore[attr-defined]


def test_adaptation_decline_and_return_need_a_reason(client: FlaskClient) -> None:
    w = make_world()
    declined = submitted_request(w)
    returned = submitted_request(w)
    sign_in(client, w.coordinator.email)
    empty = client.post(
        f"/approvals/adaptations/{declined.id}/decline", data={"decline-reason": ""}
    )
    assert empty.status_code == 400 and "Give a reason the contributor will see" in empty.text
    client.post(
        f"/approvals/adaptations/{declined.id}/decline",
        data={"decline-reason": "We can lend one instead"},
    )
    client.post(
        f"/approvals/adaptations/{returned.id}/return",
        data={"return-reason": "Which meetings is it for?"},
    )
    one = _reread(AdaptationRequest, declined.id)
    two = _reread(AdaptationRequest, returned.id)
    assert (one.status, one.return_reason) == ("declined", "We can lend one instead")  # type: ignore[attr-defined]
    assert (two.status, two.return_reason) == ("returned", "Which meetings is it for?")  # type: ignore[attr-defined]


def test_own_adaptation_request_cannot_be_decided_or_provided(client: FlaskClient) -> None:
    w = make_world()
    own = make_contributor(user=w.coordinator, projects_=[w.project], name="Casey")
    item = submitted_request(w, by=w.coordinator, contributor_id=own.id)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/adaptations/{item.id}")
    assert "Another coordinator needs to decide this" in page.text
    refused = client.post(f"/approvals/adaptations/{item.id}/approve")
    assert refused.status_code == 403 and "your own work" in refused.text
    assert _reread(AdaptationRequest, item.id).status == "submitted"  # type: ignore[attr-defined]


def test_benefit_warning_is_shown_calmly_with_the_thresholds_advice(
    client: FlaskClient,
) -> None:
    w = make_world(pence=5000, basis="session")
    rates.load_shipped_reference_data()
    w.person.benefits_warnings = True
    db.session.add(
        ContributorThreshold(
            contributor_id=w.person.id, threshold_label="Permitted work lower limit"
        )
    )
    db.session.commit()
    (advice,) = {
        t.advice
        for t in rates.threshold_lines("benefits")
        if t.label == "Permitted work lower limit"
    }
    entry = submitted_entry(w)
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/time/{entry.id}")
    assert "For your information" in page.text and "does not stop you approving" in page.text
    client.post(f"/approvals/time/{entry.id}/approve")
    after = client.get("/approvals/").text
    assert "Permitted work lower limit" in after
    assert advice in html.unescape(after)


def test_expense_page_links_to_the_receipt_the_coordinator_can_open(
    client: FlaskClient,
) -> None:
    import io

    from PIL import Image

    from tracker.expenses import services as expenses

    w = make_world()
    claim = expenses.create_expense(
        actor=w.person_user,
        data=expenses.ClaimInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            claim_date=date(2026, 5, 4),
            category="parking",
            amount_pence=400,
        ),
    )
    image = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(image, format="PNG")
    image.seek(0)
    expenses.attach_receipt(actor=w.person_user, claim=claim, stream=image, filename="car.png")
    items.submit_item(actor=w.person_user, item=claim)
    db.session.commit()
    sign_in(client, w.coordinator.email)
    page = client.get(f"/approvals/expenses/{claim.id}")
    assert f'href="/expenses/{claim.id}/receipt"' in page.text
    assert "(car.png)" in page.text
    receipt = client.get(f"/expenses/{claim.id}/receipt")
    assert receipt.status_code == 200 and receipt.data.startswith(b"\x89PNG")
