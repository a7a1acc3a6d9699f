from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.money import round_pence
from tracker.rates.domain import (
    Fee,
    FeeCalculation,
    FeeChoiceError,
    PeriodKind,
    RateLine,
    Rounding,
    Threshold,
    apply_fee_choice,
    billable_minutes,
    calculate_fee,
    current_thresholds,
    fee_for,
    period_bounds,
    select_rate,
    threshold_warnings,
)

MEETING = 1
PANEL = 2
PROJECT = 10
OTHER_PROJECT = 11
ALICE = 100
BOB = 101
APRIL_2026 = date(2026, 4, 1)


def hour_rate(
    pence: int,
    *,
    increment: int = 15,
    rounding: Rounding = "up",
    minimum: int = 0,
) -> RateLine:
    return RateLine(
        id=1,
        activity_type_id=MEETING,
        project_id=None,
        contributor_id=None,
        basis="hour",
        effective_from=APRIL_2026,
        amount_pence=pence,
        increment_minutes=increment,
        rounding=rounding,
        minimum_minutes=minimum,
    )


def day_rate(half: int = 5000, full: int = 10000, threshold: int = 240) -> RateLine:
    return RateLine(
        id=2,
        activity_type_id=MEETING,
        project_id=None,
        contributor_id=None,
        basis="day",
        effective_from=APRIL_2026,
        half_day_pence=half,
        day_pence=full,
        half_day_max_minutes=threshold,
    )


def scoped(
    id: int,
    *,
    project_id: int | None = None,
    contributor_id: int | None = None,
    effective_from: date = APRIL_2026,
    activity_type_id: int = MEETING,
) -> RateLine:
    return RateLine(
        id=id,
        activity_type_id=activity_type_id,
        project_id=project_id,
        contributor_id=contributor_id,
        basis="hour",
        effective_from=effective_from,
        amount_pence=1000 + id,
    )


# Worked examples of DESIGN §4.


@pytest.mark.parametrize(
    ("rate", "minutes", "billable", "fee", "explanation"),
    [
        (
            hour_rate(1380, increment=15, rounding="up"),
            50,
            60,
            1380,
            "50 minutes rounded up to 60 at £13.80 an hour",
        ),
        (
            hour_rate(2750, increment=15, rounding="nearest"),
            52,
            45,
            2063,  # £20.625 rounds half up
            "52 minutes rounded to 45 at £27.50 an hour",
        ),
        (
            hour_rate(1271, increment=30, rounding="down", minimum=60),
            20,
            60,
            1271,
            "20 minutes rounded down to 0, raised to the minimum of 60, at £12.71 an hour",
        ),
    ],
)
def test_design_worked_examples_for_hour_basis(
    rate: RateLine, minutes: int, billable: int, fee: int, explanation: str
) -> None:
    assert calculate_fee(rate, minutes) == FeeCalculation(billable, fee, explanation)


@pytest.mark.parametrize(
    ("minutes", "fee", "explanation"),
    [
        (180, 5000, "180 minutes is up to half a day (240 minutes): half-day fee of £50.00"),
        (300, 10000, "300 minutes is more than half a day (240 minutes): full-day fee of £100.00"),
    ],
)
def test_design_worked_examples_for_day_basis(minutes: int, fee: int, explanation: str) -> None:
    assert calculate_fee(day_rate(), minutes) == FeeCalculation(minutes, fee, explanation)


def test_design_worked_example_reduce_keeps_the_calculated_fee_beside_it() -> None:
    calculated = calculate_fee(hour_rate(1650), 150).fee_pence
    assert calculated == 4125
    assert apply_fee_choice(calculated, "reduce", 2000) == 2000
    assert calculated == 4125


# Hour basis: increments, directions, minimum.


@pytest.mark.parametrize(
    ("rounding", "minutes", "billable"),
    [
        ("up", 14, 15),
        ("up", 15, 15),
        ("up", 16, 30),
        ("nearest", 14, 15),
        ("nearest", 15, 15),
        ("nearest", 16, 15),
        ("down", 14, 0),
        ("down", 15, 15),
        ("down", 16, 15),
        ("up", 1, 15),
        ("nearest", 7, 0),
        ("nearest", 8, 15),
        ("down", 29, 15),
    ],
)
def test_minutes_round_to_the_increment_in_the_rates_direction(
    rounding: Rounding, minutes: int, billable: int
) -> None:
    assert billable_minutes(hour_rate(1200, increment=15, rounding=rounding), minutes) == billable


