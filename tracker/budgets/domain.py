"""Budget rules (DESIGN §6): for each budget line, what is used and what remains, the
percentage used, and whether the line has reached an alert threshold.

Pure functions over whole pence (`int`) and `Decimal`. Money is never rounded here: budgets,
committed and spent amounts are already whole pence, and totals are sums of them
(`tracker.money.sum_pence`). The only rounding is of the percentage shown to people, once, half
up to one decimal place; alerts compare the exact amounts, never that rounded figure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal

from tracker.money import ROUNDING, sum_pence

AlertLevel = Literal["near", "over"]

DEFAULT_LOW_PERCENT: Final = 80
DEFAULT_HIGH_PERCENT: Final = 100
MAX_ALERT_PERCENT: Final = 1000

_ONE_PLACE: Final = Decimal("0.1")


def _check_pence(name: str, value: object, *, signed: bool = False) -> int:
    if isinstance(value, (float, bool)) or not isinstance(value, int):
        raise TypeError(f"{name} must be int pence, not {type(value).__name__}")
    if value < 0 and not signed:
        raise ValueError(f"{name} cannot be negative")
    return value


def check_alert_percents(low_percent: int, high_percent: int) -> str | None:
    """Why a pair of alert thresholds cannot be used, in plain words; None when it can.

    The first alert comes no later than the second, and both are whole percentages from 1%
    to 1000%."""
    for value in (low_percent, high_percent):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("alert thresholds must be whole percentages (int)")
    if not 1 <= low_percent <= high_percent <= MAX_ALERT_PERCENT:
        return "The first alert must be between 1% and the second alert"
    return None


def percent_used(used_pence: int, budget_pence: int) -> Decimal | None:
    """`used_pence` as a percentage of `budget_pence`, rounded once, half up, to one decimal
    place (96.55% shows as 96.6%); None when the budget is 0."""
    used = _check_pence("used_pence", used_pence)
    budget = _check_pence("budget_pence", budget_pence)
    if budget == 0:
        return None
    return (Decimal(used) * 100 / budget).quantize(_ONE_PLACE, rounding=ROUNDING)


def alert_level(
    used_pence: int, budget_pence: int, *, low_percent: int, high_percent: int
) -> AlertLevel | None:
    """The line's alert: "over" once what is used reaches `high_percent` of the budget, "near"
    once it reaches `low_percent`, else None. Compared exactly in pence (used * 100 >= percent *
    budget), so a line at 79.96% has not reached 80% although it shows as 80.0%. A line with no
    budget is over as soon as anything is used."""
    used = _check_pence("used_pence", used_pence)
    budget = _check_pence("budget_pence", budget_pence)
    problem = check_alert_percents(low_percent, high_percent)
    if problem:
        raise ValueError(problem)
    if budget == 0:
        return "over" if used > 0 else None
    if used * 100 >= high_percent * budget:
        return "over"
    if used * 100 >= low_percent * budget:
        return "near"
    return None


def status_words(
    level: AlertLevel | None,
    *,
    remaining_pence: int,
    budget_pence: int,
    low_percent: int,
    high_percent: int,
) -> str:
    """A line's state in words, so that the colour of a tag is never the only clue: "Over
    budget", "Reached 100%", "Reached 80%", "No budget" or "On track"."""
    _check_pence("remaining_pence", remaining_pence, signed=True)
    if level == "over":
        return "Over budget" if remaining_pence < 0 else f"Reached {high_percent}%"
    if level == "near":
        return f"Reached {low_percent}%"
    return "No budget" if _check_pence("budget_pence", budget_pence) == 0 else "On track"


def alert_message(
    label: str, level: AlertLevel, *, remaining_pence: int, low_percent: int, high_percent: int
) -> str:
    """An alert as a sentence for a list of alerts: "Fees: over budget", or "Fees: 80% or more
    of the budget used"."""
    _check_pence("remaining_pence", remaining_pence, signed=True)
    if level == "over" and remaining_pence < 0:
        return f"{label}: over budget"
    threshold = high_percent if level == "over" else low_percent
    return f"{label}: {threshold}% or more of the budget used"


