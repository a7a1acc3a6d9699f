"""Report rules without a database: the median of a histogram, exactly."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.reports.domain import median


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, None),
        ({3: 0}, None),
        ({4: 1}, Decimal("4")),
        ({0: 3}, Decimal("0")),
        ({1: 2, 9: 1}, Decimal("1")),
        ({1: 1, 2: 1}, Decimal("1.5")),
        ({1: 1, 2: 1, 10: 2}, Decimal("6")),
        ({10: 1, 3: 1}, Decimal("6.5")),
        ({1: 1, 2: 1, 3: 1, 4: 1}, Decimal("2.5")),
        ({5: 2}, Decimal("5")),
        ({3: 0, 5: 1}, Decimal("5")),
        ({-2: 1, 2: 1}, Decimal("0")),
        ({-3: 1, 0: 1}, Decimal("-1.5")),
        ({2: 1, 7: 1, 30: 5}, Decimal("30")),
    ],
)
def test_median_of_a_histogram(counts: dict[int, int], expected: Decimal | None) -> None:
    assert median(counts) == expected
    if expected is not None:
        assert str(median(counts)) == str(expected)


@given(st.lists(st.integers(min_value=-1000, max_value=1000), min_size=1))
def test_median_agrees_with_the_median_of_the_values_written_out(values: list[int]) -> None:
    assert median(Counter(values)) == Decimal(str(statistics.median(values)))


@pytest.mark.parametrize(("counts", "error"), [({1.5: 1}, TypeError), ({1: -1}, ValueError)])
def test_median_refuses_what_is_not_a_count_of_whole_numbers(
    counts: dict[object, object], error: type[Exception]
) -> None:
    with pytest.raises(error):
        median(counts)  # type: ignore[arg-type]
