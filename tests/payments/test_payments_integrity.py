"""Races and crashes never pay an item twice, and never leave half a run.

Runs on SQLite and (with TEST_DATABASE_URL) on PostgreSQL.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from typing import Any

from sqlalchemy import func, select, text

from tests.conftest import IS_POSTGRES
from tests.security.at_once import together
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.payments.models import PaymentLine, PaymentRun
from tracker.slips.models import PaymentSlip, SlipCounter
from tracker.timesheets.models import TimeEntry


def _race(app: Any, count: int, work: Any) -> list[str]:
    """Start `count` threads together, each in its own app context and session; what each
    one ended with. Every thread must finish."""

    def runner(index: int) -> str:
        with app.app_context():
            try:
                work(index)
                db.session.commit()
                return "ok"
            except TrackerError as error:
                db.session.rollback()
                return type(error).__name__
            except Exception as error:
                db.session.rollback()
                return f"error: {type(error).__name__}"
            finally:
                db.session.remove()

    return together(count, runner, timeout=120)


def _assert_each_item_on_at_most_one_live_slip() -> None:
    rows = db.session.execute(
        select(PaymentLine.time_entry_id, func.count())
        .join(PaymentSlip, PaymentSlip.id == PaymentLine.slip_id)
        .where(PaymentSlip.status != "void", PaymentLine.time_entry_id.is_not(None))
        .group_by(PaymentLine.time_entry_id)
    ).all()
    assert all(count == 1 for _, count in rows)


def _assert_numbers_gapless() -> None:
    sequences = sorted(db.session.scalars(select(PaymentSlip.sequence)))
    assert sequences == list(range(1, len(sequences) + 1))
    counter = db.session.scalar(select(SlipCounter.last_number))
    assert counter == len(sequences)


def test_sixteen_threads_confirming_one_run_issue_its_slips_once(app, paying, run_factory) -> None:
    for name in ("Ash", "Bo", "Cy"):
        person = paying.add_person(name)
        paying.approved_time(person)
    paying.approved_time(paying.people[0])
    run = run_factory()
    finance_id, run_id = paying.finance.id, run.id
    db.session.commit()

    def confirm(_index: int) -> None:
        from tracker.auth.models import User

        actor = db.session.get(User, finance_id)
        assert actor is not None
        payments.confirm_payment_run(actor=actor, run_id=run_id, issued_on=date(2026, 11, 26))

    outcomes = _race(app, 16, confirm)
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) <= {"ok", "Conflict"}, outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count(PaymentSlip.id))) == 4
    _assert_each_item_on_at_most_one_live_slip()
    _assert_numbers_gapless()


def test_two_runs_racing_for_the_same_items_take_each_item_once(app, paying) -> None:
    entries = [paying.approved_time(paying.add_person(f"P{i}")) for i in range(5)]
    finance_id = paying.finance.id
    db.session.commit()

    def create_and_confirm(_index: int) -> None:
        from tracker.auth.models import User

        actor = db.session.get(User, finance_id)
        assert actor is not None
        run = payments.create_payment_run(actor=actor, cut_off=date.today())
        payments.confirm_payment_run(actor=actor, run_id=run.id, issued_on=date(2026, 11, 26))

    outcomes = _race(app, 2, create_and_confirm)
    # One takes every item; the other finds none left (SQLite lets one writer in at a time)
    # or meets the first one's lines (PostgreSQL).
    assert outcomes.count("ok") == 1, outcomes
    assert set(outcomes) - {"ok"} <= {"TrackerError", "Conflict"}, outcomes
    db.session.expire_all()
    for entry in entries:
        assert db.session.get(TimeEntry, entry.id).status == "on_slip"  # type: ignore[union-attr]
    _assert_each_item_on_at_most_one_live_slip()
    _assert_numbers_gapless()


CRASH_SCRIPT = """
import os, sys
from datetime import date
from tracker import create_app
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.auth.models import User

app = create_app({"CONFIG": "test", "SQLALCHEMY_DATABASE_URI": sys.argv[1]})
with app.app_context():
    actor = db.session.get(User, int(sys.argv[2]))

    def die(done, total):
        if done == 2:
            os._exit(9)  # the process is killed half-way through the slips

    payments.confirm_payment_run(actor=actor, run_id=int(sys.argv[3]),
                                 issued_on=date(2026, 11, 26), progress=die)
    db.session.commit()
"""


def test_a_process_killed_while_confirming_leaves_all_or_nothing(app, paying, run_factory) -> None:
    for name in ("Ash", "Bo", "Cy"):
        paying.approved_time(paying.add_person(name))
    run = run_factory()
    db.session.commit()
    url = db.engine.url.render_as_string(hide_password=False)
    finance_id, run_id = paying.finance.id, run.id
    db.session.close()
    result = subprocess.run(
        [sys.executable, "-c", CRASH_SCRIPT, url, str(finance_id), str(run_id)],
        env={**os.environ, "PYTHONPATH": os.getcwd()},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 9, result.stderr.decode()[-2000:]
    db.session.expire_all()
    # Killed after two of the three slips: neither is kept, and the items stay in the run.
    assert db.session.get(PaymentRun, run_id).status == "draft"  # type: ignore[union-attr]
    assert db.session.scalar(select(func.count(PaymentSlip.id))) == 0
    on_slips = select(func.count(PaymentLine.id)).where(PaymentLine.slip_id.is_not(None))
    assert db.session.scalar(on_slips) == 0
    assert db.session.scalar(select(func.count(SlipCounter.year))) == 0
    assert list(db.session.scalars(select(TimeEntry.status))) == ["in_run"] * 3
    if not IS_POSTGRES:
        assert db.session.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # And the run can still be confirmed afterwards: three slips, numbered from 1.
    issued = payments.confirm_payment_run(
        actor=paying.finance, run_id=run.id, issued_on=date(2026, 11, 26)
    )
    db.session.commit()
    assert sorted(i.slip.sequence for i in issued) == [1, 2, 3]
    assert db.session.scalar(select(func.count(PaymentSlip.id))) == 3
    assert db.session.scalar(select(SlipCounter.last_number)) == 3
    assert list(db.session.scalars(select(TimeEntry.status))) == ["on_slip"] * 3
