from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.expenses.domain import (
    EXPENSE_CATEGORIES,
    VEHICLE_LABELS,
    MileageCalculation,
    MileagePart,
    MileageRate,
    Vehicle,
    calculate_mileage,
    is_over_cap,
    shipped_mileage_rates,
)
from tracker.money import round_pence

TAX_YEAR_2025 = date(2025, 4, 6)
RATES = shipped_mileage_rates(TAX_YEAR_2025)
CLAIM_DAY = date(2025, 10, 1)


def mileage(
    miles: str,
    *,
    earlier: str = "0",
    passengers: int = 0,
    vehicle: Vehicle = "car",
    rates: list[MileageRate] = RATES,
    claim_date: date = CLAIM_DAY,
) -> MileageCalculation:
    return calculate_mileage(
        rates=rates,
        vehicle=vehicle,
        miles=Decimal(miles),
        passengers=passengers,
        claim_date=claim_date,
        earlier_miles=Decimal(earlier),
    )


def test_shipped_rates_are_the_design_defaults() -> None:
    assert shipped_mileage_rates(date(2026, 4, 6)) == [
        MileageRate("car", date(2026, 4, 6), 45, threshold_miles=10_000, pence_after_threshold=25),
        MileageRate("motorcycle", date(2026, 4, 6), 24),
        MileageRate("bicycle", date(2026, 4, 6), 20),
        MileageRate("passenger", date(2026, 4, 6), 5),
    ]


def test_design_worked_example_car_crossing_10000_with_two_passengers() -> None:
    result = mileage("30", earlier="9990", passengers=2)
    assert result == MileageCalculation(
        parts=(
            MileagePart(Decimal(10), Decimal(45), "10 miles at 45p"),
            MileagePart(Decimal(20), Decimal(25), "20 miles at 25p"),
            MileagePart(Decimal(30), Decimal(5), "2 passengers \u00d7 30 miles at 5p", 2),
        ),
        amount_pence=1250,
    )


@pytest.mark.parametrize(
    ("miles", "earlier", "labels", "amount"),
    [
        ("30", "0", ["30 miles at 45p"], 1350),
        ("30", "9970", ["30 miles at 45p"], 1350),  # exactly reaching 10,000
        ("30", "9970.1", ["29.9 miles at 45p", "0.1 miles at 25p"], 1348),  # 1345.5 + 2.5
        ("10", "9995.5", ["4.5 miles at 45p", "5.5 miles at 25p"], 340),  # 202.5 + 137.5
        ("30", "10000", ["30 miles at 25p"], 750),  # already there
        ("30", "12345.6", ["30 miles at 25p"], 750),  # already past
        ("20000", "0", ["10,000 miles at 45p", "10,000 miles at 25p"], 700_000),
        ("1", "0", ["1 mile at 45p"], 45),
        ("12.5", "0", ["12.5 miles at 45p"], 563),  # 562.5p rounds up
        ("0.1", "0", ["0.1 miles at 45p"], 5),  # 4.5p rounds up
    ],
)
def test_car_mileage_is_split_at_10000_miles_in_the_tax_year(
    miles: str, earlier: str, labels: list[str], amount: int
) -> None:
    result = mileage(miles, earlier=earlier)
    assert [part.label for part in result.parts] == labels
    assert result.amount_pence == amount


@pytest.mark.parametrize(
    ("miles", "earlier", "passengers", "amount"),
    [
        ("0.2", "9999.9", 0, 7),  # 4.5p + 2.5p = 7p; rounding each part would give 8p
        ("0.1", "0", 1, 5),  # 4.5p + 0.5p = 5p; rounding each part would give 6p
        ("0.3", "0", 1, 15),  # 13.5p + 1.5p
    ],
)
def test_a_mileage_claim_is_rounded_once_not_per_part(
    miles: str, earlier: str, passengers: int, amount: int
) -> None:
    result = mileage(miles, earlier=earlier, passengers=passengers)
    assert result.amount_pence == amount
    assert sum(round_pence(part.pence) for part in result.parts) != amount


@pytest.mark.parametrize(
    ("vehicle", "miles", "label", "amount"),
    [
        ("motorcycle", "10", "10 miles at 24p", 240),
        ("bicycle", "3.3", "3.3 miles at 20p", 66),
        ("motorcycle", "20000", "20,000 miles at 24p", 480_000),  # no yearly threshold
    ],
)
def test_motorcycle_and_bicycle_have_one_rate_all_year(
    vehicle: Vehicle, miles: str, label: str, amount: int
) -> None:
    result = mileage(miles, vehicle=vehicle, earlier="15000")
    assert [part.label for part in result.parts] == [label]
    assert result.amount_pence == amount


