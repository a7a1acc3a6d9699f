"""Property: for any mix of approved work, every slip's totals equal the sums of its snapshot
lines and of its items in the database, and the run total equals the sum of its slips."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.timesheets.models import TimeEntry

work = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # which person
        st.one_of(
            st.tuples(
                st.just("time"),
                st.integers(min_value=1, max_value=600),
                st.sampled_from(["accept", "decline"]),
            ),
            st.tuples(st.just("expense"), st.integers(min_value=1, max_value=50_000), st.just("")),
        ),
    ),
    min_size=1,
    max_size=8,
)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(items=work)
def test_slip_totals_equal_their_lines_and_the_database(paying, items) -> None:
    people = [paying.people[0]] + [
        paying.add_person(f"Person {len(paying.people)}") for _ in range(2)
    ]
    for who, (kind, amount, choice) in items:
        if kind == "time":
            paying.approved_time(people[who], minutes=amount, fee_choice=choice)
        else:
            paying.approved_expense(people[who], pence=amount)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    issued = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    for slip in (i.slip for i in issued):
        snap = json.loads(slip.snapshot)
        assert slip.fees_pence == sum(f["amount_pence"] for f in snap["fees"])
        assert slip.expenses_pence == sum(e["amount_pence"] for e in snap["expenses"])
        assert slip.total_pence == slip.fees_pence + slip.expenses_pence
        assert snap["totals"]["total_pence"] == slip.total_pence
        db_fees = db.session.scalar(
            select(func.coalesce(func.sum(TimeEntry.fee_pence), 0)).where(
                TimeEntry.contributor_id == slip.contributor_id,
                TimeEntry.status == "on_slip",
                TimeEntry.id.in_([int(f["item"].split(":")[1]) for f in snap["fees"]] or [0]),
            )
        )
        db_expenses = db.session.scalar(
            select(func.coalesce(func.sum(ExpenseClaim.approved_pence), 0)).where(
                ExpenseClaim.id.in_([int(e["item"].split(":")[1]) for e in snap["expenses"]] or [0])
            )
        )
        assert (slip.fees_pence, slip.expenses_pence) == (db_fees, db_expenses)
    assert payments.run_totals(run)["total_pence"] == sum(i.slip.total_pence for i in issued)
