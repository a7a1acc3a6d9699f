"""Payment runs and the lines that tie approved items to a run and its slips."""

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
from tracker.extensions import Base, UTCDateTime


class PaymentRun(Base):
    __tablename__ = "payment_runs"
    __table_args__ = (
        CheckConstraint("status IN ('draft', 'confirmed', 'paid', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cut_off: Mapped[date] = mapped_column(Date, nullable=False)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, default=utc_now)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paid_on: Mapped[date | None] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")


class PaymentLine(Base):
    """One approved item in a run (and, once confirmed, on a slip).

    `live` is 1 while the run is not cancelled and the slip not void, NULL afterwards. The
    unique constraints on (item, live) let an item be on at most one live run or slip, on every
    database: NULLs never collide, so released lines stay as history.
    """

    __tablename__ = "payment_lines"
    __table_args__ = (
        CheckConstraint("kind IN ('time', 'expense', 'adaptation')", name="kind"),
        CheckConstraint("live IS NULL OR live = 1", name="live"),
        CheckConstraint("amount_pence >= 0", name="amount"),
        CheckConstraint(
            "(kind = 'time' AND time_entry_id IS NOT NULL AND expense_id IS NULL "
            "AND adaptation_id IS NULL) OR "
            "(kind = 'expense' AND expense_id IS NOT NULL AND time_entry_id IS NULL "
            "AND adaptation_id IS NULL) OR "
            "(kind = 'adaptation' AND adaptation_id IS NOT NULL AND time_entry_id IS NULL "
            "AND expense_id IS NULL)",
            name="one_item",
        ),
        UniqueConstraint("time_entry_id", "live", name="uq_payment_lines_live_time_entry"),
        UniqueConstraint("expense_id", "live", name="uq_payment_lines_live_expense"),
        UniqueConstraint("adaptation_id", "live", name="uq_payment_lines_live_adaptation"),
        Index("ix_payment_lines_run_contributor", "run_id", "contributor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("payment_runs.id"), nullable=False)
    slip_id: Mapped[int | None] = mapped_column(ForeignKey("payment_slips.id"), index=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(12), nullable=False)
    time_entry_id: Mapped[int | None] = mapped_column(ForeignKey("time_entries.id"))
    expense_id: Mapped[int | None] = mapped_column(ForeignKey("expense_claims.id"))
    adaptation_id: Mapped[int | None] = mapped_column(ForeignKey("adaptation_requests.id"))
    amount_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)
    live: Mapped[int | None] = mapped_column(Integer, default=1)
