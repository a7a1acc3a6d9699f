"""Charts drawn on the server as inline SVG: no JavaScript, and no `style` attributes (the
Content-Security-Policy forbids inline styles), only SVG presentation attributes.

Pure drawing: the caller passes figures already computed; nothing here reads the database or
does money arithmetic beyond placing points. Each chart is an image with a title and a
description for screen readers; the page shows the same numbers in a table as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from markupsafe import Markup, escape

from tracker.calendar.domain import month_year, short_month
from tracker.money import format_money

WIDTH, HEIGHT = 400, 250
LEFT, RIGHT, TOP, BOTTOM = 62, 14, 30, 44
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
TEXT = "#0b0c0c"
GRID = "#b1b4b6"
SPENT = "#106165"
BUDGET = "#0b0c0c"


@dataclass(frozen=True)
class BurnUp:
    """One budget line's burn-up: the months of the period and the cumulative spend at the end
    of each month so far (as many values as months have passed, at most one per month)."""

    chart_id: str
    label: str
    months: Sequence[date]
    spent_pence: Sequence[int]
    budget_pence: int


def nice_step(largest: int) -> int:
    """A round step in pence (1, 2 or 5 times a power of ten pounds) giving at most 5 steps."""
    step = 100
    while True:
        for factor in (1, 2, 5):
            if largest <= step * factor * 5:
                return step * factor
        step *= 10


def _num(value: float) -> str:
    """A coordinate with at most one decimal, so the markup stays short and stable."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _text(x: float, y: float, content: str, *, anchor: str = "middle", size: int = 13) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{TEXT}" '
        f'text-anchor="{anchor}">{escape(content)}</text>'
    )


def _month_labels(months: Sequence[date]) -> list[tuple[int, str, str]]:
    """(index, month, year or "") for the months to label: at most 12, the year under January
    and under the first one."""
    every = max(1, -(-len(months) // 12))
    labels = []
    for i, month in enumerate(months):
        if i % every:
            continue
        year = str(month.year) if i == 0 or month.month <= every else ""
        labels.append((i, short_month(month), year))
    return labels


def describe(chart: BurnUp) -> str:
    """The chart in one or two sentences, for its accessible description."""
    budget = f"Budget {format_money(chart.budget_pence)}."
    if not chart.spent_pence:
        return f"{budget} Nothing spent yet: the period has not started."
    last_month = month_year(chart.months[len(chart.spent_pence) - 1])
    return f"{budget} Spent {format_money(chart.spent_pence[-1])} by the end of {last_month}."


def burn_up_svg(chart: BurnUp) -> Markup:
    """Cumulative spend by month (a solid line with dots) against the budget (a dashed line)."""
    n = max(1, len(chart.months))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    largest = max([chart.budget_pence, *chart.spent_pence, 0]) or 10_000
    step = nice_step(largest)
    top = -(-largest // step) * step

    def x(boundary: int) -> float:
        return LEFT + plot_w * boundary / n

    def y(pence: int) -> float:
        return TOP + plot_h - plot_h * pence / top

    cid = escape(chart.chart_id)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{cid}-title {cid}-desc" focusable="false" '
        f'class="app-chart" font-family="{FONT}">',
        f'<title id="{cid}-title">{escape(chart.label)}: spent by month against the budget</title>',
        f'<desc id="{cid}-desc">{escape(describe(chart))}</desc>',
    ]
    for value in range(0, top + 1, step):
        parts.append(
            f'<line x1="{LEFT}" y1="{_num(y(value))}" x2="{WIDTH - RIGHT}" '
            f'y2="{_num(y(value))}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 6, y(value) + 4, format_money(value)[:-3], anchor="end"))
    for i, month, year in _month_labels(chart.months):
        centre = (x(i) + x(i + 1)) / 2
        parts.append(_text(centre, HEIGHT - BOTTOM + 18, month, size=12))
        if year:
            parts.append(_text(centre, HEIGHT - BOTTOM + 34, year, size=12))
    budget_y = y(chart.budget_pence)
    parts.append(
        f'<line x1="{LEFT}" y1="{_num(budget_y)}" x2="{WIDTH - RIGHT}" y2="{_num(budget_y)}" '
        f'stroke="{BUDGET}" stroke-width="2" stroke-dasharray="8 5"/>'
    )
    # The budget's label sits at the start of its line, clear of the spend, which rises on the
    # right as the months pass.
    parts.append(
        _text(LEFT + 4, budget_y - 7, f"Budget {format_money(chart.budget_pence)}", anchor="start")
    )
    if chart.spent_pence:
        points = [(x(0), y(0))] + [
            (x(i + 1), y(pence)) for i, pence in enumerate(chart.spent_pence)
        ]
        parts.append(
            '<polyline fill="none" stroke="{}" stroke-width="3" stroke-linejoin="round" '
            'points="{}"/>'.format(SPENT, " ".join(f"{_num(px)},{_num(py)}" for px, py in points))
        )
        for px, py in points[1:]:
            parts.append(f'<circle cx="{_num(px)}" cy="{_num(py)}" r="3.5" fill="{SPENT}"/>')
        last_x, last_y = points[-1]
        # Above the last point; below it when that would cross the budget line just above,
        # or leave the chart.
        above_y, below_y = last_y - 9, last_y + 20
        crosses_budget = 0 < last_y - budget_y < 24
        fits_below = below_y < TOP + plot_h - 4
        label_y = below_y if fits_below and (crosses_budget or above_y < TOP) else above_y
        anchor = "end" if last_x > LEFT + plot_w * 0.5 else "start"
        parts.append(
            _text(
                last_x + (-6 if anchor == "end" else 6),
                label_y,
                f"Spent {format_money(chart.spent_pence[-1])}",
                anchor=anchor,
            )
        )
    parts.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    # Every piece of text above went through `escape`; the rest is our own markup.
    svg = "".join(parts)
    return Markup(svg)  # noqa: S704  # nosec B704 # every text piece above went through escape