@pytest.mark.parametrize(("minutes", "billable"), [(14, 10), (15, 20), (16, 20), (25, 30)])
def test_nearest_rounding_sends_a_tie_up(minutes: int, billable: int) -> None:
    assert billable_minutes(hour_rate(1200, increment=10, rounding="nearest"), minutes) == billable


@pytest.mark.parametrize(
    ("rounding", "minutes", "billable"),
    [
        ("up", 20, 60),
        ("up", 59, 60),
        ("up", 60, 60),
        ("up", 61, 75),
        ("down", 74, 60),
        ("down", 80, 75),
        ("nearest", 1, 60),
    ],
)
def test_short_work_is_raised_to_the_minimum_minutes(
    rounding: Rounding, minutes: int, billable: int
) -> None:
    rate = hour_rate(1200, increment=15, rounding=rounding, minimum=60)
    assert billable_minutes(rate, minutes) == billable


def test_increment_of_one_minute_bills_the_minutes_worked() -> None:
    assert calculate_fee(hour_rate(1200, increment=1), 37) == FeeCalculation(
        37, 740, "37 minutes at £12.00 an hour"
    )


def test_minimum_without_rounding_is_explained() -> None:
    rate = hour_rate(1200, increment=5, minimum=60)
    assert calculate_fee(rate, 20).explanation == (
        "20 minutes, raised to the minimum of 60, at £12.00 an hour"
    )


def test_rounding_down_below_one_increment_earns_nothing_without_a_minimum() -> None:
    assert calculate_fee(hour_rate(1200, rounding="down"), 10) == FeeCalculation(
        0, 0, "10 minutes rounded down to 0 at £12.00 an hour"
    )


@pytest.mark.parametrize(
    ("pence", "increment", "minutes", "fee"),
    [
        (1, 1, 30, 1),  # 0.5p rounds up to 1p
        (1, 1, 29, 0),  # 0.483p rounds down
        (1, 15, 15, 0),  # 0.25p
        (3, 10, 10, 1),  # 0.5p
        (1381, 1, 1, 23),  # 23.0166p
        (1383, 1, 1, 23),  # 23.05p
        (1386, 1, 1, 23),  # 23.1p
        (1389, 1, 1, 23),  # 23.15p
        (1390, 1, 1, 23),  # 23.1666p
        (1410, 1, 1, 24),  # 23.5p rounds up
        (999, 15, 45, 749),  # 749.25p
        (1001, 15, 90, 1502),  # 1501.5p rounds up
        (2750, 15, 45, 2063),  # 2062.5p rounds up
    ],
)
def test_hour_fees_round_half_up_to_the_penny_once(
    pence: int, increment: int, minutes: int, fee: int
) -> None:
    assert calculate_fee(hour_rate(pence, increment=increment), minutes).fee_pence == fee


@given(
    pence=st.integers(min_value=0, max_value=100_000),
    increment=st.integers(min_value=1, max_value=120),
    rounding=st.sampled_from(["up", "nearest", "down"]),
    minimum=st.integers(min_value=0, max_value=480),
    minutes=st.integers(min_value=1, max_value=24 * 60),
    extra=st.integers(min_value=0, max_value=600),
)
def test_fee_never_decreases_as_minutes_grow(
    pence: int, increment: int, rounding: Rounding, minimum: int, minutes: int, extra: int
) -> None:
    rate = hour_rate(pence, increment=increment, rounding=rounding, minimum=minimum)
    shorter = calculate_fee(rate, minutes)
    longer = calculate_fee(rate, minutes + extra)
    assert longer.billable_minutes >= shorter.billable_minutes
    assert longer.fee_pence >= shorter.fee_pence


@given(
    pence=st.integers(min_value=0, max_value=100_000),
    increment=st.integers(min_value=1, max_value=120),
    rounding=st.sampled_from(["up", "nearest", "down"]),
    minutes=st.integers(min_value=1, max_value=24 * 60),
)
def test_billable_minutes_are_a_whole_number_of_increments_within_one_increment(
    pence: int, increment: int, rounding: Rounding, minutes: int
) -> None:
    billable = billable_minutes(hour_rate(pence, increment=increment, rounding=rounding), minutes)
    assert billable % increment == 0
    assert abs(billable - minutes) < increment
    fee = calculate_fee(hour_rate(pence, increment=increment, rounding=rounding), minutes)
    assert abs(Decimal(fee.fee_pence) - Decimal(pence) * billable / 60) <= Decimal("0.5")


