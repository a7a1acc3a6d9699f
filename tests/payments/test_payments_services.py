"""Payment runs and slips: money adds up, numbers are gapless, items are paid at most once."""

from __future__ import annotations

import json
from datetime import date

import pytest
from pypdf import PdfReader

from tests.factories import make_user
from tracker.calendar.domain import tax_year
from tracker.errors import Conflict, Forbidden, TrackerError
from tracker.extensions import db
from tracker.payments import services as payments
from tracker.payments.models import PaymentLine
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip


def _pdf_text(data: bytes) -> str:
    import io

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_a_run_gathers_approved_work_and_shows_one_row_per_person(paying, run_factory) -> None:
    robin = paying.people[0]
    jo = paying.add_person("Jo", method=None)
    paying.approved_time(robin, minutes=50)  # 60 min at £13.80
    paying.approved_expense(robin, pence=450)
    paying.approved_time(jo, minutes=120)  # £27.60
    run = run_factory()
    rows = payments.run_rows(run)
    assert [
        (r.contributor.preferred_name, r.fees_pence, r.expenses_pence, r.total_pence) for r in rows
    ] == [("Jo", 2760, 0, 2760), ("Robin", 1380, 450, 1830)]
    assert rows[0].warnings == ["No payment method"]
    assert payments.run_totals(run) == {
        "fees_pence": 4140,
        "expenses_pence": 450,
        "total_pence": 4590,
    }


def test_cut_off_leaves_later_approvals_for_the_next_run(paying) -> None:
    paying.approved_time(paying.people[0])
    with pytest.raises(TrackerError, match="Nothing approved"):
        payments.create_payment_run(actor=paying.finance, cut_off=date(2020, 1, 1))


def test_confirm_issues_numbered_slips_whose_totals_match_their_lines(
    paying, run_factory, app
) -> None:
    robin = paying.people[0]
    jo = paying.add_person("Jo")
    entries = [paying.approved_time(robin, minutes=m) for m in (50, 52, 95)]
    claim = paying.approved_expense(robin, pence=1234)
    paying.approved_time(jo, minutes=30, fee_choice="decline")
    run = run_factory()
    issued = payments.confirm_payment_run(
        actor=paying.finance, run_id=run.id, issued_on=date(2026, 11, 26)
    )
    db.session.commit()
    assert [i.slip.number for i in issued] == ["PS-2026-00001", "PS-2026-00002"]
    robin_slip = next(i.slip for i in issued if i.slip.contributor_id == robin.id)
    snapshot = json.loads(robin_slip.snapshot)
    assert [f["amount_pence"] for f in snapshot["fees"]] == [e.fee_pence for e in entries]
    assert robin_slip.fees_pence == sum(e.fee_pence for e in entries)
    assert robin_slip.expenses_pence == claim.approved_pence == 1234
    assert robin_slip.total_pence == robin_slip.fees_pence + robin_slip.expenses_pence
    jo_slip = next(i.slip for i in issued if i.slip.contributor_id == jo.id)
    assert json.loads(jo_slip.snapshot)["fees"][0]["declined"] is True
    assert jo_slip.total_pence == 0
    assert payments.run_totals(run)["total_pence"] == sum(i.slip.total_pence for i in issued)
    for entry in entries:
        db.session.refresh(entry)
        assert entry.status == "on_slip"


def test_slip_pdf_shows_number_name_and_exact_totals_and_renders_identically(
    paying, run_factory
) -> None:
    robin = paying.people[0]
    paying.approved_time(robin, minutes=52)
    paying.approved_expense(robin, pence=1250, category="taxi")
    run = run_factory()
    issued = payments.confirm_payment_run(
        actor=paying.finance, run_id=run.id, issued_on=date(2026, 11, 26)
    )
    db.session.commit()
    slip = issued[0].slip
    text = _pdf_text(issued[0].pdf)
    assert slip.number in text and "Robin" in text
    assert "£13.80" in text and "£12.50" in text and "£26.30" in text
    assert "Page 1 of 1" in text
    assert slips.render(slip) == issued[0].pdf
    assert slips.sha256(issued[0].pdf) == slip.sha256