@dataclass(frozen=True)
class ReportLine:
    """One budget line against what is committed (approved, not yet paid) and spent (paid),
    all in whole pence."""

    line: str
    label: str
    budget_pence: int
    committed_pence: int
    spent_pence: int

    def __post_init__(self) -> None:
        """Refuse float and negative money."""
        for name in ("budget_pence", "committed_pence", "spent_pence"):
            _check_pence(name, getattr(self, name))

    @property
    def used_pence(self) -> int:
        """Committed and spent together."""
        return sum_pence((self.committed_pence, self.spent_pence))

    @property
    def remaining_pence(self) -> int:
        """What is left of the budget; negative when the line is over budget."""
        return self.budget_pence - self.used_pence

    @property
    def over_by_pence(self) -> int:
        """How far the line is over its budget; 0 when it is not."""
        return max(0, -self.remaining_pence)

    @property
    def percent_used(self) -> Decimal | None:
        """See `percent_used`: one decimal place, rounded half up; None with no budget."""
        return percent_used(self.used_pence, self.budget_pence)

    def alert(self, *, low_percent: int, high_percent: int) -> AlertLevel | None:
        """See `alert_level`."""
        return alert_level(
            self.used_pence, self.budget_pence, low_percent=low_percent, high_percent=high_percent
        )

    def status(self, *, low_percent: int, high_percent: int) -> str:
        """See `status_words`."""
        return status_words(
            self.alert(low_percent=low_percent, high_percent=high_percent),
            remaining_pence=self.remaining_pence,
            budget_pence=self.budget_pence,
            low_percent=low_percent,
            high_percent=high_percent,
        )


def total_line(lines: Iterable[ReportLine], *, line: str, label: str) -> ReportLine:
    """Several lines added up into one (its percentage follows the usual rule); no rounding."""
    chosen = list(lines)
    return ReportLine(
        line=line,
        label=label,
        budget_pence=sum_pence(x.budget_pence for x in chosen),
        committed_pence=sum_pence(x.committed_pence for x in chosen),
        spent_pence=sum_pence(x.spent_pence for x in chosen),
    )


def lines_added_up(
    budgets: Iterable[Iterable[ReportLine]], labels: Mapping[str, str]
) -> list[ReportLine]:
    """For each line of `labels` (name to label, in order), that line summed over several
    budgets; a budget without the line adds nothing. No rounding."""
    by_name: dict[str, list[ReportLine]] = {name: [] for name in labels}
    for lines in budgets:
        for x in lines:
            if x.line not in by_name:
                raise ValueError(f"Unknown budget line {x.line!r}")
            by_name[x.line].append(x)
    return [total_line(by_name[name], line=name, label=label) for name, label in labels.items()]


# --- burn-up ------------------------------------------------------------------------------------


def period_months(start: date, end: date) -> list[date]:
    """The first day of every month from `start`'s month to `end`'s, in order."""
    if end < start:
        raise ValueError("the period ends before it starts")
    months = []
    cursor = start.replace(day=1)
    while cursor <= end:
        months.append(cursor)
        cursor = date(cursor.year + cursor.month // 12, cursor.month % 12 + 1, 1)
    return months


def cumulative_spend(spent_by_month: Mapping[date, int], months: Sequence[date]) -> list[int]:
    """For each of `months` (first days, in order), everything spent up to the end of it:
    what was spent before the first month counts from the first, and later spending not at
    all. Sums of whole pence; nothing is rounded."""
    for month in months:
        if month.day != 1:
            raise ValueError("months are given by their first day")
    return [sum_pence(p for m, p in spent_by_month.items() if m <= month) for month in months]
