"""Funds, projects, memberships and activity types."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.extensions import Base

PROJECT_STATUSES = {"planned": "Planned", "active": "Active", "closed": "Closed"}


def _link_key(target: str, *, index: bool = False) -> Mapped[int]:
    """Half the key of a table linking two things; the link goes when either thing does."""
    return mapped_column(ForeignKey(target, ondelete="CASCADE"), primary_key=True, index=index)


class Fund(Base):
    """A funder's grant. Funder users see only the funds they are linked to."""

    __tablename__ = "funds"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    funder_organisation: Mapped[str] = mapped_column(String(200), nullable=False)
    reference: Mapped[str] = mapped_column(String(100), nullable=False, default="")


class FundMember(Base):
    __tablename__ = "fund_members"

    fund_id: Mapped[int] = _link_key("funds.id")
    user_id: Mapped[int] = _link_key("users.id", index=True)


class Project(Base):
    __tablename__ = "projects"
    __table_args__ = (
        CheckConstraint("status IN ('planned', 'active', 'closed')", name="status"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")

    funds: Mapped[list[Fund]] = relationship(secondary="project_funds", lazy="selectin")


class ProjectFund(Base):
    __tablename__ = "project_funds"

    project_id: Mapped[int] = _link_key("projects.id")
    fund_id: Mapped[int] = _link_key("funds.id", index=True)


class ProjectCoordinator(Base):
    __tablename__ = "project_coordinators"

    project_id: Mapped[int] = _link_key("projects.id")
    user_id: Mapped[int] = _link_key("users.id", index=True)


class ProjectMember(Base):
    """A contributor taking part in a project."""

    __tablename__ = "project_members"

    project_id: Mapped[int] = _link_key("projects.id")
    contributor_id: Mapped[int] = _link_key("contributors.id", index=True)


class ActivityType(Base):
    """An organisation-defined kind of work; the organisation decides which are paid."""

    __tablename__ = "activity_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), nullable=False, unique=True)
    paid: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