def test_a_missing_archive_file_is_rebuilt_and_checked(paying, run_factory) -> None:
    paying.approved_time(paying.people[0])
    run = run_factory()
    issued = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    slip = issued[0].slip
    path = slips.archive_path(slip)
    assert not path.exists()
    assert slips.slip_pdf(slip) == issued[0].pdf
    assert path.exists()
    path.write_bytes(b"tampered")
    assert slips.slip_pdf(slip) == issued[0].pdf


def test_numbers_continue_across_runs_and_void_keeps_its_number(paying, run_factory) -> None:
    robin = paying.people[0]
    paying.approved_time(robin)
    first = run_factory()
    [one] = payments.confirm_payment_run(
        actor=paying.finance, run_id=first.id, issued_on=date(2026, 11, 26)
    )
    db.session.commit()
    payments.void_slip(actor=paying.finance, slip_id=one.slip.id, reason="Wrong bank details")
    db.session.commit()
    second = run_factory()
    [two] = payments.confirm_payment_run(
        actor=paying.finance, run_id=second.id, issued_on=date(2026, 11, 27)
    )
    db.session.commit()
    assert (one.slip.number, two.slip.number) == ("PS-2026-00001", "PS-2026-00002")
    assert one.slip.status == "void"
    assert two.slip.fees_pence == one.slip.fees_pence


def test_numbering_starts_again_each_calendar_year(paying, run_factory) -> None:
    robin = paying.people[0]
    paying.approved_time(robin)
    run = run_factory()
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id, issued_on=date(2026, 12, 31))
    db.session.commit()
    paying.approved_time(robin)
    run = run_factory()
    [slip] = payments.confirm_payment_run(
        actor=paying.finance, run_id=run.id, issued_on=date(2027, 1, 1)
    )
    assert slip.slip.number == "PS-2027-00001"


def test_cancelling_a_draft_returns_its_items(paying, run_factory) -> None:
    entry = paying.approved_time(paying.people[0])
    run = run_factory()
    payments.cancel_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    db.session.refresh(entry)
    assert entry.status == "approved"
    assert run_factory().status == "draft"


def test_confirming_twice_is_refused(paying, run_factory) -> None:
    paying.approved_time(paying.people[0])
    run = run_factory()
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    with pytest.raises(Conflict):
        payments.confirm_payment_run(actor=paying.finance, run_id=run.id)


def test_the_approver_cannot_confirm_the_run_that_pays_it(paying, run_factory) -> None:
    paying.approved_time(paying.people[0])
    approver = paying.world.other_coordinator
    approver.role_rows.append(type(approver.role_rows[0])(role="finance"))
    db.session.commit()
    run = payments.create_payment_run(actor=approver, cut_off=date.today())
    db.session.commit()
    with pytest.raises(Forbidden, match="another finance colleague"):
        payments.confirm_payment_run(actor=approver, run_id=run.id)


def test_only_finance_runs_payments(paying) -> None:
    paying.approved_time(paying.people[0])
    with pytest.raises(Forbidden):
        payments.create_payment_run(actor=make_user("coordinator"), cut_off=date.today())


def test_marking_a_run_paid_pays_every_slip_and_item(paying, run_factory) -> None:
    robin = paying.people[0]
    entry = paying.approved_time(robin)
    claim = paying.approved_expense(robin)
    run = run_factory()
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    with pytest.raises(TrackerError):
        payments.mark_run_paid(actor=paying.finance, run_id=run.id, paid_on=None, reference="")
    payments.mark_run_paid(
        actor=paying.finance, run_id=run.id, paid_on=date.today(), reference="BACS 1234"
    )
    db.session.commit()
    for item in (entry, claim):
        db.session.refresh(item)
        assert item.status == "paid" and item.paid_at is not None
    assert run.status == "paid" and run.reference == "BACS 1234"
    slip = db.session.scalars(db.select(PaymentSlip)).one()
    assert slip.status == "paid" and slip.payment_reference == "BACS 1234"
    with pytest.raises(Conflict):
        payments.void_slip(actor=paying.finance, slip_id=slip.id, reason="too late")


