"""Expense claims: record (with a receipt or a lost-receipt reason), submit, approve, return."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import IO

from sqlalchemy import func, select

from tracker.audit.services import record
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.dates import local_today
from tracker.errors import Conflict, NotFound, TrackerError
from tracker.expenses import receipts
from tracker.expenses.domain import EXPENSE_CATEGORIES, MileageCalculation, is_over_cap
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.lifecycle import services as lifecycle
from tracker.lifecycle.domain import DECIDED, is_editable
from tracker.lifecycle.kinds import ItemKind
from tracker.money import format_money
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.rates.domain import ThresholdWarning

NO_RECEIPT_NEEDED = frozenset({"mileage"})
MAX_CLAIM_PENCE = 1_000_000  # £10,000: anything larger is surely a typing slip
PRIVATE = frozenset({"description", "receipt_missing_reason"})  # kept out of the audit trail


@dataclass(frozen=True)
class ClaimInput:
    contributor_id: int | None
    project_id: int | None
    claim_date: date | None
    category: str
    description: str = ""
    amount_pence: int | None = None
    miles: str | None = None
    vehicle: str | None = None
    passengers: int = 0
    receipt_missing_reason: str | None = None


_MILES = re.compile(r"[0-9]{1,4}(\.[0-9])?")


def parse_miles(text: str | None) -> int | None:
    """Miles as whole tenths ("12.5" -> 125); None when empty; TrackerError when not a distance.

    Only digits with at most one decimal place: no signs, exponents or separators."""
    if text is None or not str(text).strip():
        return None
    cleaned = str(text).strip()
    if re.fullmatch(r"[0-9]+\.[0-9]{2,}", cleaned):
        raise TrackerError(
            "Enter the miles to one decimal place, like 12.5",
            fields={"miles": "Enter the miles to one decimal place, like 12.5"},
        )
    if not _MILES.fullmatch(cleaned):
        raise TrackerError(
            "Enter the miles as a number, like 12.5",
            fields={"miles": "Enter the miles as a number, like 12.5"},
        )
    miles = Decimal(cleaned)
    if miles <= 0 or miles > 5000:
        raise TrackerError(
            "Enter the miles, from 0.1 to 5,000.",
            fields={"miles": "Enter the miles, from 0.1 to 5,000"},
        )
    return int(miles * 10)


def _checked(data: ClaimInput) -> dict[str, object]:
    fields = lifecycle.whose_and_where(
        data.contributor_id, data.project_id, who="Choose who the claim is for"
    )
    if data.claim_date is None:
        fields["claim_date"] = "Enter the date you spent the money or made the journey"
    elif data.claim_date > local_today():
        fields["claim_date"] = "The date cannot be in the future"
    if data.category not in EXPENSE_CATEGORIES:
        fields["category"] = "Choose what the expense was for"
    if len(data.description) > 1000:
        fields["description"] = "Keep the description to 1,000 characters or fewer"
    values: dict[str, object] = {
        "contributor_id": data.contributor_id,
        "project_id": data.project_id,
        "claim_date": data.claim_date,
        "category": data.category,
        "description": data.description.strip(),
        "receipt_missing_reason": (data.receipt_missing_reason or "").strip() or None,
    }
    if data.category == "mileage":
        try:
            tenths = parse_miles(data.miles)
        except TrackerError as error:
            fields.update(error.fields)
            tenths = None
        if tenths is None and "miles" not in fields:
            fields["miles"] = "Enter how many miles"
        if data.vehicle not in {"car", "motorcycle", "bicycle"}:
            fields["vehicle"] = "Choose the vehicle"
        if not 0 <= data.passengers <= 8:
            fields["passengers"] = "Enter the number of passengers, from 0 to 8"
        elif data.passengers and data.vehicle != "car":
            fields["passengers"] = "Passengers can only be claimed for a car or van"
        values.update(miles_tenths=tenths, vehicle=data.vehicle, passengers=data.passengers)
    else:
        if data.amount_pence is None or data.amount_pence <= 0:
            fields["amount_pence"] = "Enter the amount you spent, like 4.50"
        elif data.amount_pence > MAX_CLAIM_PENCE:
            fields["amount_pence"] = f"Enter {format_money(MAX_CLAIM_PENCE)} or less"
        values.update(amount_pence=data.amount_pence, miles_tenths=None, vehicle=None, passengers=0)
    if fields:
        raise TrackerError("Check the details of the claim.", fields=fields)
    return values


def earlier_miles(claim: ExpenseClaim) -> Decimal:
    """The contributor's miles for this vehicle already approved in the claim's tax year,
    whatever the dates of those claims (DESIGN §4.6): a claim is placed when it is approved."""
    start, end = rates_domain.period_bounds("tax_year", claim.claim_date)
    total = db.session.scalar(
        select(func.coalesce(func.sum(ExpenseClaim.miles_tenths), 0)).where(
            ExpenseClaim.contributor_id == claim.contributor_id,
            ExpenseClaim.category == "mileage",
            ExpenseClaim.vehicle == claim.vehicle,
            ExpenseClaim.status.in_(DECIDED),
            ExpenseClaim.claim_date.between(start, end),
            ExpenseClaim.id != claim.id,
        )
    )
    return Decimal(int(total or 0)) / 10


def mileage_for(claim: ExpenseClaim) -> MileageCalculation:
    """The mileage amount for this claim now, rounded once (split at the tax-year threshold)."""
    assert claim.miles_tenths is not None and claim.vehicle is not None
    try:
        return rates.mileage_estimate(
            vehicle=claim.vehicle,
            miles=Decimal(claim.miles_tenths) / 10,
            passengers=claim.passengers,
            claim_date=claim.claim_date,
            earlier_miles=earlier_miles(claim),
        )
    except ValueError as error:
        raise TrackerError(str(error)) from None


def _refresh_amounts(claim: ExpenseClaim) -> None:
    if claim.category == "mileage":
        calc = mileage_for(claim)
        claim.amount_pence = calc.amount_pence
        claim.mileage_breakdown = "; ".join(part.label for part in calc.parts)
    else:
        claim.mileage_breakdown = None
    claim.over_cap = is_over_cap(claim.amount_pence, rates.expense_caps().get(claim.category))


def create_expense(*, actor: User, data: ClaimInput) -> ExpenseClaim:
    """Save a draft claim; mileage is worked out from the dated rate table."""
    claim: ExpenseClaim = lifecycle.create_item(
        actor, ExpenseClaim, _checked(data), private=PRIVATE
    )
    _refresh_amounts(claim)
    db.session.flush()
    return claim


def update_expense(*, actor: User, claim: ExpenseClaim, data: ClaimInput) -> ExpenseClaim:
    lifecycle.check_can_change(actor, claim)
    values = _checked(replace(data, contributor_id=claim.contributor_id))
    lifecycle.save_changes(actor, claim, values, private=PRIVATE)
    _refresh_amounts(claim)
    db.session.flush()
    return claim


def attach_receipt(*, actor: User, claim: ExpenseClaim, stream: IO[bytes], filename: str) -> None:
    """Keep a receipt for an editable claim, replacing any earlier one."""
    lifecycle.check_can_act_for(actor, claim)
    if not is_editable(claim.status):
        raise Conflict("The receipt can only be changed while the claim is a draft or sent back.")
    stored = receipts.store(stream, filename)
    receipts.remove(claim.receipt_stored_name)
    claim.receipt_stored_name = stored.stored_name
    claim.receipt_content_type = stored.content_type
    claim.receipt_original_name = stored.original_name
    claim.receipt_missing_reason = None
    lifecycle.mark_changed(claim, actor)
    db.session.flush()
    record(
        actor=actor,
        action="expense.receipt_added",
        entity_type=ItemKind.EXPENSE,
        entity_id=claim.id,
        changes={"receipt_content_type": (None, stored.content_type)},
    )


# --- the kind's checks in the one lifecycle (tracker/items/services.py) ----------------------


def before_submit(claim: ExpenseClaim) -> list[ThresholdWarning]:
    """A receipt or a reason it is lost is needed (not for mileage)."""
    if (
        claim.category not in NO_RECEIPT_NEEDED
        and not claim.receipt_stored_name
        and not claim.receipt_missing_reason
    ):
        raise TrackerError(
            "Add a photo or PDF of the receipt, or tell us why there is no receipt.",
            fields={"receipt": "Add the receipt, or say why it is missing"},
        )
    _refresh_amounts(claim)
    return []


def before_approve(
    claim: ExpenseClaim, *, at_cap: bool = False, override_reason: str = ""
) -> tuple[dict[str, tuple[object, object]], list[ThresholdWarning]]:
    """Fix the amount. Over a cap, the coordinator approves the cap (`at_cap`), or the full
    amount with a reason. Mileage is worked out again with the miles approved before it."""
    if claim.category == "mileage":
        # Two approvals at once must not both count the same miles as "before" them.
        db.session.execute(
            select(Contributor.id).where(Contributor.id == claim.contributor_id).with_for_update()
        )
    _refresh_amounts(claim)
    amount = claim.amount_pence
    if claim.over_cap:
        cap = rates.expense_caps()[claim.category]
        if at_cap:
            amount = cap
        elif override_reason.strip():
            claim.cap_override_reason = override_reason.strip()
        else:
            raise TrackerError(
                f"This claim is over the {format_money(cap)} cap. Approve the cap, or give a "
                "reason to approve the full amount.",
                fields={"override_reason": "Give a reason, or approve the capped amount"},
            )
    claim.approved_pence = amount
    return {"approved_pence": (None, amount)}, []


def read_receipt(*, user: User, claim_id: int) -> tuple[bytes, str, str]:
    """The receipt's bytes, type and name, for someone allowed to see the claim."""
    claim: ExpenseClaim = lifecycle.get_visible(user, ItemKind.EXPENSE, claim_id)
    if not claim.receipt_stored_name or not claim.receipt_content_type:
        raise NotFound("This claim has no receipt.")
    try:
        data = receipts.read(claim.receipt_stored_name)
    except FileNotFoundError:
        raise NotFound("The receipt file is missing.") from None
    return data, claim.receipt_content_type, claim.receipt_original_name or "receipt"
