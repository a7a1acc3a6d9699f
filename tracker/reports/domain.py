"""Small-number suppression for anything a funder sees."""

from __future__ import annotations


def suppress(count: int, threshold: int) -> int | str:
    """A count of people (or of a kind of adaptation) as shown to funders: from 1 to
    threshold - 1 it becomes "fewer than N", so that nobody can be singled out; 0 stays 0."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError("count must be an int")
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return count
