"""The demo organisation loads once, and has something to show on every page."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker.demo import load_demo
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.payments.models import PaymentRun
from tracker.slips.models import PaymentSlip
from tracker.timesheets.models import TimeEntry


def test_demo_loads_once_with_work_in_every_state(app) -> None:
    assert load_demo() is True
    db.session.commit()
    assert load_demo() is False
    statuses = set(db.session.scalars(select(TimeEntry.status)))
    assert statuses == {
        "draft",
        "submitted",
        "returned",
        "withdrawn",
        "approved",
        "in_run",
        "on_slip",
        "paid",
    }
    assert set(db.session.scalars(select(PaymentRun.status))) == {"paid", "confirmed", "draft"}
    assert set(db.session.scalars(select(PaymentSlip.status))) == {"paid", "issued", "void"}
    assert db.session.scalar(select(func.count(ExpenseClaim.id))) >= 4
