"""Budget rules without a database: percentages used, alert levels and their words, totals
and the burn-up, as exact tables (DESIGN.md §6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.budgets.domain import (
    AlertLevel,
    ReportLine,
    alert_level,
    alert_message,
    check_alert_percents,
    cumulative_spend,
    lines_added_up,
    percent_used,
    period_months,
    status_words,
    total_line,
)

LABELS = {"fees": "Fees", "expenses": "Expenses", "adaptations": "Equipment", "other": "Other"}


# --- percentage used ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "budget", "expected"),
    [
        (0, 100, Decimal("0.0")),
        (4830, 5000, Decimal("96.6")),
        (1650, 2000, Decimal("82.5")),
        (56500, 50000, Decimal("113.0")),
        (1, 3, Decimal("33.3")),  # 33.33…
        (2, 3, Decimal("66.7")),  # 66.66…
        (1, 8, Decimal("12.5")),  # exact
        (1, 16, Decimal("6.3")),  # 6.25: half up, not to even
        (5, 16, Decimal("31.3")),  # 31.25
        (1, 400, Decimal("0.3")),  # 0.25
        (1, 2001, Decimal("0.0")),  # 0.0499…
        (999, 1000, Decimal("99.9")),
        (9999, 10000, Decimal("100.0")),  # 99.99 shows as 100.0
        (7996, 10000, Decimal("80.0")),  # 79.96
        (100_000_000, 1, Decimal("10000000000.0")),
        (0, 0, None),
        (5, 0, None),
    ],
)
def test_percent_used_is_rounded_once_half_up_to_one_place(
    used: int, budget: int, expected: Decimal | None
) -> None:
    got = percent_used(used, budget)
    assert got == expected
    assert str(got) == str(expected)


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=10**12))
def test_percent_used_is_the_exact_ratio_rounded_half_up(used: int, budget: int) -> None:
    # Tenths of a percent, rounded half up, in integer arithmetic.
    tenths = (2 * used * 1000 + budget) // (2 * budget)
    assert percent_used(used, budget) == Decimal(tenths) / 10


@pytest.mark.parametrize(
    ("used", "budget", "error"),
    [
        (1.5, 100, TypeError),
        (1, 100.0, TypeError),
        (True, 100, TypeError),
        (Decimal("1"), 100, TypeError),
        (-1, 100, ValueError),
        (1, -100, ValueError),
    ],
)
def test_percent_used_refuses_float_and_negative_money(
    used: object, budget: object, error: type[Exception]
) -> None:
    with pytest.raises(error):
        percent_used(used, budget)  # type: ignore[arg-type]


# --- alerts -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("used", "budget", "low", "high", "level"),
    [
        (0, 10000, 80, 100, None),
        (7999, 10000, 80, 100, None),
        (7996, 10000, 80, 100, None),  # shows as 80.0%, but 80% is not reached
        (8000, 10000, 80, 100, "near"),
        (9999, 10000, 80, 100, "near"),  # shows as 100.0%, but the budget is not all used
        (10000, 10000, 80, 100, "over"),
        (10001, 10000, 80, 100, "over"),
        (4830, 5000, 80, 100, "near"),
        (1650, 2000, 80, 100, "near"),
        (56500, 50000, 80, 100, "over"),
        # No budget: over as soon as anything is used.
        (0, 0, 80, 100, None),
        (1, 0, 80, 100, "over"),
        # A budget of 3p: 80% is 2.4p.
        (2, 3, 80, 100, None),
        (3, 3, 80, 100, "over"),
        # The budget's own thresholds.
        (49, 100, 50, 75, None),
        (50, 100, 50, 75, "near"),
        (74, 100, 50, 75, "near"),
        (75, 100, 50, 75, "over"),
        (89, 100, 90, 90, None),
        (90, 100, 90, 90, "over"),
        (11999, 10000, 80, 120, "near"),
        (12000, 10000, 80, 120, "over"),
        (1, 100, 1, 1000, "near"),
        (100_000, 10_000, 1, 1000, "over"),
    ],
)
def test_alert_levels_compare_exact_pence_with_the_thresholds(
    used: int, budget: int, low: int, high: int, level: AlertLevel | None
) -> None:
    assert alert_level(used, budget, low_percent=low, high_percent=high) == level


@given(
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**9),
)
def test_spending_more_never_lowers_the_alert(used: int, more: int, budget: int) -> None:
    order = {None: 0, "near": 1, "over": 2}
    before = alert_level(used, budget, low_percent=80, high_percent=100)
    after = alert_level(used + more, budget, low_percent=80, high_percent=100)
    assert order[after] >= order[before]


@pytest.mark.parametrize(
    ("low", "high", "problem"),
    [
        (80, 100, None),
        (1, 1, None),
        (1000, 1000, None),
        (100, 80, "The first alert must be between 1% and the second alert"),
        (0, 100, "The first alert must be between 1% and the second alert"),
        (80, 1001, "The first alert must be between 1% and the second alert"),
    ],
)
def test_alert_thresholds_that_can_be_used(low: int, high: int, problem: str | None) -> None:
    assert check_alert_percents(low, high) == problem


def test_an_alert_cannot_be_judged_with_thresholds_out_of_order() -> None:
    with pytest.raises(ValueError, match="between 1% and the second alert"):
        alert_level(50, 100, low_percent=100, high_percent=80)


@pytest.mark.parametrize(
    ("level", "remaining", "budget", "low", "high", "words"),
    [
        ("over", -1, 100, 80, 100, "Over budget"),
        ("over", -6500, 50000, 80, 100, "Over budget"),
        ("over", -5, 0, 80, 100, "Over budget"),
        ("over", 0, 10000, 80, 100, "Reached 100%"),
        ("over", 500, 10000, 80, 95, "Reached 95%"),
        ("near", 2000, 10000, 80, 100, "Reached 80%"),
        ("near", 4000, 10000, 60, 90, "Reached 60%"),
        (None, 0, 0, 80, 100, "No budget"),
        (None, 5000, 10000, 80, 100, "On track"),
    ],
)
def test_a_lines_state_in_words(
    level: AlertLevel | None, remaining: int, budget: int, low: int, high: int, words: str
) -> None:
    got = status_words(
        level, remaining_pence=remaining, budget_pence=budget, low_percent=low, high_percent=high
    )
    assert got == words


@pytest.mark.parametrize(
    ("level", "remaining", "message"),
    [
        ("over", -1, "Fees: over budget"),
        ("over", 0, "Fees: 100% or more of the budget used"),
        ("near", 1000, "Fees: 80% or more of the budget used"),
    ],
)
def test_an_alert_as_a_sentence(level: AlertLevel, remaining: int, message: str) -> None:
    got = alert_message("Fees", level, remaining_pence=remaining, low_percent=80, high_percent=100)
    assert got == message


# --- a report line ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("budget", "committed", "spent", "used", "remaining", "over_by", "percent", "status"),
    [
        (5000, 3450, 1380, 4830, 170, 0, Decimal("96.6"), "Reached 80%"),
        (2000, 1200, 450, 1650, 350, 0, Decimal("82.5"), "Reached 80%"),
        (50000, 31500, 25000, 56500, -6500, 6500, Decimal("113.0"), "Over budget"),
        (10000, 0, 10000, 10000, 0, 0, Decimal("100.0"), "Reached 100%"),
        (10000, 1000, 2000, 3000, 7000, 0, Decimal("30.0"), "On track"),
        (0, 0, 0, 0, 0, 0, None, "No budget"),
        (0, 150, 0, 150, -150, 150, None, "Over budget"),
    ],
)
def test_a_budget_lines_figures(
    budget: int,
    committed: int,
    spent: int,
    used: int,
    remaining: int,
    over_by: int,
    percent: Decimal | None,
    status: str,
) -> None:
    line = ReportLine("fees", "Fees", budget, committed, spent)
    assert (line.used_pence, line.remaining_pence, line.over_by_pence) == (
        used,
        remaining,
        over_by,
    )
    assert line.percent_used == percent
    assert line.status(low_percent=80, high_percent=100) == status


@pytest.mark.parametrize(
    "amounts",
    [(100.0, 0, 0), (100, 0.5, 0), (100, 0, True), (-1, 0, 0), (100, -1, 0), (100, 0, -1)],
)
def test_a_report_line_refuses_float_and_negative_money(amounts: tuple[object, ...]) -> None:
    with pytest.raises((TypeError, ValueError)):
        ReportLine("fees", "Fees", *amounts)  # type: ignore[arg-type]


def test_a_total_line_adds_up_every_line_without_rounding() -> None:
    lines = [
        ReportLine("fees", "Fees", 5000, 3450, 1380),
        ReportLine("expenses", "Expenses", 2000, 1200, 450),
        ReportLine("adaptations", "Equipment", 50000, 31500, 25000),
        ReportLine("other", "Other", 0, 0, 0),
    ]
    total = total_line(lines, line="total", label="All lines")
    assert total == ReportLine("total", "All lines", 57000, 36150, 26830)
    assert total.percent_used == Decimal("110.5")  # 62980 / 57000 = 110.49…
    assert total_line([], line="total", label="All lines") == ReportLine(
        "total", "All lines", 0, 0, 0
    )


def test_lines_added_up_over_several_budgets_by_name() -> None:
    first = [
        ReportLine("fees", "Fees", 5000, 3450, 1380),
        ReportLine("expenses", "Expenses", 2000, 1200, 450),
    ]
    second = [
        ReportLine("expenses", "Expenses", 1000, 0, 999),
        ReportLine("fees", "Fees", 1, 2, 3),
        ReportLine("other", "Other", 7, 0, 0),
    ]
    assert lines_added_up([first, second], LABELS) == [
        ReportLine("fees", "Fees", 5001, 3452, 1383),
        ReportLine("expenses", "Expenses", 3000, 1200, 1449),
        ReportLine("adaptations", "Equipment", 0, 0, 0),
        ReportLine("other", "Other", 7, 0, 0),
    ]
    assert lines_added_up([], LABELS) == [
        ReportLine(name, label, 0, 0, 0) for name, label in LABELS.items()
    ]
    with pytest.raises(ValueError, match="Unknown budget line 'travel'"):
        lines_added_up([[ReportLine("travel", "Travel", 1, 0, 0)]], LABELS)


# --- burn-up ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2026, 4, 15), date(2026, 4, 20), [date(2026, 4, 1)]),
        (
            date(2025, 11, 30),
            date(2026, 2, 1),
            [date(2025, 11, 1), date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)],
        ),
        (
            date(2026, 4, 1),
            date(2027, 3, 31),
            [date(2026 + (m < 4), m, 1) for m in (*range(4, 13), 1, 2, 3)],
        ),
    ],
)
def test_the_months_of_a_budget_period(start: date, end: date, months: list[date]) -> None:
    assert period_months(start, end) == months


def test_a_period_cannot_end_before_it_starts() -> None:
    with pytest.raises(ValueError, match="ends before it starts"):
        period_months(date(2026, 5, 1), date(2026, 4, 30))


def test_cumulative_spend_by_month() -> None:
    spent = {
        date(2026, 3, 1): 100,  # before the period: counted from its first month
        date(2026, 4, 1): 50,
        date(2026, 6, 1): 25,
        date(2026, 9, 1): 999,  # after the last month shown: not counted
    }
    months = [date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1), date(2026, 7, 1)]
    assert cumulative_spend(spent, months) == [150, 150, 175, 175]
    assert cumulative_spend({}, months) == [0, 0, 0, 0]
    with pytest.raises(ValueError, match="first day"):
        cumulative_spend(spent, [date(2026, 4, 2)])
    with pytest.raises(TypeError):
        cumulative_spend({date(2026, 4, 1): 1.5}, months)  # type: ignore[dict-item]