@given(st.lists(st.tuples(st.integers(1, 5000), st.integers(1, 600)), max_size=20))
def test_a_total_of_entries_is_the_sum_of_rounded_lines(lines: list[tuple[int, int]]) -> None:
    fees = [calculate_fee(hour_rate(pence, increment=1), m).fee_pence for pence, m in lines]
    assert fees == [round_pence(Decimal(pence) * m / 60) for pence, m in lines]
    total = sum(fees)
    unrounded = sum((Decimal(pence) * m / 60 for pence, m in lines), Decimal(0))
    assert abs(total - unrounded) <= Decimal("0.5") * len(lines)


# Session and day basis.


@pytest.mark.parametrize("minutes", [1, 30, 90, 600])
def test_session_fee_is_the_same_whatever_the_duration(minutes: int) -> None:
    rate = RateLine(
        id=3,
        activity_type_id=PANEL,
        project_id=None,
        contributor_id=None,
        basis="session",
        effective_from=APRIL_2026,
        amount_pence=4000,
        increment_minutes=60,
        minimum_minutes=120,
    )
    assert calculate_fee(rate, minutes) == FeeCalculation(minutes, 4000, "Session fee of £40.00")


@pytest.mark.parametrize(
    ("threshold", "minutes", "fee"),
    [
        (240, 1, 5000),
        (240, 239, 5000),
        (240, 240, 5000),
        (240, 241, 10000),
        (240, 480, 10000),
        (180, 180, 5000),
        (180, 181, 10000),
    ],
)
def test_half_day_up_to_the_threshold_and_full_day_past_it(
    threshold: int, minutes: int, fee: int
) -> None:
    assert calculate_fee(day_rate(threshold=threshold), minutes).fee_pence == fee


# Validation.


@pytest.mark.parametrize("minutes", [0, -15])
def test_minutes_must_be_at_least_one(minutes: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        calculate_fee(hour_rate(1200), minutes)
    with pytest.raises(ValueError, match="at least 1"):
        billable_minutes(hour_rate(1200), minutes)


@pytest.mark.parametrize("minutes", [50.0, True, Decimal(50), "50"])
def test_minutes_that_are_not_int_raise_type_error(minutes: object) -> None:
    with pytest.raises(TypeError):
        calculate_fee(hour_rate(1200), minutes)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        billable_minutes(hour_rate(1200), minutes)  # type: ignore[arg-type]


@pytest.mark.parametrize("field", ["amount_pence", "half_day_pence", "day_pence"])
@pytest.mark.parametrize("value", [13.8, True, Decimal("13.80")])
def test_rate_lines_refuse_float_or_non_int_money(field: str, value: object) -> None:
    kwargs: dict[str, object] = {"amount_pence": 1000, "half_day_pence": 500, "day_pence": 900}
    kwargs[field] = value
    with pytest.raises(TypeError):
        RateLine(1, MEETING, None, None, "day", APRIL_2026, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"basis": "hour"},
        {"basis": "session"},
        {"basis": "day", "half_day_pence": 5000},
        {"basis": "day", "day_pence": 5000},
        {"basis": "hour", "amount_pence": -1},
        {"basis": "hour", "amount_pence": 1000, "increment_minutes": 0},
        {"basis": "hour", "amount_pence": 1000, "minimum_minutes": -1},
        {"basis": "day", "half_day_pence": 1, "day_pence": 2, "half_day_max_minutes": 0},
        {"basis": "week", "amount_pence": 1000},
        {"basis": "hour", "amount_pence": 1000, "rounding": "sideways"},
    ],
)
def test_rate_lines_that_cannot_give_a_fee_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RateLine(1, MEETING, None, None, effective_from=APRIL_2026, **kwargs)  # type: ignore[arg-type]


# Rate selection.

ALL_SCOPES = [
    scoped(1),
    scoped(2, contributor_id=ALICE),
    scoped(3, project_id=PROJECT),
    scoped(4, project_id=PROJECT, contributor_id=ALICE),
]


