"""The funder report as a PDF, drawn with reportlab in the style of the payment slips.

`render_fund_report(report)` reads only the report it is given: no database, no arithmetic
beyond placing bars. Output is deterministic (reportlab's invariant mode, fixed metadata): the
same report gives the same bytes. Like the page, it has no names and no per-person rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from tracker.budgets.domain import ReportLine
from tracker.calendar.domain import long_date
from tracker.money import format_money
from tracker.reports.domain import Figures, FundReport
from tracker.slips.pdf import (
    BODY,
    BRAND,
    H2,
    SMALL,
    TITLE,
    build,
    escape,
    table,
)

COMMITTED = colors.HexColor("#8ac0c3")
INK = colors.HexColor("#0b0c0c")
GREY = colors.HexColor("#505a5f")
# Headings stay on the page of what follows them.
H2_KEPT = ParagraphStyle("report_h2", parent=H2, keepWithNext=1)
H3 = ParagraphStyle(
    "report_h3", parent=H2, fontSize=10.5, leading=13, spaceBefore=10, keepWithNext=1
)
WIDTH = A4[0] - 36 * mm


def _remaining(line: ReportLine) -> str:
    if line.over_by_pence:
        return f"{format_money(line.over_by_pence)} over"
    return format_money(line.remaining_pence)


def _percent(line: ReportLine) -> str:
    return "no budget" if line.percent_used is None else f"{line.percent_used}%"


def _header(report: FundReport) -> Table:
    facts = [
        ("Fund", report.name),
        ("Funder", report.funder_organisation),
        ("Reference", report.reference or "None"),
        ("Figures on", long_date(report.made_on)),
    ]
    left = [Paragraph(f"<b>{escape(report.organisation)}</b>", BODY)]
    right: list[Flowable] = [Paragraph("Resourcing report", TITLE)]
    right += [Paragraph(f"{escape(k)}: <b>{escape(v)}</b>", BODY) for k, v in facts]
    grid = Table([[left, right]], colWidths=[70 * mm, WIDTH - 70 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 2, BRAND),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return grid


def _figure_rows(figures: Figures) -> list[list[str]]:
    return [
        [
            "Hours contributed (every approved hour, including hours without a fee)",
            str(figures.hours),
        ],
        ["Of which, hours given without a fee", str(figures.declined_fee_hours)],
        ["Fees paid", format_money(figures.fees_paid_pence)],
        ["Expenses paid back", format_money(figures.expenses_paid_pence)],
        ["People who contributed", str(figures.contributors)],
    ]


def _figures(figures: Figures) -> list[Flowable]:
    parts: list[Flowable] = [
        table(["Figure", "Value"], _figure_rows(figures), [134 * mm, 40 * mm], right={1})
    ]
    if figures.adaptations:
        parts += [
            Spacer(1, 3 * mm),
            table(
                ["Equipment and support provided", "How many"],
                [[label, str(count)] for _, label, count in figures.adaptations],
                [134 * mm, 40 * mm],
                right={1},
            ),
        ]
    else:
        parts.append(Paragraph("No equipment or support provided yet.", BODY))
    return parts


def _budget_table(lines: Sequence[ReportLine]) -> Table:
    return table(
        ["Line", "Budget", "Committed", "Spent", "Remaining", "Used"],
        [
            [
                line.label,
                format_money(line.budget_pence),
                format_money(line.committed_pence),
                format_money(line.spent_pence),
                _remaining(line),
                _percent(line),
            ]
            for line in lines
        ],
        [44 * mm, 27 * mm, 27 * mm, 27 * mm, 27 * mm, 22 * mm],
        right={1, 2, 3, 4, 5},
    )


def spend_chart(lines: Sequence[ReportLine]) -> Drawing:
    """Horizontal bars per budget line: spent (dark), then committed (light), against the
    budget (an outline ending in a dark mark). Each bar is labelled with its figures."""
    row, label_w, top_pad = 17 * mm, 42 * mm, 12 * mm
    bar_w = WIDTH - label_w - 4 * mm
    drawing = Drawing(WIDTH, top_pad + row * len(lines))
    largest = max([max(line.budget_pence, line.used_pence) for line in lines] + [1])

    def length(pence: int) -> float:
        return float(bar_w * pence / largest)

    legend_y = drawing.height - 6 * mm
    x = label_w
    for name, fill, stroke in (
        ("Spent", BRAND, BRAND),
        ("Committed", COMMITTED, COMMITTED),
        ("Budget", colors.white, INK),
    ):
        drawing.add(Rect(x, legend_y, 4 * mm, 3 * mm, fillColor=fill, strokeColor=stroke))
        drawing.add(
            String(
                x + 5.5 * mm,
                legend_y + 0.5 * mm,
                name,
                fontName="Helvetica",
                fontSize=8,
                fillColor=INK,
            )
        )
        x += 28 * mm
    for i, line in enumerate(lines):
        y = drawing.height - top_pad - (i + 1) * row + 7 * mm
        drawing.add(
            String(
                0, y + 1.5 * mm, line.label, fontName="Helvetica-Bold", fontSize=8.5, fillColor=INK
            )
        )
        if line.budget_pence:
            drawing.add(
                Rect(
                    label_w,
                    y,
                    length(line.budget_pence),
                    5 * mm,
                    fillColor=colors.white,
                    strokeColor=INK,
                    strokeWidth=0.6,
                )
            )
        # What is spent, then what is committed after it, inside the budget's outline.
        start = 0
        for pence, fill in ((line.spent_pence, BRAND), (line.committed_pence, COMMITTED)):
            if pence:
                drawing.add(
                    Rect(
                        label_w + length(start),
                        y + 1 * mm,
                        length(pence),
                        3 * mm,
                        fillColor=fill,
                        strokeColor=None,
                    )
                )
            start += pence
        if line.budget_pence:
            end = label_w + length(line.budget_pence)
            drawing.add(Line(end, y - 1 * mm, end, y + 6 * mm, strokeColor=INK, strokeWidth=1.5))
        words = (
            f"Spent {format_money(line.spent_pence)}, committed "
            f"{format_money(line.committed_pence)}, budget {format_money(line.budget_pence)}"
            f" ({_percent(line)} used)"
        )
        drawing.add(
            String(label_w, y - 4.5 * mm, words, fontName="Helvetica", fontSize=8, fillColor=GREY)
        )
    return drawing


def render_fund_report(report: FundReport) -> bytes:
    """The funder report of one fund: the fund's figures, a chart and table of spending
    against budget, then each project's figures and budgets."""
    story: list[Flowable] = [
        _header(report),
        Spacer(1, 4 * mm),
        Paragraph(
            "This report has no names. To protect people's privacy, any count from 1 to "
            f'{report.threshold - 1} shows as "fewer than {report.threshold}". Hours include '
            "every approved hour, paid or not. Committed is approved but not yet paid; spent "
            "is paid. A project paid for by more than one fund shows its whole budget under "
            "each fund.",
            SMALL,
        ),
        Paragraph("The whole fund", H2_KEPT),
        *_figures(report.figures),
        KeepTogether(
            [
                Paragraph("Spending against budget, every project together", H2),
                spend_chart(report.budget_totals),
                Spacer(1, 2 * mm),
                _budget_table(report.budget_totals),
            ]
        ),
        Paragraph("By project", H2_KEPT),
    ]
    if report.projects:
        story.append(
            table(
                ["Project", "Hours", "Without a fee", "Fees paid", "Expenses paid", "People"],
                [
                    [
                        f"{p.name} ({p.code})",
                        str(p.figures.hours),
                        str(p.figures.declined_fee_hours),
                        format_money(p.figures.fees_paid_pence),
                        format_money(p.figures.expenses_paid_pence),
                        str(p.figures.contributors),
                    ]
                    for p in report.projects
                ],
                [50 * mm, 18 * mm, 22 * mm, 27 * mm, 27 * mm, 30 * mm],
                right={1, 2, 3, 4, 5},
            )
        )
    else:
        story.append(Paragraph("This fund does not pay for any projects yet.", BODY))
    for project in report.projects:
        block: list[Flowable] = [Paragraph(f"{escape(project.name)} ({escape(project.code)})", H3)]
        if project.figures.adaptations:
            block.append(
                table(
                    ["Equipment and support provided", "How many"],
                    [[label, str(count)] for _, label, count in project.figures.adaptations],
                    [134 * mm, 40 * mm],
                    right={1},
                )
            )
        else:
            block.append(Paragraph("No equipment or support provided yet.", BODY))
        for budget in project.budgets:
            block += [
                Spacer(1, 2 * mm),
                Paragraph(
                    f"Budget for {long_date(budget.period_start)} to "
                    f"{long_date(budget.period_end)}",
                    BODY,
                ),
                _budget_table(budget.lines),
            ]
        if not project.budgets:
            block.append(Paragraph("This project has no budget yet.", BODY))
        story.append(KeepTogether(block))
    return build(
        story,
        title=f"Resourcing report: {report.name}",
        footer=f"{report.name}, resourcing report, {long_date(report.made_on)}",
    )
