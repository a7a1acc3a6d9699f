"""Rate cards, fee calculation, fee choices and benefit/tax threshold warnings (DESIGN §4).

Pure functions over int pence, `Decimal` and `date`. Fees are rounded once, half up to the penny,
by `tracker.money.round_pence`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal, TypeVar, cast, get_args

from tracker.calendar.domain import long_date, tax_year
from tracker.money import format_money, round_pence, sum_pence

Basis = Literal["hour", "session", "day"]
Rounding = Literal["up", "nearest", "down"]
FeeChoice = Literal["accept", "decline", "reduce"]
Scope = Literal["project_contributor", "project", "contributor", "organisation"]
PeriodKind = Literal["week", "month", "tax_year"]

Choice = TypeVar("Choice", bound=str)


def one_of(value: str | None, choices: Mapping[Choice, str]) -> Choice | None:
    """`value` as one of the keys of `choices` (a closed set of words), or None when it is not."""
    for key in choices:
        if key == value:
            return key
    return None


# Highest precedence first.
SCOPE_PRECEDENCE: Final[tuple[Scope, ...]] = (
    "project_contributor",
    "project",
    "contributor",
    "organisation",
)


class FeeChoiceError(ValueError):
    """A fee choice that cannot be applied; the message is safe to show to the person."""


def _minutes_text(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _check_pence(name: str, value: object, *, optional: bool = True) -> None:
    if value is None and optional:
        return
    if isinstance(value, (float, bool)) or not isinstance(value, int):
        raise TypeError(f"{name} must be int pence, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")


def _check_minutes(minutes: object) -> int:
    if isinstance(minutes, (float, bool)) or not isinstance(minutes, int):
        raise TypeError(f"Minutes must be a whole number (int), not {type(minutes).__name__}")
    if minutes < 1:
        raise ValueError("Minutes must be at least 1")
    return minutes


@dataclass(frozen=True)
class RateLine:
    """One version of one rate card line; amounts are whole pence."""

    id: int
    activity_type_id: int
    project_id: int | None
    contributor_id: int | None
    basis: Basis
    effective_from: date
    amount_pence: int | None = None
    half_day_pence: int | None = None
    day_pence: int | None = None
    increment_minutes: int = 15
    rounding: Rounding = "up"
    minimum_minutes: int = 0
    half_day_max_minutes: int = 240

    def terms(self) -> dict[str, object]:
        """What an approved time entry keeps of this rate version (its snapshot): the terms
        that decided the fee, without the ids that say where the line applies."""
        terms = asdict(self)
        for where in ("id", "activity_type_id", "project_id", "contributor_id"):
            del terms[where]
        terms["effective_from"] = self.effective_from.isoformat()
        return terms

    def __post_init__(self) -> None:
        """Reject rate lines that could not give a fee, and float money."""
        for name in ("amount_pence", "half_day_pence", "day_pence"):
            _check_pence(name, getattr(self, name))
        if self.basis not in get_args(Basis):
            raise ValueError(f"Unknown rate basis {self.basis!r}")
        if self.rounding not in get_args(Rounding):
            raise ValueError(f"Unknown rounding direction {self.rounding!r}")
        if self.basis in ("hour", "session") and self.amount_pence is None:
            raise ValueError(f"A {self.basis} rate needs amount_pence")
        if self.basis == "day" and (self.half_day_pence is None or self.day_pence is None):
            raise ValueError("A day rate needs half_day_pence and day_pence")
        for name in ("increment_minutes", "minimum_minutes", "half_day_max_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError(f"{name} must be an int")
        if self.increment_minutes < 1:
            raise ValueError("increment_minutes must be at least 1")
        if self.minimum_minutes < 0:
            raise ValueError("minimum_minutes cannot be negative")
        if self.half_day_max_minutes < 1:
            raise ValueError("half_day_max_minutes must be at least 1")

    @property
    def scope(self) -> Scope:
        """Which of the four scopes this line belongs to."""
        if self.project_id is not None:
            return "project_contributor" if self.contributor_id is not None else "project"
        return "contributor" if self.contributor_id is not None else "organisation"


@dataclass(frozen=True)
class RateSelection:
    """The rate that applies to a piece of work, and a plain-English reason why."""

    rate: RateLine
    scope: Scope
    reason: str


@dataclass(frozen=True)
class FeeCalculation:
    """Billable minutes and the fee in pence (rounded once), with a plain explanation."""

    billable_minutes: int
    fee_pence: int
    explanation: str


def _applies_to(
    rate: RateLine, *, activity_type_id: int, project_id: int | None, contributor_id: int | None
) -> bool:
    if rate.activity_type_id != activity_type_id:
        return False
    if rate.project_id is not None and rate.project_id != project_id:
        return False
    return rate.contributor_id is None or rate.contributor_id == contributor_id


def _reason(scope: Scope, activity_name: str, effective_from: date) -> str:
    what = {
        "project_contributor": "Rate agreed for this contributor on this project",
        "project": "Project rate",
        "contributor": "Rate agreed for this contributor on all projects",
        "organisation": "Organisation default rate",
    }[scope]
    for_activity = f" for {activity_name}" if activity_name else ""
    return f"{what}{for_activity}, from {long_date(effective_from)}"


def select_rate(
    rates: Iterable[RateLine],
    *,
    activity_type_id: int,
    project_id: int | None,
    contributor_id: int | None,
    work_date: date,
    activity_name: str = "",
) -> RateSelection | None:
    """Pick the rate for work on work_date by scope precedence, then latest effective_from.

    Returns None when no rate applies. No money is calculated, so nothing is rounded.
    """
    best: dict[Scope, RateLine] = {}
    for rate in rates:
        if rate.effective_from > work_date or not _applies_to(
            rate,
            activity_type_id=activity_type_id,
            project_id=project_id,
            contributor_id=contributor_id,
        ):
            continue
        current = best.get(rate.scope)
        if current is None or (rate.effective_from, rate.id) > (current.effective_from, current.id):
            best[rate.scope] = rate
    for scope in SCOPE_PRECEDENCE:
        if scope in best:
            chosen = best[scope]
            return RateSelection(
                chosen, scope, _reason(scope, activity_name, chosen.effective_from)
            )
    return None


def _round_to_increment(minutes: int, increment: int, rounding: Rounding) -> int:
    whole, remainder = divmod(minutes, increment)
    if remainder == 0 or rounding == "down":
        return whole * increment
    if rounding == "up" or 2 * remainder >= increment:  # "nearest": a tie goes up
        return (whole + 1) * increment
    return whole * increment


def billable_minutes(rate: RateLine, minutes: int) -> int:
    """Hour basis: round minutes to the increment in the rate's direction, then raise to the
    minimum. Session and day rates bill the minutes worked. Only minutes are rounded, not money."""
    worked = _check_minutes(minutes)
    if rate.basis != "hour":
        return worked
    rounded = _round_to_increment(worked, rate.increment_minutes, rate.rounding)
    return max(rounded, rate.minimum_minutes)


def _hour_explanation(rate: RateLine, worked: int, billable: int) -> str:
    rounded = _round_to_increment(worked, rate.increment_minutes, rate.rounding)
    steps = _minutes_text(worked)
    if rounded != worked:
        direction = {"up": "rounded up to", "down": "rounded down to", "nearest": "rounded to"}
        steps += f" {direction[rate.rounding]} {rounded}"
    if billable != rounded:
        steps += f", raised to the minimum of {billable},"
    assert rate.amount_pence is not None
    return f"{steps} at {format_money(rate.amount_pence)} an hour"


def calculate_fee(rate: RateLine, minutes: int) -> FeeCalculation:
    """Fee for minutes of work at rate. Hour basis: pence * billable minutes / 60, rounded half up
    once; session and day amounts are whole pence already, so nothing is rounded."""
    worked = _check_minutes(minutes)
    billable = billable_minutes(rate, worked)
    if rate.basis == "hour":
        assert rate.amount_pence is not None
        fee = round_pence(Decimal(rate.amount_pence) * billable / 60)
        return FeeCalculation(billable, fee, _hour_explanation(rate, worked, billable))
    if rate.basis == "session":
        assert rate.amount_pence is not None
        fee_text = format_money(rate.amount_pence)
        return FeeCalculation(billable, rate.amount_pence, f"Session fee of {fee_text}")
    assert rate.half_day_pence is not None and rate.day_pence is not None
    limit = _minutes_text(rate.half_day_max_minutes)
    if worked <= rate.half_day_max_minutes:
        explanation = (
            f"{_minutes_text(worked)} is up to half a day ({limit}): "
            f"half-day fee of {format_money(rate.half_day_pence)}"
        )
        return FeeCalculation(billable, rate.half_day_pence, explanation)
    explanation = (
        f"{_minutes_text(worked)} is more than half a day ({limit}): "
        f"full-day fee of {format_money(rate.day_pence)}"
    )
    return FeeCalculation(billable, rate.day_pence, explanation)


def apply_fee_choice(
    calculated_pence: int, choice: FeeChoice, requested_pence: int | None = None
) -> int:
    """The fee to pay after the contributor's choice; whole pence in and out, nothing is rounded.

    requested_pence is only read for "reduce"; the caller keeps calculated_pence beside the result.
    """
    _check_pence("calculated_pence", calculated_pence, optional=False)
    if choice == "accept":
        return calculated_pence
    if choice == "decline":
        return 0
    if choice != "reduce":
        raise FeeChoiceError("Choose whether to accept, decline or reduce the fee")
    if calculated_pence == 0:
        raise FeeChoiceError("There is no fee to reduce: the full fee is £0.00")
    if requested_pence is None:
        raise FeeChoiceError("Enter the reduced fee you would like")
    if isinstance(requested_pence, (float, bool)) or not isinstance(requested_pence, int):
        raise TypeError("requested_pence must be int pence")
    if requested_pence < 0:
        raise FeeChoiceError("The reduced fee cannot be less than £0.00")
    if requested_pence >= calculated_pence:
        raise FeeChoiceError(
            f"The reduced fee must be less than the full fee of {format_money(calculated_pence)}"
        )
    return requested_pence


# The one fee pipeline (rules 1 to 5).


def no_rate_message(activity_name: str, work_date: date) -> str:
    return (
        f"There is no agreed rate for {activity_name or 'this work'} on {long_date(work_date)} "
        "yet, so this cannot be sent for approval. Your coordinator has been shown this and can "
        "ask finance to add a rate."
    )


UNPAID_EXPLANATION = "Unpaid work: no fee, and the time still counts"


@dataclass(frozen=True)
class Fee:
    """What a piece of work earns now: the rate and calculation used, the fee after the
    contributor's choice, or `message` saying why it cannot be worked out. Unpaid work has no
    rate and earns nothing."""

    selection: RateSelection | None
    calculation: FeeCalculation | None
    fee_pence: int | None
    message: str | None = None
    unpaid: bool = False


def fee_for(
    rates: Iterable[RateLine],
    *,
    activity_type_id: int,
    activity_name: str,
    paid: bool,
    project_id: int | None,
    contributor_id: int | None,
    work_date: date,
    minutes: int,
    fee_choice: str = "accept",
    requested_pence: int | None = None,
) -> Fee:
    """Select the rate, calculate the fee (rounded once, in calculate_fee) and apply the fee
    choice (no rounding). An unpaid activity needs no rate and earns 0 whatever the rate card
    says. Every fee in the app comes from here."""
    if not paid:
        _check_minutes(minutes)
        return Fee(None, FeeCalculation(minutes, 0, UNPAID_EXPLANATION), 0, unpaid=True)
    selection = select_rate(
        rates,
        activity_type_id=activity_type_id,
        project_id=project_id,
        contributor_id=contributor_id,
        work_date=work_date,
        activity_name=activity_name,
    )
    if selection is None:
        return Fee(None, None, None, no_rate_message(activity_name, work_date))
    calculation = calculate_fee(selection.rate, minutes)
    try:
        fee = apply_fee_choice(calculation.fee_pence, cast(FeeChoice, fee_choice), requested_pence)
    except FeeChoiceError as error:
        return Fee(selection, calculation, None, str(error))
    return Fee(selection, calculation, fee)


# Benefit and tax thresholds (rule 10).

_PERIOD_ORDER: Final[dict[PeriodKind, int]] = {"week": 0, "month": 1, "tax_year": 2}
_PERIOD_TEXT: Final[dict[PeriodKind, str]] = {
    "week": "this week",
    "month": "this month",
    "tax_year": "this tax year",
}


@dataclass(frozen=True)
class Threshold:
    """One version of a benefit or tax threshold: fees above amount_pence in a period."""

    id: int
    label: str
    period: PeriodKind
    amount_pence: int
    valid_from: date
    advice: str

    def __post_init__(self) -> None:
        """Reject float money and unknown periods."""
        _check_pence("amount_pence", self.amount_pence, optional=False)
        if self.period not in _PERIOD_ORDER:
            raise ValueError(f"Unknown threshold period {self.period!r}")


@dataclass(frozen=True)
class ThresholdWarning:
    """Fees in the threshold's period would be above it; totals are whole pence."""

    threshold: Threshold
    before_pence: int
    after_pence: int
    crossed_now: bool

    @property
    def message(self) -> str:
        """A calm, plain sentence for the contributor and coordinator."""
        period = _PERIOD_TEXT[self.threshold.period]
        limit = f"{format_money(self.threshold.amount_pence)} ({self.threshold.label})"
        if self.crossed_now:
            return (
                f"This would take fees {period} from {format_money(self.before_pence)} "
                f"to {format_money(self.after_pence)}, above {limit}."
            )
        return (
            f"Fees {period} are already {format_money(self.before_pence)}, above {limit}. "
            f"With this they would be {format_money(self.after_pence)}."
        )