def test_a_voided_slips_items_can_be_paid_again_but_only_once(paying, run_factory) -> None:
    entry = paying.approved_time(paying.people[0])
    run = run_factory()
    [issued] = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    payments.void_slip(actor=paying.finance, slip_id=issued.slip.id, reason="Duplicate")
    db.session.commit()
    db.session.refresh(entry)
    assert entry.status == "approved"
    run_factory()
    live = db.session.scalars(
        db.select(PaymentLine).where(PaymentLine.time_entry_id == entry.id, PaymentLine.live == 1)
    ).all()
    assert len(live) == 1


def test_database_refuses_a_second_live_line_for_one_item(paying, run_factory) -> None:
    from sqlalchemy.exc import IntegrityError

    entry = paying.approved_time(paying.people[0])
    run = run_factory()
    db.session.add(
        PaymentLine(
            run_id=run.id,
            contributor_id=entry.contributor_id,
            kind="fee",
            time_entry_id=entry.id,
            amount_pence=1,
            live=1,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_statement_lists_the_tax_years_slips(paying, run_factory) -> None:
    robin = paying.people[0]
    paying.approved_time(robin)
    paying.approved_expense(robin, pence=700)
    run = run_factory()
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id, issued_on=date(2026, 11, 26))
    payments.mark_run_paid(
        actor=paying.finance, run_id=run.id, paid_on=date(2026, 11, 26), reference="x"
    )
    db.session.commit()
    data = slips.statement(
        user=paying.world.person_user,
        contributor_id=robin.id,
        tax_year=tax_year(date(2026, 11, 26)),
        made_on=date(2026, 11, 27),
    )
    text = _pdf_text(data)
    assert "2026 to 2027" in text and "PS-2026-00001" in text
    assert "£13.80" in text and "£7.00" in text and "£20.80" in text
    from tracker.errors import NotFound

    with pytest.raises(NotFound):
        slips.statement(
            user=make_user("contributor"),
            contributor_id=robin.id,
            tax_year=tax_year(date(2026, 11, 26)),
            made_on=date.today(),
        )


def test_only_finance_and_the_owner_can_fetch_a_slip(paying, run_factory) -> None:
    from tracker.errors import NotFound

    paying.approved_time(paying.people[0])
    run = run_factory()
    [issued] = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    assert slips.get_visible_slip(paying.world.person_user, issued.slip.id) == issued.slip
    assert slips.get_visible_slip(paying.finance, issued.slip.id) == issued.slip
    for outsider in (
        make_user("contributor"),
        paying.world.coordinator,
        make_user("admin"),
        make_user("funder"),
    ):
        with pytest.raises(NotFound):
            slips.get_visible_slip(outsider, issued.slip.id)


def test_payment_speed_reports_the_median_and_the_oldest_unpaid(paying, run_factory) -> None:
    from datetime import UTC, datetime, timedelta

    robin = paying.people[0]
    paid = [paying.approved_time(robin) for _ in range(3)]
    waiting = paying.approved_time(robin)
    now = datetime.now(UTC)
    for entry, days in zip(paid, (2, 5, 9), strict=True):
        entry.approved_at = now - timedelta(days=days, hours=1)
        entry.status, entry.paid_at = "paid", now
    waiting.approved_at = now - timedelta(days=12)
    db.session.commit()
    speed = payments.payment_speed()
    assert (speed.paid_count, speed.median_days) == (3, 5.0)
    assert speed.slowest_open[0][1].id == waiting.id and speed.slowest_open[0][2] >= 12
