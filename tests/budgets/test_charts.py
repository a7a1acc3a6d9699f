"""The burn-up chart is drawn on the server as SVG: an image with a name and a description, no
inline styles, scaled to round steps, and safe with any label."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tracker.budgets.charts import BurnUp, burn_up_svg, describe, nice_step


def _months(first: date, count: int) -> list[date]:
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


@pytest.mark.parametrize(
    ("largest", "step"),
    [
        (0, 100),
        (500, 100),
        (501, 200),
        (2_000, 500),
        (5_000, 1_000),
        (33_999, 10_000),
        (150_000, 50_000),
        (150_001, 50_000),
        (250_001, 100_000),
    ],
)
def test_axis_steps_are_round_pounds_and_at_most_five(largest: int, step: int) -> None:
    assert nice_step(largest) == step
    assert largest <= step * 5


def test_chart_is_a_named_image_with_its_figures_in_words() -> None:
    chart = BurnUp(
        "burn-up-fees", "Fees & <things>", _months(date(2026, 4, 1), 12), [0, 1380, 1380], 5000
    )
    svg = str(burn_up_svg(chart))
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert 'role="img"' in svg
    assert 'aria-labelledby="burn-up-fees-title burn-up-fees-desc"' in svg
    assert '<title id="burn-up-fees-title">Fees &amp; &lt;things&gt;: spent by month' in svg
    assert "Budget £50.00. Spent £13.80 by the end of June 2026." in svg
    assert " style=" not in svg and "<script" not in svg
    assert svg.count("<circle") == 3  # one dot a month so far
    assert len(re.findall(r">(Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Jan|Feb|Mar)<", svg)) == 12
    assert ">2026<" in svg and ">2027<" in svg


def test_a_period_not_yet_started_shows_only_the_budget() -> None:
    chart = BurnUp("c", "Other", _months(date(2027, 4, 1), 12), [], 20000)
    assert describe(chart) == "Budget £200.00. Nothing spent yet: the period has not started."
    svg = str(burn_up_svg(chart))
    assert "<polyline" not in svg and "Budget £200.00" in svg


def test_long_periods_label_at_most_twelve_months() -> None:
    chart = BurnUp("c", "Fees", _months(date(2026, 1, 1), 60), [100] * 30, 0)
    months = re.findall(
        r">(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)<", str(burn_up_svg(chart))
    )
    assert 0 < len(months) <= 12