@pytest.mark.parametrize(
    ("rates", "winner", "scope", "reason"),
    [
        (
            ALL_SCOPES,
            4,
            "project_contributor",
            "Rate agreed for this contributor on this project for Meeting, from 1 April 2026",
        ),
        (ALL_SCOPES[:3], 3, "project", "Project rate for Meeting, from 1 April 2026"),
        (
            ALL_SCOPES[:2],
            2,
            "contributor",
            "Rate agreed for this contributor on all projects for Meeting, from 1 April 2026",
        ),
        (
            ALL_SCOPES[:1],
            1,
            "organisation",
            "Organisation default rate for Meeting, from 1 April 2026",
        ),
    ],
)
def test_the_most_specific_scope_wins(
    rates: list[RateLine], winner: int, scope: str, reason: str
) -> None:
    selection = select_rate(
        rates,
        activity_type_id=MEETING,
        project_id=PROJECT,
        contributor_id=ALICE,
        work_date=date(2026, 5, 1),
        activity_name="Meeting",
    )
    assert selection is not None
    assert (selection.rate.id, selection.scope, selection.reason) == (winner, scope, reason)


def test_a_project_rate_beats_a_newer_organisation_default() -> None:
    rates = [
        scoped(1, project_id=PROJECT, effective_from=date(2024, 1, 1)),
        scoped(2, effective_from=date(2026, 4, 1)),
    ]
    selection = select_rate(
        rates,
        activity_type_id=MEETING,
        project_id=PROJECT,
        contributor_id=BOB,
        work_date=APRIL_2026,
    )
    assert selection is not None
    assert selection.rate.id == 1
    assert selection.reason == "Project rate, from 1 January 2024"


def test_rates_for_other_projects_contributors_and_activities_are_ignored() -> None:
    rates = [
        scoped(1),
        scoped(2, project_id=OTHER_PROJECT),
        scoped(3, project_id=PROJECT, contributor_id=BOB),
        scoped(4, contributor_id=BOB),
        scoped(5, project_id=PROJECT, activity_type_id=PANEL),
    ]
    selection = select_rate(
        rates,
        activity_type_id=MEETING,
        project_id=PROJECT,
        contributor_id=ALICE,
        work_date=APRIL_2026,
    )
    assert selection is not None
    assert selection.rate.id == 1


def test_work_without_a_project_uses_contributor_or_organisation_rates() -> None:
    selection = select_rate(
        ALL_SCOPES,
        activity_type_id=MEETING,
        project_id=None,
        contributor_id=ALICE,
        work_date=APRIL_2026,
    )
    assert selection is not None
    assert selection.rate.id == 2


@pytest.mark.parametrize(
    ("work_date", "winner"),
    [
        (date(2026, 3, 31), 1),
        (date(2026, 4, 1), 2),  # the new version applies on its effective date itself
        (date(2026, 4, 2), 2),
        (date(2027, 4, 1), 3),
    ],
)
def test_latest_version_on_or_before_the_work_date_applies(work_date: date, winner: int) -> None:
    rates = [
        scoped(3, project_id=PROJECT, effective_from=date(2027, 4, 1)),
        scoped(1, project_id=PROJECT, effective_from=date(2025, 4, 1)),
        scoped(2, project_id=PROJECT, effective_from=date(2026, 4, 1)),
    ]
    selection = select_rate(
        rates,
        activity_type_id=MEETING,
        project_id=PROJECT,
        contributor_id=ALICE,
        work_date=work_date,
    )
    assert selection is not None
    assert selection.rate.id == winner


def test_two_versions_from_the_same_date_pick_the_highest_id() -> None:
    rates = [scoped(7), scoped(9), scoped(8)]
    selection = select_rate(
        rates,
        activity_type_id=MEETING,
        project_id=PROJECT,
        contributor_id=ALICE,
        work_date=APRIL_2026,
    )
    assert selection is not None
    assert selection.rate.id == 9


@pytest.mark.parametrize(
    "rates",
    [
        [],
        [scoped(1, activity_type_id=PANEL)],
        [scoped(1, effective_from=date(2026, 4, 2))],
        [scoped(1, project_id=OTHER_PROJECT)],
    ],
)
def test_no_applicable_rate_gives_none(rates: list[RateLine]) -> None:
    assert (
        select_rate(
            rates,
            activity_type_id=MEETING,
            project_id=PROJECT,
            contributor_id=ALICE,
            work_date=APRIL_2026,
        )
        is None
    )


# Fee choice.


