"""Time entries: hours of coproduction work and the fee due for them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dates import utc_now
from tracker.extensions import Base, UTCDateTime
from tracker.lifecycle.models import ItemLifecycle, item_status_check


class TimeEntry(ItemLifecycle, Base):
    __tablename__ = "time_entries"
    __table_args__ = (
        item_status_check(),
        CheckConstraint("minutes BETWEEN 1 AND 1440", name="minutes"),
        CheckConstraint("fee_choice IN ('accept', 'decline', 'reduce')", name="fee_choice"),
        CheckConstraint(
            "(fee_choice = 'reduce') = (fee_requested_pence IS NOT NULL)", name="fee_requested"
        ),
        CheckConstraint("fee_requested_pence IS NULL OR fee_requested_pence >= 0", name="req"),
        CheckConstraint("calculated_fee_pence IS NULL OR calculated_fee_pence >= 0", name="calc"),
        CheckConstraint("fee_pence IS NULL OR fee_pence >= 0", name="fee"),
        # Approval fixes the amount: an approved (or later) entry always carries its snapshot.
        # Unpaid work has no rate: it is approved at a fee of 0.
        CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'withdrawn') OR "
            "(fee_pence IS NOT NULL AND approved_at IS NOT NULL "
            "AND (rate_id IS NOT NULL OR fee_pence = 0))",
            name="approved_snapshot",
        ),
        Index("ix_time_entries_project_date", "project_id", "work_date"),
        Index("ix_time_entries_contributor_date", "contributor_id", "work_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), nullable=False)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), nullable=False)
    activity_type_id: Mapped[int] = mapped_column(ForeignKey("activity_types.id"), nullable=False)
    work_date: Mapped[date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(Integer, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    fee_choice: Mapped[str] = mapped_column(String(10), nullable=False, default="accept")
    fee_requested_pence: Mapped[int | None] = mapped_column(BigInteger)
    # Snapshot taken at approval; never changed afterwards.
    rate_id: Mapped[int | None] = mapped_column(ForeignKey("rates.id"))
    rate_snapshot: Mapped[str | None] = mapped_column(Text)
    billable_minutes: Mapped[int | None] = mapped_column(Integer)
    calculated_fee_pence: Mapped[int | None] = mapped_column(BigInteger)
    fee_pence: Mapped[int | None] = mapped_column(BigInteger)


class ImportedSheet(Base):
    """A checked sign-in sheet that was imported: its digest makes a second import impossible."""

    __tablename__ = "imported_sheets"

    id: Mapped[int] = mapped_column(primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)
    rows: Mapped[int] = mapped_column(Integer, nullable=False)
