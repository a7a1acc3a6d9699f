"""Budget figures by hand for a small dataset: committed versus spent across every state,
declined-fee hours counted as hours but not money, adaptations at estimate until provided,
supplier-paid adaptations never on slips."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.items import Paying, budget_dataset
from tracker.budgets import services as budgets
from tracker.errors import Forbidden
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.payments.models import PaymentLine
from tracker.reports import queries
from tracker.reports.domain import suppress


@pytest.fixture
def dataset(paying: Paying) -> Paying:
    """The hand-computed dataset of `tests.items.budget_dataset`."""
    return budget_dataset(paying)


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
