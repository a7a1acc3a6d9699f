"""The slip snapshot: everything a payment slip shows, fixed when its run is confirmed.

Stored as JSON in `payment_slips.snapshot` and rendered by `tracker.slips.pdf.render_slip`; the
PDF's SHA-256 is stored beside it, so the JSON must read back to exactly the same values. Money
is int pence and dates are ISO `YYYY-MM-DD`; the wording (`date_text`, `rate_text`, `period`…)
was fixed at issue, so a slip reads the same whatever later changes to the code or settings.

Version 1 is the shape slips have always had. Slips issued before the version was written carry
no `version` key and read as version 1; their stored JSON is never rewritten. A later change of
shape gets a new version number and a reader for the old one here.

Nothing here rounds: every amount was rounded once, per line, before it reached the snapshot, and
the totals are plain sums of the lines (DESIGN §4).
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

SNAPSHOT_VERSION: Final = 1
"""The version new snapshots are written with."""

READABLE_VERSIONS: Final = frozenset({1})

_T = TypeVar("_T")


class SnapshotError(ValueError):
    """Stored snapshot JSON that is not a slip snapshot of a version this code can read."""


def _check_pence(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be int pence, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} cannot be negative")


def _check_day(name: str, value: object) -> None:
    # A datetime is a date too, but its isoformat() carries a time: the JSON would not match.
    if type(value) is not datetime.date:
        raise TypeError(f"{name} must be a date, not {type(value).__name__}")


@dataclass(frozen=True)
class SlipOrganisation:
    name: str
    address: str


@dataclass(frozen=True)
class SlipContributor:
    """The person paid, as they were when the slip was issued."""

    name: str
    reference: str


@dataclass(frozen=True)
class FeeLine:
    """One time entry. A declined fee is on the slip as declined, at 0 pence."""

    date: datetime.date
    date_text: str
    project: str
    activity: str
    time_text: str
    rate_text: str
    amount_pence: int
    declined: bool
    item: str  # "time_entry:<id>"

    def __post_init__(self) -> None:
        _check_day("date", self.date)
        _check_pence("amount_pence", self.amount_pence)
        if self.declined and self.amount_pence:
            raise ValueError("a declined fee is 0 pence")


@dataclass(frozen=True)
class ExpenseLine:
    """One expense claim, or one adaptation reimbursed to the contributor."""

    date: datetime.date
    date_text: str
    project: str
    category: str
    description: str
    amount_pence: int
    item: str  # "expense:<id>" or "adaptation:<id>"

    def __post_init__(self) -> None:
        _check_day("date", self.date)
        _check_pence("amount_pence", self.amount_pence)


@dataclass(frozen=True)
class SlipTotals:
    fees_pence: int
    expenses_pence: int
    total_pence: int

    def __post_init__(self) -> None:
        for name in ("fees_pence", "expenses_pence", "total_pence"):
            _check_pence(name, getattr(self, name))
        if self.total_pence != self.fees_pence + self.expenses_pence:
            raise ValueError("the total payable is fees plus expenses")

    @classmethod
    def of(cls, fees: Sequence[FeeLine], expenses: Sequence[ExpenseLine]) -> SlipTotals:
        """Sums of the lines, which were each rounded already; nothing is rounded again."""
        fees_pence = sum(line.amount_pence for line in fees)
        expenses_pence = sum(line.amount_pence for line in expenses)
        return cls(fees_pence, expenses_pence, fees_pence + expenses_pence)


@dataclass(frozen=True)
class SlipSnapshot:
    """Everything one payment slip shows; `render_slip` draws it and adds nothing."""

    organisation: SlipOrganisation
    number: str
    issued_on: datetime.date
    issued_on_text: str
    contributor: SlipContributor
    payment_method: str
    period: str
    fees: tuple[FeeLine, ...]
    expenses: tuple[ExpenseLine, ...]
    totals: SlipTotals
    version: int = SNAPSHOT_VERSION

    def __post_init__(self) -> None:
        if self.version not in READABLE_VERSIONS:
            raise ValueError(f"unknown slip snapshot version {self.version!r}")
        _check_day("issued_on", self.issued_on)
        if self.totals != SlipTotals.of(self.fees, self.expenses):
            raise ValueError("the slip's totals must be the sums of its lines")

    def to_json(self) -> str:
        """The stored form: keys sorted, so the same snapshot always gives the same text."""
        return json.dumps(
            {
                "version": self.version,
                "organisation": {
                    "name": self.organisation.name,
                    "address": self.organisation.address,
                },
                "number": self.number,
                "issued_on": self.issued_on.isoformat(),
                "issued_on_text": self.issued_on_text,
                "contributor": {
                    "name": self.contributor.name,
                    "reference": self.contributor.reference,
                },
                "payment_method": self.payment_method,
                "period": self.period,
                "fees": [
                    {
                        "date": line.date.isoformat(),
                        "date_text": line.date_text,
                        "project": line.project,
                        "activity": line.activity,
                        "time_text": line.time_text,
                        "rate_text": line.rate_text,
                        "amount_pence": line.amount_pence,
                        "declined": line.declined,
                        "item": line.item,
                    }
                    for line in self.fees
                ],
                "expenses": [
                    {
                        "date": line.date.isoformat(),
                        "date_text": line.date_text,
                        "project": line.project,
                        "category": line.category,
                        "description": line.description,
                        "amount_pence": line.amount_pence,
                        "item": line.item,
                    }
                    for line in self.expenses
                ],
                "totals": {
                    "fees_pence": self.totals.fees_pence,
                    "expenses_pence": self.totals.expenses_pence,
                    "total_pence": self.totals.total_pence,
                },
            },
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> SlipSnapshot:
        """Read a stored snapshot exactly; raises `SnapshotError` for anything else.

        JSON without a `version` (every slip issued before it was written) is version 1.
        """
        try:
            data = json.loads(text)
        except ValueError as error:
            raise SnapshotError(f"slip snapshot is not JSON: {error}") from None
        if isinstance(data, dict) and "version" not in data:
            data = {**data, "version": 1}
        return _read(_Object(data, "snapshot"))


# --- reading the JSON form ---------------------------------------------------------------------


class _Object:
    """One JSON object whose keys must be exactly those read from it, each of the right type."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, dict):
            raise SnapshotError(f"{where} must be a JSON object")
        self.data: Mapping[str, object] = data
        self.where = where
        self.read: set[str] = set()

    def _get(self, key: str, kind: type[_T]) -> _T:
        if key not in self.data:
            raise SnapshotError(f"{self.where} has no {key!r}")
        value = self.data[key]
        # bool is an int in Python, but never a number of pence here.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SnapshotError(f"{self.where}.{key} must be {kind.__name__}")
        self.read.add(key)
        return value

    def text(self, key: str) -> str:
        return self._get(key, str)

    def integer(self, key: str) -> int:
        return self._get(key, int)

    def flag(self, key: str) -> bool:
        return self._get(key, bool)

    def day(self, key: str) -> datetime.date:
        value = self.text(key)
        try:
            day = datetime.date.fromisoformat(value)
        except ValueError:
            day = None
        # Only the exact form to_json writes, so that reading and writing give the same text.
        if day is None or day.isoformat() != value:
            raise SnapshotError(f"{self.where}.{key} must be a date as YYYY-MM-DD")
        return day

    def child(self, key: str) -> _Object:
        return _Object(self._get(key, dict), f"{self.where}.{key}")

    def children(self, key: str) -> list[_Object]:
        items: list[object] = self._get(key, list)
        return [_Object(item, f"{self.where}.{key}[{i}]") for i, item in enumerate(items)]

    def make(self, build: Callable[[], _T]) -> _T:
        """Build the value from this object, then refuse keys nobody read (writing it back
        would lose them, and the text would no longer match)."""
        try:
            value = build()
        except SnapshotError:
            raise
        except (TypeError, ValueError) as error:
            raise SnapshotError(f"{self.where}: {error}") from None
        extra = sorted(set(self.data) - self.read)
        if extra:
            raise SnapshotError(f"{self.where} has unexpected keys {extra}")
        return value


