"""Budget figures by hand for a small dataset: committed versus spent across every state,
declined-fee hours counted as hours but not money, adaptations at estimate until provided,
supplier-paid adaptations never on slips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.items import Paying, entry_input
from tracker.adaptations import services as adaptations
from tracker.adaptations.services import RequestInput
from tracker.budgets import services as budgets
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.payments.models import PaymentLine
from tracker.reports import queries
from tracker.reports.domain import suppress
from tracker.timesheets import services as timesheets


def _adaptation(p: Paying, payment: str, estimate: int, kind: str = "laptop") -> object:
    w = p.world
    item = adaptations.create_request(
        actor=w.person_user,
        data=RequestInput(
            contributor_id=w.person.id,
            project_id=w.project.id,
            kind=kind,
            description="x",
            estimated_pence=estimate,
            provision="gift",
            payment=payment,
        ),
    )
    adaptations.submit_request(actor=w.person_user, item=item)
    adaptations.approve_request(actor=w.coordinator, item=item)
    db.session.commit()
    return item


@pytest.fixture
def dataset(paying: Paying) -> Paying:
    """By hand (rate £13.80 an hour, 15-minute blocks rounded up):
    fees: paid 60 min £13.80; on a confirmed slip 120 min £27.60; in a draft run — none;
          approved 30 min £6.90; declined 90 min £0 (approved); submitted 60 min (not counted)
    expenses: paid £4.50; approved £12.00
    adaptations: supplier laptop approved, estimate £300 (committed);
                 supplier tablet provided at £250 (spent); reimbursed data top-up provided at
                 £15 and unpaid (committed at actual)
    """
    robin = paying.people[0]
    w = paying.world
    paid_entry = paying.approved_time(robin, minutes=60)
    paid_claim = paying.approved_expense(robin, pence=450)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    payments.mark_run_paid(actor=paying.finance, run_id=run.id, paid_on=date.today(), reference="r")
    db.session.commit()
    paying.approved_time(robin, minutes=120)
    run = payments.create_payment_run(actor=paying.finance, cut_off=date.today())
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    paying.approved_time(robin, minutes=30)
    paying.approved_time(robin, minutes=90, fee_choice="decline")
    paying.approved_expense(robin, pence=1200)
    waiting = timesheets.create_time_entry(actor=w.person_user, data=entry_input(w, minutes=60))
    timesheets.submit_time_entry(actor=w.person_user, entry=waiting)
    _adaptation(paying, "supplier", 30000)
    tablet = _adaptation(paying, "supplier", 26000, kind="tablet")
    adaptations.mark_provided(actor=w.coordinator, item=tablet, actual_pence=25000)
    top_up = _adaptation(paying, "reimburse", 1000, kind="data_top_up")
    adaptations.mark_provided(actor=w.coordinator, item=top_up, actual_pence=1500)
    db.session.commit()
    del paid_entry, paid_claim
    return paying


def test_committed_and_spent_by_line(dataset: Paying) -> None:
    budget = budgets.save_budget(
        actor=dataset.finance,
        budget=None,
        project_id=dataset.world.project.id,
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        lines={"fees": 5000, "expenses": 2000, "adaptations": 50000, "other": 0},
    )
    db.session.commit()
    [report] = budgets.budget_reports([budget])
    got = {
        line.line: (line.committed_pence, line.spent_pence, line.remaining_pence, line.percent_used)
        for line in report.lines
    }
    assert got["fees"] == (2760 + 690, 1380, 5000 - 4830, Decimal("96.6"))
    assert got["expenses"] == (1200, 450, 2000 - 1650, Decimal("82.5"))
    assert got["adaptations"] == (30000 + 1500, 25000, 50000 - 56500, Decimal("113.0"))
    assert got["other"] == (0, 0, 0, None)
    assert [(line.line, level) for line, level in report.alerts] == [
        ("fees", "near"),
        ("expenses", "near"),
        ("adaptations", "over"),
    ]


def test_work_outside_the_period_is_not_counted(dataset: Paying) -> None:
    budget = budgets.save_budget(
        actor=dataset.finance,
        budget=None,
        project_id=dataset.world.project.id,
        period_start=date(2026, 6, 1),
        period_end=date(2026, 6, 30),
        lines={"fees": 100},
    )
    [report] = budgets.budget_reports([budget])
    assert report.lines[0].committed_pence == report.lines[0].spent_pence == 0


def test_supplier_paid_adaptations_never_reach_a_slip(dataset: Paying) -> None:
    assert (
        db.session.scalar(
            db.select(db.func.count(PaymentLine.id)).where(PaymentLine.kind == "adaptation")
        )
        == 0
    )
    run = payments.create_payment_run(actor=dataset.finance, cut_off=date.today())
    kinds = set(db.session.scalars(db.select(PaymentLine.kind).where(PaymentLine.run_id == run.id)))
    assert "adaptation" in kinds  # the reimbursed top-up
    lines = db.session.scalars(db.select(PaymentLine).where(PaymentLine.kind == "adaptation"))
    assert [line.amount_pence for line in lines] == [1500]


def test_funder_summary_counts_hours_including_declined_and_no_money_for_them(
    dataset: Paying,
) -> None:
    pid = dataset.world.project.id
    summary = queries.project_summaries([pid])[pid]
    assert summary.minutes == 60 + 120 + 30 + 90
    assert summary.declined_minutes == 90
    assert (summary.hours, summary.declined_fee_hours) == (Decimal("5.00"), Decimal("1.50"))
    assert summary.fees_paid_pence == 1380
    assert summary.expenses_paid_pence == 450
    assert summary.contributors == 1
    assert summary.adaptations == {"tablet": 1, "data_top_up": 1}


def test_small_numbers_are_suppressed() -> None:
    assert [suppress(n, 5) for n in (0, 1, 4, 5, 12)] == [0, "fewer than 5", "fewer than 5", 5, 12]
    with pytest.raises(TypeError):
        suppress(True, 5)


def test_only_admin_and_finance_change_budgets(dataset: Paying) -> None:
    with pytest.raises(Forbidden):
        budgets.save_budget(
            actor=dataset.world.coordinator,
            budget=None,
            project_id=dataset.world.project.id,
            period_start=date(2026, 4, 1),
            period_end=date(2027, 3, 31),
            lines={},
        )


def test_burn_up_is_cumulative_by_month(dataset: Paying) -> None:
    budget = budgets.save_budget(
        actor=dataset.finance,
        budget=None,
        project_id=dataset.world.project.id,
        period_start=date(2026, 4, 1),
        period_end=date(2027, 3, 31),
        lines={"fees": 5000},
    )
    series = budgets.burn_up(budget)
    assert len(series["fees"]) == 12
    assert series["fees"][-1].spent_pence == 1380
    values = [p.spent_pence for p in series["adaptations"]]
    assert values == sorted(values) and values[-1] == 25000
