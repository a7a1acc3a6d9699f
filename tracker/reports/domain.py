"""Report rules and shapes: small-number suppression for anything a funder sees, medians, and
the funder report as data (built from the database by `reports.exports`, drawn by
`reports.pdf` and the pages)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from tracker.budgets.domain import AlertLevel, ReportLine


def suppress(count: int, threshold: int) -> int | str:
    """A count of people (or of a kind of adaptation) as shown to funders: from 1 to
    threshold - 1 it becomes "fewer than N", so that nobody can be singled out; 0 stays 0."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("count must be an int")
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return count


def median(counts: Mapping[int, int]) -> Decimal | None:
    """The median of whole numbers given as {value: how many times}: the middle value, or
    halfway between the middle two (so it may end in .5); None when there are none. Exact."""
    total = 0
    for value, count in counts.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("values must be ints")
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ValueError("counts must be ints of 0 or more")
        total += count
    if not total:
        return None

    def nth(n: int) -> int:
        seen = 0
        for value, count in sorted(counts.items()):
            seen += count
            if seen > n:
                return value
        raise AssertionError("unreachable")

    if total % 2:
        return Decimal(nth(total // 2))
    return Decimal(nth(total // 2 - 1) + nth(total // 2)) / 2


# --- the funder report, as data ---------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """Anonymous figures as a funder sees them: counts already suppressed."""

    hours: Decimal
    declined_fee_hours: Decimal
    fees_paid_pence: int
    expenses_paid_pence: int
    contributors: int | str
    adaptations: list[tuple[str, str, int | str]]  # (kind, label, count or "fewer than N")


@dataclass(frozen=True)
class BudgetFigures:
    """One budget's lines against what was committed and spent, with each line's alert."""

    budget_id: int
    project_id: int
    period_start: date
    period_end: date
    alert_low_percent: int
    alert_high_percent: int
    lines: list[ReportLine]
    levels: dict[str, AlertLevel | None]


@dataclass(frozen=True)
class ProjectReport:
    project_id: int
    name: str
    code: str
    figures: Figures
    budgets: list[BudgetFigures]


@dataclass(frozen=True)
class FundReport:
    fund_id: int
    name: str
    funder_organisation: str
    reference: str
    organisation: str
    made_on: date
    threshold: int
    figures: Figures
    budget_totals: list[ReportLine]  # per line, over every budget of the fund's projects
    projects: list[ProjectReport]
