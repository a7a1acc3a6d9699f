"""Attack 9: an image decompression bomb as a receipt.

A 109 KB PNG that claims 30,000 by 30,000 pixels used to answer 500, and 144-megapixel pictures
were accepted. Pictures over 40 megapixels are refused with 422 and a kind message; nothing is
stored.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from tests.api.api_support import bearer, error_of
from tests.conftest import sign_in
from tests.items import make_world
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db

URL = "/api/v1/expenses"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int, height: int) -> bytes:
    """A real, valid one-bit PNG of `width` by `height` white pixels, compressed to almost
    nothing (row by row, so making it needs little memory)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    packer = zlib.compressobj(9)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", body)
        + _chunk(b"IEND", b"")
    )


def _claim_id(client: FlaskClient, headers: dict[str, str], w: object) -> int:
    made = client.post(
        URL,
        headers=headers,
        json={
            "project_id": w.project.id,  # type: ignore[attr-defined]
            "date": "2026-05-04",
            "category": "taxi",
            "description": "Home from the meeting",
            "amount_pence": 1250,
        },
    )
    assert made.status_code == 201, made.text
    return int(made.json["id"])


@pytest.mark.parametrize(
    ("width", "height"),
    [(30_000, 30_000), (12_000, 12_000), (7_000, 7_000)],
    ids=["900-megapixels", "144-megapixels", "49-megapixels"],
)
def test_a_huge_picture_is_refused_kindly_and_not_stored(
    app: Flask, client: FlaskClient, width: int, height: int
) -> None:
    bomb = png_bomb(width, height)
    assert len(bomb) < 200_000
    w = make_world()
    person = bearer(w.person_user)
    claim_id = _claim_id(client, person, w)
    response = client.post(
        f"{URL}/{claim_id}/receipt",
        headers=person,
        data={"receipt": (io.BytesIO(bomb), "receipt.png")},
        content_type="multipart/form-data",
    )
    error = error_of(response, 422)
    assert error["fields"] == {"receipt": "The picture must be 40 megapixels or smaller"}
    assert "too large" in error["message"]
    claim = db.session.get(ExpenseClaim, claim_id)
    assert claim is not None and claim.receipt_stored_name is None
    folder = Path(app.config["RECEIPTS_DIR"])
    assert not folder.exists() or not any(folder.iterdir())


def test_a_huge_picture_on_the_web_form_keeps_what_was_typed(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    page = client.post(
        "/expenses/new",
        data={
            "category": "taxi",
            "project_id": str(w.project.id),
            "claim_date": ["4", "5", "2026"],
            "amount_pence": "12.50",
            "description": "Taxi home after the evening panel",
            "receipt_missing_reason": "",
            "receipt": (io.BytesIO(png_bomb(30_000, 30_000)), "receipt.png", "image/png"),
        },
    )
    assert page.status_code == 400
    assert "That picture is too large for us to take" in page.text
    assert "Taxi home after the evening panel" in page.text
    assert db.session.query(ExpenseClaim).count() == 0


def test_a_picture_just_under_the_limit_is_taken(client: FlaskClient) -> None:
    w = make_world()
    person = bearer(w.person_user)
    claim_id = _claim_id(client, person, w)
    photo = io.BytesIO()
    Image.new("RGB", (400, 300), (200, 200, 200)).save(photo, format="JPEG")
    ok = client.post(
        f"{URL}/{claim_id}/receipt",
        headers=person,
        data={"receipt": (io.BytesIO(photo.getvalue()), "receipt.jpg")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 200, ok.text