def test_accepted_fee_is_the_calculated_fee() -> None:
    assert apply_fee_choice(4125, "accept") == 4125


def test_declined_fee_is_zero_but_calculated_is_kept() -> None:
    calculation = calculate_fee(hour_rate(1650), 150)
    assert apply_fee_choice(calculation.fee_pence, "decline") == 0
    assert calculation.fee_pence == 4125
    assert calculation.billable_minutes == 150


@pytest.mark.parametrize("requested", [0, 1, 4124])
def test_reduced_fee_below_the_full_fee_is_paid(requested: int) -> None:
    assert apply_fee_choice(4125, "reduce", requested) == requested


@pytest.mark.parametrize(
    ("calculated", "requested", "message"),
    [
        (4125, 4125, "The reduced fee must be less than the full fee of £41.25"),
        (4125, 5000, "The reduced fee must be less than the full fee of £41.25"),
        (4125, -1, "The reduced fee cannot be less than £0.00"),
        (4125, None, "Enter the reduced fee you would like"),
        (0, 0, "There is no fee to reduce: the full fee is £0.00"),
    ],
)
def test_a_reduced_fee_that_is_not_lower_is_refused_plainly(
    calculated: int, requested: int | None, message: str
) -> None:
    with pytest.raises(FeeChoiceError) as excinfo:
        apply_fee_choice(calculated, "reduce", requested)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_an_unknown_fee_choice_is_refused() -> None:
    with pytest.raises(FeeChoiceError):
        apply_fee_choice(4125, "donate")  # type: ignore[arg-type]


@given(st.floats(allow_nan=False) | st.booleans())
def test_floats_raise_type_error_in_every_fee_function(value: float) -> None:
    for call in (
        lambda: apply_fee_choice(value, "accept"),  # type: ignore[arg-type]
        lambda: apply_fee_choice(4125, "reduce", value),  # type: ignore[arg-type]
        lambda: calculate_fee(hour_rate(1200), value),  # type: ignore[arg-type]
        lambda: billable_minutes(hour_rate(1200), value),  # type: ignore[arg-type]
        lambda: hour_rate(value),  # type: ignore[arg-type]
        lambda: Threshold(1, "x", "week", value, APRIL_2026, ""),  # type: ignore[arg-type]
        lambda: threshold_warnings(
            [],
            on=APRIL_2026,
            fees_in_period={},
            adding_pence=value,  # type: ignore[arg-type]
        ),
    ):
        with pytest.raises(TypeError):
            call()


# Tax years and periods.


@pytest.mark.parametrize(
    ("kind", "d", "bounds"),
    [
        ("week", date(2026, 4, 8), (date(2026, 4, 6), date(2026, 4, 12))),  # Wednesday
        ("week", date(2026, 4, 6), (date(2026, 4, 6), date(2026, 4, 12))),  # Monday
        ("week", date(2026, 4, 12), (date(2026, 4, 6), date(2026, 4, 12))),  # Sunday
        ("week", date(2025, 12, 31), (date(2025, 12, 29), date(2026, 1, 4))),
        ("month", date(2024, 2, 10), (date(2024, 2, 1), date(2024, 2, 29))),
        ("month", date(2025, 2, 28), (date(2025, 2, 1), date(2025, 2, 28))),
        ("month", date(2025, 12, 31), (date(2025, 12, 1), date(2025, 12, 31))),
        ("tax_year", date(2026, 4, 5), (date(2025, 4, 6), date(2026, 4, 5))),
        ("tax_year", date(2026, 4, 6), (date(2026, 4, 6), date(2027, 4, 5))),
    ],
)
def test_period_bounds_are_inclusive(kind: PeriodKind, d: date, bounds: tuple[date, date]) -> None:
    assert period_bounds(kind, d) == bounds


@given(st.dates(), st.sampled_from(["week", "month", "tax_year"]))
def test_every_date_lies_inside_its_own_period(d: date, kind: PeriodKind) -> None:
    if d.year in (1, 9999):
        return  # periods at the edge of the calendar fall outside date's range
    first, last = period_bounds(kind, d)
    assert first <= d <= last
    assert period_bounds(kind, first) == (first, last)
    assert period_bounds(kind, last + timedelta(days=1))[0] == last + timedelta(days=1)


# Benefit and tax thresholds.

