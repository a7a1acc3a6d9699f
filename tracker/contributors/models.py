"""Contributors: the people paid for coproduction work, with or without a login."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.auth.models import User
from tracker.dates import utc_now
from tracker.extensions import Base, UTCDateTime

PAYMENT_METHODS = {
    "bank_transfer": "Bank transfer",
    "prepaid_card": "Prepaid card",
    "voucher": "Voucher",
    "cash": "Cash",
    "cheque": "Cheque",
}
FEE_CHOICES = {"accept": "Accept the fee", "decline": "Decline the fee", "reduce": "Reduce the fee"}
CONTRIBUTOR_STATUSES = {"active": "Active", "paused": "Paused", "left": "Left"}
# What is needed, never why.
ACCESS_NEEDS = {
    "bsl_interpreter": "BSL interpreter",
    "captioning": "Captioning",
    "large_print": "Large print",
    "easy_read": "Easy Read",
    "companion": "A companion or support worker",
    "quiet_room": "A quiet room",
    "breaks": "Regular breaks",
    "childcare": "Childcare",
    "step_free": "Step-free access",
    "other": "Something else",
}


class Contributor(Base):
    __tablename__ = "contributors"
    __table_args__ = (
        CheckConstraint(
            "payment_method IS NULL OR payment_method IN "
            "('bank_transfer', 'prepaid_card', 'voucher', 'cash', 'cheque')",
            name="payment_method",
        ),
        CheckConstraint("default_fee_choice IN ('accept', 'decline')", name="fee_choice"),
        CheckConstraint("status IN ('active', 'paused', 'left')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    preferred_name: Mapped[str] = mapped_column(String(120), nullable=False)
    contact: Mapped[str] = mapped_column(Text, nullable=False, default="")
    payment_method: Mapped[str | None] = mapped_column(String(20))
    default_fee_choice: Mapped[str] = mapped_column(String(10), nullable=False, default="accept")
    benefits_warnings: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="active")
    left_on: Mapped[date | None] = mapped_column(Date)
    # Encrypted at rest (Fernet); only the last four digits are ever shown.
    bank_details_encrypted: Mapped[str | None] = mapped_column(Text)
    bank_details_last4: Mapped[str | None] = mapped_column(String(4))
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)

    user: Mapped[User | None] = relationship()
    access_needs: Mapped[list[AccessNeed]] = relationship(
        back_populates="contributor", cascade="all, delete-orphan", lazy="selectin"
    )


class AccessNeed(Base):
    __tablename__ = "access_needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributors.id", ondelete="CASCADE"), nullable=False, index=True
    )
    need: Mapped[str] = mapped_column(String(30), nullable=False)
    detail: Mapped[str] = mapped_column(Text, nullable=False, default="")

    contributor: Mapped[Contributor] = relationship(back_populates="access_needs")


class ContributorThreshold(Base):
    """The benefit thresholds a contributor chose to be warned about."""

    __tablename__ = "contributor_thresholds"

    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributors.id", ondelete="CASCADE"), primary_key=True
    )
    threshold_label: Mapped[str] = mapped_column(String(120), primary_key=True)
