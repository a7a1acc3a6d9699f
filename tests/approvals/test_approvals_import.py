"""Importing a sign-in sheet through the pages: upload, check, confirm."""

from __future__ import annotations

import io
import re

from flask.testing import FlaskClient

from tests.conftest import sign_in
from tests.factories import make_contributor
from tests.items import World, make_world
from tracker.extensions import db
from tracker.timesheets.models import TimeEntry


def _file(w: World, *rows: str) -> tuple[io.BytesIO, str]:
    lines = ["contributor,project,activity,date,duration,notes", *rows]
    text = "\r\n".join(lines).format(ref=w.person.reference, code=w.project.code)
    return io.BytesIO(("\ufeff" + text).encode("utf-8")), "sheet.csv"


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count(TimeEntry.id))) or 0


def _payload(html: str) -> str:
    match = re.search(r'name="payload"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="payload"', html
    )
    assert match, "no payload on the page"
    return match.group(1)


def test_upload_check_and_confirm_imports_and_sends_for_approval(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    assert "Import time from a sign-in sheet" in client.get("/approvals/import").text
    preview = client.post(
        "/approvals/import",
        data={
            "file": _file(w, "{ref},{code},Meeting,04/05/2026,1:30,Steering group"),
            "then": "submit",
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 200
    assert "1 row is ready to import" in preview.text
    assert "Import 1 entry" in preview.text
    assert _count() == 0  # checking saves nothing
    done = client.post("/approvals/import/confirm", data={"payload": _payload(preview.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/approvals/"
    db.session.expire_all()
    entry = db.session.scalars(db.select(TimeEntry)).one()
    assert (entry.status, entry.recorded_by_id, entry.minutes, entry.notes) == (
        "submitted",
        w.coordinator.id,
        90,
        "Steering group",
    )
    queue = client.get("/approvals/").text
    assert "Imported 1 time entry and sent it for approval." in queue
    assert "You recorded this yourself, so another coordinator needs to approve it." in queue


def test_a_bad_row_is_shown_and_nothing_is_imported(client: FlaskClient) -> None:
    w = make_world()
    make_contributor(projects_=[w.project], name="Sam")
    make_contributor(projects_=[w.project], name="Sam")
    sign_in(client, w.coordinator.email)
    preview = client.post(
        "/approvals/import",
        data={
            "file": _file(
                w, "{ref},{code},Meeting,2026-05-04,90,", "Sam,{code},Meeting,2026-05-04,90,"
            ),
            "then": "draft",
        },
        content_type="multipart/form-data",
    )
    assert preview.status_code == 400
    assert "Nothing has been imported" in preview.text
    assert "Row 3:" in preview.text and "2 people on your projects are called" in preview.text
    assert 'name="payload"' not in preview.text
    assert _count() == 0


def test_a_tampered_or_foreign_payload_is_refused(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    preview = client.post(
        "/approvals/import",
        data={"file": _file(w, "{ref},{code},Meeting,2026-05-04,90,"), "then": "draft"},
        content_type="multipart/form-data",
    )
    payload = _payload(preview.text)
    tampered = client.post("/approvals/import/confirm", data={"payload": payload[:-3] + "abc"})
    assert tampered.status_code == 302
    assert tampered.headers["Location"] == "/approvals/import"
    client.post("/sign-out")
    sign_in(client, w.other_coordinator.email)
    foreign = client.post("/approvals/import/confirm", data={"payload": payload})
    assert foreign.headers["Location"] == "/approvals/import"
    assert _count() == 0


def test_a_file_that_is_not_csv_is_explained(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.coordinator.email)
    response = client.post(
        "/approvals/import",
        data={"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00"), "photo.png"), "then": "draft"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "does not look like a CSV file" in response.text
    missing = client.post("/approvals/import", data={"then": "draft"})
    assert missing.status_code == 400 and "Choose a CSV file" in missing.text


def test_contributor_cannot_import(client: FlaskClient) -> None:
    w = make_world()
    sign_in(client, w.person_user.email)
    assert client.get("/approvals/import").status_code == 403
    assert client.post("/approvals/import/confirm", data={"payload": "x"}).status_code == 403
