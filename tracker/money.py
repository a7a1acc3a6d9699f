"""Money helpers: integer pence, the one rounding rule, parsing and formatting.

Money is integer pence at rest and `Decimal` in arithmetic. A float reaching any function here is a
bug and raises `TypeError`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

ROUNDING: Final = ROUND_HALF_UP

# The largest amount a person may type: £1,000,000.00.
MAX_PARSED_PENCE: Final = 100_000_000

_PENNY: Final = Decimal("1")
_HUNDRED: Final = Decimal(100)

# "12", "12.5", "12.50", ".50", "12.", "1,234.50" (commas only as thousands separators).
_AMOUNT_RE: Final = re.compile(r"(?:[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+)?(?:\.[0-9]*)?")

_ENTER_AMOUNT: Final = "Enter an amount in pounds and pence, like 12.50"


class MoneyError(ValueError):
    """A typed amount could not be read as money; the message is safe to show to the person."""


def _reject_float(value: object) -> None:
    if isinstance(value, (float, bool)):
        raise TypeError(f"Money must be int pence or Decimal, not {type(value).__name__}")


def _require_int_pence(value: object) -> int:
    _reject_float(value)
    if not isinstance(value, int):
        raise TypeError(f"Pence must be an int, not {type(value).__name__}")
    return value


def to_decimal(value: Decimal | int | str) -> Decimal:
    """Make an exact, finite Decimal from a Decimal, int or str; never rounds."""
    _reject_float(value)
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, str):
        try:
            result = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(f"Not a number: {value!r}") from None
    else:
        raise TypeError(f"Cannot make money from {type(value).__name__}")
    if not result.is_finite():
        raise ValueError(f"Not a finite number: {value!r}")
    return result


def round_pence(amount: Decimal | int) -> int:
    """Round an amount of pence half up to whole pence; this is the one rounding rule."""
    _reject_float(amount)
    if not isinstance(amount, (Decimal, int)):
        raise TypeError(f"round_pence takes Decimal or int pence, not {type(amount).__name__}")
    return int(to_decimal(amount).quantize(_PENNY, rounding=ROUNDING))


def pence_to_pounds(pence: int) -> Decimal:
    """Convert whole pence to pounds with two decimal places (1250 -> Decimal("12.50")); exact."""
    return (Decimal(_require_int_pence(pence)) / _HUNDRED).quantize(Decimal("0.01"))


def pounds_string(pence: int) -> str:
    """Pounds as a plain string for JSON ("12.50", "-3.05", "0.00"); exact, no rounding."""
    return str(pence_to_pounds(pence))


def format_money(pence: int) -> str:
    """Pounds for people: "£1,234.50", "-£1.00", "£0.00"; exact, no rounding."""
    value = _require_int_pence(pence)
    sign = "-" if value < 0 else ""
    pounds, pennies = divmod(abs(value), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def parse_money(text: str) -> int:
    """Read a typed amount ("12.5", "£1,234.50") as whole pence; never rounds (max 2 decimals)."""
    _reject_float(text)
    if not isinstance(text, str):
        raise TypeError(f"parse_money takes text, not {type(text).__name__}")
    cleaned = text.strip()
    if not cleaned:
        raise MoneyError(_ENTER_AMOUNT)
    if cleaned.startswith(("-", "\u2212")):
        raise MoneyError("Enter an amount of £0.00 or more")
    cleaned = cleaned.removeprefix("£").lstrip()
    if cleaned.startswith(("-", "\u2212")):
        raise MoneyError("Enter an amount of £0.00 or more")
    if not any(ch.isdigit() for ch in cleaned) or _AMOUNT_RE.fullmatch(cleaned) is None:
        raise MoneyError(_ENTER_AMOUNT)
    whole, _, fraction = cleaned.partition(".")
    if len(fraction) > 2:
        raise MoneyError("Enter the amount to the nearest penny, like 12.50")
    pence = int(whole.replace(",", "") or "0") * 100 + int(fraction.ljust(2, "0"))
    if pence > MAX_PARSED_PENCE:
        raise MoneyError(f"Enter an amount of {format_money(MAX_PARSED_PENCE)} or less")
    return pence


def sum_pence(values: Iterable[int]) -> int:
    """Add whole-pence amounts (already rounded lines); no rounding, rejects floats."""
    total = 0
    for value in values:
        total += _require_int_pence(value)
    return total
