"""Budgets per project and period, with one amount per line."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.budgets.domain import DEFAULT_HIGH_PERCENT, DEFAULT_LOW_PERCENT
from tracker.extensions import Base

BUDGET_LINES = {
    "fees": "Fees",
    "expenses": "Expenses",
    "adaptations": "Equipment and adaptations",
    "other": "Other",
}


class Budget(Base):
    __tablename__ = "budgets"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period"),
        CheckConstraint("alert_low_percent BETWEEN 1 AND alert_high_percent", name="alerts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), nullable=False, index=True)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    alert_low_percent: Mapped[int] = mapped_column(
        Integer, nullable=False, default=DEFAULT_LOW_PERCENT
    )
    alert_high_percent: Mapped[int] = mapped_column(
        Integer, nullable=False, default=DEFAULT_HIGH_PERCENT
    )

    lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="budget", cascade="all, delete-orphan", lazy="selectin"
    )


class BudgetLine(Base):
    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("budget_id", "line"),
        CheckConstraint("line IN ('fees', 'expenses', 'adaptations', 'other')", name="line"),
        CheckConstraint("budget_pence >= 0", name="amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    budget_id: Mapped[int] = mapped_column(
        ForeignKey("budgets.id", ondelete="CASCADE"), nullable=False
    )
    line: Mapped[str] = mapped_column(String(12), nullable=False)
    budget_pence: Mapped[int] = mapped_column(BigInteger, nullable=False)

    budget: Mapped[Budget] = relationship(back_populates="lines")
