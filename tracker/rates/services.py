"""Rate cards, the fee estimate, mileage rates, expense caps and thresholds."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Select, or_, select

from tracker.audit.services import add_and_record, record_action
from tracker.auth.access import require_role
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.contributors.services import visible_contributor_ids_query
from tracker.errors import Conflict, TrackerError
from tracker.expenses import domain as expenses_domain
from tracker.extensions import db
from tracker.money import format_money
from tracker.projects.models import ActivityType, Project, ProjectCoordinator
from tracker.rates import domain, shipped
from tracker.rates.models import ExpenseCap, MileageRate, Rate, Threshold

SCOPE_LABELS = {
    "project_contributor": "For one contributor on one project",
    "project": "Project rate",
    "contributor": "For one contributor on every project",
    "organisation": "Organisation default",
}
BASIS_LABELS: dict[domain.Basis, str] = {
    "hour": "By the hour",
    "session": "By the session",
    "day": "By the day",
}
ROUNDING_LABELS: dict[domain.Rounding, str] = {
    "up": "Round up",
    "nearest": "Round to the nearest",
    "down": "Round down",
}


T = TypeVar("T")


def from_row(kind: type[T], row: Any) -> T:
    """The domain value `kind` of a database row: each of its fields is the row's attribute of
    the same name."""
    return kind(**{field.name: getattr(row, field.name) for field in fields(cast(Any, kind))})


def rate_line(rate: Rate) -> domain.RateLine:
    return from_row(domain.RateLine, rate)


# --- the estimate -----------------------------------------------------------------------------


def _candidates(
    *, activity_type_id: int, project_id: int, contributor_id: int | None
) -> list[domain.RateLine]:
    rows = db.session.scalars(
        select(Rate).where(
            Rate.activity_type_id == activity_type_id,
            or_(Rate.project_id.is_(None), Rate.project_id == project_id),
            or_(Rate.contributor_id.is_(None), Rate.contributor_id == contributor_id),
        )
    )
    return [rate_line(row) for row in rows]


def fee_for_work(
    *,
    activity_type_id: int,
    project_id: int,
    contributor_id: int | None,
    work_date: date,
    minutes: int,
    fee_choice: str = "accept",
    requested_pence: int | None = None,
) -> domain.Fee:
    """The fee this work earns now, through the one pipeline (`domain.fee_for`)."""
    activity = db.session.get(ActivityType, activity_type_id)
    return domain.fee_for(
        _candidates(
            activity_type_id=activity_type_id, project_id=project_id, contributor_id=contributor_id
        ),
        activity_type_id=activity_type_id,
        activity_name=activity.name if activity else "",
        paid=activity.paid if activity else True,
        project_id=project_id,
        contributor_id=contributor_id,
        work_date=work_date,
        minutes=minutes,
        fee_choice=fee_choice,
        requested_pence=requested_pence,
    )


# --- rate card ----------------------------------------------------------------------------------


@dataclass
class Timeline:
    """Every version of one rate card line (one activity in one scope), oldest first."""

    activity: ActivityType
    scope: str
    project: Project | None
    contributor: Contributor | None
    versions: list[Rate]
    current: Rate | None

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS[self.scope]


def rate_timelines(
    *,
    on: date,
    project_ids: set[int] | None = None,
    contributor_ids: set[int] | None = None,
) -> list[Timeline]:
    """Rates grouped into timelines; `project_ids`/`contributor_ids` limit what is shown."""
    rows = list(db.session.scalars(select(Rate).order_by(Rate.effective_from, Rate.id)))
    activities = {a.id: a for a in db.session.scalars(select(ActivityType))}
    projects = {p.id: p for p in db.session.scalars(select(Project))}
    contributor_rows = db.session.scalars(
        select(Contributor).where(
            Contributor.id.in_({r.contributor_id for r in rows if r.contributor_id})
        )
    )
    contributors = {c.id: c for c in contributor_rows}
    groups: dict[tuple[int, int | None, int | None], list[Rate]] = defaultdict(list)
    for row in rows:
        if project_ids is not None and row.project_id not in (None, *project_ids):
            continue
        if contributor_ids is not None and row.contributor_id not in (None, *contributor_ids):
            continue
        groups[(row.activity_type_id, row.project_id, row.contributor_id)].append(row)
    timelines = []
    for (activity_id, project_id, contributor_id), versions in groups.items():
        current = None
        for version in versions:
            if version.effective_from <= on:
                current = version
        timelines.append(
            Timeline(
                activity=activities[activity_id],
                scope=rate_line(versions[0]).scope,
                project=projects.get(project_id) if project_id else None,
                contributor=contributors.get(contributor_id) if contributor_id else None,
                versions=versions,
                current=current,
            )
        )
    order = list(SCOPE_LABELS)[::-1]
    timelines.sort(
        key=lambda t: (
            t.activity.name,
            order.index(t.scope),
            t.project.name if t.project else "",
            t.contributor.preferred_name if t.contributor else "",
        )
    )
    return timelines


@dataclass(frozen=True)
class RateInput:
    """The fields of a new rate version, as typed (amounts already in pence)."""

    activity_type_id: int | None
    project_id: int | None
    contributor_id: int | None
    basis: str
    effective_from: date | None
    amount_pence: int | None = None
    half_day_pence: int | None = None
    day_pence: int | None = None
    increment_minutes: int = 15
    rounding: str = "up"
    minimum_minutes: int = 0
    half_day_max_minutes: int = 240
    note: str = ""


def check_rate(data: RateInput) -> domain.RateLine:
    """The rate line `data` describes, or TrackerError with a message per field; nothing is
    saved (the new line has id 0)."""
    fields: dict[str, str] = {}
    activity = (
        db.session.get(ActivityType, data.activity_type_id) if data.activity_type_id else None
    )
    if activity is None:
        fields["activity_type_id"] = "Choose an activity"
    elif not activity.paid:
        fields["activity_type_id"] = (
            f"{activity.name} is unpaid work, so it has no rate. An administrator can make it "
            "paid work first"
        )
    if data.project_id is not None and db.session.get(Project, data.project_id) is None:
        fields["project_id"] = "Choose a project from the list"
    if data.contributor_id is not None and db.session.get(Contributor, data.contributor_id) is None:
        fields["contributor_id"] = "Choose a contributor from the list"
    basis = domain.one_of(data.basis, BASIS_LABELS)
    rounding = domain.one_of(data.rounding, ROUNDING_LABELS)
    if basis is None:
        fields["basis"] = "Choose how the work is paid"
    if data.effective_from is None:
        fields["effective_from"] = "Enter the date this rate starts"
    if data.basis in {"hour", "session"} and data.amount_pence is None:
        fields["amount_pence"] = "Enter the amount, like 13.80"
    if data.basis == "day":
        if data.half_day_pence is None:
            fields["half_day_pence"] = "Enter the half-day amount"
        if data.day_pence is None:
            fields["day_pence"] = "Enter the full-day amount"
        elif data.half_day_pence is not None and data.half_day_pence > data.day_pence:
            fields["half_day_pence"] = "The half-day amount cannot be more than a full day"
    if rounding is None:
        fields["rounding"] = "Choose how to round the time"
    if not 1 <= data.increment_minutes <= 240:
        fields["increment_minutes"] = "Enter a number of minutes from 1 to 240"
    if not 0 <= data.minimum_minutes <= 1440:
        fields["minimum_minutes"] = "Enter a number of minutes from 0 to 1440"
    if not 1 <= data.half_day_max_minutes <= 1440:
        fields["half_day_max_minutes"] = "Enter a number of minutes from 1 to 1440"
    if fields:
        raise TrackerError("Check the rate details.", fields=fields)
    assert data.activity_type_id is not None and data.effective_from is not None
    assert basis is not None and rounding is not None
    amounts = {
        "amount_pence": data.amount_pence if data.basis != "day" else None,
        "half_day_pence": data.half_day_pence if data.basis == "day" else None,
        "day_pence": data.day_pence if data.basis == "day" else None,
    }
    return domain.RateLine(
        id=0,
        activity_type_id=data.activity_type_id,
        project_id=data.project_id,
        contributor_id=data.contributor_id,
        basis=basis,
        effective_from=data.effective_from,
        increment_minutes=data.increment_minutes,
        rounding=rounding,
        minimum_minutes=data.minimum_minutes,
        half_day_max_minutes=data.half_day_max_minutes,
        **amounts,
    )


def create_rate(*, actor: User, data: RateInput) -> Rate:
    """Add a rate version from a date. Existing versions are never edited."""
    require_role(actor, "finance", "admin")
    line = check_rate(data)
    clash = db.session.scalar(
        select(Rate.id).where(
            Rate.activity_type_id == line.activity_type_id,
            Rate.project_id.is_(None)
            if line.project_id is None
            else Rate.project_id == line.project_id,
            Rate.contributor_id.is_(None)
            if line.contributor_id is None
            else Rate.contributor_id == line.contributor_id,
            Rate.effective_from == line.effective_from,
        )
    )
    if clash:
        raise Conflict(
            "This rate already has a version from that date. Rates are never changed once "
            "made: choose another start date for the new version.",
            fields={"effective_from": "A version already starts on this date"},
        )
    rate = Rate(**rate_summary(line), note=data.note.strip(), created_by_id=actor.id)
    add_and_record(
        actor, rate, "rate.created", {k: (None, v) for k, v in rate_summary(rate).items()}
    )
    return rate


RATE_TERMS = [field.name for field in fields(domain.RateLine) if field.name != "id"]


def rate_summary(rate: Rate | domain.RateLine) -> dict[str, Any]:
    """The terms of a rate (or of the line it is made from): everything but its id and note."""
    return {name: getattr(rate, name) for name in RATE_TERMS}


def list_rates() -> list[Rate]:
    return list(db.session.scalars(select(Rate).order_by(Rate.effective_from, Rate.id)))


def visible_rates_query(user: User) -> Select[Rate]:
    """Finance and admin see every rate; coordinators the organisation's defaults and the rates
    of their own projects and of contributors they see (as on the rate card page)."""
    query = select(Rate)
    if not user.has_role("finance", "admin"):
        query = query.where(
            or_(
                Rate.project_id.is_(None),
                Rate.project_id.in_(
                    select(ProjectCoordinator.project_id).where(
                        ProjectCoordinator.user_id == user.id
                    )
                ),
            ),
            or_(
                Rate.contributor_id.is_(None),
                Rate.contributor_id.in_(visible_contributor_ids_query(user)),
            ),
        )
    return query.order_by(Rate.effective_from, Rate.id)


# --- mileage ------------------------------------------------------------------------------------

VEHICLE_LABELS: dict[str, str] = {
    **{str(k): v for k, v in expenses_domain.VEHICLE_LABELS.items()},
    "passenger": "Each passenger",
}


def list_mileage_rates() -> list[MileageRate]:
    return list(
        db.session.scalars(
            select(MileageRate).order_by(MileageRate.vehicle, MileageRate.effective_from)
        )
    )


def mileage_rate_lines() -> list[expenses_domain.MileageRate]:
    return [from_row(expenses_domain.MileageRate, row) for row in list_mileage_rates()]


def add_mileage_rate(
    *,
    actor: User,
    vehicle: str,
    effective_from: date | None,
    pence_per_mile: int | None,
    threshold_miles: int | None = None,
    pence_after_threshold: int | None = None,
) -> MileageRate:
    """A new dated mileage rate for one kind of vehicle (or the passenger supplement)."""
    require_role(actor, "finance", "admin")
    fields = {}
    if vehicle not in VEHICLE_LABELS:
        fields["vehicle"] = "Choose a vehicle"
    if effective_from is None:
        fields["effective_from"] = "Enter the date this rate starts"
    if pence_per_mile is None or not 0 <= pence_per_mile <= 1000:
        fields["pence_per_mile"] = "Enter pence per mile, from 0 to 1000"
    if (threshold_miles is None) != (pence_after_threshold is None):
        fields["threshold_miles"] = "Give both the miles and the rate after them, or neither"
    if threshold_miles is not None and threshold_miles < 1:
        fields["threshold_miles"] = "Enter a number of miles, 1 or more"
    if pence_after_threshold is not None and not 0 <= pence_after_threshold <= 1000:
        fields["pence_after_threshold"] = "Enter pence per mile, from 0 to 1000"
    if fields:
        raise TrackerError("Check the mileage rate.", fields=fields)
    if db.session.scalar(
        select(MileageRate.id).where(
            MileageRate.vehicle == vehicle, MileageRate.effective_from == effective_from
        )
    ):
        raise Conflict(
            "There is already a rate for that vehicle from that date.",
            fields={"effective_from": "Choose another start date"},
        )
    row = MileageRate(
        vehicle=vehicle,
        effective_from=effective_from,
        pence_per_mile=pence_per_mile,
        threshold_miles=threshold_miles,
        pence_after_threshold=pence_after_threshold,
    )
    add_and_record(
        actor,
        row,
        "mileage_rate.created",
        {
            "vehicle": (None, vehicle),
            "effective_from": (None, effective_from),
            "pence_per_mile": (None, pence_per_mile),
            "threshold_miles": (None, threshold_miles),
            "pence_after_threshold": (None, pence_after_threshold),
        },
    )
    return row


def mileage_estimate(
    *, vehicle: str, miles: Decimal, passengers: int, claim_date: date, earlier_miles: Decimal
) -> expenses_domain.MileageCalculation:
    """The mileage amount for a claim, rounded once (see expenses.domain.calculate_mileage)."""
    known = domain.one_of(vehicle, expenses_domain.VEHICLE_LABELS)
    if known is None:
        raise ValueError(f"Unknown vehicle: {vehicle}")
    return expenses_domain.calculate_mileage(
        rates=mileage_rate_lines(),
        vehicle=known,
        miles=miles,
        passengers=passengers,
        claim_date=claim_date,
        earlier_miles=earlier_miles,
    )


# --- expense caps -------------------------------------------------------------------------------


def expense_caps() -> dict[str, int]:
    return dict(db.session.execute(select(ExpenseCap.category, ExpenseCap.cap_pence)).all())


def set_expense_cap(*, actor: User, category: str, cap_pence: int | None) -> None:
    """Set or (with None) remove the cap per claim for a category."""
    require_role(actor, "finance", "admin")
    if category not in expenses_domain.EXPENSE_CATEGORIES or category == "mileage":
        raise TrackerError("Choose a category.", fields={"category": "Choose a category"})
    row = db.session.get(ExpenseCap, category)
    before = row.cap_pence if row else None
    if before == cap_pence:
        return
    if cap_pence is None:
        assert row is not None
        db.session.delete(row)
    elif row is None:
        db.session.add(ExpenseCap(category=category, cap_pence=cap_pence))
    else:
        row.cap_pence = cap_pence
    db.session.flush()
    record_action(actor, "expense_cap.changed", None, {category: (before, cap_pence)})


# --- thresholds ---------------------------------------------------------------------------------

PERIOD_LABELS = {"week": "A week", "month": "A calendar month", "tax_year": "A tax year"}
PURPOSE_LABELS = {"benefits": "Benefits warning", "trading_allowance": "Tax: trading allowance"}


def list_thresholds() -> list[Threshold]:
    return list(
        db.session.scalars(select(Threshold).order_by(Threshold.label, Threshold.valid_from))
    )


def threshold_lines(purpose: str) -> list[domain.Threshold]:
    return [from_row(domain.Threshold, row) for row in list_thresholds() if row.purpose == purpose]


def add_threshold(
    *,
    actor: User,
    label: str,
    purpose: str,
    period: str,
    amount_pence: int | None,
    valid_from: date | None,
    advice: str,
) -> Threshold:
    """A threshold, or a new version of one (same label) from a date."""
    require_role(actor, "finance", "admin")
    fields = {}
    if not label.strip():
        fields["label"] = "Enter a name for the threshold"
    if purpose not in PURPOSE_LABELS:
        fields["purpose"] = "Choose what the threshold is for"
    if period not in PERIOD_LABELS:
        fields["period"] = "Choose the period"
    if amount_pence is None:
        fields["amount_pence"] = "Enter the amount, like 196.00"
    if valid_from is None:
        fields["valid_from"] = "Enter the date this figure starts"
    if fields:
        raise TrackerError("Check the threshold.", fields=fields)
    if db.session.scalar(
        select(Threshold.id).where(
            Threshold.label == label.strip(), Threshold.valid_from == valid_from
        )
    ):
        raise Conflict(
            "That threshold already has a figure from that date.",
            fields={"valid_from": "Choose another start date"},
        )
    row = Threshold(
        label=label.strip(),
        purpose=purpose,
        period=period,
        amount_pence=amount_pence,
        valid_from=valid_from,
        advice=advice.strip(),
    )
    add_and_record(
        actor,
        row,
        "threshold.created",
        {
            "label": (None, row.label),
            "period": (None, period),
            "amount_pence": (None, amount_pence),
            "valid_from": (None, valid_from),
        },
    )
    return row


def ensure_shipped_reference_data() -> None:
    """Load the shipped examples where the tables are empty (a database made without
    migrations); a migrated database already has them."""
    if db.session.scalar(select(MileageRate.id).limit(1)) is None:
        load_shipped_reference_data()


def load_shipped_reference_data() -> None:
    """The shipped examples, for a database made without migrations (tests)."""
    for mileage in shipped.MILEAGE_RATES:
        db.session.add(MileageRate(**mileage))
    for threshold in shipped.THRESHOLDS:
        db.session.add(Threshold(**threshold))
    for category, cap in shipped.EXPENSE_CAPS.items():
        db.session.add(ExpenseCap(category=category, cap_pence=cap))
    db.session.flush()


def describe_rate(rate: Rate) -> str:
    """The rate in words, for pages: "£13.80 an hour, in 15-minute blocks rounded up"."""
    if rate.basis == "session":
        return f"{format_money(rate.amount_pence or 0)} a session"
    if rate.basis == "day":
        return (
            f"{format_money(rate.half_day_pence or 0)} up to {rate.half_day_max_minutes} minutes, "
            f"{format_money(rate.day_pence or 0)} for longer"
        )
    words = {"up": "rounded up", "nearest": "rounded to the nearest", "down": "rounded down"}
    text = (
        f"{format_money(rate.amount_pence or 0)} an hour, in {rate.increment_minutes}-minute "
        f"blocks {words[rate.rounding]}"
    )
    if rate.minimum_minutes:
        text += f", at least {rate.minimum_minutes} minutes"
    return text
