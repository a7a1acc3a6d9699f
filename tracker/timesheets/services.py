"""Time entries: record, edit, submit, withdraw, approve (snapshotting the fee) and return."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, or_, select

from tracker.audit.services import diff, record
from tracker.auth.models import User
from tracker.contributors.models import Contributor, ContributorThreshold
from tracker.dates import local_today
from tracker.errors import Conflict, NotFound, TrackerError
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import DECIDED, is_editable
from tracker.projects.models import ActivityType, Project, ProjectMember
from tracker.projects.services import coordinated_project_ids_query, coordinates
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.timesheets.models import TimeEntry

MAX_MINUTES = 24 * 60


# --- who sees what ------------------------------------------------------------------------------


def visible_entries_query(user: User) -> Select[TimeEntry]:
    """Contributors see their own; coordinators their projects'; finance decided work; admin all."""
    if user.has_role("admin"):
        return select(TimeEntry)
    conditions = [
        TimeEntry.contributor_id.in_(select(Contributor.id).where(Contributor.user_id == user.id)),
        TimeEntry.recorded_by_id == user.id,
    ]
    if user.has_role("coordinator"):
        conditions.append(TimeEntry.project_id.in_(coordinated_project_ids_query(user)))
    if user.has_role("finance"):
        conditions.append(TimeEntry.status.in_(DECIDED))
    return select(TimeEntry).where(or_(*conditions))


def get_visible_entry(user: User, entry_id: int) -> TimeEntry:
    entry = db.session.scalar(visible_entries_query(user).where(TimeEntry.id == entry_id))
    if entry is None:
        raise NotFound("That time entry was not found.")
    return entry


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


def check_can_record(actor: User, contributor_id: int, project_id: int) -> None:
    """Contributors record for themselves; coordinators for members of their projects."""
    contributor = db.session.get(Contributor, contributor_id)
    member = db.session.get(ProjectMember, (project_id, contributor_id))
    if contributor is None or member is None:
        raise TrackerError(
            "Choose a project that this person is part of.",
            fields={"project_id": "Choose one of their projects"},
        )
    if contributor.user_id == actor.id or coordinates(actor, project_id):
        return
    raise NotFound("That contributor was not found.")


def _checked(data: EntryInput) -> dict[str, object]:
    fields: dict[str, str] = {}
    if data.contributor_id is None:
        fields["contributor_id"] = "Choose who did the work"
    if data.project_id is None or db.session.get(Project, data.project_id) is None:
        fields["project_id"] = "Choose a project"
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
    values = _checked(data)
    assert data.contributor_id is not None and data.project_id is not None
    check_can_record(actor, data.contributor_id, data.project_id)
    entry = TimeEntry(
        recorded_by_id=actor.id, last_changed_by_id=actor.id, status="draft", **values
    )
    db.session.add(entry)
    db.session.flush()
    record(
        actor=actor,
        action="time_entry.created",
        entity_type="time_entry",
        entity_id=entry.id,
        changes={k: (None, v) for k, v in values.items() if k != "notes"},
    )
    return entry


def update_time_entry(*, actor: User, entry: TimeEntry, data: EntryInput) -> TimeEntry:
    """Change a draft or returned entry; approved work never changes."""
    lifecycle.check_can_act_for(actor, entry)
    if not is_editable(entry.status):
        raise Conflict("Only a draft, or work sent back to you, can be changed.")
    values = _checked(EntryInput(**{**data.__dict__, "contributor_id": entry.contributor_id}))
    assert data.project_id is not None
    check_can_record(actor, entry.contributor_id, data.project_id)
    changes = diff(entry, values)
    if changes:
        lifecycle.mark_changed(entry, actor)
    db.session.flush()
    if changes:
        record(
            actor=actor,
            action="time_entry.updated",
            entity_type="time_entry",
            entity_id=entry.id,
            changes={k: v for k, v in changes.items() if k != "notes"},
        )
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
) -> dict[str, int]:
    """The contributor's approved fees in the week, month and tax year around `on` (work date)."""
    totals: dict[str, int] = {}
    for kind in ("week", "month", "tax_year"):
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
        fees_in_period=fees_in_periods(contributor_id, on, exclude_id=exclude_id),  # type: ignore[arg-type]
        adding_pence=adding_pence,
    )


# --- transitions --------------------------------------------------------------------------------


def submit_time_entry(*, actor: User, entry: TimeEntry) -> list[rates_domain.ThresholdWarning]:
    """Send for approval; refused plainly when no rate applies. Returns any benefit warnings."""
    lifecycle.check_can_act_for(actor, entry)
    found = estimate_entry(entry)
    if found.message:
        raise TrackerError(found.message)
    lifecycle.move(entry, "submit", actor=actor, entity_type="time_entry")
    return benefit_warnings(
        entry.contributor_id, entry.work_date, found.fee_pence or 0, exclude_id=entry.id
    )


def withdraw_time_entry(*, actor: User, entry: TimeEntry) -> None:
    lifecycle.check_can_act_for(actor, entry)
    lifecycle.move(entry, "withdraw", actor=actor, entity_type="time_entry")


def approve_time_entry(*, actor: User, entry: TimeEntry) -> list[rates_domain.ThresholdWarning]:
    """Approve and fix the amount: the rate version and fee are snapshotted and never change."""
    lifecycle.check_can_decide(actor, entry)
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
        snapshot.update(
            basis=rate.basis,
            amount_pence=rate.amount_pence,
            half_day_pence=rate.half_day_pence,
            day_pence=rate.day_pence,
            increment_minutes=rate.increment_minutes,
            rounding=rate.rounding,
            minimum_minutes=rate.minimum_minutes,
            half_day_max_minutes=rate.half_day_max_minutes,
            effective_from=rate.effective_from.isoformat(),
            reason=found.selection.reason,
        )
    entry.rate_id = rate.id if rate else None
    entry.rate_snapshot = json.dumps(snapshot, sort_keys=True)
    entry.billable_minutes = found.calculation.billable_minutes
    entry.calculated_fee_pence = found.calculation.fee_pence
    entry.fee_pence = found.fee_pence
    lifecycle.move(
        entry,
        "approve",
        actor=actor,
        entity_type="time_entry",
        changes={"fee_pence": (None, entry.fee_pence), "rate_id": (None, entry.rate_id)},
    )
    return warnings


def return_time_entry(*, actor: User, entry: TimeEntry, reason: str) -> None:
    """Send back with a reason the contributor sees."""
    lifecycle.check_can_decide(actor, entry)
    if not reason.strip():
        raise TrackerError("Say what needs to change.", fields={"reason": "Enter a reason"})
    lifecycle.move(
        entry,
        "return",
        actor=actor,
        entity_type="time_entry",
        changes={"return_reason": (None, reason.strip())},
    )
    entry.return_reason = reason.strip()
