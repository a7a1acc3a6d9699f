"""Approving several items at once: each in its own savepoint, with a plain summary."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient

from tests.approvals.support import submitted_claim, submitted_entry
from tests.conftest import sign_in
from tests.factories import make_activity, make_contributor, make_user
from tests.items import make_world
from tracker.approvals import services
from tracker.contributors.models import ContributorThreshold
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.rates import services as rates
from tracker.timesheets.models import TimeEntry


def _status(model: type, item_id: int) -> str:
    db.session.expire_all()
    return db.session.get(model, item_id).status  # type: ignore[union-attr,no-any-return]


def test_bulk_approve_approves_the_ticked_items(client: FlaskClient) -> None:
    w = make_world()
    first = submitted_entry(w)
    second = submitted_entry(w, minutes=120)
    claim = submitted_claim(w)
    left = submitted_entry(w)
    sign_in(client, w.coordinator.email)
    response = client.post(
        "/approvals/approve",
        data={"item": [f"time-{first.id}", f"time-{second.id}", f"expense-{claim.id}"]},
    )
    assert response.status_code == 200
    assert "3 items approved" in response.text
    assert _status(TimeEntry, first.id) == "approved"
    assert _status(TimeEntry, second.id) == "approved"
    assert _status(ExpenseClaim, claim.id) == "approved"
    assert _status(TimeEntry, left.id) == "submitted"
    db.session.expire_all()
    assert db.session.get(TimeEntry, second.id).fee_pence == 2760  # type: ignore[union-attr]


def test_one_item_that_cannot_be_approved_does_not_stop_the_others(
    client: FlaskClient,
) -> None:
    w = make_world()
    rates.set_expense_cap(actor=make_user("finance"), category="taxi", cap_pence=1500)
    paper = make_contributor(projects_=[w.project], name="Pat")
    db.session.commit()
    good = submitted_entry(w)
    recorded = submitted_entry(w, by=w.coordinator, contributor_id=paper.id)
    over_cap = submitted_claim(w)
    no_rate = submitted_entry(w)
    no_rate.activity_type_id = make_activity("Interview panel").id
    db.session.commit()
    sign_in(client, w.coordinator.email)
    response = client.post(
        "/approvals/approve",
        data={
            "item": [
                f"time-{recorded.id}",
                f"time-{good.id}",
                f"expense-{over_cap.id}",
                f"time-{no_rate.id}",
                "time-999999",
            ]
        },
    )
    assert response.status_code == 200
    text = response.text
    assert "1 item approved" in text
    assert "Not approved (4)" in text
    assert "You recorded this yourself, so another coordinator needs to approve it." in text
    assert "over the £15.00 cap" in text
    assert "no agreed rate for Interview panel" in text
    assert "That time entry was not found." in text
    assert _status(TimeEntry, good.id) == "approved"
    assert _status(TimeEntry, recorded.id) == "submitted"
    assert _status(ExpenseClaim, over_cap.id) == "submitted"
    assert _status(TimeEntry, no_rate.id) == "submitted"


def test_bulk_approve_with_nothing_ticked_says_so(client: FlaskClient) -> None:
    w = make_world()
    entry = submitted_entry(w)
    sign_in(client, w.coordinator.email)
    response = client.post("/approvals/approve", data={"back": "/approvals/?kind=time"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/approvals/?kind=time"
    assert "Select at least one item to approve." in client.get("/approvals/").text
    assert _status(TimeEntry, entry.id) == "submitted"


def test_bulk_approve_never_redirects_outside_the_approvals_pages(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    response = client.post("/approvals/approve", data={"back": "https://example.com/"})
    assert response.headers["Location"] == "/approvals/"


def test_bulk_approve_shows_benefit_warnings_with_advice(client: FlaskClient) -> None:
    w = make_world(pence=5000, basis="session")
    rates.load_shipped_reference_data()
    w.person.benefits_warnings = True
    db.session.add(
        ContributorThreshold(
            contributor_id=w.person.id, threshold_label="Permitted work lower limit"
        )
    )
    db.session.commit()
    entries = [submitted_entry(w) for _ in range(2)]
    sign_in(client, w.coordinator.email)
    response = client.post("/approvals/approve", data={"item": [f"time-{e.id}" for e in entries]})
    assert "2 items approved" in response.text
    assert "For your information: benefit thresholds" in response.text
    assert "Permitted work lower limit" in response.text
    assert "Nothing is stopped" in response.text
    # One notice per person and threshold, however many of their items passed it.
    assert response.text.count("(Permitted work lower limit)") == 1


def test_batched_estimates_match_the_one_by_one_estimate(app: object) -> None:
    from tracker.timesheets import services as timesheets

    w = make_world(pence=2750, rounding="nearest")
    other = make_contributor(projects_=[w.project], name="Jordan")
    finance = make_user("finance")
    for project_id, contributor_id, pence in (
        (w.project.id, None, 3000),
        (w.project.id, other.id, 3300),
    ):
        rates.create_rate(
            actor=finance,
            data=rates.RateInput(
                activity_type_id=w.activity.id,
                project_id=project_id,
                contributor_id=contributor_id,
                basis="hour",
                effective_from=date(2026, 5, 1),
                amount_pence=pence,
            ),
        )
    db.session.commit()
    entries = [
        submitted_entry(w, minutes=52),
        submitted_entry(w, minutes=52, contributor_id=other.id, by=w.coordinator),
        submitted_entry(w, minutes=90, work_date=date(2026, 4, 20)),
        submitted_entry(w, minutes=60, fee_choice="decline"),
        submitted_entry(w, minutes=60, fee_choice="reduce", fee_requested_pence=1000),
    ]
    batched = services.estimate_fees(entries)
    for entry in entries:
        one = timesheets.estimate_entry(entry)
        assert batched[entry.id].fee_pence == one.fee_pence, entry.id
    assert [batched[e.id].fee_pence for e in entries] == [3000, 3300, 4125, 0, 1000]
