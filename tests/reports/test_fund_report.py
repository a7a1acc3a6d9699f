"""The funder report of a fund: the DESIGN §6 figures for the fund and each project, small
numbers suppressed, as a page, a CSV and a PDF; a funder sees only their own funds."""

from __future__ import annotations

import csv
import io
import re

from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import sign_in
from tests.factories import make_fund, make_project, make_user
from tests.reports.conftest import Funded
from tracker.extensions import db
from tracker.reports import exports, pdf
from tracker.settings.services import set_setting


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _rows(html: str, caption: str) -> dict[str, list[str]]:
    """The rows of the first table after `caption`, by the text of their first cell."""
    table = html[html.index(caption) :]
    table = table[: table.index("</table>")]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S):
        cells = [_text(c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, flags=re.S)]
        found[cells[0]] = cells[1:]
    return found


def _pdf_text(data: bytes) -> str:
    return " ".join(
        " ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages
    )


def test_fund_page_shows_the_figures_with_small_numbers_suppressed(
    funded: Funded, client: FlaskClient
) -> None:
    sign_in(client, funded.funder.email)
    page = client.get(f"/reports/funds/{funded.fund.id}")
    assert page.status_code == 200
    figures = _rows(page.text, "What people gave and were paid")
    hours_header = next(k for k in figures if k.startswith("Hours contributed"))
    assert figures[hours_header] == ["5.00"]  # 60 + 120 + 30 + 90 minutes, declined included
    assert figures["Of which, hours given without a fee"] == ["1.50"]
    assert figures["Fees paid"] == ["£13.80"]
    assert figures["Expenses paid back"] == ["£4.50"]
    assert figures["People who contributed"] == ["fewer than 5"]
    assert _rows(page.text, "Equipment and support provided") == {
        "Kind": ["Provided"],
        "Tablet": ["fewer than 5"],
        "Data top-up": ["fewer than 5"],
    }
    budget = _rows(page.text, "Spending against budget, every project together")
    assert budget["Fees"] == ["£50.00", "£34.50", "£13.80", "96.6%"]
    assert budget["Equipment and adaptations"] == ["£500.00", "£315.00", "£250.00", "113.0%"]
    assert budget["Other"] == ["£0.00", "£0.00", "£0.00", "No budget"]
    # The project's own section has the same figures and its budget by period.
    section = page.text[page.text.index(f'id="project-{funded.project.id}"') :]
    assert _rows(section, "What people gave and were paid")["Fees paid"] == ["£13.80"]
    assert _rows(section, "Budget for 1 April 2026")["Expenses"] == [
        "£20.00",
        "£12.00",
        "£4.50",
        "82.5%",
    ]
    assert "fewer than 5" in _text(page.text) and "1 to 4" in _text(page.text)
    assert page.text.count("<div") == page.text.count("</div>")  # the layout holds together


def test_five_people_are_shown_as_a_number_and_the_threshold_is_a_setting(
    funded: Funded, client: FlaskClient
) -> None:
    paying = funded.paying
    for name in ("Ash", "Bo", "Cam", "Dev"):
        paying.approved_time(paying.add_person(name), minutes=60)
    sign_in(client, funded.funder.email)
    figures = _rows(client.get(f"/reports/funds/{funded.fund.id}").text, "What people gave")
    assert figures["People who contributed"] == ["5"]
    set_setting(actor=make_user("admin"), key="suppression_threshold", value="2")
    db.session.commit()
    html = client.get(f"/reports/funds/{funded.fund.id}").text
    assert _rows(html, "Equipment and support provided")["Tablet"] == ["fewer than 2"]
    set_setting(actor=make_user("admin"), key="suppression_threshold", value="1")
    db.session.commit()
    html = client.get(f"/reports/funds/{funded.fund.id}").text
    assert _rows(html, "Equipment and support provided")["Tablet"] == ["1"]


def test_people_in_two_projects_of_a_fund_are_counted_once(
    funded: Funded, client: FlaskClient
) -> None:
    second = make_project(funds=[funded.fund], name="Second project")
    report = exports.fund_report(make_user("finance"), funded.fund.id)
    assert [p.name for p in report.projects] == [funded.project.name, "Second project"]
    assert report.projects[1].figures.contributors == 0
    assert report.projects[1].budgets == []
    del second


def test_funders_see_only_their_own_funds(funded: Funded, client: FlaskClient) -> None:
    other_fund = make_fund(name="Someone Else's Grant")
    make_project(funds=[other_fund], name="Not yours")
    sign_in(client, funded.funder.email)
    listing = client.get("/reports/")
    assert listing.status_code == 200
    assert "Community Voices Fund" in listing.text and "Someone Else" not in listing.text
    for suffix in ("", ".csv", ".pdf"):
        assert client.get(f"/reports/funds/{other_fund.id}{suffix}").status_code == 404
        assert client.get(f"/reports/funds/{funded.fund.id}{suffix}").status_code == 200
    assert client.get("/reports/funds/999999").status_code == 404


def test_finance_and_admin_see_every_fund_and_coordinators_none(
    funded: Funded, client: FlaskClient
) -> None:
    sign_in(client, funded.paying.finance.email)
    assert "Community Voices Fund" in client.get("/reports/").text
    assert client.get(f"/reports/funds/{funded.fund.id}").status_code == 200
    client.post("/sign-out")
    sign_in(client, funded.paying.world.coordinator.email)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/funds/{funded.fund.id}").status_code == 403


def test_csv_has_one_figure_a_row_with_the_same_suppression(
    funded: Funded, client: FlaskClient
) -> None:
    sign_in(client, funded.funder.email)
    response = client.get(f"/reports/funds/{funded.fund.id}.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == exports.FUND_CSV_HEADER
    fund = {r[5]: r[6] for r in rows[1:] if r[0] == "fund"}
    assert fund["hours"] == "5.00" and fund["declined_fee_hours"] == "1.50"
    assert (fund["fees_paid"], fund["fees_paid_pence"]) == ("13.80", "1380")
    assert (fund["expenses_paid"], fund["expenses_paid_pence"]) == ("4.50", "450")
    assert fund["contributors"] == "fewer than 5"
    assert fund["adaptations.tablet"] == "fewer than 5"
    assert fund["budget.fees.percent_used"] == "96.6"
    assert fund["budget.adaptations.remaining_pence"] == "'-6500"  # never read as a formula
    budget = {r[5]: r for r in rows[1:] if r[0] == "budget"}
    assert budget["budget.expenses.committed_pence"][1:7] == [
        funded.project.code,
        funded.project.name,
        "2026-04-01",
        funded.budget.period_end.isoformat(),
        "budget.expenses.committed_pence",
        "1200",
    ]


def test_pdf_has_the_figures_and_a_chart_and_is_the_same_each_time(
    funded: Funded, client: FlaskClient
) -> None:
    sign_in(client, funded.funder.email)
    response = client.get(f"/reports/funds/{funded.fund.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Resourcing report" in text and "Community Voices Fund" in text
    assert "People who contributed fewer than 5" in text
    assert "Fees paid £13.80" in text and "Expenses paid back £4.50" in text
    assert "Tablet fewer than 5" in text
    # The bar chart's labels, drawn with reportlab graphics.
    assert "Spent £13.80, committed £34.50, budget £50.00 (96.6% used)" in text
    assert "£65.00 over" in text
    assert client.get(f"/reports/funds/{funded.fund.id}.pdf").data == response.data
    report = exports.fund_report(funded.funder, funded.fund.id)
    assert pdf.render_fund_report(report) == pdf.render_fund_report(report)
