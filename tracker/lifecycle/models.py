"""Columns shared by every payable item: time entries, expense claims, reimbursed adaptations."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from tracker.dates import utc_now
from tracker.extensions import UTCDateTime
from tracker.lifecycle.domain import Status

ITEM_STATUSES = {
    "draft": "Draft – not sent yet",
    "submitted": "Sent for approval",
    "returned": "Sent back to you",
    "withdrawn": "Withdrawn",
    "approved": "Approved – waiting for payment",
    "in_run": "Being prepared for payment",
    "on_slip": "On a payment slip",
    "paid": "Paid",
}


def item_status_check() -> CheckConstraint:
    values = ", ".join(f"'{status}'" for status in ITEM_STATUSES)
    return CheckConstraint(f"status IN ({values})", name="status")


class ItemLifecycle:
    """Status, who recorded the item and who decided it, with the times of each step."""

    status: Mapped[Status] = mapped_column(String(16), nullable=False, default="draft", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utc_now, onupdate=utc_now
    )
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(Text)

    @declared_attr
    def recorded_by_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("users.id"), nullable=False)

    @declared_attr
    def decided_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    # Separation of duties: whoever last changed or submitted an item cannot decide it.
    @declared_attr
    def last_changed_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))

    @declared_attr
    def submitted_by_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("users.id"))
