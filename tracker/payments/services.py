"""Payment runs: gather approved unpaid items, confirm them into numbered slips, mark paid,
cancel a draft, void a slip. An item is on at most one live run or slip (database constraint)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, select, update
from sqlalchemy.exc import IntegrityError

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.audit.services import record
from tracker.auth.models import User
from tracker.calendar.domain import duration, long_date, tax_year, whole_days
from tracker.contributors.models import PAYMENT_METHODS, Contributor
from tracker.dates import end_of_local_day, local_date, local_today, utc_now
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.expenses.domain import EXPENSE_CATEGORIES
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import Action
from tracker.lifecycle.kinds import KINDS, ItemKind, KindInfo
from tracker.money import format_money, sum_pence
from tracker.payments.models import PaymentLine, PaymentRun
from tracker.projects.models import ActivityType, Project
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.reports.domain import median
from tracker.reports.queries import whole_days_sql
from tracker.settings.services import get_setting
from tracker.slips import services as slips
from tracker.slips.domain import ExpenseLine, FeeLine, SlipContributor, SlipSnapshot, SlipTotals
from tracker.slips.models import PaymentSlip
from tracker.slips.pdf import render_slip
from tracker.timesheets.models import TimeEntry


def _require_finance(actor: User) -> None:
    if not actor.has_role("finance"):
        raise Forbidden("Only finance can manage payment runs.")


def get_run(run_id: int) -> PaymentRun:
    run = db.session.get(PaymentRun, run_id)
    if run is None:
        raise NotFound("That payment run was not found.")
    return run


def _payable(info: KindInfo, cut_off: date, project_id: int | None) -> list[Any]:
    """Approved, unpaid items of one kind that became payable (approved, or for adaptations
    provided) by the end of the cut-off day."""
    model = info.model
    query = select(model).where(
        getattr(model, info.payment_status) == "approved",
        getattr(model, info.payable_since) < end_of_local_day(cut_off),
    )
    if project_id is not None:
        query = query.where(model.project_id == project_id)
    return list(db.session.scalars(query.order_by(model.id)))


def create_payment_run(
    *,
    actor: User,
    cut_off: date | None,
    project_id: int | None = None,
) -> PaymentRun:
    """A draft run of every approved, unpaid item approved on or before the cut-off."""
    _require_finance(actor)
    if cut_off is None:
        raise TrackerError("Enter the cut-off date.", fields={"cut_off": "Enter a date"})
    if project_id is not None and db.session.get(Project, project_id) is None:
        raise TrackerError("Choose a project from the list.", fields={"project_id": "Unknown"})
    items = {info: _payable(info, cut_off, project_id) for info in KINDS.values()}
    if not any(items.values()):
        raise TrackerError(
            f"Nothing approved is waiting to be paid up to {long_date(cut_off)}.",
            fields={"cut_off": "Nothing to pay up to this date"},
        )
    run = PaymentRun(cut_off=cut_off, project_id=project_id, status="draft", created_by_id=actor.id)
    db.session.add(run)
    db.session.flush()
    try:
        for info, rows in items.items():
            for item in rows:
                db.session.add(
                    PaymentLine(
                        run_id=run.id,
                        contributor_id=item.contributor_id,
                        kind=info.kind,
                        amount_pence=info.payable(item),
                        live=1,
                        **{info.line_column: item.id},
                    )
                )
                lifecycle.move(
                    item,
                    "add_to_run",
                    actor=actor,
                    payment=True,
                    changes={"run_id": (None, run.id)},
                )
    except IntegrityError:
        # The unique (item, live) constraint: another run took an item first.
        raise Conflict(
            "Another payment run took some of these items just now. Try again."
        ) from None
    record(
        actor=actor,
        action="payment_run.created",
        entity_type="payment_run",
        entity_id=run.id,
        changes={"cut_off": (None, cut_off), "project_id": (None, project_id)},
    )
    return run


def _lines(run: PaymentRun, *, live_only: bool = True) -> list[PaymentLine]:
    query = select(PaymentLine).where(PaymentLine.run_id == run.id)
    if live_only:
        query = query.where(PaymentLine.live == 1)
    return list(db.session.scalars(query.order_by(PaymentLine.id)))


def _items(lines: list[PaymentLine]) -> dict[tuple[str, int], Any]:
    """Every item behind the lines, loaded with one query per kind."""
    found: dict[tuple[str, int], Any] = {}
    for kind, info in KINDS.items():
        ids = [getattr(line, info.line_column) for line in lines if line.kind == kind]
        if ids:
            for item in db.session.scalars(select(info.model).where(info.model.id.in_(ids))):
                found[(kind, item.id)] = item
    return found


def _slip_lines(slip: PaymentSlip) -> list[PaymentLine]:
    return list(
        db.session.scalars(
            select(PaymentLine).where(PaymentLine.slip_id == slip.id, PaymentLine.live == 1)
        )
    )


def _move_items(
    actor: User,
    lines: list[PaymentLine],
    action: Action,
    *,
    items: dict[tuple[str, int], Any] | None = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
) -> None:
    """Move the money side of every item behind `lines` by `action`, audited."""
    items = _items(lines) if items is None else items
    for line in lines:
        lifecycle.move(_item_of(line, items), action, actor=actor, payment=True, changes=changes)


def _item_of(line: PaymentLine, items: dict[tuple[str, int], Any]) -> Any:
    return items[(line.kind, getattr(line, KINDS[ItemKind(line.kind)].line_column))]


# --- the draft screen ---------------------------------------------------------------------------


@dataclass
class ContributorRow:
    contributor: Contributor
    fees_pence: int = 0
    expenses_pence: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total_pence(self) -> int:
        return sum_pence((self.fees_pence, self.expenses_pence))

    @property
    def method(self) -> str:
        return PAYMENT_METHODS.get(self.contributor.payment_method or "", "Not set")


def run_rows(run: PaymentRun) -> list[ContributorRow]:
    """One row per contributor: fees, expenses, total, method and warnings (SQL sums)."""
    is_fee = case((PaymentLine.kind == ItemKind.TIME, 1), else_=0)
    sums = db.session.execute(
        select(PaymentLine.contributor_id, is_fee, func.sum(PaymentLine.amount_pence))
        .where(PaymentLine.run_id == run.id, PaymentLine.live == 1)
        .group_by(PaymentLine.contributor_id, is_fee)
    ).all()
    people = {
        c.id: c
        for c in db.session.scalars(
            select(Contributor).where(Contributor.id.in_({row[0] for row in sums}))
        )
    }
    rows: dict[int, ContributorRow] = {}
    for contributor_id, fee, total in sums:
        row = rows.setdefault(contributor_id, ContributorRow(people[contributor_id]))
        if fee:
            row.fees_pence = int(total)
        else:
            row.expenses_pence = int(total)
    allowance = rates_domain.current_thresholds(
        rates.threshold_lines("trading_allowance"), run.cut_off
    )
    year_fees = _tax_year_fees(set(rows), run.cut_off)
    for row in rows.values():
        if not row.contributor.payment_method:
            row.warnings.append("No payment method")
        for threshold in allowance:
            if year_fees.get(row.contributor.id, 0) > threshold.amount_pence:
                row.warnings.append(
                    f"Fees this tax year are over the {threshold.label.lower()} "
                    f"({format_money(threshold.amount_pence)})"
                )
    return sorted(rows.values(), key=lambda r: (r.contributor.preferred_name, r.contributor.id))


def _tax_year_fees(contributor_ids: set[int], on: date) -> dict[int, int]:
    year = tax_year(on)
    return {
        cid: int(total or 0)
        for cid, total in db.session.execute(
            select(TimeEntry.contributor_id, func.sum(TimeEntry.fee_pence))
            .where(
                TimeEntry.contributor_id.in_(contributor_ids),
                TimeEntry.status.in_(("in_run", "on_slip", "paid")),
                TimeEntry.work_date.between(year.start, year.end),
            )
            .group_by(TimeEntry.contributor_id)
        ).all()
    }


def run_totals(run: PaymentRun) -> dict[str, int]:
    is_fee = PaymentLine.kind == ItemKind.TIME
    fees, expenses = db.session.execute(
        select(
            func.coalesce(func.sum(PaymentLine.amount_pence).filter(is_fee), 0),
            func.coalesce(func.sum(PaymentLine.amount_pence).filter(~is_fee), 0),
        ).where(PaymentLine.run_id == run.id, PaymentLine.live == 1)
    ).one()
    return {
        "fees_pence": int(fees),
        "expenses_pence": int(expenses),
        "total_pence": int(fees) + int(expenses),
    }


# --- cancel, confirm ----------------------------------------------------------------------------


def _lock_run(run_id: int) -> PaymentRun:
    run = db.session.execute(
        select(PaymentRun)
        .where(PaymentRun.id == run_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if run is None:
        raise NotFound("That payment run was not found.")
    return run


def cancel_payment_run(*, actor: User, run_id: int) -> PaymentRun:
    """Cancel a draft; its items go back to approved, ready for another run."""
    _require_finance(actor)
    run = _lock_run(run_id)
    if run.status != "draft":
        raise Conflict("Only a draft run can be cancelled.")
    lines = _lines(run)
    _move_items(actor, lines, "release_from_run")
    for line in lines:
        line.live = None
    run.status = "cancelled"
    run.cancelled_at = utc_now()
    db.session.flush()
    record(
        actor=actor,
        action="payment_run.cancelled",
        entity_type="payment_run",
        entity_id=run.id,
        changes={"status": ("draft", "cancelled")},
    )
    return run


def _check_separation(actor: User, items: dict[tuple[str, int], Any]) -> None:
    """The person who approved an item cannot confirm the run that pays it."""
    approved_by_actor = [
        item for item in items.values() if getattr(item, "decided_by_id", None) == actor.id
    ]
    if approved_by_actor:
        raise Forbidden(
            "You approved some of the work in this run, so another finance colleague needs to "
            "confirm it."
        )


def _check_not_paying_self(actor: User, contributor_ids: set[int], action: str) -> None:
    """Nobody confirms or marks paid a run or slip that pays them."""
    names = sorted(
        db.session.scalars(
            select(Contributor.preferred_name).where(
                Contributor.id.in_(contributor_ids), Contributor.user_id == actor.id
            )
        )
    )
    if names:
        raise Forbidden(
            f"This pays you ({', '.join(names)}), so another finance colleague needs to "
            f"{action} it."
        )


def _check_two_people(actor: User, run: PaymentRun) -> None:
    """With the setting on, the person who confirmed a run cannot also mark it paid."""
    if get_setting("two_people_release") == "yes" and run.confirmed_by_id == actor.id:
        raise Forbidden(
            "Your organisation asks two people to release each payment. You confirmed this "
            "run, so another finance colleague needs to mark it as paid."
        )


def _fee_line(entry: TimeEntry, names: dict[str, dict[int, str]]) -> FeeLine:
    snap = json.loads(entry.rate_snapshot or "{}")
    if snap.get("unpaid"):
        rate = "Unpaid work"
    elif snap.get("basis") == "hour":
        rate = (
            f"{format_money(snap['amount_pence'])} an hour, {duration(entry.billable_minutes)} paid"
        )
    elif snap.get("basis") == "session":
        rate = f"{format_money(snap['amount_pence'])} a session"
    else:
        half = entry.minutes <= int(snap.get("half_day_max_minutes", 240))
        rate = (
            f"{format_money(snap['half_day_pence'])} half day"
            if half
            else f"{format_money(snap['day_pence'])} full day"
        )
    if entry.fee_choice == "reduce":
        rate += f" (full fee {format_money(entry.calculated_fee_pence or 0)}, reduced)"
    return FeeLine(
        date=entry.work_date,
        date_text=long_date(entry.work_date),
        project=names["project"][entry.project_id],
        activity=names["activity"][entry.activity_type_id],
        time_text=duration(entry.minutes),
        rate_text=rate,
        amount_pence=KINDS[ItemKind.TIME].payable(entry),
        declined=entry.fee_choice == "decline",
        item=f"time_entry:{entry.id}",
    )


def _expense_line(kind: str, item: Any, names: dict[str, dict[int, str]]) -> ExpenseLine:
    if kind == "expense":
        day = item.claim_date
        category = EXPENSE_CATEGORIES[item.category]
        description = item.description
        if item.category == "mileage":
            description = "; ".join(
                part for part in [item.mileage_breakdown or "", item.description] if part
            )
        ref = f"expense:{item.id}"
    else:
        day = local_date(item.provided_at)
        category = "Equipment or support"
        description = f"{ADAPTATION_KINDS[item.kind]}: {item.description}"
        ref = f"adaptation:{item.id}"
    return ExpenseLine(
        date=day,
        date_text=long_date(day),
        project=names["project"][item.project_id],
        category=category,
        description=description,
        amount_pence=KINDS[ItemKind(kind)].payable(item),
        item=ref,
    )


def _names() -> dict[str, dict[int, str]]:
    return {
        "project": dict(db.session.execute(select(Project.id, Project.name)).all()),
        "activity": dict(db.session.execute(select(ActivityType.id, ActivityType.name)).all()),
    }


def build_snapshot(
    *,
    contributor: Contributor,
    lines: list[PaymentLine],
    items: dict[tuple[str, int], Any],
    number: str,
    issued_on: date,
    names: dict[str, dict[int, str]],
) -> SlipSnapshot:
    """Everything the slip shows, fixed at confirmation. Totals are sums of the lines."""
    fees = sorted(
        (_fee_line(_item_of(line, items), names) for line in lines if line.kind == ItemKind.TIME),
        key=lambda x: (x.date, x.item),
    )
    expenses = sorted(
        (
            _expense_line(line.kind, _item_of(line, items), names)
            for line in lines
            if line.kind != ItemKind.TIME
        ),
        key=lambda x: (x.date, x.item),
    )
    dates = [x.date for x in fees] + [x.date for x in expenses]
    first, last = min(dates), max(dates)
    return SlipSnapshot(
        organisation=slips.organisation(),
        number=number,
        issued_on=issued_on,
        issued_on_text=long_date(issued_on),
        contributor=SlipContributor(
            name=contributor.preferred_name, reference=contributor.reference
        ),
        payment_method=PAYMENT_METHODS.get(contributor.payment_method or "", "Not set"),
        period=long_date(first) if first == last else f"{long_date(first)} to {long_date(last)}",
        fees=tuple(fees),
        expenses=tuple(expenses),
        totals=SlipTotals.of(fees, expenses),
    )


@dataclass(frozen=True)
class IssuedSlip:
    slip: PaymentSlip
    pdf: bytes


def confirm_payment_run(
    *,
    actor: User,
    run_id: int,
    issued_on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[IssuedSlip]:
    """Issue one numbered slip per contributor, in one transaction with the run locked.

    Returns the slips with their PDFs; the caller writes the archive after committing (a crash
    before the commit leaves nothing; a missing file is rebuilt from the snapshot later).
    """
    _require_finance(actor)
    run = _lock_run(run_id)
    if run.status != "draft":
        raise Conflict("This run has already been confirmed or cancelled.")
    lines = _lines(run)
    items = _items(lines)
    _check_separation(actor, items)
    _check_not_paying_self(actor, {line.contributor_id for line in lines}, "confirm")
    by_person: dict[int, list[PaymentLine]] = defaultdict(list)
    for line in lines:
        by_person[line.contributor_id].append(line)
    people = sorted(
        db.session.scalars(select(Contributor).where(Contributor.id.in_(by_person))),
        key=lambda c: (c.preferred_name, c.id),
    )
    issued_on = issued_on or local_today()
    numbers = slips.next_numbers(issued_on.year, len(people))
    names = _names()
    issued: list[IssuedSlip] = []
    for index, (person, sequence) in enumerate(zip(people, numbers, strict=True), start=1):
        number = slips.slip_number(issued_on.year, sequence)
        snapshot = build_snapshot(
            contributor=person,
            lines=by_person[person.id],
            items=items,
            number=number,
            issued_on=issued_on,
            names=names,
        )
        data = render_slip(snapshot)
        totals = snapshot.totals
        slip = PaymentSlip(
            number=number,
            year=issued_on.year,
            sequence=sequence,
            run_id=run.id,
            contributor_id=person.id,
            issued_on=issued_on,
            fees_pence=totals.fees_pence,
            expenses_pence=totals.expenses_pence,
            total_pence=totals.total_pence,
            snapshot=snapshot.to_json(),
            sha256=slips.sha256(data),
            status="issued",
        )
        db.session.add(slip)
        db.session.flush()
        for line in by_person[person.id]:
            line.slip_id = slip.id
        _move_items(
            actor, by_person[person.id], "issue_slip", items=items, changes={"slip": (None, number)}
        )
        issued.append(IssuedSlip(slip, data))
        if progress:
            progress(index, len(people))
    run.status = "confirmed"
    run.confirmed_by_id = actor.id
    run.confirmed_at = utc_now()
    db.session.flush()
    record(
        actor=actor,
        action="payment_run.confirmed",
        entity_type="payment_run",
        entity_id=run.id,
        changes={
            "status": ("draft", "confirmed"),
            "slips": (None, [i.slip.number for i in issued]),
        },
    )
    return issued


# --- paid, void ---------------------------------------------------------------------------------


def _check_paid_details(paid_on: date | None, reference: str) -> str:
    fields = {}
    if paid_on is None:
        fields["paid_on"] = "Enter the date the money was paid"
    elif paid_on > local_today():
        fields["paid_on"] = "The date cannot be in the future"
    if len(reference.strip()) > 100:
        fields["reference"] = "Keep the reference to 100 characters or fewer"
    if fields:
        raise TrackerError("Check the payment details.", fields=fields)
    return reference.strip()


def _pay_slip(actor: User, slip: PaymentSlip, paid_on: date, reference: str) -> None:
    _move_items(actor, _slip_lines(slip), "mark_paid")
    slip.status = "paid"
    slip.paid_at = utc_now()
    slip.paid_on = paid_on
    slip.payment_reference = reference or None
    record(
        actor=actor,
        action="slip.paid",
        entity_type="slip",
        entity_id=slip.id,
        changes={
            "status": ("issued", "paid"),
            "paid_on": (None, paid_on),
            "reference": (None, reference),
        },
    )


def _close_run_if_settled(actor: User, run: PaymentRun, paid_on: date, reference: str) -> None:
    open_slips = db.session.scalar(
        select(func.count(PaymentSlip.id)).where(
            PaymentSlip.run_id == run.id, PaymentSlip.status == "issued"
        )
    )
    if open_slips == 0 and run.status == "confirmed":
        run.status = "paid"
        run.paid_on = paid_on
        run.reference = reference or run.reference
        run.paid_by_id = actor.id
        run.paid_at = utc_now()
        record(
            actor=actor,
            action="payment_run.paid",
            entity_type="payment_run",
            entity_id=run.id,
            changes={"status": ("confirmed", "paid"), "paid_on": (None, paid_on)},
        )


def mark_run_paid(*, actor: User, run_id: int, paid_on: date | None, reference: str) -> PaymentRun:
    """Record that the whole run was paid: every issued slip and its items become paid."""
    _require_finance(actor)
    reference = _check_paid_details(paid_on, reference)
    assert paid_on is not None
    run = _lock_run(run_id)
    if run.status != "confirmed":
        raise Conflict("Only a confirmed run can be marked as paid.")
    _check_two_people(actor, run)
    issued = list(
        db.session.scalars(
            select(PaymentSlip).where(PaymentSlip.run_id == run.id, PaymentSlip.status == "issued")
        )
    )
    _check_not_paying_self(actor, {slip.contributor_id for slip in issued}, "mark as paid")
    for slip in issued:
        _pay_slip(actor, slip, paid_on, reference)
    db.session.flush()
    _close_run_if_settled(actor, run, paid_on, reference)
    db.session.flush()
    return run


def mark_slip_paid(*, actor: User, slip_id: int, paid_on: date | None, reference: str) -> None:
    """Record that one slip was paid (for example cash handed over on the day)."""
    _require_finance(actor)
    reference = _check_paid_details(paid_on, reference)
    assert paid_on is not None
    slip = db.session.get(PaymentSlip, slip_id)
    if slip is None:
        raise NotFound("That payment slip was not found.")
    run = _lock_run(slip.run_id)
    db.session.refresh(slip)
    if slip.status != "issued":
        raise Conflict("Only an issued slip can be marked as paid.")
    _check_two_people(actor, run)
    _check_not_paying_self(actor, {slip.contributor_id}, "mark as paid")
    _pay_slip(actor, slip, paid_on, reference)
    db.session.flush()
    _close_run_if_settled(actor, run, paid_on, reference)
    db.session.flush()


def void_slip(*, actor: User, slip_id: int, reason: str) -> PaymentSlip:
    """Void an unpaid slip: its number stays used, its items go back to approved."""
    _require_finance(actor)
    if not reason.strip():
        raise TrackerError("Say why the slip is void.", fields={"reason": "Enter a reason"})
    slip = db.session.get(PaymentSlip, slip_id)
    if slip is None:
        raise NotFound("That payment slip was not found.")
    _lock_run(slip.run_id)
    db.session.refresh(slip)
    if slip.status != "issued":
        raise Conflict("Only an issued, unpaid slip can be voided.")
    _move_items(actor, _slip_lines(slip), "void_slip", changes={"slip": (slip.number, None)})
    db.session.execute(update(PaymentLine).where(PaymentLine.slip_id == slip.id).values(live=None))
    slip.status = "void"
    slip.void_reason = reason.strip()
    slip.voided_at = utc_now()
    slip.voided_by_id = actor.id
    db.session.flush()
    record(
        actor=actor,
        action="slip.voided",
        entity_type="slip",
        entity_id=slip.id,
        changes={"status": ("issued", "void"), "void_reason": (None, slip.void_reason)},
    )
    return slip


def run_slips(run: PaymentRun) -> list[PaymentSlip]:
    return list(
        db.session.scalars(
            select(PaymentSlip).where(PaymentSlip.run_id == run.id).order_by(PaymentSlip.sequence)
        )
    )


def list_runs() -> list[PaymentRun]:
    return list(db.session.scalars(select(PaymentRun).order_by(PaymentRun.id.desc())))


# --- how fast people are paid -------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentSpeed:
    """Days from approval to payment: the median for paid work, and the oldest unpaid work."""

    paid_count: int
    median_days: Decimal | None
    slowest_open: list[tuple[ItemKind, Any, int]]  # (kind, item, whole days waiting)


def payment_speed(*, limit: int = 10) -> PaymentSpeed:
    """Slow payment is the sector's best-known barrier, so finance sees it on the runs page.

    Computed in SQL: a histogram of whole days from approval to payment, then its median.
    """
    now = utc_now()
    histogram: dict[int, int] = defaultdict(int)
    open_items: list[tuple[ItemKind, Any, int]] = []
    for kind in (ItemKind.TIME, ItemKind.EXPENSE):
        model = KINDS[kind].model
        days = whole_days_sql(model.approved_at, model.paid_at)
        for value, count in db.session.execute(
            select(days, func.count()).where(model.status == "paid").group_by(days)
        ).all():
            histogram[int(value)] += int(count)
        for item in db.session.scalars(
            select(model)
            .where(model.status.in_(("approved", "in_run", "on_slip")))
            .order_by(model.approved_at)
            .limit(limit)
        ):
            open_items.append((kind, item, whole_days(item.approved_at, now)))
    open_items.sort(key=lambda row: -row[2])
    return PaymentSpeed(sum(histogram.values()), median(histogram), open_items[:limit])
