"""The slip snapshot type: it reads back from its JSON exactly, slips stored before the snapshot
had a version still read (as version 1) and still rebuild to their stored hash, and stored JSON
that is not a snapshot is refused rather than half-read."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.slips.domain import (
    SNAPSHOT_VERSION,
    ExpenseLine,
    FeeLine,
    SlipContributor,
    SlipOrganisation,
    SlipSnapshot,
    SlipTotals,
    SnapshotError,
)
from tracker.slips.pdf import render_slip

# Demo slip PS-2026-00003 exactly as it was stored before snapshots carried a version, and the
# SHA-256 of the PDF issued with it. Archived slips like it must still rebuild byte for byte.
LEGACY_SNAPSHOT = (
    '{"contributor": {"name": "Sam", "reference": "C00001"}, '
    '"expenses": [{"amount_pence": 560, "category": "Public transport", '
    '"date": "2026-05-12", "date_text": "12 May 2026", '
    '"description": "Bus to the meeting and back", "item": "expense:1", '
    '"project": "Peer Research on Housing"}, {"amount_pence": 1000, '
    '"category": "Equipment or support", "date": "2026-11-26", '
    '"date_text": "26 November 2026", '
    '"description": "Data top-up: Mobile data for online meetings", "item": "adaptation:1", '
    '"project": "Peer Research on Housing"}], "fees": [{"activity": "Meeting", '
    '"amount_pence": 2625, "date": "2026-05-12", "date_text": "12 May 2026", '
    '"declined": false, "item": "time_entry:1", "project": "Peer Research on Housing", '
    '"rate_text": "\\u00a315.00 an hour, 1 hour 45 minutes paid", '
    '"time_text": "1 hour 35 minutes"}, {"activity": "Interview panel", '
    '"amount_pence": 5000, "date": "2026-05-20", "date_text": "20 May 2026", '
    '"declined": false, "item": "time_entry:2", "project": "Service Design Panel", '
    '"rate_text": "\\u00a350.00 a session", "time_text": "3 hours"}], '
    '"issued_on": "2026-11-26", "issued_on_text": "26 November 2026", '
    '"number": "PS-2026-00003", '
    '"organisation": {"address": "12 Harbour Street\\nPortsmouth\\nPO1 2AB", '
    '"name": "Brighter Voices Community Trust"}, "payment_method": "Bank transfer", '
    '"period": "12 May 2026 to 26 November 2026", "totals": {"expenses_pence": 1560, '
    '"fees_pence": 7625, "total_pence": 9185}}'
)
LEGACY_SHA256 = "22b43d20c7f09704baa2a5d3cec2b2f08b1dd23d64a989be63fdb0f876c9dd22"


def _fee(day: date, pence: int, *, declined: bool = False, item: str = "time_entry:1") -> FeeLine:
    return FeeLine(
        date=day,
        date_text=f"{day.day} {day:%B %Y}",
        project="Peer Research on Housing",
        activity="Meeting",
        time_text="1 hour",
        rate_text="£13.80 an hour, 1 hour paid",
        amount_pence=pence,
        declined=declined,
        item=item,
    )


def _expense(day: date, pence: int) -> ExpenseLine:
    return ExpenseLine(
        date=day,
        date_text=f"{day.day} {day:%B %Y}",
        project="Peer Research on Housing",
        category="Mileage",
        description="Home to the centre and back; 10 miles at 45p",
        amount_pence=pence,
        item="expense:7",
    )


def _snapshot(fees: tuple[FeeLine, ...], expenses: tuple[ExpenseLine, ...]) -> SlipSnapshot:
    return SlipSnapshot(
        organisation=SlipOrganisation("Brighter Voices", "12 Harbour Street\nPortsmouth"),
        number="PS-2026-00042",
        issued_on=date(2026, 11, 26),
        issued_on_text="26 November 2026",
        contributor=SlipContributor("Sam", "C00001"),
        payment_method="Bank transfer",
        period="4 May 2026 to 28 May 2026",
        fees=fees,
        expenses=expenses,
        totals=SlipTotals.of(fees, expenses),
    )


EXAMPLE = _snapshot(
    (_fee(date(2026, 5, 4), 1380), _fee(date(2026, 5, 28), 0, declined=True, item="time_entry:9")),
    (_expense(date(2026, 5, 4), 450),),
)


def test_a_snapshot_reads_back_from_its_json_exactly() -> None:
    text = EXAMPLE.to_json()
    assert SlipSnapshot.from_json(text) == EXAMPLE
    assert SlipSnapshot.from_json(text).to_json() == text
    stored = json.loads(text)
    assert stored["version"] == SNAPSHOT_VERSION == 1
    assert stored["issued_on"] == "2026-11-26"
    assert [f["amount_pence"] for f in stored["fees"]] == [1380, 0]
    assert stored["totals"] == {"fees_pence": 1380, "expenses_pence": 450, "total_pence": 1830}


texts = st.text(max_size=30)
fee_lines = st.builds(
    FeeLine,
    date=st.dates(),
    date_text=texts,
    project=texts,
    activity=texts,
    time_text=texts,
    rate_text=texts,
    amount_pence=st.integers(min_value=0, max_value=10**12),
    declined=st.just(False),
    item=texts,
) | st.builds(
    FeeLine,
    date=st.dates(),
    date_text=texts,
    project=texts,
    activity=texts,
    time_text=texts,
    rate_text=texts,
    amount_pence=st.just(0),
    declined=st.just(True),
    item=texts,
)
expense_lines = st.builds(
    ExpenseLine,
    date=st.dates(),
    date_text=texts,
    project=texts,
    category=texts,
    description=st.text(max_size=200),
    amount_pence=st.integers(min_value=0, max_value=10**12),
    item=texts,
)


@st.composite
def snapshots(draw: st.DrawFn) -> SlipSnapshot:
    fees = tuple(draw(st.lists(fee_lines, max_size=5)))
    expenses = tuple(draw(st.lists(expense_lines, max_size=5)))
    return SlipSnapshot(
        organisation=draw(st.builds(SlipOrganisation, texts, texts)),
        number=draw(texts),
        issued_on=draw(st.dates()),
        issued_on_text=draw(texts),
        contributor=draw(st.builds(SlipContributor, texts, texts)),
        payment_method=draw(texts),
        period=draw(texts),
        fees=fees,
        expenses=expenses,
        totals=SlipTotals.of(fees, expenses),
    )


@given(snapshot=snapshots())
def test_any_snapshot_round_trips_through_json_to_the_same_value_and_text(
    snapshot: SlipSnapshot,
) -> None:
    text = snapshot.to_json()
    again = SlipSnapshot.from_json(text)
    assert again == snapshot
    assert again.to_json() == text
    # Stored before versions were written: the same JSON without the key reads the same.
    legacy = json.loads(text)
    del legacy["version"]
    assert SlipSnapshot.from_json(json.dumps(legacy, sort_keys=True)) == snapshot


def test_a_slip_stored_without_a_version_reads_as_version_1_unchanged() -> None:
    snapshot = SlipSnapshot.from_json(LEGACY_SNAPSHOT)
    assert snapshot.version == 1
    assert snapshot.number == "PS-2026-00003"
    assert [f.amount_pence for f in snapshot.fees] == [2625, 5000]
    assert [e.item for e in snapshot.expenses] == ["expense:1", "adaptation:1"]
    assert snapshot.totals == SlipTotals(7625, 1560, 9185)
    # Written again, it differs only by the version it now states.
    assert json.loads(snapshot.to_json()) == {**json.loads(LEGACY_SNAPSHOT), "version": 1}


def test_a_slip_stored_without_a_version_rebuilds_to_the_hash_stored_when_issued() -> None:
    pdf = render_slip(SlipSnapshot.from_json(LEGACY_SNAPSHOT))
    assert hashlib.sha256(pdf).hexdigest() == LEGACY_SHA256


def _with(path: tuple[str | int, ...], value: object) -> str:
    """The legacy snapshot with one value replaced (or, for `...`, removed)."""
    data = json.loads(LEGACY_SNAPSHOT)
    *parents, last = path
    target = data
    for key in parents:
        target = target[key]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return json.dumps(data, sort_keys=True)


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (("version",), 2, "unknown slip snapshot version 2"),
        (("version",), "1", "version must be int"),
        (("fees", 0, "amount_pence"), 2625.0, "amount_pence must be int"),
        (("fees", 0, "amount_pence"), "26.25", "amount_pence must be int"),
        (("totals", "total_pence"), True, "total_pence must be int"),
        (("expenses", 0, "amount_pence"), -1, "cannot be negative"),
        (("fees", 0, "declined"), 0, "declined must be bool"),
        (("fees", 0, "date"), "20260512", "YYYY-MM-DD"),
        (("fees", 0, "date"), "2026-05-12T10:00:00", "YYYY-MM-DD"),
        (("issued_on",), "26 November 2026", "YYYY-MM-DD"),
        (("expenses", 1, "item"), ..., "has no 'item'"),
        (("contributor", "email"), "sam@example.org", r"unexpected keys \['email'\]"),
        (("fees", 0, "amount_pence"), 2600, "totals must be the sums of its lines"),
        (("totals", "total_pence"), 9000, "total payable is fees plus expenses"),
        (("fees", 0, "declined"), True, "a declined fee is 0 pence"),
        (("fees",), {}, "fees must be list"),
    ],
)
def test_stored_json_that_is_not_a_snapshot_is_refused(
    path: tuple[str | int, ...], value: object, problem: str
) -> None:
    with pytest.raises(SnapshotError, match=problem):
        SlipSnapshot.from_json(_with(path, value))


@pytest.mark.parametrize(
    ("text", "problem"), [("[]", "must be a JSON object"), ("", "not JSON"), ("1.5", "object")]
)
def test_stored_text_that_is_not_a_json_object_is_refused(text: str, problem: str) -> None:
    with pytest.raises(SnapshotError, match=problem):
        SlipSnapshot.from_json(text)


def test_a_snapshot_cannot_be_made_with_totals_other_than_the_sums_of_its_lines() -> None:
    with pytest.raises(ValueError, match="sums of its lines"):
        replace(EXAMPLE, totals=SlipTotals(1380, 0, 1380))


def test_money_in_a_snapshot_is_int_pence_never_a_float() -> None:
    with pytest.raises(TypeError, match="int pence"):
        _fee(date(2026, 5, 4), 13.8)  # type: ignore[arg-type]