WEEKLY = Threshold(1, "Permitted work", "week", 20_000, date(2025, 4, 6), "Talk to an adviser.")
WEEKLY_NEW = Threshold(2, "Permitted work", "week", 21_000, date(2026, 4, 6), "Talk to an adviser.")
MONTHLY = Threshold(
    3, "Universal Credit", "month", 50_000, date(2025, 4, 6), "Tell your UC work coach."
)
YEARLY = Threshold(
    4, "Trading allowance", "tax_year", 100_000, date(2025, 4, 6), "You may need to …"
)
FUTURE = Threshold(5, "Future", "week", 1, date(2030, 1, 1), "Not yet.")
ALL_THRESHOLDS = [YEARLY, WEEKLY_NEW, FUTURE, MONTHLY, WEEKLY]


@pytest.mark.parametrize(
    ("on", "current"),
    [
        (date(2025, 4, 5), []),
        (date(2025, 4, 6), [WEEKLY, MONTHLY, YEARLY]),
        (date(2026, 4, 5), [WEEKLY, MONTHLY, YEARLY]),
        (date(2026, 4, 6), [WEEKLY_NEW, MONTHLY, YEARLY]),
    ],
)
def test_the_version_of_each_threshold_valid_on_the_date_applies(
    on: date, current: list[Threshold]
) -> None:
    assert current_thresholds(ALL_THRESHOLDS, on) == current


def test_threshold_versions_from_the_same_day_pick_the_highest_id() -> None:
    a = Threshold(8, "Permitted work", "week", 1, date(2025, 4, 6), "")
    b = Threshold(9, "Permitted work", "week", 2, date(2025, 4, 6), "")
    assert current_thresholds([b, a], date(2025, 5, 1)) == [b]


def fees(week: int = 0, month: int = 0, tax_year: int = 0) -> dict[PeriodKind, int]:
    return {"week": week, "month": month, "tax_year": tax_year}


@pytest.mark.parametrize(
    ("totals", "adding", "warned"),
    [
        (fees(15_000, 15_000, 15_000), 5_000, []),  # exactly reaching a threshold is not past it
        (fees(15_000, 15_000, 15_000), 5_001, [(WEEKLY, 15_000, 20_001, True)]),
        (fees(25_000, 25_000, 25_000), 1_000, [(WEEKLY, 25_000, 26_000, False)]),
        (fees(25_000, 25_000, 25_000), 0, [(WEEKLY, 25_000, 25_000, False)]),
        (fees(0, 49_000, 49_000), 2_000, [(MONTHLY, 49_000, 51_000, True)]),
        (fees(0, 0, 99_999), 2, [(YEARLY, 99_999, 100_001, True)]),
        (fees(0, 0, 100_000), 1, [(YEARLY, 100_000, 100_001, True)]),
        (fees(0, 0, 100_001), 1, [(YEARLY, 100_001, 100_002, False)]),
        (
            fees(19_000, 49_000, 98_000),
            2_000,
            [(WEEKLY, 19_000, 21_000, True), (MONTHLY, 49_000, 51_000, True)],
        ),
        (
            fees(19_000, 49_000, 99_000),
            3_000,
            [
                (WEEKLY, 19_000, 22_000, True),
                (MONTHLY, 49_000, 52_000, True),
                (YEARLY, 99_000, 102_000, True),
            ],
        ),
    ],
)
def test_warnings_for_each_period_say_whether_this_crosses_or_it_was_already_over(
    totals: dict[PeriodKind, int], adding: int, warned: list[tuple[Threshold, int, int, bool]]
) -> None:
    warnings = threshold_warnings(
        ALL_THRESHOLDS, on=date(2026, 1, 15), fees_in_period=totals, adding_pence=adding
    )
    assert [(w.threshold, w.before_pence, w.after_pence, w.crossed_now) for w in warnings] == warned


def test_a_new_threshold_version_changes_when_a_warning_appears() -> None:
    totals = fees(week=20_500)
    before_change = threshold_warnings(
        ALL_THRESHOLDS, on=date(2026, 4, 5), fees_in_period=totals, adding_pence=0
    )
    after_change = threshold_warnings(
        ALL_THRESHOLDS, on=date(2026, 4, 6), fees_in_period=totals, adding_pence=0
    )
    assert [w.threshold for w in before_change] == [WEEKLY]
    assert after_change == []


