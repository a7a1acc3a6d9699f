"""The API's readers and writers of money, dates and typed fields."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from tracker.api.common import ApiBadRequest, Body, iso, json_body, money, parse_date
from tracker.errors import TrackerError


def test_money_is_written_as_pence_and_a_two_decimal_string() -> None:
    assert money("fees", 1250) == {"fees_pence": 1250, "fees": "12.50"}
    assert money("total", 0) == {"total_pence": 0, "total": "0.00"}
    assert money("expenses", 5) == {"expenses_pence": 5, "expenses": "0.05"}


def test_money_is_read_exactly_from_strings_or_whole_pence() -> None:
    body = Body({"a": "12.5", "b": "1,234.50", "c": 12.5, "d": "12.345", "e": 1250, "f": -1})
    assert body.money("a") == 1250
    assert body.money("b") == 123450
    assert body.money("c") is None
    assert body.money("d") is None
    assert body.pence("e") == 1250
    assert body.pence("f") is None
    with pytest.raises(TrackerError) as raised:
        body.check()
    assert set(raised.value.fields) == {"c", "d", "f"}
    assert raised.value.fields["d"] == "Enter the amount to the nearest penny, like 12.50"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-04-01", date(2026, 4, 1)),
        ("2024-02-29", date(2024, 2, 29)),
        ("2026-02-29", None),
        ("20260401", None),
        ("2026-04-01T10:00:00", None),
        ("１２３４-01-01", None),
        (20260401, None),
        (None, None),
    ],
)
def test_dates_must_be_iso_calendar_dates(text: object, expected: date | None) -> None:
    assert parse_date(text) == expected


def test_dates_and_times_are_written_in_iso_8601() -> None:
    assert iso(date(2026, 4, 1)) == "2026-04-01"
    assert iso(datetime(2026, 4, 1, 9, 30, tzinfo=UTC)) == "2026-04-01T09:30:00+00:00"
    assert iso(None) is None


def test_text_is_length_checked_and_free_of_control_characters() -> None:
    body = Body({"a": "ok", "b": "x" * 11, "c": "nul\x00", "d": "two\nlines", "e": "\ud800"})
    assert body.text("a", max_length=10) == "ok"
    body.text("b", max_length=10)
    body.text("c")
    assert body.text("d", multiline=True) == "two\nlines"
    body.text("e")
    assert set(body.errors) == {"b", "c", "e"}


def test_booleans_and_integers_do_not_stand_in_for_each_other() -> None:
    body = Body({"flag": 1, "count": True, "id": 2**31})
    body.boolean("flag")
    body.integer("count")
    body.ident("id")
    assert set(body.errors) == {"flag", "count", "id"}


def test_json_body_refuses_anything_but_an_object(app: Flask) -> None:
    with app.test_request_context("/api/v1/x", method="POST", data=b"[]"):
        with pytest.raises(ApiBadRequest) as raised:
            json_body()
        assert raised.value.status == 400
    with app.test_request_context("/api/v1/x", method="POST", data=b'{"a": 1}'):
        assert json_body().data == {"a": 1}
