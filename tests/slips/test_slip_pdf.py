"""The slip PDF, drawn from a snapshot alone: what it says, that it paginates with repeated
headers, and that the same snapshot always gives the same bytes."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tracker.slips.pdf import render_slip


def _snapshot(fee_lines: int) -> dict[str, Any]:
    fees = [
        {
            "date_text": f"{1 + i % 28} May 2026",
            "project": "Peer Research on Housing",
            "activity": "Meeting",
            "time_text": "1 hour",
            "rate_text": "£13.80 an hour, 1 hour paid",
            "amount_pence": 1380,
            "declined": i % 10 == 9,
        }
        for i in range(fee_lines)
    ]
    fees_total = sum(f["amount_pence"] for f in fees if not f["declined"])
    for f in fees:
        if f["declined"]:
            f["amount_pence"] = 0
    return {
        "organisation": {"name": "Brighter Voices", "address": "12 Harbour Street\nPortsmouth"},
        "number": "PS-2026-00042",
        "issued_on_text": "26 November 2026",
        "contributor": {"name": "Sam", "reference": "C00001"},
        "payment_method": "Bank transfer",
        "period": "1 May 2026 to 28 May 2026",
        "fees": fees,
        "expenses": [
            {
                "date_text": "4 May 2026",
                "project": "Peer Research on Housing",
                "category": "Mileage",
                "description": "30 miles",
                "amount_pence": 1250,
            }
        ],
        "totals": {
            "fees_pence": fees_total,
            "expenses_pence": 1250,
            "total_pence": fees_total + 1250,
        },
    }


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
