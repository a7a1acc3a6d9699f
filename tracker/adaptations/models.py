"""Equipment and adaptation requests: what a contributor needs to take part."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Base, UTCDateTime
from tracker.lifecycle.models import ItemLifecycle

ADAPTATION_KINDS = {
    "laptop": "Laptop",
    "tablet": "Tablet",
    "phone": "Phone",
    "data_top_up": "Data top-up",
    "other_equipment": "Other equipment",
    "bsl_interpreter": "BSL interpreter",
    "captioning": "Captioning",
    "easy_read": "Easy Read",
    "companion": "Companion or support worker",
    "accessible_transport": "Accessible transport",
    "venue_adaptation": "Venue adaptation",
    "other_support": "Other support",
}
ADAPTATION_STATUSES = {
    "draft": "Draft – not sent yet",
    "submitted": "Requested",
    "returned": "Sent back to you",
    "withdrawn": "Withdrawn",
    "approved": "Approved",
    "declined": "Declined",
    "provided": "Provided",
    "loan_returned": "Loan returned",
}


class AdaptationRequest(ItemLifecycle, Base):
    """Status follows the request; `payment_status` follows the money when it is reimbursed."""

    __tablename__ = "adaptation_requests"
    __table_args__ = (
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s}'" for s in ADAPTATION_STATUSES) + ")", name="status"
        ),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k}'" for k in ADAPTATION_KINDS) + ")", name="kind"
        ),
        CheckConstraint("provision IN ('loan', 'gift', 'service')", name="provision"),
        CheckConstraint("payment IN ('supplier', 'reimburse')", name="payment"),
        CheckConstraint(
            "payment_status IS NULL OR (payment = 'reimburse' AND payment_status IN "
            "('approved', 'in_run', 'on_slip', 'paid'))",
            name="payment_status",
        ),
        CheckConstraint("estimated_pence >= 0", name="estimated"),
        CheckConstraint("actual_pence IS NULL OR actual_pence >= 0", name="actual"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributors.id"), nullable=False, index=True
    )
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), nullable=False, index=True)
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    estimated_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    actual_pence: Mapped[int | None] = mapped_column(BigInteger)
    provision: Mapped[str] = mapped_column(String(10), nullable=False)
    payment: Mapped[str] = mapped_column(String(10), nullable=False)
    payment_status: Mapped[str | None] = mapped_column(String(12))
    needed_by: Mapped[date | None] = mapped_column(Date)
    provided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    loan_returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