@pytest.mark.parametrize(
    ("passengers", "label", "amount"),
    [
        (1, "1 passenger \u00d7 30 miles at 5p", 1350 + 150),
        (3, "3 passengers \u00d7 30 miles at 5p", 1350 + 450),
    ],
)
def test_passengers_are_paid_per_passenger_per_mile(
    passengers: int, label: str, amount: int
) -> None:
    result = mileage("30", passengers=passengers)
    assert result.parts[-1].label == label
    assert result.amount_pence == amount


@pytest.mark.parametrize("vehicle", ["motorcycle", "bicycle"])
def test_passengers_can_only_be_claimed_in_a_car(vehicle: Vehicle) -> None:
    with pytest.raises(ValueError, match="car or van"):
        mileage("10", vehicle=vehicle, passengers=1)


def test_new_mileage_rates_apply_from_their_date() -> None:
    rates = [*RATES, MileageRate("car", date(2026, 4, 6), 50, 10_000, 30)]
    assert mileage("10", rates=rates, claim_date=date(2026, 4, 5)).amount_pence == 450
    assert mileage("10", rates=rates, claim_date=date(2026, 4, 6)).amount_pence == 500
    assert mileage(
        "10", earlier="10000", rates=rates, claim_date=date(2026, 4, 6)
    ).amount_pence == (300)


def test_fractional_pence_rates_are_exact() -> None:
    rates = [MileageRate("bicycle", TAX_YEAR_2025, Decimal("20.5"))]
    result = mileage("3", vehicle="bicycle", rates=rates)
    assert result.parts[0].label == "3 miles at 20.5p"
    assert result.amount_pence == 62  # 61.5p rounds up


@pytest.mark.parametrize(
    ("rates", "vehicle", "passengers", "message"),
    [
        ([], "car", 0, "There is no mileage rate for car or van on this date"),
        (RATES[1:], "car", 0, "There is no mileage rate for car or van on this date"),
        (RATES[:3], "car", 1, "There is no mileage rate for passengers on this date"),
        (
            shipped_mileage_rates(date(2025, 10, 2)),
            "bicycle",
            0,
            "There is no mileage rate for bicycle on this date",
        ),
    ],
)
def test_a_missing_mileage_rate_is_explained(
    rates: list[MileageRate], vehicle: Vehicle, passengers: int, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        mileage("10", rates=rates, vehicle=vehicle, passengers=passengers)


def test_two_rates_from_the_same_date_are_refused_rather_than_guessed() -> None:
    rates = [*RATES, MileageRate("car", TAX_YEAR_2025, 40)]
    with pytest.raises(ValueError, match="same date"):
        mileage("10", rates=rates)


@pytest.mark.parametrize(
    ("miles", "message"),
    [
        ("0", "more than 0"),
        ("-5", "more than 0"),
        ("12.25", "one decimal place"),
        ("0.05", "one decimal place"),
        ("NaN", "finite"),
    ],
)
def test_miles_must_be_positive_with_at_most_one_decimal_place(miles: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mileage(miles)


def test_miles_written_with_trailing_zeros_are_accepted() -> None:
    assert mileage("12.50").amount_pence == mileage("12.5").amount_pence == 563


@pytest.mark.parametrize(
    "kwargs",
    [{"passengers": -1}, {"earlier_miles": Decimal(-1)}, {"vehicle": "van"}],
)
def test_impossible_mileage_claims_are_refused(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "rates": RATES,
        "vehicle": "car",
        "miles": Decimal(10),
        "passengers": 0,
        "claim_date": CLAIM_DAY,
        "earlier_miles": Decimal(0),
    }
    with pytest.raises(ValueError):
        calculate_mileage(**{**arguments, **kwargs})  # type: ignore[arg-type]


@given(st.floats(allow_nan=False) | st.booleans())
def test_floats_raise_type_error_in_every_expense_function(value: float) -> None:
    for call in (
        lambda: calculate_mileage(
            rates=RATES,
            vehicle="car",
            miles=value,  # type: ignore[arg-type]
            passengers=0,
            claim_date=CLAIM_DAY,
            earlier_miles=Decimal(0),
        ),
        lambda: calculate_mileage(
            rates=RATES,
            vehicle="car",
            miles=Decimal(10),
            passengers=0,
            claim_date=CLAIM_DAY,
            earlier_miles=value,  # type: ignore[arg-type]
        ),
        lambda: calculate_mileage(
            rates=RATES,
            vehicle="car",
            miles=Decimal(10),
            passengers=value,  # type: ignore[arg-type]
            claim_date=CLAIM_DAY,
            earlier_miles=Decimal(0),
        ),
        lambda: MileageRate("car", TAX_YEAR_2025, value),  # type: ignore[arg-type]
        lambda: MileageRate("car", TAX_YEAR_2025, 45, 10_000, value),  # type: ignore[arg-type]
        lambda: is_over_cap(value, 1000),  # type: ignore[arg-type]
        lambda: is_over_cap(1000, value),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError):
            call()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"pence_per_mile": -1},
        {"threshold_miles": 10_000},
        {"pence_after_threshold": 25},
        {"vehicle": "van"},
    ],
)
def test_mileage_rates_that_make_no_sense_are_refused(kwargs: dict[str, object]) -> None:
    arguments: dict[str, object] = {
        "vehicle": "car",
        "effective_from": TAX_YEAR_2025,
        "pence_per_mile": 45,
    }
    with pytest.raises(ValueError):
        MileageRate(**{**arguments, **kwargs})  # type: ignore[arg-type]


