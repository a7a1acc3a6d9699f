"""Time entries: record and edit, the fee estimate and benefit warnings, and what approval
fixes (the rate version and fee)."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from tracker.auth.models import User
from tracker.contributors.models import Contributor, ContributorThreshold
from tracker.dates import local_today
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import DECIDED
from tracker.projects.models import ActivityType
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.timesheets.models import TimeEntry

MAX_MINUTES = 24 * 60
PRIVATE = frozenset({"notes"})  # free text stays out of the audit trail


# --- recording ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    contributor_id: int | None
    project_id: int | None
    activity_type_id: int | None
    work_date: date | None
    minutes: int | None
    notes: str = ""
    fee_choice: str = "accept"
    fee_requested_pence: int | None = None


def _checked(data: EntryInput) -> dict[str, object]:
    fields = lifecycle.whose_and_where(
        data.contributor_id, data.project_id, who="Choose who did the work"
    )
    activity = (
        db.session.get(ActivityType, data.activity_type_id) if data.activity_type_id else None
    )
    if activity is None or not activity.active:
        fields["activity_type_id"] = "Choose what kind of work it was"
    if data.work_date is None:
        fields["work_date"] = "Enter the date of the work"
    elif data.work_date > local_today():
        fields["work_date"] = "The date cannot be in the future"
    if data.minutes is None or data.minutes < 1:
        fields["minutes"] = "Enter how long the work took"
    elif data.minutes > MAX_MINUTES:
        fields["minutes"] = "Enter no more than 24 hours for one day"
    if data.fee_choice not in {"accept", "decline", "reduce"}:
        fields["fee_choice"] = "Choose whether to take the fee"
    elif data.fee_choice == "reduce" and data.fee_requested_pence is None:
        fields["fee_requested_pence"] = "Enter the amount you would like, like 20.00"
    if len(data.notes) > 2000:
        fields["notes"] = "Notes must be 2,000 characters or fewer"
    if fields:
        raise TrackerError("Check the details of the work.", fields=fields)
    return {
        "contributor_id": data.contributor_id,
        "project_id": data.project_id,
        "activity_type_id": data.activity_type_id,
        "work_date": data.work_date,
        "minutes": data.minutes,
        "notes": data.notes.strip(),
        "fee_choice": data.fee_choice,
        "fee_requested_pence": data.fee_requested_pence if data.fee_choice == "reduce" else None,
    }


def create_time_entry(*, actor: User, data: EntryInput) -> TimeEntry:
    """Save a draft for the contributor; the item remembers who recorded it."""
    entry: TimeEntry = lifecycle.create_item(actor, TimeEntry, _checked(data), private=PRIVATE)
    return entry


def update_time_entry(*, actor: User, entry: TimeEntry, data: EntryInput) -> TimeEntry:
    """Change a draft or returned entry; approved work never changes."""
    lifecycle.check_can_change(actor, entry)
    values = _checked(replace(data, contributor_id=entry.contributor_id))
    lifecycle.save_changes(actor, entry, values, private=PRIVATE)
    return entry


# --- the estimate and warnings ------------------------------------------------------------------


def estimate_entry(entry: TimeEntry) -> rates_domain.Fee:
    """The fee this entry would get if approved now (after the fee choice), or why there is none."""
    return rates.fee_for_work(
        activity_type_id=entry.activity_type_id,
        project_id=entry.project_id,
        contributor_id=entry.contributor_id,
        work_date=entry.work_date,
        minutes=entry.minutes,
        fee_choice=entry.fee_choice,
        requested_pence=entry.fee_requested_pence,
    )


def fees_in_periods(
    contributor_id: int, on: date, *, exclude_id: int | None = None
) -> dict[rates_domain.PeriodKind, int]:
    """The contributor's approved fees in the week, month and tax year around `on` (work date)."""
    totals: dict[rates_domain.PeriodKind, int] = {}
    periods: tuple[rates_domain.PeriodKind, ...] = ("week", "month", "tax_year")
    for kind in periods:
        start, end = rates_domain.period_bounds(kind, on)
        query = select(func.coalesce(func.sum(TimeEntry.fee_pence), 0)).where(
            TimeEntry.contributor_id == contributor_id,
            TimeEntry.status.in_(DECIDED),
            TimeEntry.work_date.between(start, end),
        )
        if exclude_id is not None:
            query = query.where(TimeEntry.id != exclude_id)
        totals[kind] = int(db.session.scalar(query) or 0)
    return totals


def benefit_warnings(
    contributor_id: int, on: date, adding_pence: int, *, exclude_id: int | None = None
) -> list[rates_domain.ThresholdWarning]:
    """Calm warnings for an opted-in contributor whose chosen thresholds this fee would pass."""
    contributor = db.session.get(Contributor, contributor_id)
    if contributor is None or not contributor.benefits_warnings or adding_pence <= 0:
        return []
    chosen = set(
        db.session.scalars(
            select(ContributorThreshold.threshold_label).where(
                ContributorThreshold.contributor_id == contributor_id
            )
        )
    )
    thresholds = [t for t in rates.threshold_lines("benefits") if t.label in chosen]
    if not thresholds:
        return []
    return rates_domain.threshold_warnings(
        thresholds,
        on=on,
        fees_in_period=fees_in_periods(contributor_id, on, exclude_id=exclude_id),
        adding_pence=adding_pence,
    )


# --- the kind's checks in the one lifecycle (tracker/items/services.py) ----------------------


def before_submit(entry: TimeEntry) -> list[rates_domain.ThresholdWarning]:
    """Refused plainly when no rate applies; returns any benefit warnings for the estimate."""
    found = estimate_entry(entry)
    if found.message:
        raise TrackerError(found.message)
    return benefit_warnings(
        entry.contributor_id, entry.work_date, found.fee_pence or 0, exclude_id=entry.id
    )


def before_approve(
    entry: TimeEntry,
) -> tuple[dict[str, tuple[object, object]], list[rates_domain.ThresholdWarning]]:
    """Fix the amount: the rate version and fee are snapshotted and never change."""
    found = estimate_entry(entry)
    if found.message or found.calculation is None or found.fee_pence is None:
        raise TrackerError(found.message or "No rate applies to this work.")
    warnings = benefit_warnings(
        entry.contributor_id, entry.work_date, found.fee_pence, exclude_id=entry.id
    )
    rate = found.selection.rate if found.selection else None
    snapshot: dict[str, object] = {
        "unpaid": found.unpaid,
        "explanation": found.calculation.explanation,
    }
    if rate is not None and found.selection is not None:
        snapshot.update(rate.terms(), reason=found.selection.reason)
    entry.rate_id = rate.id if rate else None
    entry.rate_snapshot = json.dumps(snapshot, sort_keys=True)
    entry.billable_minutes = found.calculation.billable_minutes
    entry.calculated_fee_pence = found.calculation.fee_pence
    entry.fee_pence = found.fee_pence
    return {"fee_pence": (None, entry.fee_pence), "rate_id": (None, entry.rate_id)}, warnings
