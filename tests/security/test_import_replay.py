"""Attack 7: a checked sign-in sheet is confirmed again, or five times at once.

A sheet imports once: its digest is kept in the database with a unique constraint, so a repeat
(by the same coordinator, another one, the command line, or several requests at once) is refused
and says so.
"""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import sign_in
from tests.items import World, make_world
from tests.security.at_once import at_once, fresh_clients
from tracker.extensions import db
from tracker.timesheets import importer
from tracker.timesheets.models import ImportedSheet, TimeEntry


def _sheet(w: World) -> str:
    return (
        "contributor,project,activity,date,duration\r\n"
        f"{w.person.reference},{w.project.code},Meeting,04/05/2026,1:30\r\n"
        f"{w.person.reference},{w.project.code},Meeting,05/05/2026,2:00\r\n"
    )


def _checked_payload(client: FlaskClient, w: World) -> str:
    preview = client.post(
        "/approvals/import",
        data={"file": (io.BytesIO(_sheet(w).encode()), "sheet.csv"), "then": "draft"},
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200, preview.text
    match = re.search(r'name="payload"[^>]*value="([^"]+)"', preview.text) or re.search(
        r'value="([^"]+)"[^>]*name="payload"', preview.text
    )
    assert match
    return match.group(1)


def _entries() -> int:
    db.session.expire_all()
    return db.session.query(TimeEntry).count()


def test_confirming_the_same_sheet_twice_imports_it_once(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    payload = _checked_payload(client, w)
    first = client.post("/approvals/import/confirm", data={"payload": payload})
    assert first.status_code == 302
    assert _entries() == 2
    again = client.post(
        "/approvals/import/confirm", data={"payload": payload}, follow_redirects=True
    )
    assert "This sheet was imported already on" in again.text
    assert "Importing it twice would pay people twice" in again.text
    assert _entries() == 2


def test_the_same_sheet_checked_again_by_a_colleague_is_refused(client: FlaskClient) -> None:
    w = make_world()
    importer.apply_import(actor=w.coordinator, text=_sheet(w), submit=False)
    db.session.commit()
    sign_in(client, w.other_coordinator.email)
    payload = _checked_payload(client, w)
    client.post("/approvals/import/confirm", data={"payload": payload})
    assert _entries() == 2
    with pytest.raises(importer.AlreadyImported):
        importer.apply_import(
            actor=w.other_coordinator, text=_sheet(w).replace("\r\n", "\n"), submit=False
        )


def test_five_confirmations_at_once_import_one_copy(app: Flask) -> None:
    w = make_world()
    clients = fresh_clients(app, 5)
    for client in clients:
        sign_in(client, w.coordinator.email)
    payload = _checked_payload(clients[0], w)
    db.session.commit()
    answers = at_once(
        clients, lambda c: c.post("/approvals/import/confirm", data={"payload": payload})
    )
    assert [a.status_code for a in answers] == [302] * 5  # never a 500
    assert _entries() == 2
    assert db.session.query(ImportedSheet).count() == 1