tenths = st.integers(min_value=1, max_value=300_000).map(lambda n: Decimal(n) / 10)


@given(
    miles=tenths, earlier=st.integers(min_value=0, max_value=300_000), passengers=st.integers(0, 6)
)
def test_every_mile_is_paid_once_and_the_amount_is_the_rounded_sum_of_parts(
    miles: Decimal, earlier: int, passengers: int
) -> None:
    result = mileage(str(miles), earlier=str(Decimal(earlier) / 10), passengers=passengers)
    vehicle_parts = [part for part in result.parts if part.passengers == 0]
    assert sum(part.miles for part in vehicle_parts) == miles
    assert result.amount_pence == round_pence(sum(part.pence for part in result.parts))


@given(first=tenths, second=tenths, earlier=st.integers(min_value=0, max_value=200_000))
def test_splitting_a_journey_into_two_claims_pays_the_same_within_a_penny(
    first: Decimal, second: Decimal, earlier: int
) -> None:
    before = Decimal(earlier) / 10
    whole = mileage(str(first + second), earlier=str(before))
    part_one = mileage(str(first), earlier=str(before))
    part_two = mileage(str(second), earlier=str(before + first))
    assert abs(part_one.amount_pence + part_two.amount_pence - whole.amount_pence) <= 1


@given(miles=tenths, earlier=st.integers(0, 200_000), more=st.integers(0, 200_000))
def test_more_earlier_miles_never_raise_the_amount(miles: Decimal, earlier: int, more: int) -> None:
    less_before = mileage(str(miles), earlier=str(earlier))
    more_before = mileage(str(miles), earlier=str(earlier + more))
    assert more_before.amount_pence <= less_before.amount_pence


def test_expense_categories_are_listed_in_order_with_plain_labels() -> None:
    assert list(EXPENSE_CATEGORIES.items()) == [
        ("public_transport", "Public transport"),
        ("mileage", "Mileage"),
        ("taxi", "Taxi"),
        ("parking", "Parking"),
        ("subsistence", "Food and drink"),
        ("care", "Childcare or replacement care"),
        ("personal_assistant", "Personal assistant"),
        ("interpreter", "Interpreter"),
        ("phone_data", "Phone or data"),
        ("home_working", "Home working allowance"),
        ("accommodation", "Accommodation"),
        ("other", "Other"),
    ]


def test_vehicles_have_plain_labels() -> None:
    assert dict(VEHICLE_LABELS) == {
        "car": "Car or van",
        "motorcycle": "Motorcycle",
        "bicycle": "Bicycle",
    }


@pytest.mark.parametrize(
    ("amount", "cap", "over"),
    [
        (2000, None, False),
        (2000, 2000, False),  # at the cap is allowed
        (2001, 2000, True),
        (1999, 2000, False),
        (1, 0, True),
        (0, 0, False),
    ],
)
def test_claims_above_their_category_cap_are_flagged(
    amount: int, cap: int | None, over: bool
) -> None:
    assert is_over_cap(amount, cap) is over
