"""Payment pages as finance and contributors use them: create, review, confirm, download, pay,
void, cancel; who may see what; and query counts that do not grow with the run."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import event, select

from tests.conftest import sign_in
from tests.factories import make_contributor, make_fund, make_user
from tests.items import entry_input
from tracker.calendar.domain import tax_year
from tracker.dates import local_today
from tracker.extensions import db
from tracker.items import services as items
from tracker.payments import services as payments
from tracker.payments.exports import safe_cell
from tracker.payments.models import PaymentRun
from tracker.projects import services as projects
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip
from tracker.timesheets import services as timesheets
from tracker.timesheets.models import TimeEntry

YEAR = local_today().year


def _date_parts(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the byte order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _confirmed(paying: Any, run_factory: Callable[..., Any]) -> tuple[PaymentRun, list[Any]]:
    """Robin (fees and an expense) and Jo (a fee) on a confirmed run, archives written."""
    robin = paying.people[0]
    jo = paying.add_person("Jo")
    paying.approved_time(robin, minutes=50)  # £13.80
    paying.approved_expense(robin, pence=1250)
    paying.approved_time(jo, minutes=120)  # £27.60
    run = run_factory()
    issued = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    for item in issued:
        slips.write_archive(item.slip, item.pdf)
    return run, [i.slip for i in issued]


# --- the whole journey --------------------------------------------------------------------------


def test_finance_creates_reviews_confirms_and_downloads_a_slip(client: FlaskClient, paying) -> None:
    robin = paying.people[0]
    jo = paying.add_person("Jo", method=None)
    paying.approved_time(robin, minutes=50)
    paying.approved_expense(robin, pence=450)
    paying.approved_time(jo, minutes=120)
    sign_in(client, paying.finance.email)

    created = client.post(
        "/payments/", data={"new-cut_off": _date_parts(local_today()), "new-project_id": ""}
    )
    assert created.status_code == 302
    run = db.session.scalars(select(PaymentRun)).one()
    assert created.headers["Location"] == f"/payments/runs/{run.id}"

    page = client.get(f"/payments/runs/{run.id}").text
    assert "2 people to pay" in page
    assert "Robin" in page and "Jo" in page
    assert "No payment method" in page
    assert "£13.80" in page and "£4.50" in page and "£18.30" in page and "£27.60" in page
    assert "£45.90" in page  # the run's total

    step = client.get(f"/payments/runs/{run.id}/confirm").text
    assert "2 slips are issued" in step
    assert f"PS-{YEAR}-00001" in step and f"PS-{YEAR}-00002" in step
    assert "2 people have a warning" in step  # neither has a payment method
    assert db.session.scalar(select(PaymentSlip.id)) is None  # looking changes nothing

    confirmed = client.post(f"/payments/runs/{run.id}/confirm")
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"] == f"/payments/runs/{run.id}"
    slip_list = db.session.scalars(select(PaymentSlip).order_by(PaymentSlip.sequence)).all()
    assert [(s.number, s.total_pence, s.status) for s in slip_list] == [
        (f"PS-{YEAR}-00001", 2760, "issued"),
        (f"PS-{YEAR}-00002", 1830, "issued"),
    ]
    for slip in slip_list:  # archived after the commit
        assert slips.sha256(slips.archive_path(slip).read_bytes()) == slip.sha256

    page = client.get(f"/payments/runs/{run.id}").text
    assert "2 slips issued." in page
    assert f"PS-{YEAR}-00002" in page and "Mark all paid" in page

    robin_slip = slip_list[1]
    download = client.get(f"/payments/slips/{robin_slip.id}.pdf")
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert f'filename="{robin_slip.number}.pdf"' in download.headers["Content-Disposition"]
    assert slips.sha256(download.data) == robin_slip.sha256
    text = _pdf_text(download.data)
    assert robin_slip.number in text and "Robin" in text and "£18.30" in text


def test_nothing_to_pay_is_explained_beside_the_cut_off(client: FlaskClient, paying) -> None:
    sign_in(client, paying.finance.email)
    response = client.post(
        "/payments/", data={"new-cut_off": _date_parts(local_today()), "new-project_id": ""}
    )
    assert response.status_code == 400
    assert "Nothing to pay up to this date" in response.text
    assert 'value="' + str(local_today().day) + '"' in response.text  # what was typed is kept
    assert db.session.scalar(select(PaymentRun.id)) is None


def test_a_run_for_one_project_leaves_other_projects_work(client: FlaskClient, paying) -> None:
    w = paying.world
    other = projects.create_project(
        actor=make_user("admin"), name="Other", code="OTH", start_date=date(2026, 4, 1)
    )
    for coordinator in (w.coordinator, w.other_coordinator):
        projects.add_coordinator(actor=make_user("admin"), project=other, user=coordinator)
    projects.add_member(actor=make_user("admin"), project=other, contributor=w.person)
    db.session.commit()
    paying.approved_time(w.person)
    paying.approved_time(w.person, project_id=other.id)
    sign_in(client, paying.finance.email)
    response = client.post(
        "/payments/",
        data={"new-cut_off": _date_parts(local_today()), "new-project_id": str(other.id)},
    )
    assert response.status_code == 302
    run = db.session.scalars(select(PaymentRun)).one()
    assert run.project_id == other.id
    assert "Other (OTH)" in client.get(f"/payments/runs/{run.id}").text
    statuses = db.session.scalars(select(TimeEntry.status).order_by(TimeEntry.id)).all()
    assert statuses == ["approved", "in_run"]


def test_the_runs_page_lists_runs_and_how_fast_we_pay(
    client: FlaskClient, paying, run_factory
) -> None:
    run, _ = _confirmed(paying, run_factory)
    payments.mark_run_paid(actor=paying.finance, run_id=run.id, paid_on=local_today(), reference="")
    waiting = paying.approved_time(paying.people[0], minutes=30)
    db.session.commit()
    sign_in(client, paying.finance.email)
    page = client.get("/payments/").text
    assert f"Run {run.id}" in page
    assert "£53.90" in page  # 13.80 + 12.50 + 27.60
    assert "Half of all paid work was paid within" in page
    assert "0 days" in page
    assert "Waiting longest" in page and "Robin" in page
    assert "£6.90" in page and waiting.fee_pence == 690  # the 30-minute entry


# --- downloads ----------------------------------------------------------------------------------


def test_zip_holds_each_live_slip_once_by_number_and_is_the_same_every_time(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    third = paying.add_person("Kim")
    paying.approved_time(third)
    sign_in(client, paying.finance.email)
    first = client.get(f"/payments/runs/{run.id}/slips.zip")
    assert first.status_code == 200 and first.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(first.data)) as archive:
        names = archive.namelist()
        assert names == [f"{s.number}.pdf" for s in slip_list]
        for slip in slip_list:
            assert slips.sha256(archive.read(f"{slip.number}.pdf")) == slip.sha256
    # The archive files are deleted: the PDFs are rebuilt from their snapshots, byte for byte.
    for slip in slip_list:
        slips.archive_path(slip).unlink()
    assert client.get(f"/payments/runs/{run.id}/slips.zip").data == first.data
    payments.void_slip(actor=paying.finance, slip_id=slip_list[0].id, reason="Wrong person")
    db.session.commit()
    with zipfile.ZipFile(io.BytesIO(client.get(f"/payments/runs/{run.id}/slips.zip").data)) as z:
        assert z.namelist() == [f"{slip_list[1].number}.pdf"]


def test_run_csv_has_one_row_per_slip_with_exact_totals(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    payments.mark_slip_paid(
        actor=paying.finance, slip_id=slip_list[0].id, paid_on=local_today(), reference="BACS-7"
    )
    db.session.commit()
    sign_in(client, paying.finance.email)
    response = client.get(f"/payments/runs/{run.id}/slips.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = _csv_rows(response.data)
    jo, robin = paying.people[1], paying.people[0]
    assert rows == [
        {
            "slip_number": f"PS-{YEAR}-00001",
            "contributor_reference": jo.reference,
            "name": "Jo",
            "payment_method": "Bank transfer",
            "fees": "27.60",
            "fees_pence": "2760",
            "expenses": "0.00",
            "expenses_pence": "0",
            "total": "27.60",
            "total_pence": "2760",
            "status": "paid",
            "paid_on": local_today().isoformat(),
            "payment_reference": "BACS-7",
        },
        {
            "slip_number": f"PS-{YEAR}-00002",
            "contributor_reference": robin.reference,
            "name": "Robin",
            "payment_method": robin_method(robin),
            "fees": "13.80",
            "fees_pence": "1380",
            "expenses": "12.50",
            "expenses_pence": "1250",
            "total": "26.30",
            "total_pence": "2630",
            "status": "issued",
            "paid_on": "",
            "payment_reference": "",
        },
    ]
    assert sum(int(r["total_pence"]) for r in rows) == payments.run_totals(run)["total_pence"]


def robin_method(robin: Any) -> str:
    from tracker.contributors.models import PAYMENT_METHODS

    return PAYMENT_METHODS.get(robin.payment_method or "", "Not set")


def test_lines_csv_has_one_row_per_line_adding_up_to_each_slip(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    sign_in(client, paying.finance.email)
    rows = _csv_rows(client.get(f"/payments/runs/{run.id}/lines.csv").data)
    code = paying.world.project.code
    robin_ref = paying.people[0].reference
    assert [
        (r["slip_number"], r["contributor_reference"], r["kind"], r["project_code"]) for r in rows
    ] == [
        (f"PS-{YEAR}-00001", paying.people[1].reference, "fee", code),
        (f"PS-{YEAR}-00002", robin_ref, "fee", code),
        (f"PS-{YEAR}-00002", robin_ref, "expense", code),
    ]
    assert [(r["amount_pence"], r["amount"]) for r in rows] == [
        ("2760", "27.60"),
        ("1380", "13.80"),
        ("1250", "12.50"),
    ]
    assert rows[1]["activity_or_category"] == "Meeting"
    assert rows[1]["date"] == "2026-05-04"
    assert rows[2]["activity_or_category"] == "Public transport"
    for slip in slip_list:
        lines = [int(r["amount_pence"]) for r in rows if r["slip_number"] == slip.number]
        assert sum(lines) == slip.total_pence


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+44 7700", "'+44 7700"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Bus fare = £2", "Bus fare = £2"),
        ("12.50", "12.50"),
        (1250, "1250"),
        (None, ""),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_made_text(value: Any, cell: str) -> None:
    assert safe_cell(value) == cell


def test_csv_downloads_neutralise_formulas_in_names_and_descriptions(
    client: FlaskClient, paying, run_factory
) -> None:
    person = paying.add_person('=HYPERLINK("http://evil.example","Click")')
    paying.approved_expense(person, pence=300, description="@SUM(1+1)")
    run = run_factory()
    payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    sign_in(client, paying.finance.email)
    [row] = _csv_rows(client.get(f"/payments/runs/{run.id}/slips.csv").data)
    assert row["name"] == '\'=HYPERLINK("http://evil.example","Click")'
    [line] = _csv_rows(client.get(f"/payments/runs/{run.id}/lines.csv").data)
    assert line["description"] == "'@SUM(1+1)"
    assert line["amount_pence"] == "300"


# --- paying, voiding, cancelling ----------------------------------------------------------------


def test_mark_all_paid_records_the_date_and_reference(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    sign_in(client, paying.finance.email)
    future = client.post(
        f"/payments/runs/{run.id}/paid",
        data={"paid-paid_on": _date_parts(local_today() + timedelta(days=3)), "paid-reference": ""},
    )
    assert future.status_code == 400
    assert "The date cannot be in the future" in future.text
    db.session.refresh(run)
    assert run.status == "confirmed"
    paid_on = local_today() - timedelta(days=1)
    response = client.post(
        f"/payments/runs/{run.id}/paid",
        data={"paid-paid_on": _date_parts(paid_on), "paid-reference": "BACS 0526"},
    )
    assert response.status_code == 302
    db.session.refresh(run)
    assert (run.status, run.paid_on, run.reference) == ("paid", paid_on, "BACS 0526")
    for slip in slip_list:
        db.session.refresh(slip)
        assert (slip.status, slip.paid_on, slip.payment_reference) == ("paid", paid_on, "BACS 0526")
    page = client.get(f"/payments/runs/{run.id}").text
    assert "Mark all paid" not in page and "BACS 0526" in page


def test_one_slip_can_be_marked_paid_on_its_own(client: FlaskClient, paying, run_factory) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    sign_in(client, paying.finance.email)
    form = client.get(f"/payments/slips/{slip_list[0].id}/paid")
    assert form.status_code == 200 and slip_list[0].number in form.text
    response = client.post(
        f"/payments/slips/{slip_list[0].id}/paid",
        data={"paid-paid_on": _date_parts(local_today()), "paid-reference": "Cash"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/payments/runs/{run.id}"
    db.session.refresh(slip_list[0])
    db.session.refresh(slip_list[1])
    db.session.refresh(run)
    assert (slip_list[0].status, slip_list[1].status, run.status) == ("paid", "issued", "confirmed")


def test_void_needs_a_reason_and_sends_the_work_back_to_approved(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    robin_slip = slip_list[1]
    sign_in(client, paying.finance.email)
    page = client.get(f"/payments/slips/{robin_slip.id}/void").text
    assert f"the number {robin_slip.number} stays used" in page
    assert "goes back to approved" in page
    blank = client.post(f"/payments/slips/{robin_slip.id}/void", data={"void-reason": "  "})
    assert blank.status_code == 400
    assert "Enter a reason" in blank.text
    response = client.post(
        f"/payments/slips/{robin_slip.id}/void", data={"void-reason": "Paid by cheque instead"}
    )
    assert response.status_code == 302
    db.session.refresh(robin_slip)
    assert (robin_slip.status, robin_slip.void_reason) == ("void", "Paid by cheque instead")
    statuses = db.session.scalars(
        select(TimeEntry.status).where(TimeEntry.contributor_id == paying.people[0].id)
    ).all()
    assert statuses == ["approved"]
    page = client.get(f"/payments/runs/{run.id}").text
    assert "Paid by cheque instead" in page
    assert "£27.60" in page  # the run total now leaves the void slip out
    again = client.post(f"/payments/slips/{robin_slip.id}/void", data={"void-reason": "Again"})
    assert again.status_code == 400
    assert "Only an issued, unpaid slip can be voided." in again.text


def test_cancel_asks_first_then_returns_the_work(client: FlaskClient, paying, run_factory) -> None:
    entry = paying.approved_time(paying.people[0])
    run = run_factory()
    sign_in(client, paying.finance.email)
    step = client.get(f"/payments/runs/{run.id}/cancel")
    assert "Cancel this payment run?" in step.text
    assert "no slip numbers are used" in step.text
    db.session.refresh(run)
    assert run.status == "draft"
    response = client.post(f"/payments/runs/{run.id}/cancel")
    assert response.status_code == 302 and response.headers["Location"] == "/payments/"
    db.session.refresh(run)
    db.session.refresh(entry)
    assert (run.status, entry.status) == ("cancelled", "approved")
    assert "Nothing to pay" in client.get("/payments/").text
    twice = client.post(f"/payments/runs/{run.id}/cancel")
    assert twice.status_code == 409
    assert "Only a draft run can be cancelled." in twice.text


def test_the_approver_cannot_confirm_and_is_told_plainly(
    client: FlaskClient, paying, run_factory
) -> None:
    w = paying.world
    both = make_user("finance", "coordinator", name="Pat")
    projects.add_coordinator(actor=make_user("admin"), project=w.project, user=both)
    db.session.commit()
    entry = timesheets.create_time_entry(actor=w.coordinator, data=entry_input(w))
    items.submit_item(actor=w.coordinator, item=entry)
    items.approve_item(actor=both, item=entry)
    db.session.commit()
    run = run_factory()
    sign_in(client, both.email)
    response = client.post(f"/payments/runs/{run.id}/confirm")
    assert response.status_code == 403
    assert "This run cannot be confirmed" in response.text
    assert "another finance colleague needs to confirm it" in response.text
    assert "Confirm and issue the slips" in response.text  # the page, not an error page
    db.session.refresh(run)
    assert run.status == "draft"


def test_a_run_cannot_be_confirmed_twice(client: FlaskClient, paying, run_factory) -> None:
    run, _ = _confirmed(paying, run_factory)
    sign_in(client, paying.finance.email)
    response = client.post(f"/payments/runs/{run.id}/confirm")
    assert response.status_code == 409
    assert "already been confirmed" in response.text
    assert db.session.scalar(select(db.func.count(PaymentSlip.id))) == 2


# --- contributors -------------------------------------------------------------------------------


def test_contributor_sees_their_slips_in_words_and_downloads_a_statement(
    client: FlaskClient, paying, run_factory
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    robin_slip = slip_list[1]
    sign_in(client, paying.world.person_user.email)
    page = client.get("/payments/mine")
    assert page.status_code == 200
    assert "Exit this page" in page.text
    assert robin_slip.number in page.text and slip_list[0].number not in page.text
    assert "Being paid" in page.text and "£26.30" in page.text
    assert f"/payments/slips/{robin_slip.id}.pdf" in page.text

    payments.mark_run_paid(
        actor=paying.finance, run_id=run.id, paid_on=date(2026, 5, 29), reference=""
    )
    db.session.commit()
    assert "Paid on 29 May 2026" in client.get("/payments/mine").text

    mine = client.get(f"/payments/slips/{robin_slip.id}.pdf")
    assert mine.status_code == 200 and slips.sha256(mine.data) == robin_slip.sha256

    year = tax_year(robin_slip.issued_on)
    statement = client.get(f"/payments/mine/statement?tax_year={year.start.year}")
    assert statement.status_code == 200 and statement.mimetype == "application/pdf"
    assert (
        f"payment-statement-{year.start.year}-to-{year.start.year + 1}.pdf"
        in (statement.headers["Content-Disposition"])
    )
    text = _pdf_text(statement.data)
    assert "Robin" in text and robin_slip.number in text and "£26.30" in text
    assert client.get("/payments/mine/statement?tax_year=nonsense").status_code == 404


def test_a_void_slip_shows_as_cancelled(client: FlaskClient, paying, run_factory) -> None:
    _, slip_list = _confirmed(paying, run_factory)
    payments.void_slip(actor=paying.finance, slip_id=slip_list[1].id, reason="Wrong amount")
    db.session.commit()
    sign_in(client, paying.world.person_user.email)
    page = client.get("/payments/mine").text
    assert "Cancelled" in page and "Wrong amount" not in page


def test_nobody_else_can_fetch_a_slip(client: FlaskClient, paying, run_factory) -> None:
    jo_user = make_user("contributor", name="Jo")
    jo = make_contributor(user=jo_user, projects_=[paying.world.project], name="Jo")
    paying.people.append(jo)
    paying.approved_time(paying.people[0])
    paying.approved_time(jo)
    run = run_factory()
    issued = payments.confirm_payment_run(actor=paying.finance, run_id=run.id)
    db.session.commit()
    robin_slip = next(i.slip for i in issued if i.slip.contributor_id == paying.people[0].id)
    jo_slip = next(i.slip for i in issued if i.slip.contributor_id == jo.id)
    sign_in(client, jo_user.email)
    assert client.get(f"/payments/slips/{jo_slip.id}.pdf").status_code == 200
    assert client.get(f"/payments/slips/{robin_slip.id}.pdf").status_code == 404
    assert client.get("/payments/slips/999999.pdf").status_code == 404
    client.post("/sign-out")
    for user in (paying.world.coordinator, make_user("funder"), make_user("admin")):
        sign_in(client, user.email)
        assert client.get(f"/payments/slips/{robin_slip.id}.pdf").status_code == 404
        client.post("/sign-out")


@pytest.mark.parametrize("role", ["coordinator", "funder", "contributor"])
def test_finance_pages_are_refused_to_other_roles(
    client: FlaskClient, paying, run_factory, role: str
) -> None:
    run, slip_list = _confirmed(paying, run_factory)
    if role == "funder":
        user = make_user("funder")
        make_fund(members=[user])
    else:
        user = make_user(role)
    sign_in(client, user.email)
    for url in (
        "/payments/",
        f"/payments/runs/{run.id}",
        f"/payments/runs/{run.id}/confirm",
        f"/payments/runs/{run.id}/slips.zip",
        f"/payments/runs/{run.id}/slips.csv",
        f"/payments/runs/{run.id}/lines.csv",
        f"/payments/slips/{slip_list[0].id}/void",
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/payments/slips/{slip_list[0].id}/void", data={}).status_code == 403
    db.session.refresh(slip_list[0])
    assert slip_list[0].status == "issued"


def test_finance_without_a_contributor_role_has_no_my_payments(client: FlaskClient, paying) -> None:
    sign_in(client, paying.finance.email)
    assert client.get("/payments/mine").status_code == 403


def test_huge_ids_are_not_found(client: FlaskClient, paying) -> None:
    sign_in(client, paying.finance.email)
    assert client.get("/payments/runs/99999999999999999999").status_code == 404
    assert client.get("/payments/slips/99999999999999999999.pdf").status_code == 404


# --- query counts -------------------------------------------------------------------------------


def _count_queries(client: FlaskClient, url: str) -> tuple[int, str]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.text


def _run_for(paying: Any, n: int) -> PaymentRun:
    people = [paying.add_person(f"Person {len(paying.people)}-{i}") for i in range(n)]
    for person in people:
        paying.approved_time(person)
        paying.approved_expense(person, pence=200)
    run = payments.create_payment_run(actor=paying.finance, cut_off=local_today())
    db.session.commit()
    return run


def test_run_pages_cost_the_same_queries_for_2_or_8_people(
    app: Flask, client: FlaskClient, paying
) -> None:
    small = _run_for(paying, 2)
    sign_in(client, paying.finance.email)
    few = {}
    few["draft"], html = _count_queries(client, f"/payments/runs/{small.id}")
    assert "2 people to pay" in html
    few["confirm"], _ = _count_queries(client, f"/payments/runs/{small.id}/confirm")
    payments.confirm_payment_run(actor=paying.finance, run_id=small.id)
    db.session.commit()
    few["slips"], html = _count_queries(client, f"/payments/runs/{small.id}")
    assert "2 slips" in html
    few["runs"], _ = _count_queries(client, "/payments/")

    large = _run_for(paying, 8)
    many = {}
    many["draft"], html = _count_queries(client, f"/payments/runs/{large.id}")
    assert "8 people to pay" in html
    many["confirm"], _ = _count_queries(client, f"/payments/runs/{large.id}/confirm")
    payments.confirm_payment_run(actor=paying.finance, run_id=large.id)
    db.session.commit()
    many["slips"], html = _count_queries(client, f"/payments/runs/{large.id}")
    assert "8 slips" in html
    many["runs"], _ = _count_queries(client, "/payments/")
    assert many == few
