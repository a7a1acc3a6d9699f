"""PDF payment slips and yearly statements, drawn with reportlab platypus from a snapshot.

The building blocks (`escape`, `table`, `build`, the styles) are shared with the funders'
report in tracker/reports/pdf.py, so every PDF Tracker makes looks and pages the same.

`render_slip(snapshot)` and `render_statement(statement)` read only what they are given: no
database, no arithmetic (every total is in the snapshot). Output is deterministic: the same
snapshot gives the same bytes (reportlab's invariant mode, fixed metadata).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import BaseDocTemplate

from tracker.money import format_money
from tracker.slips.domain import SlipOrganisation, SlipSnapshot

# The yearly statement's data, built by tracker/slips/services.statement.
Statement = Mapping[str, Any]

BRAND = colors.HexColor("#106165")
RULE = colors.HexColor("#b1b4b6")
_styles = getSampleStyleSheet()
BODY = ParagraphStyle(
    "body", parent=_styles["BodyText"], fontName="Helvetica", fontSize=10, leading=13
)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8.5, leading=11)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=9, leading=11.5)
CELL_RIGHT = ParagraphStyle("cell_right", parent=CELL, alignment=TA_RIGHT)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")
HEAD_RIGHT = ParagraphStyle("head_right", parent=HEAD, alignment=TA_RIGHT)
TITLE = ParagraphStyle("title", parent=BODY, fontName="Helvetica-Bold", fontSize=18, leading=22)
H2 = ParagraphStyle(
    "h2",
    parent=BODY,
    fontName="Helvetica-Bold",
    fontSize=12,
    leading=15,
    spaceBefore=6,
    spaceAfter=4,
)


def escape(value: object) -> str:
    """Escape text for a reportlab Paragraph."""
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _lines(value: str) -> str:
    return "<br/>".join(escape(line) for line in value.splitlines())


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Draws "Page x of y" once the number of pages is known."""

    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.HexColor("#505a5f"))
            self.drawString(18 * mm, 10 * mm, self.footer_text)
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {number} of {total}")
            super().showPage()
        super().save()


def _canvas_with_footer(footer: str) -> type[_NumberedCanvas]:
    return type("FooterCanvas", (_NumberedCanvas,), {"footer_text": footer})


def build(story: Sequence[Flowable], *, title: str, footer: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="Tracker",
        creator="Tracker",
        producer="Tracker",
        subject=title,
        invariant=1,
    )
    assert isinstance(doc, BaseDocTemplate)
    doc.build(list(story), canvasmaker=_canvas_with_footer(footer))
    return buffer.getvalue()


def table(header: list[str], rows: list[list[str]], widths: list[float], right: set[int]) -> Table:
    """A table whose header repeats on every page; `right` lists right-aligned columns."""
    data = [
        [Paragraph(escape(h), HEAD_RIGHT if i in right else HEAD) for i, h in enumerate(header)]
    ]
    for row in rows:
        data.append(
            [Paragraph(escape(c), CELL_RIGHT if i in right else CELL) for i, c in enumerate(row)]
        )
    grid = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
                ("LEFTPADDING", (0, 0), (-1, -1), 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return grid


def _totals(rows: list[tuple[str, int]]) -> Table:
    """Totals right-aligned under the tables; the last row (the total) in bold."""
    data = [
        [Paragraph(escape(label), BODY), Paragraph(format_money(pence), CELL_RIGHT)]
        for label, pence in rows[:-1]
    ]
    label, pence = rows[-1]
    data.append(
        [
            Paragraph(f"<b>{escape(label)}</b>", BODY),
            Paragraph(f"<b>{format_money(pence)}</b>", CELL_RIGHT),
        ]
    )
    grid = Table(data, colWidths=[60 * mm, 35 * mm], hAlign="RIGHT")
    grid.setStyle(
        TableStyle(
            [
                ("LINEABOVE", (0, 0), (-1, 0), 0.5, RULE),
                ("LINEABOVE", (0, -1), (-1, -1), 1.5, colors.black),
            ]
        )
    )
    return grid


def _header(organisation: SlipOrganisation, title: str, facts: list[tuple[str, str]]) -> Table:
    left = [
        Paragraph(f"<b>{escape(organisation.name)}</b>", BODY),
        Paragraph(_lines(organisation.address), SMALL),
    ]
    right: list[Flowable] = [Paragraph(escape(title), TITLE)]
    right += [Paragraph(f"{escape(k)}: <b>{escape(v)}</b>", BODY) for k, v in facts]
    grid = Table([[left, right]], colWidths=[85 * mm, 89 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 2, BRAND),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (0, -1), 2),
            ]
        )
    )
    return grid


