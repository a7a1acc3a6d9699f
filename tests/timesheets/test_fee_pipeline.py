"""One fee pipeline (rates/domain.fee_for) and unpaid activity kinds (DESIGN §2, §4).

Every place that shows or fixes a fee gets the same pence: the contributor's estimate, the API
estimate, the coordinator's queue, the CSV import preview, approval and bulk approval. Unpaid work
needs no rate, earns nothing whatever the rate card says, and is submitted and approved as usual.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.api_support import bearer
from tests.factories import make_activity, make_contributor, make_user
from tests.items import World, entry_input, make_world
from tracker.approvals import services as approvals
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.projects import services as projects
from tracker.rates import services as rates
from tracker.slips.models import PaymentSlip
from tracker.timesheets import importer
from tracker.timesheets import services as timesheets

CASES = [
    # (rate fields, minutes, fee choice, requested pence)
    ({"amount_pence": 1380}, 50, "accept", None),
    ({"amount_pence": 2750, "rounding": "nearest"}, 52, "accept", None),
    (
        {"amount_pence": 1271, "increment_minutes": 30, "rounding": "down", "minimum_minutes": 60},
        20,
        "accept",
        None,
    ),
    ({"amount_pence": 4125, "basis": "session"}, 200, "reduce", 2000),
    ({"amount_pence": 1380}, 95, "decline", None),
    ({"half_day_pence": 5000, "day_pence": 10000, "basis": "day"}, 300, "accept", None),
]


def _world(rate: dict[str, Any]) -> World:
    fields = dict(rate)
    basis = fields.pop("basis", "hour")
    pence = fields.pop("amount_pence", None)
    return make_world(pence=pence, basis=basis, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(("rate", "minutes", "choice", "requested"), CASES)
def test_every_place_gives_the_same_fee(
    client: FlaskClient, rate: dict[str, Any], minutes: int, choice: str, requested: int | None
) -> None:
    w = _world(rate)
    recorder = make_user("coordinator")
    projects.add_coordinator(actor=make_user("admin"), project=w.project, user=recorder)
    entries = [
        timesheets.create_time_entry(
            actor=recorder,
            data=entry_input(w, minutes=minutes, fee_choice=choice, fee_requested_pence=requested),
        )
        for _ in range(2)
    ]
    for entry in entries:
        items.submit_item(actor=recorder, item=entry)
    db.session.commit()

    estimate = timesheets.estimate_entry(entries[0])
    assert estimate.fee_pence is not None and estimate.calculation is not None
    calculated = estimate.calculation.fee_pence
    queue = approvals.estimate_fees(entries)[entries[0].id]
    api = client.post(
        "/api/v1/estimate",
        headers=bearer(w.person_user),
        json={
            "project_id": w.project.id,
            "activity_type_id": w.activity.id,
            "work_date": "2026-05-04",
            "minutes": minutes,
        },
    )
    sheet = (
        "contributor,project,activity,date,duration,fee_choice\r\n"
        f"{w.person.reference},{w.project.code},Meeting,04/05/2026,{minutes},{choice}\r\n"
    )
    preview = importer.preview_import(actor=recorder, text=sheet)
    items.approve_item(actor=w.coordinator, item=entries[0])
    outcome = approvals.bulk_approve(actor=w.coordinator, refs=[("time", entries[1].id)])
    db.session.commit()

    assert queue.fee_pence == estimate.fee_pence
    assert queue.calculated_pence == calculated
    assert api.json["calculated_fee_pence"] == calculated
    if choice != "reduce":  # a sheet has no column for the amount asked for
        assert preview.rows[0].fee_pence == estimate.fee_pence
    assert len(outcome.approved) == 1
    assert [e.fee_pence for e in entries] == [estimate.fee_pence] * 2
    assert [e.calculated_fee_pence for e in entries] == [calculated] * 2


def _unpaid_world() -> tuple[World, Any]:
    w = make_world()
    chat = make_activity("Catch-up", paid=False)
    return w, chat


def test_unpaid_work_needs_no_rate_and_is_approved_at_nothing(paying: Any) -> None:
    w = paying.world
    chat = make_activity("Catch-up", paid=False)
    entry = timesheets.create_time_entry(
        actor=w.coordinator, data=entry_input(w, activity_type_id=chat.id, minutes=90)
    )
    estimate = timesheets.estimate_entry(entry)
    assert (estimate.unpaid, estimate.fee_pence, estimate.message) == (True, 0, None)
    items.submit_item(actor=w.coordinator, item=entry)
    items.approve_item(actor=w.other_coordinator, item=entry)
    db.session.commit()
    assert (entry.status, entry.fee_pence, entry.rate_id, entry.billable_minutes) == (
        "approved",
        0,
        None,
        90,
    )
    assert json.loads(entry.rate_snapshot or "{}")["unpaid"] is True

    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    slip = db.session.query(PaymentSlip).one()
    [line] = json.loads(slip.snapshot)["fees"]
    assert (line["rate_text"], line["amount_pence"]) == ("Unpaid work", 0)


def test_the_queue_and_the_item_page_say_the_work_is_unpaid(client: FlaskClient) -> None:
    from tests.conftest import sign_in

    w, chat = _unpaid_world()
    entry = timesheets.create_time_entry(
        actor=w.person_user, data=entry_input(w, activity_type_id=chat.id, minutes=30)
    )
    items.submit_item(actor=w.person_user, item=entry)
    db.session.commit()
    sign_in(client, w.person_user.email)
    assert "None: this kind of work is unpaid" in client.get(f"/time/{entry.id}").text
    client.post("/sign-out")
    sign_in(client, w.coordinator.email)
    assert "Unpaid work" in client.get("/approvals/").text


def test_unpaid_work_earns_nothing_even_with_an_old_rate(app: Any) -> None:
    w = make_world()  # the Meeting rate stays on the card
    projects.save_activity_type(
        actor=make_user("admin"), activity=w.activity, name="Meeting", paid=False
    )
    entry = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, minutes=120))
    assert timesheets.estimate_entry(entry).fee_pence == 0


def test_a_rate_cannot_be_added_for_unpaid_work(app: Any) -> None:
    _, chat = _unpaid_world()
    with pytest.raises(TrackerError) as refused:
        rates.create_rate(
            actor=make_user("finance"),
            data=rates.RateInput(
                activity_type_id=chat.id,
                project_id=None,
                contributor_id=None,
                basis="hour",
                effective_from=date(2026, 4, 1),
                amount_pence=1500,
            ),
        )
    assert "Catch-up is unpaid work, so it has no rate" in refused.value.fields["activity_type_id"]


def test_unpaid_work_can_be_imported_and_sent(app: Any) -> None:
    w, chat = _unpaid_world()
    person = make_contributor(projects_=[w.project], name="Jo")
    sheet = (
        "contributor,project,activity,date,duration\r\n"
        f"{person.reference},{w.project.code},Catch-up,04/05/2026,45\r\n"
    )
    [entry] = importer.apply_import(actor=w.coordinator, text=sheet, submit=True)
    assert (entry.status, entry.activity_type_id) == ("submitted", chat.id)
