"""Report rules: small-number suppression for anything a funder sees, and medians."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal


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
