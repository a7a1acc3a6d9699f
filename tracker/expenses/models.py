"""Expense claims: reimbursements, never income."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Base
from tracker.lifecycle.models import ItemLifecycle, item_status_check

CATEGORY_CODES = (
    "public_transport",
    "mileage",
    "taxi",
    "parking",
    "subsistence",
    "care",
    "personal_assistant",
    "interpreter",
    "phone_data",
    "home_working",
    "accommodation",
    "other",
)


class ExpenseClaim(ItemLifecycle, Base):
    __tablename__ = "expense_claims"
    __table_args__ = (
        item_status_check(),
        CheckConstraint(
            "category IN (" + ", ".join(f"'{c}'" for c in CATEGORY_CODES) + ")", name="category"
        ),
        CheckConstraint("amount_pence >= 0", name="amount"),
        CheckConstraint(
            "(category = 'mileage') = (miles_tenths IS NOT NULL AND vehicle IS NOT NULL)",
            name="mileage_fields",
        ),
        CheckConstraint("miles_tenths IS NULL OR miles_tenths > 0", name="miles"),
        CheckConstraint("approved_pence IS NULL OR approved_pence >= 0", name="approved"),
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'withdrawn') OR "
            "(approved_pence IS NOT NULL AND approved_at IS NOT NULL)",
            name="approved_amount",
        ),
        CheckConstraint("passengers BETWEEN 0 AND 8", name="passengers"),
        CheckConstraint(
            "vehicle IS NULL OR vehicle IN ('car', 'motorcycle', 'bicycle')", name="vehicle"
        ),
        Index("ix_expense_claims_project_date", "project_id", "claim_date"),
        Index("ix_expense_claims_contributor_date", "contributor_id", "claim_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), nullable=False)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), nullable=False)
    claim_date: Mapped[date] = mapped_column(Date, nullable=False)
    category: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # Claimed amount; computed for mileage.
    amount_pence: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    # Miles are kept to one decimal place, as whole tenths of a mile.
    miles_tenths: Mapped[int | None] = mapped_column(Integer)
    vehicle: Mapped[str | None] = mapped_column(String(12))
    passengers: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    mileage_breakdown: Mapped[str | None] = mapped_column(Text)
    receipt_stored_name: Mapped[str | None] = mapped_column(String(64))
    receipt_content_type: Mapped[str | None] = mapped_column(String(40))
    receipt_original_name: Mapped[str | None] = mapped_column(String(255))
    receipt_missing_reason: Mapped[str | None] = mapped_column(Text)
    # Fixed at approval: the claimed amount, the cap, or (mileage) recomputed; never changes after.
    approved_pence: Mapped[int | None] = mapped_column(BigInteger)
    over_cap: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    cap_override_reason: Mapped[str | None] = mapped_column(Text)
