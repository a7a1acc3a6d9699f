"""Payment slips: immutable snapshots with gapless numbers."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dates import utc_now
from tracker.extensions import Base, UTCDateTime


class SlipCounter(Base):
    """The last slip number used in a calendar year; locked while a run is confirmed."""

    __tablename__ = "slip_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class PaymentSlip(Base):
    __tablename__ = "payment_slips"
    __table_args__ = (
        UniqueConstraint("run_id", "contributor_id"),
        UniqueConstraint("year", "sequence"),
        CheckConstraint("status IN ('issued', 'paid', 'void')", name="status"),
        CheckConstraint("fees_pence >= 0 AND expenses_pence >= 0", name="amounts"),
        CheckConstraint("total_pence = fees_pence + expenses_pence", name="total"),
        CheckConstraint("status <> 'void' OR void_reason IS NOT NULL", name="void_reason"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(30), nullable=False, unique=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    sequence: Mapped[int] = mapped_column(Integer, nullable=False)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), nullable=False)
    contributor_id: Mapped[int] = mapped_column(
        ForeignKey("contributors.id"), nullable=False, index=True
    )
    issued_on: Mapped[date] = mapped_column(Date, nullable=False)
    fees_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    expenses_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    total_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    snapshot: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="issued")
    void_reason: Mapped[str | None] = mapped_column(Text)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)
