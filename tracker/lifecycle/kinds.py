"""The kinds of payable item, described once: every layer asks this registry.

One word per kind everywhere (docs/architecture.md): `time`, `expense` and `adaptation` are the
kind's value in payment lines, audit events, the approvals queue and the API's filters; the
registry also holds the kind's model, its columns, its web and API paths, and its words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from tracker.adaptations.models import AdaptationRequest
from tracker.expenses.models import ExpenseClaim
from tracker.timesheets.models import TimeEntry


class ItemKind(StrEnum):
    TIME = "time"
    EXPENSE = "expense"
    ADAPTATION = "adaptation"


@dataclass(frozen=True)
class KindInfo:
    kind: ItemKind
    model: type[Any]
    # The amount that is paid (see also `payment_status` and `payable_since` below).
    payable_pence: str
    # The item's own date, when it has one (the work, the spending), and the payment line's column.
    date_field: str | None
    line_column: str
    # Paths: the web pages under /<segment>/ (the `pages` blueprint), the API under
    # /api/v1/<api_path>/ with the id named `api_id`.
    pages: str
    segment: str
    api_path: str
    api_id: str
    # Words: "time entry", "this time" (withdraw this time?), "Time" on a card, "Time" as a
    # filter heading.
    label: str
    this: str
    plural: str
    card: str
    heading: str
    # The column the payment side moves (approved -> in_run -> on_slip -> paid), and when the
    # item became payable (its amount fixed).
    payment_status: str = "status"
    payable_since: str = "approved_at"

    def payable(self, item: Any) -> int:
        return int(getattr(item, self.payable_pence))

    def when(self, item: Any) -> date | None:
        return getattr(item, self.date_field) if self.date_field else None

    @property
    def not_found(self) -> str:
        return f"That {self.label} was not found."


KINDS: dict[ItemKind, KindInfo] = {
    ItemKind.TIME: KindInfo(
        kind=ItemKind.TIME,
        model=TimeEntry,
        payable_pence="fee_pence",
        date_field="work_date",
        line_column="time_entry_id",
        pages="timesheets",
        segment="time",
        api_path="time-entries",
        api_id="entry_id",
        label="time entry",
        this="this time",
        plural="time entries",
        card="Time",
        heading="Time",
    ),
    ItemKind.EXPENSE: KindInfo(
        kind=ItemKind.EXPENSE,
        model=ExpenseClaim,
        payable_pence="approved_pence",
        date_field="claim_date",
        line_column="expense_id",
        pages="expenses",
        segment="expenses",
        api_path="expenses",
        api_id="expense_id",
        label="expense claim",
        this="this claim",
        plural="expense claims",
        card="Expense",
        heading="Expenses",
    ),
    ItemKind.ADAPTATION: KindInfo(
        kind=ItemKind.ADAPTATION,
        model=AdaptationRequest,
        payable_pence="actual_pence",
        date_field=None,
        line_column="adaptation_id",
        pages="adaptations",
        segment="adaptations",
        api_path="adaptations",
        api_id="adaptation_id",
        label="request",
        this="this request",
        plural="requests",
        card="Request",
        heading="Equipment and support",
        payment_status="payment_status",
        payable_since="provided_at",
    ),
}
_BY_MODEL = {info.model: info for info in KINDS.values()}
_BY_SEGMENT = {info.segment: info for info in KINDS.values()}


def info_of(item: Any) -> KindInfo:
    """The registry entry for an item (a TimeEntry, ExpenseClaim or AdaptationRequest)."""
    return _BY_MODEL[type(item)]


def kind_of(item: Any) -> ItemKind:
    return info_of(item).kind


def by_segment(segment: str) -> KindInfo | None:
    return _BY_SEGMENT.get(segment)
