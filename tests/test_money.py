from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.money import (
    MAX_PARSED_PENCE,
    ROUNDING,
    MoneyError,
    format_money,
    parse_money,
    pence_to_pounds,
    pounds_string,
    round_pence,
    sum_pence,
    to_decimal,
)


def test_the_one_rounding_rule_is_half_up() -> None:
    assert ROUNDING == "ROUND_HALF_UP"


@pytest.mark.parametrize(
    ("amount", "pence"),
    [
        (Decimal("0.5"), 1),
        (Decimal("0.49"), 0),
        (Decimal("1.5"), 2),
        (Decimal("2.5"), 3),  # half up, not banker's rounding (which gives 2)
        (Decimal("2062.5"), 2063),
        (Decimal("1380"), 1380),
        (Decimal("-0.5"), -1),  # half away from zero
        (Decimal("0.4999999"), 0),
        (7, 7),
    ],
)
def test_round_pence_rounds_half_up_to_whole_pence(amount: Decimal, pence: int) -> None:
    assert round_pence(amount) == pence


@pytest.mark.parametrize(
    ("value", "expected"),
    [(Decimal("12.50"), Decimal("12.50")), (5, Decimal(5)), (" 3.05 ", Decimal("3.05"))],
)
def test_to_decimal_is_exact(value: Decimal | int | str, expected: Decimal) -> None:
    assert to_decimal(value) == expected


@pytest.mark.parametrize("bad", ["abc", "", "NaN", "Infinity"])
def test_to_decimal_rejects_text_that_is_not_a_finite_number(bad: str) -> None:
    with pytest.raises(ValueError):
        to_decimal(bad)


@pytest.mark.parametrize(
    ("pence", "pounds", "text", "shown"),
    [
        (1250, Decimal("12.50"), "12.50", "£12.50"),
        (-305, Decimal("-3.05"), "-3.05", "-£3.05"),
        (0, Decimal("0.00"), "0.00", "£0.00"),
        (1, Decimal("0.01"), "0.01", "£0.01"),
        (-100, Decimal("-1.00"), "-1.00", "-£1.00"),
        (123450, Decimal("1234.50"), "1234.50", "£1,234.50"),
        (100_000_000, Decimal("1000000.00"), "1000000.00", "£1,000,000.00"),
    ],
)
def test_pence_are_shown_as_pounds_and_pence(
    pence: int, pounds: Decimal, text: str, shown: str
) -> None:
    assert pence_to_pounds(pence) == pounds
    assert str(pence_to_pounds(pence)) == text
    assert pounds_string(pence) == text
    assert format_money(pence) == shown


@pytest.mark.parametrize(
    ("text", "pence"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("£1,234.50", 123450),
        (" 3.05 ", 305),
        ("0.99", 99),
        ("0", 0),
        ("£ 7", 700),
        (".50", 50),
        ("12.", 1200),
        ("1000000", 100_000_000),
        ("£1,000,000.00", 100_000_000),
    ],
)
def test_parse_money_reads_what_people_type(text: str, pence: int) -> None:
    assert parse_money(text) == pence


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter an amount in pounds and pence, like 12.50"),
        ("   ", "Enter an amount in pounds and pence, like 12.50"),
        ("twelve", "Enter an amount in pounds and pence, like 12.50"),
        ("12a", "Enter an amount in pounds and pence, like 12.50"),
        ("£", "Enter an amount in pounds and pence, like 12.50"),
        (".", "Enter an amount in pounds and pence, like 12.50"),
        ("12 50", "Enter an amount in pounds and pence, like 12.50"),
        ("1,23.00", "Enter an amount in pounds and pence, like 12.50"),
        ("1.2.3", "Enter an amount in pounds and pence, like 12.50"),
        ("12.505", "Enter the amount to the nearest penny, like 12.50"),
        ("0.001", "Enter the amount to the nearest penny, like 12.50"),
        ("-1", "Enter an amount of £0.00 or more"),
        ("£-1.00", "Enter an amount of £0.00 or more"),
        ("\u22125", "Enter an amount of £0.00 or more"),
        ("1000000.01", "Enter an amount of £1,000,000.00 or less"),
        ("99999999999", "Enter an amount of £1,000,000.00 or less"),
    ],
)
def test_parse_money_explains_what_is_wrong_in_plain_english(text: str, message: str) -> None:
    with pytest.raises(MoneyError) as excinfo:
        parse_money(text)
    assert str(excinfo.value) == message
    assert isinstance(excinfo.value, ValueError)


def test_sum_pence_adds_rounded_lines_without_rounding_again() -> None:
    lines = [round_pence(Decimal("0.5")), round_pence(Decimal("0.5")), round_pence(Decimal("0.5"))]
    assert sum_pence(lines) == 3  # not round(1.5) == 2
    assert sum_pence([]) == 0


@given(st.lists(st.decimals(min_value=-(10**6), max_value=10**6, places=3)))
def test_total_is_the_sum_of_rounded_lines(amounts: list[Decimal]) -> None:
    rounded = [round_pence(a) for a in amounts]
    assert sum_pence(rounded) == sum(rounded)
    for amount, line in zip(amounts, rounded, strict=True):
        assert abs(Decimal(line) - amount) <= Decimal("0.5")


@given(st.integers(min_value=0, max_value=MAX_PARSED_PENCE))
def test_parse_reads_back_what_format_and_pounds_string_wrote(pence: int) -> None:
    assert parse_money(pounds_string(pence)) == pence
    assert parse_money(format_money(pence)) == pence


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_formatted_money_matches_the_exact_pounds_value(pence: int) -> None:
    shown = format_money(pence)
    assert Decimal(shown.replace("£", "").replace(",", "")) == pence_to_pounds(pence)
    assert Decimal(pounds_string(pence)) * 100 == pence


@given(st.floats(allow_nan=False) | st.booleans())
def test_floats_and_bools_raise_type_error_in_every_money_function(value: float) -> None:
    for call in (
        lambda: to_decimal(value),  # type: ignore[arg-type]
        lambda: round_pence(value),  # type: ignore[arg-type]
        lambda: pence_to_pounds(value),  # type: ignore[arg-type]
        lambda: pounds_string(value),  # type: ignore[arg-type]
        lambda: format_money(value),  # type: ignore[arg-type]
        lambda: parse_money(value),  # type: ignore[arg-type]
        lambda: sum_pence([100, value]),  # type: ignore[list-item]
    ):
        with pytest.raises(TypeError):
            call()


@pytest.mark.parametrize("value", [Decimal("1.00"), "100", None])
def test_pence_functions_take_only_whole_int_pence(value: object) -> None:
    with pytest.raises(TypeError):
        format_money(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        sum_pence([value])  # type: ignore[list-item]