def period_bounds(kind: PeriodKind, d: date) -> tuple[date, date]:
    """First and last day (inclusive) of the week (Monday to Sunday), calendar month or tax year
    containing d."""
    if kind == "week":
        monday = d - timedelta(days=d.weekday())
        return monday, monday + timedelta(days=6)
    if kind == "month":
        first = d.replace(day=1)
        next_first = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
        return first, next_first - timedelta(days=1)
    if kind == "tax_year":
        year = tax_year(d)
        return year.start, year.end
    raise ValueError(f"Unknown period {kind!r}")


def current_thresholds(thresholds: Iterable[Threshold], on: date) -> list[Threshold]:
    """For each label, the version with the latest valid_from on or before `on` (tie: highest id),
    ordered week, month, tax year, then label. No money is calculated."""
    latest: dict[str, Threshold] = {}
    for threshold in thresholds:
        if threshold.valid_from > on:
            continue
        current = latest.get(threshold.label)
        key = (threshold.valid_from, threshold.id)
        if current is None or key > (current.valid_from, current.id):
            latest[threshold.label] = threshold
    return sorted(latest.values(), key=lambda t: (_PERIOD_ORDER[t.period], t.label))


def threshold_warnings(
    thresholds: Iterable[Threshold],
    *,
    on: date,
    fees_in_period: Mapping[PeriodKind, int],
    adding_pence: int,
) -> list[ThresholdWarning]:
    """Warn for each current threshold that fees in its period plus adding_pence would go above.

    Totals are sums of whole pence (already rounded fee lines), so nothing is rounded here.
    """
    _check_pence("adding_pence", adding_pence, optional=False)
    warnings: list[ThresholdWarning] = []
    for threshold in current_thresholds(thresholds, on):
        if threshold.period not in fees_in_period:
            raise ValueError(f"fees_in_period has no total for {threshold.period!r}")
        before = fees_in_period[threshold.period]
        _check_pence(f"fees_in_period[{threshold.period!r}]", before, optional=False)
        after = sum_pence((before, adding_pence))
        if after > threshold.amount_pence:
            crossed_now = before <= threshold.amount_pence
            warnings.append(ThresholdWarning(threshold, before, after, crossed_now))
    return warnings
