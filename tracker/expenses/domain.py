"""Expense categories, caps and mileage (DESIGN §4 rules 6 and 7).

Pure functions over int pence, `Decimal` miles and `date`. A mileage claim is rounded once, half up
to the penny, by `tracker.money.round_pence`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final, Literal, get_args

from tracker.money import round_pence

Vehicle = Literal["car", "motorcycle", "bicycle"]
MileageKind = Literal["car", "motorcycle", "bicycle", "passenger"]

VEHICLE_LABELS: Final[Mapping[Vehicle, str]] = {
    "car": "Car or van",
    "motorcycle": "Motorcycle",
    "bicycle": "Bicycle",
}

EXPENSE_CATEGORIES: Final[Mapping[str, str]] = {
    "public_transport": "Public transport",
    "mileage": "Mileage",
    "taxi": "Taxi",
    "parking": "Parking",
    "subsistence": "Food and drink",
    "care": "Childcare or replacement care",
    "personal_assistant": "Personal assistant",
    "interpreter": "Interpreter",
    "phone_data": "Phone or data",
    "home_working": "Home working allowance",
    "accommodation": "Accommodation",
    "other": "Other",
}

_TENTH: Final = Decimal("0.1")


def _exact(name: str, value: object) -> Decimal:
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal or int, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be a finite number")
    return result


def _check_int(name: str, value: object) -> int:
    if isinstance(value, (float, bool)) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


@dataclass(frozen=True)
class MileageRate:
    """One dated version of a mileage rate in pence a mile (exact, may be fractional).

    With threshold_miles set, pence_after_threshold applies past that many miles in a tax year.
    """

    vehicle: MileageKind
    effective_from: date
    pence_per_mile: Decimal | int
    threshold_miles: int | None = None
    pence_after_threshold: Decimal | int | None = None

    def __post_init__(self) -> None:
        """Reject float money, negative rates and half-set thresholds."""
        if self.vehicle not in get_args(MileageKind):
            raise ValueError(f"Unknown mileage kind {self.vehicle!r}")
        if _exact("pence_per_mile", self.pence_per_mile) < 0:
            raise ValueError("pence_per_mile cannot be negative")
        if (self.threshold_miles is None) != (self.pence_after_threshold is None):
            raise ValueError("threshold_miles and pence_after_threshold go together")
        if self.threshold_miles is not None:
            if _check_int("threshold_miles", self.threshold_miles) < 0:
                raise ValueError("threshold_miles cannot be negative")
            if _exact("pence_after_threshold", self.pence_after_threshold) < 0:
                raise ValueError("pence_after_threshold cannot be negative")


@dataclass(frozen=True)
class MileagePart:
    """Miles at one rate, times passengers for a passenger part; unrounded."""

    miles: Decimal
    pence_per_mile: Decimal
    label: str
    passengers: int = 0

    @property
    def pence(self) -> Decimal:
        """The exact, unrounded amount of this part in pence."""
        return self.miles * self.pence_per_mile * max(self.passengers, 1)


@dataclass(frozen=True)
class MileageCalculation:
    """The parts of a mileage claim and its amount, rounded once for the whole claim."""

    parts: tuple[MileagePart, ...]
    amount_pence: int


def shipped_mileage_rates(effective_from: date) -> list[MileageRate]:
    """Seed values for the editable mileage table (45p then 25p after 10,000 miles, 24p, 20p, 5p
    a passenger); whole pence, nothing is rounded."""
    return [
        MileageRate("car", effective_from, 45, threshold_miles=10_000, pence_after_threshold=25),
        MileageRate("motorcycle", effective_from, 24),
        MileageRate("bicycle", effective_from, 20),
        MileageRate("passenger", effective_from, 5),
    ]


def _miles_text(miles: Decimal) -> str:
    text = f"{miles.normalize():,f}" if miles != miles.to_integral_value() else f"{int(miles):,}"
    return f"{text} mile" if miles == 1 else f"{text} miles"


def _pence_text(pence: Decimal) -> str:
    return f"{pence.normalize():f}p"


def _rate_on(rates: Iterable[MileageRate], kind: MileageKind, claim_date: date) -> MileageRate:
    candidates = [r for r in rates if r.vehicle == kind and r.effective_from <= claim_date]
    if not candidates:
        what = "passengers" if kind == "passenger" else VEHICLE_LABELS[kind].lower()
        raise ValueError(
            f"There is no mileage rate for {what} on this date. Ask finance to add one."
        )
    latest = max(r.effective_from for r in candidates)
    if sum(1 for r in candidates if r.effective_from == latest) > 1:
        raise ValueError(f"There are two mileage rates for {kind} from the same date")
    return next(r for r in candidates if r.effective_from == latest)


def calculate_mileage(
    *,
    rates: Iterable[MileageRate],
    vehicle: Vehicle,
    miles: Decimal,
    passengers: int,
    claim_date: date,
    earlier_miles: Decimal,
) -> MileageCalculation:
    """Split a claim at the vehicle's yearly threshold, add passengers, and round the sum of the
    unrounded parts once, half up to the penny.

    earlier_miles is the contributor's approved miles in this vehicle earlier in the same tax year.
    """
    miles = _exact("miles", miles)
    earlier = _exact("earlier_miles", earlier_miles)
    passengers = _check_int("passengers", passengers)
    if vehicle not in VEHICLE_LABELS:
        raise ValueError(f"Unknown vehicle {vehicle!r}")
    if miles <= 0:
        raise ValueError("Enter the miles travelled, more than 0")
    if miles != miles.quantize(_TENTH):
        raise ValueError("Enter miles to one decimal place, like 12.5")
    if earlier < 0:
        raise ValueError("earlier_miles cannot be negative")
    if passengers < 0:
        raise ValueError("Passengers cannot be fewer than 0")
    if passengers and vehicle != "car":
        raise ValueError("Passengers can only be claimed for a car or van")

    rate_list = list(rates)
    rate = _rate_on(rate_list, vehicle, claim_date)
    first_pence = _exact("pence_per_mile", rate.pence_per_mile)
    if rate.threshold_miles is None or rate.pence_after_threshold is None:
        at_first, after = miles, Decimal(0)
        after_pence = first_pence
    else:
        room = max(Decimal(rate.threshold_miles) - earlier, Decimal(0))
        at_first = min(miles, room)
        after = miles - at_first
        after_pence = _exact("pence_after_threshold", rate.pence_after_threshold)

    parts: list[MileagePart] = []
    for part_miles, pence in ((at_first, first_pence), (after, after_pence)):
        if part_miles > 0:
            label = f"{_miles_text(part_miles)} at {_pence_text(pence)}"
            parts.append(MileagePart(part_miles, pence, label))
    if passengers:
        passenger_pence = _exact(
            "pence_per_mile", _rate_on(rate_list, "passenger", claim_date).pence_per_mile
        )
        who = "1 passenger" if passengers == 1 else f"{passengers} passengers"
        label = f"{who} \u00d7 {_miles_text(miles)} at {_pence_text(passenger_pence)}"
        parts.append(MileagePart(miles, passenger_pence, label, passengers))
    return MileageCalculation(tuple(parts), round_pence(sum((p.pence for p in parts), Decimal(0))))


def is_over_cap(amount_pence: int, cap_pence: int | None) -> bool:
    """True when a claim is above its category's per-claim cap (no cap: never); whole pence, no
    rounding."""
    amount = _check_int("amount_pence", amount_pence)
    if cap_pence is None:
        return False
    return amount > _check_int("cap_pence", cap_pence)