def _person(snapshot: SlipSnapshot) -> Table:
    person = snapshot.contributor
    rows = [
        ("Paid to", f"{person.name} (reference {person.reference})"),
        ("Payment method", snapshot.payment_method),
        ("Work and costs from", snapshot.period),
    ]
    grid = Table(
        [[Paragraph(escape(k), HEAD), Paragraph(escape(v), CELL)] for k, v in rows],
        colWidths=[40 * mm, 134 * mm],
    )
    grid.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, -1), 2)])
    )
    return grid


def render_slip(snapshot: SlipSnapshot) -> bytes:
    """The payment slip PDF for one contributor in one confirmed run."""
    story: list[Flowable] = [
        _header(
            snapshot.organisation,
            "Payment slip",
            [("Number", snapshot.number), ("Issued", snapshot.issued_on_text)],
        ),
        Spacer(1, 5 * mm),
        _person(snapshot),
        Spacer(1, 4 * mm),
        Paragraph("Fees for your time", H2),
    ]
    fees = snapshot.fees
    if fees:
        story.append(
            table(
                ["Date", "Project", "Activity", "Time", "Basis and rate", "Amount"],
                [
                    [
                        f.date_text,
                        f.project,
                        f.activity,
                        f.time_text,
                        f.rate_text,
                        "Declined, £0.00" if f.declined else format_money(f.amount_pence),
                    ]
                    for f in fees
                ],
                [23 * mm, 33 * mm, 26 * mm, 22 * mm, 45 * mm, 25 * mm],
                right={5},
            )
        )
    else:
        story.append(Paragraph("No fees on this slip.", BODY))
    story.append(Paragraph("Expenses paid back", H2))
    expenses = snapshot.expenses
    if expenses:
        story.append(
            table(
                ["Date", "Project", "Category", "Description", "Amount"],
                [
                    [
                        e.date_text,
                        e.project,
                        e.category,
                        e.description,
                        format_money(e.amount_pence),
                    ]
                    for e in expenses
                ],
                [23 * mm, 33 * mm, 31 * mm, 62 * mm, 25 * mm],
                right={4},
            )
        )
    else:
        story.append(Paragraph("No expenses on this slip.", BODY))
    totals = snapshot.totals
    story += [
        Spacer(1, 5 * mm),
        KeepTogether(
            [
                _totals(
                    [
                        ("Fees", totals.fees_pence),
                        ("Expenses", totals.expenses_pence),
                        ("Total payable", totals.total_pence),
                    ]
                )
            ]
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            "Expenses are money paid back for costs you had. They are not income. "
            "Keep this slip: it shows what you were paid and why.",
            SMALL,
        ),
    ]
    return build(
        story,
        title=f"Payment slip {snapshot.number}",
        footer=f"Payment slip {snapshot.number}",
    )


def render_statement(statement: Statement) -> bytes:
    """A yearly statement (tax year) of fees and expenses paid, to show a benefits office."""
    story: list[Flowable] = [
        _header(
            statement["organisation"],
            "Statement of payments",
            [("Tax year", statement["tax_year_text"]), ("Made on", statement["made_on_text"])],
        ),
        Spacer(1, 5 * mm),
        Paragraph(
            f"Paid to <b>{escape(statement['contributor']['name'])}</b> "
            f"(reference {escape(statement['contributor']['reference'])}).",
            BODY,
        ),
        Paragraph(
            "This lists every payment made in the tax year (6 April to 5 April), by the date it "
            "was paid. Fees are payment for time given. Expenses are money paid back for costs, "
            "not income.",
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    rows = [
        [
            s["number"],
            s["issued_on_text"],
            s["paid_on_text"] or "Not paid yet",
            format_money(s["fees_pence"]),
            format_money(s["expenses_pence"]),
            format_money(s["total_pence"]),
        ]
        for s in statement["slips"]
    ]
    if rows:
        story.append(
            table(
                ["Slip", "Issued", "Paid", "Fees", "Expenses", "Total"],
                rows,
                [32 * mm, 28 * mm, 28 * mm, 28 * mm, 28 * mm, 30 * mm],
                right={3, 4, 5},
            )
        )
    else:
        story.append(Paragraph("No payments were made in this tax year.", BODY))
    totals = statement["totals"]
    story += [
        Spacer(1, 5 * mm),
        _totals(
            [
                ("Fees", totals["fees_pence"]),
                ("Expenses", totals["expenses_pence"]),
                ("Total", totals["total_pence"]),
            ]
        ),
    ]
    if statement.get("months"):
        story += [
            Paragraph("Fees by month paid", H2),
            table(
                ["Month", "Fees"],
                [[m["month_text"], format_money(m["fees_pence"])] for m in statement["months"]],
                [60 * mm, 35 * mm],
                right={1},
            ),
        ]
    return build(
        story,
        title=f"Statement of payments {statement['tax_year_text']}",
        footer=f"Statement for {statement['contributor']['reference']}, "
        f"tax year {statement['tax_year_text']}",
    )
