"""Attack 3: a finance user who is also a contributor pays themselves.

Nobody may confirm or mark paid a run (or slip) that pays them; the refusal names who. With the
organisation setting "two people release payments", confirm and paid need two finance people.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.api.api_support import bearer, error_of
from tests.conftest import sign_in
from tests.factories import make_contributor, make_user
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.settings.services import set_setting
from tracker.slips.models import PaymentSlip


def _finance_contributor(paying: Any) -> Any:
    """A finance user who is also a contributor with approved, unpaid work."""
    user = make_user("finance", "contributor", name="Frankie")
    me = make_contributor(user=user, projects_=[paying.world.project], name="Frankie Fee")
    paying.approved_time(me)
    paying.approved_time(paying.world.person)
    return user


def test_finance_cannot_confirm_a_run_that_pays_them(client: FlaskClient, paying: Any) -> None:
    me = _finance_contributor(paying)
    headers = bearer(me)
    made = client.post(
        "/api/v1/payment-runs", headers=headers, json={"cut_off": date.today().isoformat()}
    )
    assert made.status_code == 201, made.text
    run_id = made.json["id"]
    refused = client.post(f"/api/v1/payment-runs/{run_id}/confirm", headers=headers)
    message = error_of(refused, 403)["message"]
    assert "This pays you (Frankie Fee)" in message
    assert payments.get_run(run_id).status == "draft"
    assert db.session.query(PaymentSlip).count() == 0


def test_the_refusal_is_shown_on_the_confirm_page(client: FlaskClient, paying: Any) -> None:
    me = _finance_contributor(paying)
    run = payments.create_payment_run(actor=me, cut_off=date.today())
    db.session.commit()
    sign_in(client, me.email)
    page = client.post(f"/payments/runs/{run.id}/confirm", data={"confirm": "y"})
    assert page.status_code == 403
    assert "This pays you (Frankie Fee), so another finance colleague needs to confirm it" in (
        page.text
    )


def test_finance_cannot_mark_paid_a_run_or_slip_that_pays_them(
    client: FlaskClient, paying: Any
) -> None:
    me = _finance_contributor(paying)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    headers = bearer(me)
    refused = client.post(
        f"/api/v1/payment-runs/{run.id}/paid",
        headers=headers,
        json={"paid_on": date.today().isoformat()},
    )
    assert "This pays you (Frankie Fee)" in error_of(refused, 403)["message"]
    own = db.session.query(PaymentSlip).filter(PaymentSlip.contributor_id != paying.world.person.id)
    with pytest.raises(Forbidden, match="This pays you"):
        payments.mark_slip_paid(actor=me, slip_id=own.one().id, paid_on=date.today(), reference="")
    db.session.rollback()
    assert {s.status for s in db.session.query(PaymentSlip)} == {"issued"}
    # Someone else's slip in the same run is theirs to mark paid.
    other = db.session.query(PaymentSlip).filter_by(contributor_id=paying.world.person.id).one()
    payments.mark_slip_paid(actor=me, slip_id=other.id, paid_on=date.today(), reference="")
    assert other.status == "paid"


def test_two_people_release_payments_when_the_setting_is_on(paying: Any) -> None:
    paying.approved_time(paying.world.person)
    second = make_user("finance", name="Second")
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()

    set_setting(actor=make_user("admin"), key="two_people_release", value="yes")
    db.session.commit()
    with pytest.raises(Forbidden, match="two people to release each payment"):
        payments.mark_run_paid(
            actor=paying.finance, run_id=run.id, paid_on=date.today(), reference="BACS"
        )
    db.session.rollback()
    assert payments.get_run(run.id).status == "confirmed"
    payments.mark_run_paid(actor=second, run_id=run.id, paid_on=date.today(), reference="B")
    assert payments.get_run(run.id).status == "paid"


def test_one_person_may_confirm_and_pay_when_the_setting_is_off(paying: Any) -> None:
    paying.approved_time(paying.world.person)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    payments.mark_run_paid(actor=paying.finance, run_id=run.id, paid_on=date.today(), reference="B")
    assert payments.get_run(run.id).status == "paid"


def test_the_setting_is_on_the_admin_settings_page(client: FlaskClient) -> None:
    admin = make_user("admin")
    sign_in(client, admin.email)
    page = client.get("/admin/settings")
    assert "Two people release payments" in page.text
