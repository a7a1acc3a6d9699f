"""The slip PDF, drawn from a snapshot alone: what it says, that it paginates with repeated
headers, and that the same snapshot always gives the same bytes."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from tracker.slips.domain import (
    ExpenseLine,
    FeeLine,
    SlipContributor,
    SlipOrganisation,
    SlipSnapshot,
    SlipTotals,
)
from tracker.slips.pdf import render_slip


def _snapshot(fee_lines: int) -> SlipSnapshot:
    fees = tuple(
        FeeLine(
            date=date(2026, 5, 1 + i % 28),
            date_text=f"{1 + i % 28} May 2026",
            project="Peer Research on Housing",
            activity="Meeting",
            time_text="1 hour",
            rate_text="£13.80 an hour, 1 hour paid",
            amount_pence=0 if i % 10 == 9 else 1380,
            declined=i % 10 == 9,
            item=f"time_entry:{i + 1}",
        )
        for i in range(fee_lines)
    )
    expenses = (
        ExpenseLine(
            date=date(2026, 5, 4),
            date_text="4 May 2026",
            project="Peer Research on Housing",
            category="Mileage",
            description="30 miles",
            amount_pence=1250,
            item="expense:1",
        ),
    )
    return SlipSnapshot(
        organisation=SlipOrganisation("Brighter Voices", "12 Harbour Street\nPortsmouth"),
        number="PS-2026-00042",
        issued_on=date(2026, 11, 26),
        issued_on_text="26 November 2026",
        contributor=SlipContributor("Sam", "C00001"),
        payment_method="Bank transfer",
        period="1 May 2026 to 28 May 2026",
        fees=fees,
        expenses=expenses,
        totals=SlipTotals.of(fees, expenses),
    )


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_a_200_line_slip_paginates_with_headers_on_every_page() -> None:
    snapshot = _snapshot(200)
    pages = _pages(render_slip(snapshot))
    assert len(pages) > 3
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "PS-2026-00042" in text
    fee_pages = [text for text in pages if "Meeting" in text]
    assert all("Basis and rate" in text for text in fee_pages)
    assert "Total payable" in pages[-1]
    assert "£2,484.00" in pages[-1]  # 180 paid lines at £13.80
    assert "£2,496.50" in pages[-1]


def test_declined_fee_reads_as_declined() -> None:
    text = "\n".join(_pages(render_slip(_snapshot(10))))
    assert "Declined, £0.00" in text


def test_same_snapshot_gives_identical_bytes() -> None:
    snapshot = _snapshot(40)
    assert render_slip(snapshot) == render_slip(snapshot)
