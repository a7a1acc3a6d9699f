"""Expense claims: mileage across claims and tax years, caps, receipts and decisions."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image

from tests.items import make_world
from tracker.errors import Conflict, Forbidden, TrackerError
from tracker.expenses import services as expenses
from tracker.expenses.services import ClaimInput
from tracker.extensions import db
from tracker.items import services as items
from tracker.rates import services as rates


def _claim(w, **kw) -> ClaimInput:  # type: ignore[no-untyped-def]
    values = {
        "contributor_id": w.person.id,
        "project_id": w.project.id,
        "claim_date": date(2026, 5, 4),
        "category": "mileage",
    }
    values.update(kw)
    return ClaimInput(**values)  # type: ignore[arg-type]


def _approved_mileage(w, miles: str, on: date, **kw) -> object:  # type: ignore[no-untyped-def]
    claim = expenses.create_expense(
        actor=w.person_user, data=_claim(w, miles=miles, vehicle="car", claim_date=on, **kw)
    )
    items.submit_item(actor=w.person_user, item=claim)
    items.approve_item(actor=w.coordinator, item=claim)
    return claim


def test_mileage_worked_example_crossing_ten_thousand_miles(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    _approved_mileage(w, "4995", date(2026, 4, 10))
    _approved_mileage(w, "4995", date(2026, 4, 20))
    claim = _approved_mileage(w, "30", date(2026, 5, 4), passengers=2)
    assert claim.approved_pence == 1250  # type: ignore[attr-defined]
    assert "10 miles at 45p" in (claim.mileage_breakdown or "")  # type: ignore[attr-defined]


def test_new_tax_year_starts_again_at_the_higher_rate(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    for day in (1, 2):
        _approved_mileage(w, "5000", date(2026, 3, day))
    last_day = _approved_mileage(w, "10", date(2026, 4, 5))
    first_day = _approved_mileage(w, "10", date(2026, 4, 6))
    assert last_day.approved_pence == 250  # type: ignore[attr-defined]
    assert first_day.approved_pence == 450  # type: ignore[attr-defined]


def test_same_day_claims_count_in_id_order(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    _approved_mileage(w, "4995", date(2026, 5, 1))
    _approved_mileage(w, "5000", date(2026, 5, 1))
    first = _approved_mileage(w, "10", date(2026, 5, 2))
    second = _approved_mileage(w, "10", date(2026, 5, 2))
    assert first.approved_pence == 5 * 45 + 5 * 25  # type: ignore[attr-defined]
    assert second.approved_pence == 250  # type: ignore[attr-defined]


def test_miles_are_placed_when_approved_whatever_the_dates(app) -> None:
    """A later-dated claim approved first used to leave room for an earlier-dated one to be paid
    at 45p on top: 10,100 miles at the higher rate in one tax year."""
    w = make_world()
    rates.load_shipped_reference_data()
    later = [_approved_mileage(w, "5000", date(2026, 9, day)) for day in (1, 2)]
    earlier = _approved_mileage(w, "100", date(2026, 5, 1))
    assert [c.approved_pence for c in later] == [5000 * 45] * 2  # type: ignore[attr-defined]
    assert earlier.approved_pence == 100 * 25  # type: ignore[attr-defined]
    assert "100 miles at 25p" in (earlier.mileage_breakdown or "")  # type: ignore[attr-defined]


def test_the_estimate_at_submission_can_differ_from_the_approved_split(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    waiting = expenses.create_expense(
        actor=w.person_user, data=_claim(w, miles="100", vehicle="car", claim_date=date(2026, 5, 1))
    )
    items.submit_item(actor=w.person_user, item=waiting)
    assert waiting.amount_pence == 100 * 45
    _approved_mileage(w, "5000", date(2026, 9, 1))
    _approved_mileage(w, "4950", date(2026, 9, 2))
    items.approve_item(actor=w.coordinator, item=waiting)
    assert waiting.approved_pence == 50 * 45 + 50 * 25
    assert "50 miles at 45p" in (waiting.mileage_breakdown or "")


@pytest.mark.parametrize("miles", ["1e3", "1_000", "+12.5", "12.", ".5", "1,000", "1 2", "0x10"])
def test_miles_are_plain_digits_with_at_most_one_decimal_place(app, miles: str) -> None:
    w = make_world()
    with pytest.raises(TrackerError) as refused:
        expenses.create_expense(actor=w.person_user, data=_claim(w, miles=miles, vehicle="car"))
    assert refused.value.fields["miles"] == "Enter the miles as a number, like 12.5"


def test_other_expenses_need_a_receipt_or_a_reason(app) -> None:
    w = make_world()
    claim = expenses.create_expense(
        actor=w.person_user, data=_claim(w, category="taxi", amount_pence=1200)
    )
    with pytest.raises(TrackerError, match="receipt"):
        items.submit_item(actor=w.person_user, item=claim)
    expenses.update_expense(
        actor=w.person_user,
        claim=claim,
        data=_claim(
            w,
            category="taxi",
            amount_pence=1200,
            receipt_missing_reason="The driver had no printer",
        ),
    )
    items.submit_item(actor=w.person_user, item=claim)
    assert claim.status == "submitted"


def test_claim_over_the_cap_needs_the_cap_or_a_reason(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()  # taxi cap £50.00
    claim = expenses.create_expense(
        actor=w.person_user,
        data=_claim(w, category="taxi", amount_pence=6500, receipt_missing_reason="lost"),
    )
    items.submit_item(actor=w.person_user, item=claim)
    assert claim.over_cap
    with pytest.raises(TrackerError, match=r"over the £50\.00 cap"):
        items.approve_item(actor=w.coordinator, item=claim)
    items.approve_item(actor=w.coordinator, item=claim, at_cap=True)
    assert (claim.amount_pence, claim.approved_pence) == (6500, 5000)


def test_full_amount_over_cap_with_a_reason(app) -> None:
    w = make_world()
    rates.load_shipped_reference_data()
    claim = expenses.create_expense(
        actor=w.person_user,
        data=_claim(w, category="taxi", amount_pence=6500, receipt_missing_reason="lost"),
    )
    items.submit_item(actor=w.person_user, item=claim)
    items.approve_item(
        actor=w.coordinator, item=claim, override_reason="Accessible taxi needed late at night"
    )
    assert claim.approved_pence == 6500
    assert claim.cap_override_reason == "Accessible taxi needed late at night"


def test_mileage_input_is_checked_kindly(app) -> None:
    w = make_world()
    with pytest.raises(TrackerError) as caught:
        expenses.create_expense(
            actor=w.person_user, data=_claim(w, miles="12.55", vehicle="bicycle", passengers=1)
        )
    assert set(caught.value.fields) == {"miles", "passengers"}
    with pytest.raises(TrackerError) as caught:
        expenses.create_expense(actor=w.person_user, data=_claim(w, miles="lots", vehicle="car"))
    assert "miles" in caught.value.fields


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def test_receipts_are_checked_by_content_not_name(app) -> None:
    w = make_world()
    claim = expenses.create_expense(
        actor=w.person_user, data=_claim(w, category="parking", amount_pence=400)
    )
    with pytest.raises(TrackerError, match="JPEG or PNG"):
        expenses.attach_receipt(
            actor=w.person_user,
            claim=claim,
            stream=io.BytesIO(b"MZ\x90\x00" + b"\x00" * 200),
            filename="receipt.jpg",
        )
    with pytest.raises(TrackerError, match="10 MB"):
        expenses.attach_receipt(
            actor=w.person_user,
            claim=claim,
            stream=io.BytesIO(b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            filename="big.pdf",
        )
    expenses.attach_receipt(
        actor=w.person_user, claim=claim, stream=io.BytesIO(_jpeg()), filename="../../IMG_0001.jpg"
    )
    assert claim.receipt_content_type == "image/jpeg"
    assert claim.receipt_original_name == "IMG_0001.jpg"
    assert claim.receipt_stored_name and claim.receipt_stored_name.isalnum()
    data, kind, _name = expenses.read_receipt(user=w.coordinator, claim_id=claim.id)
    assert kind == "image/jpeg" and data == _jpeg()


def test_a_fake_jpeg_header_is_not_enough(app) -> None:
    w = make_world()
    claim = expenses.create_expense(
        actor=w.person_user, data=_claim(w, category="parking", amount_pence=400)
    )
    with pytest.raises(TrackerError):
        expenses.attach_receipt(
            actor=w.person_user,
            claim=claim,
            stream=io.BytesIO(b"\xff\xd8\xff" + b"not really"),
            filename="x.jpg",
        )


def test_coordinator_cannot_approve_a_claim_they_recorded(app) -> None:
    from tests.factories import make_contributor

    w = make_world()
    paper = make_contributor(projects_=[w.project])
    claim = expenses.create_expense(
        actor=w.coordinator,
        data=_claim(
            w,
            contributor_id=paper.id,
            category="parking",
            amount_pence=300,
            receipt_missing_reason="Pay and display",
        ),
    )
    items.submit_item(actor=w.coordinator, item=claim)
    with pytest.raises(Forbidden):
        items.approve_item(actor=w.coordinator, item=claim)
    items.approve_item(actor=w.other_coordinator, item=claim)
    with pytest.raises(Conflict):
        expenses.update_expense(
            actor=w.coordinator, claim=claim, data=_claim(w, category="parking", amount_pence=1)
        )
    db.session.rollback()
