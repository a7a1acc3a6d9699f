"""What waits for a coordinator's decision, and approving several items at once.

The queue reads every kind of item (time entries, expense claims, adaptation requests) of the
projects the coordinator coordinates. A page of it costs the same few queries however many rows
it shows: names, items and rate cards are loaded in batches, and fee estimates are worked out in
Python from one load of the rate lines.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, literal_column, select, union_all

from tracker.adaptations.models import ADAPTATION_KINDS, AdaptationRequest
from tracker.adaptations.services import PROVISIONS
from tracker.auth.models import User
from tracker.calendar.domain import long_date
from tracker.contributors.models import Contributor
from tracker.errors import Forbidden, NotFound, TrackerError
from tracker.expenses import services as expenses
from tracker.expenses.domain import EXPENSE_CATEGORIES, VEHICLE_LABELS, is_over_cap
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.items import services as items
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.kinds import KINDS, ItemKind, info_of
from tracker.money import format_money
from tracker.projects.models import ActivityType, Project, ProjectCoordinator, ProjectMember
from tracker.projects.services import coordinates
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.rates.models import Rate
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

KIND_LABELS: dict[str, str] = {kind: info.heading for kind, info in KINDS.items()}
STATUS_FILTERS: dict[str, str] = {
    "submitted": "Waiting for a decision",
    "returned": "Sent back",
    "approved": "Approved",
    "declined": "Declined (equipment and support)",
}
_PAID_LATER = ("approved", "in_run", "on_slip", "paid")
_STATUSES: dict[str, dict[str, tuple[str, ...]]] = {
    "submitted": {k: ("submitted",) for k in KINDS},
    "returned": {k: ("returned",) for k in KINDS},
    "approved": {
        ItemKind.TIME: _PAID_LATER,
        ItemKind.EXPENSE: _PAID_LATER,
        ItemKind.ADAPTATION: ("approved", "provided", "loan_returned"),
    },
    "declined": {ItemKind.ADAPTATION: ("declined",)},
}
PER_PAGE = 50
MAX_BULK = 500

NO_RATE = "No rate yet – ask finance to add one"


# --- filters and the page ---------------------------------------------------------------------


@dataclass(frozen=True)
class QueueFilters:
    project_id: int | None = None
    kind: str | None = None
    contributor_id: int | None = None
    status: str = "submitted"
    page: int = 1

    def __post_init__(self) -> None:
        if self.kind not in (None, *KINDS):
            object.__setattr__(self, "kind", None)
        if self.status not in STATUS_FILTERS:
            object.__setattr__(self, "status", "submitted")
        object.__setattr__(self, "page", max(self.page, 1))


@dataclass(frozen=True)
class FeeView:
    """The fee shown for a time entry: the estimate now, or the amount fixed at approval."""

    fee_pence: int | None
    calculated_pence: int | None = None
    message: str | None = None
    explanation: str = ""
    fixed: bool = False
    unpaid: bool = False


@dataclass(frozen=True)
class Flag:
    """Something the coordinator should notice about a row; `important` ones are bold."""

    text: str
    important: bool = False


@dataclass
class QueueRow:
    kind: str
    item: Any
    contributor_name: str
    contributor_reference: str
    when: date | None
    what: str
    detail: str = ""
    minutes: int | None = None
    amount_pence: int | None = None
    amount_label: str = ""
    fee: FeeView | None = None
    flags: list[Flag] = field(default_factory=list)
    blocked: str | None = None
    hint: str | None = None

    @property
    def ref(self) -> str:
        return f"{self.kind}-{self.item.id}"

    @property
    def selectable(self) -> bool:
        return self.item.status == "submitted" and not self.blocked and not self.hint

    @property
    def label(self) -> str:
        when = f", {long_date(self.when)}" if self.when else ""
        return f"{self.contributor_name} – {self.what}{when}"


@dataclass
class ProjectGroup:
    project_id: int
    name: str
    code: str
    rows: list[QueueRow] = field(default_factory=list)


@dataclass(frozen=True)
class Waiting:
    """How many items of each kind wait for a decision on one project."""

    project_id: int
    name: str
    code: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class QueuePage:
    filters: QueueFilters
    groups: list[ProjectGroup]
    total: int
    pages: int
    waiting: list[Waiting]
    projects: list[tuple[int, str, str]]
    contributors: list[tuple[int, str, str]]

    @property
    def selectable_count(self) -> int:
        return sum(1 for group in self.groups for row in group.rows if row.selectable)


def _coordinated(actor: User) -> Select[Any]:
    return select(ProjectCoordinator.project_id).where(ProjectCoordinator.user_id == actor.id)


def _kind_select(actor: User, kind: str, filters: QueueFilters) -> Select[Any] | None:
    statuses = _STATUSES[filters.status].get(kind)
    if not statuses or (filters.kind and filters.kind != kind):
        return None
    model = KINDS[ItemKind(kind)].model
    moment = model.submitted_at if filters.status == "submitted" else model.decided_at
    query = select(
        literal_column(f"'{kind}'").label("kind"),
        model.id.label("id"),
        model.project_id.label("project_id"),
        func.coalesce(moment, model.submitted_at, model.created_at).label("sort_at"),
    ).where(model.project_id.in_(_coordinated(actor)), model.status.in_(statuses))
    if filters.project_id is not None:
        query = query.where(model.project_id == filters.project_id)
    if filters.contributor_id is not None:
        query = query.where(model.contributor_id == filters.contributor_id)
    return query


def _union(selects: list[Select[Any]]) -> Any:
    return (selects[0] if len(selects) == 1 else union_all(*selects)).subquery("queue")


def queue_page(*, actor: User, filters: QueueFilters) -> QueuePage:
    """One page of the queue, grouped by project (by name), newest first within each project."""
    projects = [
        (row.id, row.name, row.code)
        for row in db.session.execute(
            select(Project.id, Project.name, Project.code)
            .where(Project.id.in_(_coordinated(actor)))
            .order_by(Project.name, Project.id)
        )
    ]
    contributors = [
        (row.id, row.preferred_name, row.reference)
        for row in db.session.execute(
            select(Contributor.id, Contributor.preferred_name, Contributor.reference)
            .where(
                Contributor.id.in_(
                    select(ProjectMember.contributor_id).where(
                        ProjectMember.project_id.in_(_coordinated(actor))
                    )
                )
            )
            .order_by(Contributor.preferred_name, Contributor.id)
        )
    ]
    waiting = _waiting(actor, projects)
    selects = [q for kind in KINDS if (q := _kind_select(actor, kind, filters)) is not None]
    if not selects:
        return QueuePage(filters, [], 0, 1, waiting, projects, contributors)
    queue = _union(selects)
    total = db.session.scalar(select(func.count()).select_from(queue)) or 0
    pages = max(math.ceil(total / PER_PAGE), 1)
    page = min(filters.page, pages)
    refs = db.session.execute(
        select(queue.c.kind, queue.c.id, queue.c.project_id)
        .join(Project, Project.id == queue.c.project_id)
        .order_by(Project.name, Project.id, queue.c.sort_at.desc(), queue.c.kind, queue.c.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    rows = build_rows(actor, [(kind, item_id) for kind, item_id, _ in refs])
    names = {pid: (name, code) for pid, name, code in projects}
    groups: dict[int, ProjectGroup] = {}
    for row in rows:
        pid = row.item.project_id
        if pid not in groups:
            name, code = names.get(pid, ("", ""))
            groups[pid] = ProjectGroup(pid, name, code)
        groups[pid].rows.append(row)
    shown = QueueFilters(
        filters.project_id, filters.kind, filters.contributor_id, filters.status, page
    )
    return QueuePage(shown, list(groups.values()), total, pages, waiting, projects, contributors)


def _waiting(actor: User, projects: list[tuple[int, str, str]]) -> list[Waiting]:
    """Per project, how many items of each kind are waiting (one grouped query)."""
    queue = _union(
        [q for kind in KINDS if (q := _kind_select(actor, kind, QueueFilters())) is not None]
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for kind, project_id, number in db.session.execute(
        select(queue.c.kind, queue.c.project_id, func.count()).group_by(
            queue.c.kind, queue.c.project_id
        )
    ):
        counts[project_id][kind] = number
    return [
        Waiting(pid, name, code, {k: counts[pid].get(k, 0) for k in KINDS})
        for pid, name, code in projects
        if pid in counts
    ]


# --- rows: everything a page shows, loaded in batches -----------------------------------------


def build_rows(actor: User, refs: Sequence[tuple[str, int]]) -> list[QueueRow]:
    """Rows for the given items, in the given order, with a fixed number of queries."""
    ids: dict[str, list[int]] = defaultdict(list)
    for kind, item_id in refs:
        ids[kind].append(item_id)
    found_items: dict[tuple[str, int], Any] = {}
    for kind, wanted in ids.items():
        model = KINDS[ItemKind(kind)].model
        for item in db.session.scalars(select(model).where(model.id.in_(wanted))):
            found_items[(kind, item.id)] = item
    found = [found_items[ref] for ref in refs if ref in found_items]
    people = {
        row.id: row
        for row in db.session.execute(
            select(
                Contributor.id,
                Contributor.preferred_name,
                Contributor.reference,
                Contributor.user_id,
            ).where(Contributor.id.in_({i.contributor_id for i in found}))
        )
    }
    recorders = dict(
        db.session.execute(
            select(User.id, User.display_name).where(User.id.in_({i.recorded_by_id for i in found}))
        ).all()
    )
    entries = [i for (kind, _), i in found_items.items() if kind == ItemKind.TIME]
    activities = (
        dict(
            db.session.execute(
                select(ActivityType.id, ActivityType.name).where(
                    ActivityType.id.in_({e.activity_type_id for e in entries})
                )
            ).all()
        )
        if entries
        else {}
    )
    fees = estimate_fees(entries)
    caps = rates.expense_caps() if ItemKind.EXPENSE in ids else {}
    rows = []
    for kind, item_id in refs:
        item = found_items.get((kind, item_id))
        if item is None:
            continue
        person = people[item.contributor_id]
        row = QueueRow(
            kind=kind,
            item=item,
            contributor_name=person.preferred_name,
            contributor_reference=person.reference,
            when=None,
            what="",
        )
        if kind == ItemKind.TIME:
            _describe_entry(row, item, activities.get(item.activity_type_id, ""), fees[item.id])
        elif kind == ItemKind.EXPENSE:
            _describe_claim(row, item, caps.get(item.category))
        else:
            _describe_request(row, item)
        if item.recorded_by_id != person.user_id:
            who = "you" if item.recorded_by_id == actor.id else recorders.get(item.recorded_by_id)
            row.flags.append(Flag(f"Recorded by {who}"))
        row.blocked = lifecycle.decide_refusal(actor, item, person.user_id)
        rows.append(row)
    return rows


def _describe_entry(row: QueueRow, entry: TimeEntry, activity: str, fee: FeeView) -> None:
    row.when, row.what, row.minutes, row.fee = entry.work_date, activity, entry.minutes, fee
    row.detail = entry.notes
    if fee.unpaid:
        row.flags.append(Flag("Unpaid work"))
    elif entry.fee_choice == "decline":
        row.flags.append(Flag("Fee declined"))
    elif entry.fee_choice == "reduce" and entry.fee_requested_pence is not None:
        asked = format_money(entry.fee_requested_pence)
        row.flags.append(Flag(f"Asked for a lower fee of {asked}"))
    if entry.status == "submitted" and fee.fee_pence is None:
        row.hint = fee.message or NO_RATE


def _describe_claim(row: QueueRow, claim: ExpenseClaim, cap: int | None) -> None:
    row.when, row.amount_pence = claim.claim_date, claim.amount_pence
    row.what = EXPENSE_CATEGORIES.get(claim.category, claim.category)
    row.amount_label = "Claimed"
    if claim.category == "mileage" and claim.miles_tenths is not None:
        miles = f"{claim.miles_tenths // 10}.{claim.miles_tenths % 10}"
        vehicle = VEHICLE_LABELS.get(claim.vehicle, claim.vehicle or "")  # type: ignore[call-overload]
        row.detail = f"{miles} miles, {vehicle.lower()}"
        if claim.passengers:
            row.detail += f", {claim.passengers} passenger" + ("s" if claim.passengers > 1 else "")
    else:
        row.detail = claim.description
    if claim.approved_pence is not None and claim.approved_pence != claim.amount_pence:
        row.amount_label = f"Approved {format_money(claim.approved_pence)} of"
    over = cap is not None and is_over_cap(claim.amount_pence, cap)
    if over and cap is not None:
        row.flags.append(Flag(f"Over the {format_money(cap)} cap", important=True))
        if claim.status == "submitted":
            row.hint = "Over the cap: open it to choose what to approve"
    if (
        claim.category not in expenses.NO_RECEIPT_NEEDED
        and not claim.receipt_stored_name
        and claim.receipt_missing_reason
    ):
        row.flags.append(Flag("No receipt – reason given", important=True))


def _describe_request(row: QueueRow, item: AdaptationRequest) -> None:
    row.when, row.amount_pence = item.needed_by, item.estimated_pence
    row.what = ADAPTATION_KINDS.get(item.kind, item.kind)
    row.detail = item.description
    row.amount_label = "Estimated"
    if item.actual_pence is not None:
        row.amount_pence, row.amount_label = item.actual_pence, "Actual cost"
    row.flags.append(Flag(PROVISIONS.get(item.provision, item.provision)))
    if item.payment == "reimburse":
        row.flags.append(Flag("Paid back to the contributor"))
    if item.status == "submitted":
        row.hint = "Open it to decide"


# --- fee estimates in a batch -----------------------------------------------------------------


def estimate_fees(entries: Sequence[TimeEntry]) -> dict[int, FeeView]:
    """The fee each entry would get if approved now, through the one pipeline
    (`rates_domain.fee_for`), from one load of the rate lines; approved entries show their
    fixed fee."""
    activity_ids = {e.activity_type_id for e in entries}
    lines: dict[int, list[rates_domain.RateLine]] = defaultdict(list)
    activities: dict[int, ActivityType] = {}
    if activity_ids:
        for rate in db.session.scalars(select(Rate).where(Rate.activity_type_id.in_(activity_ids))):
            lines[rate.activity_type_id].append(rates.rate_line(rate))
        activities = {
            a.id: a
            for a in db.session.scalars(
                select(ActivityType).where(ActivityType.id.in_(activity_ids))
            )
        }
    found: dict[int, FeeView] = {}
    for entry in entries:
        if entry.fee_pence is not None:
            found[entry.id] = FeeView(entry.fee_pence, entry.calculated_fee_pence, fixed=True)
            continue
        activity = activities.get(entry.activity_type_id)
        fee = rates_domain.fee_for(
            lines[entry.activity_type_id],
            activity_type_id=entry.activity_type_id,
            activity_name=activity.name if activity else "",
            paid=activity.paid if activity else True,
            project_id=entry.project_id,
            contributor_id=entry.contributor_id,
            work_date=entry.work_date,
            minutes=entry.minutes,
            fee_choice=entry.fee_choice,
            requested_pence=entry.fee_requested_pence,
        )
        if fee.calculation is None:
            found[entry.id] = FeeView(None, message=NO_RATE)
        elif fee.fee_pence is None:
            found[entry.id] = FeeView(None, fee.calculation.fee_pence, fee.message)
        else:
            found[entry.id] = FeeView(
                fee.fee_pence,
                fee.calculation.fee_pence,
                explanation=fee.calculation.explanation,
                unpaid=fee.unpaid,
            )
    return found


# --- one item ---------------------------------------------------------------------------------


def get_item(actor: User, kind: str, item_id: int) -> Any:
    """An item of a project the actor coordinates; NotFound for anything else."""
    if kind not in KINDS:
        raise NotFound("That item was not found.")
    item = lifecycle.get_visible(actor, ItemKind(kind), item_id)
    if not coordinates(actor, item.project_id):
        raise NotFound(KINDS[ItemKind(kind)].not_found)
    return item


def decision_block(actor: User, item: Any) -> str | None:
    """Why the actor may not decide this item (their own, or recorded by them), or None."""
    try:
        lifecycle.check_can_decide(actor, item)
    except Forbidden as refused:
        return refused.message
    return None


def item_label(kind: str, item: Any) -> str:
    """For messages about one item: the contributor, what it is and its date."""
    person = lifecycle.contributor_of(item)
    row = QueueRow(kind, item, person.preferred_name, person.reference, None, "")
    if kind == ItemKind.TIME:
        activity = db.session.get(ActivityType, item.activity_type_id)
        row.when, row.what = item.work_date, activity.name if activity else "Time"
    elif kind == ItemKind.EXPENSE:
        row.when, row.what = item.claim_date, EXPENSE_CATEGORIES.get(item.category, "Expense")
    else:
        row.when, row.what = item.needed_by, ADAPTATION_KINDS.get(item.kind, "Request")
    return row.label


# --- bulk approval ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    label: str
    reason: str


@dataclass(frozen=True)
class BenefitNotice:
    label: str
    message: str
    advice: str


@dataclass
class BulkOutcome:
    approved: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    notices: list[BenefitNotice] = field(default_factory=list)


def bulk_approve(*, actor: User, refs: Sequence[tuple[str, int]]) -> BulkOutcome:
    """Approve each time entry and expense claim in its own savepoint, so that one that cannot be
    approved leaves the others approved. Oldest work first, so mileage splits stay in order."""
    outcome = BulkOutcome()
    if not refs:
        raise TrackerError(
            "Select at least one item to approve.", fields={"items": "Select an item"}
        )
    if len(refs) > MAX_BULK:
        raise TrackerError(f"Approve up to {MAX_BULK} items at a time.")
    loaded: list[tuple[str, Any]] = []
    for kind, item_id in dict.fromkeys(refs):
        if kind not in (ItemKind.TIME, ItemKind.EXPENSE):
            outcome.refused.append(Refusal("An item", "Open requests one at a time to decide."))
            continue
        try:
            loaded.append((kind, get_item(actor, kind, item_id)))
        except NotFound as error:
            outcome.refused.append(Refusal("An item", error.message))
    loaded.sort(key=lambda pair: (info_of(pair[1]).when(pair[1]) or date.min, pair[0], pair[1].id))
    # One notice per person and threshold: the last, which has the highest total.
    notices: dict[tuple[int, str], BenefitNotice] = {}
    for kind, item in loaded:
        label = item_label(kind, item)
        try:
            with db.session.begin_nested():
                warnings = items.approve_item(actor=actor, item=item)
        except TrackerError as error:
            outcome.refused.append(Refusal(label, error.message))
            continue
        outcome.approved.append(label)
        for warning, notice in zip(warnings, benefit_notices(label, warnings), strict=True):
            notices[(item.contributor_id, warning.threshold.label)] = notice
    outcome.notices = list(notices.values())
    return outcome


def benefit_notices(
    label: str, warnings: Sequence[rates_domain.ThresholdWarning]
) -> list[BenefitNotice]:
    return [BenefitNotice(label, w.message, w.threshold.advice) for w in warnings]


def approval_warnings(entry: TimeEntry) -> list[rates_domain.ThresholdWarning]:
    """What approving this entry now would tell the coordinator about benefit thresholds."""
    found = timesheets.estimate_entry(entry)
    if entry.status != "submitted" or found.fee_pence is None:
        return []
    return timesheets.benefit_warnings(
        entry.contributor_id, entry.work_date, found.fee_pence, exclude_id=entry.id
    )


# --- the decision page ------------------------------------------------------------------------


@dataclass
class Details:
    """Everything a decision page shows about one item, besides the item itself."""

    row: QueueRow
    project_name: str
    project_code: str
    recorded_by: str
    decided_by: str | None
    block: str | None
    manage_block: str | None = None
    estimate: rates_domain.Fee | None = None
    warnings: list[rates_domain.ThresholdWarning] = field(default_factory=list)
    cap_pence: int | None = None

    @property
    def over_cap(self) -> bool:
        amount = self.row.item.amount_pence if self.row.kind == ItemKind.EXPENSE else None
        return amount is not None and is_over_cap(amount, self.cap_pence)


def decision_details(*, actor: User, kind: str, item: Any) -> Details:
    """The item's names, who recorded and decided it, and what stops this actor deciding it."""
    row = build_rows(actor, [(kind, item.id)])[0]
    project = db.session.get(Project, item.project_id)
    recorder = db.session.get(User, item.recorded_by_id)
    decider = db.session.get(User, item.decided_by_id) if item.decided_by_id else None
    if item.recorded_by_id == actor.id:
        recorded_by = "You"
    else:
        recorded_by = recorder.display_name if recorder else ""
    details = Details(
        row=row,
        project_name=project.name if project else "",
        project_code=project.code if project else "",
        recorded_by=recorded_by,
        decided_by=decider.display_name if decider else None,
        block=decision_block(actor, item),
    )
    if kind == ItemKind.TIME:
        details.estimate = timesheets.estimate_entry(item)
        details.warnings = approval_warnings(item)
    elif kind == ItemKind.EXPENSE:
        details.cap_pence = rates.expense_caps().get(item.category)
    elif lifecycle.is_own(actor, item):
        details.manage_block = lifecycle.OWN
    return details