_Part = TypeVar("_Part", bound="DataclassInstance")


def _flat(cls: type[_Part], obj: _Object) -> _Part:
    """A snapshot part whose fields are all plain values, read by their declared types."""
    readers: dict[str, Callable[[str], object]] = {
        "str": obj.text,
        "int": obj.integer,
        "bool": obj.flag,
        "datetime.date": obj.day,
    }
    return obj.make(
        lambda: cls(**{f.name: readers[str(f.type)](f.name) for f in dataclasses.fields(cls)})
    )


def _read(obj: _Object) -> SlipSnapshot:
    version = obj.integer("version")
    if version not in READABLE_VERSIONS:
        raise SnapshotError(f"unknown slip snapshot version {version}")
    return obj.make(
        lambda: SlipSnapshot(
            version=version,
            organisation=_flat(SlipOrganisation, obj.child("organisation")),
            number=obj.text("number"),
            issued_on=obj.day("issued_on"),
            issued_on_text=obj.text("issued_on_text"),
            contributor=_flat(SlipContributor, obj.child("contributor")),
            payment_method=obj.text("payment_method"),
            period=obj.text("period"),
            fees=tuple(_flat(FeeLine, line) for line in obj.children("fees")),
            expenses=tuple(_flat(ExpenseLine, line) for line in obj.children("expenses")),
            totals=_flat(SlipTotals, obj.child("totals")),
        )
    )