def test_warning_messages_are_calm_and_plain() -> None:
    crossing, already = threshold_warnings(
        [WEEKLY, YEARLY],
        on=date(2026, 1, 15),
        fees_in_period=fees(week=19_000, tax_year=110_000),
        adding_pence=2_000,
    )
    assert crossing.message == (
        "This would take fees this week from £190.00 to £210.00, above £200.00 (Permitted work)."
    )
    assert already.message == (
        "Fees this tax year are already £1,100.00, above £1,000.00 (Trading allowance). "
        "With this they would be £1,120.00."
    )
    assert crossing.threshold.advice == "Talk to an adviser."


def test_a_missing_period_total_is_a_programming_error_not_a_silent_zero() -> None:
    with pytest.raises(ValueError, match="month"):
        threshold_warnings(
            [MONTHLY], on=date(2026, 1, 15), fees_in_period={"week": 0}, adding_pence=100
        )


@given(
    before=st.integers(min_value=0, max_value=500_000),
    adding=st.integers(min_value=0, max_value=500_000),
    amount=st.integers(min_value=0, max_value=500_000),
)
def test_a_warning_appears_exactly_when_the_total_goes_above_the_threshold(
    before: int, adding: int, amount: int
) -> None:
    threshold = Threshold(1, "Any", "month", amount, date(2025, 4, 6), "")
    warnings = threshold_warnings(
        [threshold], on=date(2026, 1, 1), fees_in_period=fees(month=before), adding_pence=adding
    )
    assert bool(warnings) == (before + adding > amount)
    for warning in warnings:
        assert warning.crossed_now == (before <= amount)


# --- the one fee pipeline -------------------------------------------------------------------------


def _fee(rates: list[RateLine], **kw: object) -> Fee:
    values: dict[str, object] = {
        "activity_type_id": MEETING,
        "activity_name": "Meeting",
        "paid": True,
        "project_id": PROJECT,
        "contributor_id": ALICE,
        "work_date": date(2026, 5, 4),
        "minutes": 50,
    }
    values.update(kw)
    return fee_for(rates, **values)  # type: ignore[arg-type]


def test_fee_for_selects_calculates_and_applies_the_choice() -> None:
    assert _fee([hour_rate(1380)]).fee_pence == 1380
    reduced = _fee([hour_rate(4125)], minutes=60, fee_choice="reduce", requested_pence=2000)
    assert (reduced.fee_pence, reduced.calculation.fee_pence) == (2000, 4125)  # type: ignore[union-attr]
    declined = _fee([hour_rate(1380)], fee_choice="decline")
    assert (declined.fee_pence, declined.calculation.fee_pence) == (0, 1380)  # type: ignore[union-attr]


def test_fee_for_says_why_there_is_no_fee() -> None:
    none = _fee([])
    assert none.fee_pence is None and none.calculation is None
    assert none.message is not None
    assert none.message.startswith("There is no agreed rate for Meeting on 4 May 2026 yet")
    too_much = _fee([hour_rate(1380)], fee_choice="reduce", requested_pence=5000)
    assert too_much.fee_pence is None
    assert too_much.message == "The reduced fee must be less than the full fee of £13.80"


@given(minutes=st.integers(min_value=1, max_value=1440), pence=st.integers(0, 100_000))
def test_unpaid_work_earns_nothing_whatever_the_rate(minutes: int, pence: int) -> None:
    fee = _fee([hour_rate(pence)], paid=False, minutes=minutes)
    assert (fee.fee_pence, fee.unpaid, fee.selection, fee.message) == (0, True, None, None)
    assert fee.calculation is not None and fee.calculation.billable_minutes == minutes


def test_an_approved_entry_keeps_exactly_the_terms_that_decided_its_fee() -> None:
    line = RateLine(
        id=7,
        activity_type_id=3,
        project_id=2,
        contributor_id=None,
        basis="day",
        effective_from=date(2026, 4, 1),
        half_day_pence=6000,
        day_pence=11000,
        increment_minutes=30,
        rounding="nearest",
        minimum_minutes=60,
        half_day_max_minutes=210,
    )
    assert line.terms() == {
        "basis": "day",
        "effective_from": "2026-04-01",
        "amount_pence": None,
        "half_day_pence": 6000,
        "day_pence": 11000,
        "increment_minutes": 30,
        "rounding": "nearest",
        "minimum_minutes": 60,
        "half_day_max_minutes": 210,
    }
