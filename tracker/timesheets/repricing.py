"""What a new rate version would change before it is saved: the unapproved time entries whose
estimated fee it would reprice. Read-only; approved work keeps the fee fixed at approval.

The rate card page asks this of timesheets, so that rates never need to know about time
entries (timesheets build on rates, not the other way round).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from tracker.contributors.models import Contributor
from tracker.extensions import db
from tracker.projects.models import Project
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.rates.models import Rate
from tracker.timesheets.models import TimeEntry

UNAPPROVED = ("draft", "submitted", "returned")


@dataclass(frozen=True)
class PreviewRow:
    entry: TimeEntry
    contributor_name: str
    project_name: str
    current_pence: int | None
    new_pence: int


def preview_rate(data: rates.RateInput) -> list[PreviewRow]:
    """The unapproved time entries whose estimate the new version would change (TrackerError
    when the version itself is not valid). Fees come from `rates.domain.calculate_fee`."""
    proposed = rates.check_rate(data)
    query = select(TimeEntry).where(
        TimeEntry.status.in_(UNAPPROVED),
        TimeEntry.activity_type_id == proposed.activity_type_id,
        TimeEntry.work_date >= proposed.effective_from,
    )
    if proposed.project_id is not None:
        query = query.where(TimeEntry.project_id == proposed.project_id)
    if proposed.contributor_id is not None:
        query = query.where(TimeEntry.contributor_id == proposed.contributor_id)
    entries = list(db.session.scalars(query.order_by(TimeEntry.work_date, TimeEntry.id)))
    if not entries:
        return []
    existing = [
        rates.rate_line(r)
        for r in db.session.scalars(
            select(Rate).where(Rate.activity_type_id == proposed.activity_type_id)
        )
    ]
    names = dict(db.session.execute(select(Contributor.id, Contributor.preferred_name)).all())
    projects = dict(db.session.execute(select(Project.id, Project.name)).all())
    rows = []
    for entry in entries:
        before = _select_for(entry, existing)
        after = _select_for(entry, [*existing, proposed])
        assert after is not None
        old = rates_domain.calculate_fee(before.rate, entry.minutes).fee_pence if before else None
        new = rates_domain.calculate_fee(after.rate, entry.minutes).fee_pence
        if after.rate.id == 0 and old != new:
            rows.append(
                PreviewRow(entry, names[entry.contributor_id], projects[entry.project_id], old, new)
            )
    return rows


def _select_for(
    entry: TimeEntry, lines: list[rates_domain.RateLine]
) -> rates_domain.RateSelection | None:
    return rates_domain.select_rate(
        lines,
        activity_type_id=entry.activity_type_id,
        project_id=entry.project_id,
        contributor_id=entry.contributor_id,
        work_date=entry.work_date,
    )
