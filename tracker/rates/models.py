"""Rate card lines, mileage rates, expense caps and benefit or tax thresholds."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from tracker.dates import utc_now
from tracker.expenses.domain import Vehicle
from tracker.extensions import Base, UTCDateTime
from tracker.rates.domain import Basis, PeriodKind, Rounding


class Rate(Base):
    """One version of a rate; never edited once used, a change is a new line from a date."""

    __tablename__ = "rates"
    __table_args__ = (
        CheckConstraint("basis IN ('hour', 'session', 'day')", name="basis"),
        CheckConstraint("rounding IN ('up', 'nearest', 'down')", name="rounding"),
        CheckConstraint("amount_pence IS NULL OR amount_pence >= 0", name="amount"),
        CheckConstraint("half_day_pence IS NULL OR half_day_pence >= 0", name="half_day"),
        CheckConstraint("day_pence IS NULL OR day_pence >= 0", name="day"),
        CheckConstraint("increment_minutes BETWEEN 1 AND 1440", name="increment"),
        CheckConstraint("minimum_minutes BETWEEN 0 AND 1440", name="minimum"),
        CheckConstraint("half_day_max_minutes BETWEEN 1 AND 1440", name="half_day_max"),
        CheckConstraint(
            "(basis IN ('hour', 'session') AND amount_pence IS NOT NULL) OR "
            "(basis = 'day' AND half_day_pence IS NOT NULL AND day_pence IS NOT NULL)",
            name="amounts_for_basis",
        ),
        Index("ix_rates_lookup", "activity_type_id", "project_id", "contributor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_type_id: Mapped[int] = mapped_column(ForeignKey("activity_types.id"), nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id"))
    basis: Mapped[Basis] = mapped_column(String(10), nullable=False)
    amount_pence: Mapped[int | None] = mapped_column(BigInteger)
    half_day_pence: Mapped[int | None] = mapped_column(BigInteger)
    day_pence: Mapped[int | None] = mapped_column(BigInteger)
    increment_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=15)
    rounding: Mapped[Rounding] = mapped_column(String(10), nullable=False, default="up")
    minimum_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    half_day_max_minutes: Mapped[int] = mapped_column(Integer, nullable=False, default=240)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)


class MileageRate(Base):
    """Dated pence-per-mile rates; `passenger` is the per-passenger supplement."""

    __tablename__ = "mileage_rates"
    __table_args__ = (
        CheckConstraint("vehicle IN ('car', 'motorcycle', 'bicycle', 'passenger')", name="vehicle"),
        CheckConstraint("pence_per_mile >= 0", name="pence"),
        CheckConstraint(
            "(threshold_miles IS NULL AND pence_after_threshold IS NULL) OR "
            "(threshold_miles > 0 AND pence_after_threshold >= 0)",
            name="threshold",
        ),
        UniqueConstraint("vehicle", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    vehicle: Mapped[Vehicle] = mapped_column(String(12), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    pence_per_mile: Mapped[int] = mapped_column(Integer, nullable=False)
    threshold_miles: Mapped[int | None] = mapped_column(Integer)
    pence_after_threshold: Mapped[int | None] = mapped_column(Integer)


class ExpenseCap(Base):
    """An optional cap per claim for an expense category; claims above it are flagged."""

    __tablename__ = "expense_caps"
    __table_args__ = (CheckConstraint("cap_pence >= 0", name="cap"),)

    category: Mapped[str] = mapped_column(String(30), primary_key=True)
    cap_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)


class Threshold(Base):
    """A benefits or tax figure to warn about; editable examples, never constants in code."""

    __tablename__ = "thresholds"
    __table_args__ = (
        CheckConstraint("period IN ('week', 'month', 'tax_year')", name="period"),
        CheckConstraint("purpose IN ('benefits', 'trading_allowance')", name="purpose"),
        CheckConstraint("amount_pence >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    purpose: Mapped[str] = mapped_column(String(20), nullable=False, default="benefits")
    period: Mapped[PeriodKind] = mapped_column(String(10), nullable=False)
    amount_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    advice: Mapped[str] = mapped_column(Text, nullable=False, default="")
