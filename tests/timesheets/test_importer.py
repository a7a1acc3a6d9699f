"""Importing paper sign-in sheets from CSV: all or nothing, with plain row-by-row errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask

from tests.factories import make_contributor, make_project, make_user
from tests.items import World, make_world
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.timesheets import importer
from tracker.timesheets.models import TimeEntry

HEADER = "contributor,project,activity,date,duration,notes,fee_choice"


def _csv(w: World, *rows: str, header: str = HEADER) -> str:
    return (
        "\n".join([header, *rows])
        .replace("{ref}", w.person.reference)
        .replace("{code}", w.project.code)
        + "\n"
    )


def _count() -> int:
    return db.session.scalar(db.select(db.func.count(TimeEntry.id))) or 0


def test_a_valid_file_imports_as_drafts_recorded_by_the_coordinator(app: Flask) -> None:
    w = make_world()
    text = _csv(
        w,
        "{ref},{code},Meeting,2026-05-04,90,Steering group,",
        "Robin,{code},meeting,04/05/2026,1:30,,decline",
        "{ref},{code},Meeting,5/5/2026,1h30,,accept",
    )
    preview = importer.preview_import(actor=w.coordinator, text=text)
    assert preview.errors == []
    assert [r.row for r in preview.rows] == [2, 3, 4]
    assert [r.fee_pence for r in preview.rows] == [2070, 0, 2070]
    entries = importer.apply_import(actor=w.coordinator, text=text, submit=False)
    db.session.commit()
    assert len(entries) == 3 and _count() == 3
    for entry in entries:
        assert (entry.status, entry.recorded_by_id, entry.minutes) == (
            "draft",
            w.coordinator.id,
            90,
        )
    assert entries[0].notes == "Steering group"
    assert [e.fee_choice for e in entries] == ["accept", "decline", "accept"]
    assert entries[1].work_date == date(2026, 5, 4)


def test_submit_sends_each_entry_for_another_coordinator_to_approve(app: Flask) -> None:
    w = make_world()
    entries = importer.apply_import(
        actor=w.coordinator, text=_csv(w, "{ref},{code},Meeting,2026-05-04,45,,"), submit=True
    )
    db.session.commit()
    assert entries[0].status == "submitted"
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"time.created", "time.submit"} <= actions


def test_one_bad_row_means_nothing_is_saved_and_the_row_is_named(app: Flask) -> None:
    w = make_world()
    text = _csv(
        w,
        "{ref},{code},Meeting,2026-05-04,90,,",
        "{ref},{code},Meeting,31/02/2026,90,,",
        "{ref},{code},Meeting,2026-05-06,an hour,,",
    )
    with pytest.raises(importer.ImportRejected) as caught:
        importer.apply_import(actor=w.coordinator, text=text, submit=False)
    db.session.rollback()
    assert _count() == 0
    messages = [str(e) for e in caught.value.errors]
    assert messages[0].startswith("Row 3: “31/02/2026” is not a real date.")
    assert messages[1].startswith("Row 4: We could not read the time “an hour”.")
    assert "Nothing was imported" in caught.value.message


def test_byte_order_mark_and_windows_line_endings_are_fine(app: Flask) -> None:
    w = make_world()
    text = _csv(
        w, "{ref},{code},Meeting,2026-05-04,90,Notes,", "{ref},{code},Meeting,2026-05-05,60,,"
    )
    data = ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8")
    decoded = importer.decode_csv(data)
    preview = importer.preview_import(actor=w.coordinator, text=decoded)
    assert preview.errors == []
    assert [r.notes for r in preview.rows] == ["Notes", ""]
    # Excel on Windows saves "CSV" as Windows-1252: an accented name still reads.
    make_contributor(projects_=[w.project], name="Zoë")
    cp1252 = _csv(w, "Zoë,{code},Meeting,2026-05-04,30,,").replace("\n", "\r\n").encode("cp1252")
    assert importer.preview_import(actor=w.coordinator, text=importer.decode_csv(cp1252)).ok


def test_a_name_shared_by_two_people_is_explained(app: Flask) -> None:
    w = make_world()
    first = make_contributor(projects_=[w.project], name="Sam")
    second = make_contributor(projects_=[w.project], name="Sam")
    preview = importer.preview_import(
        actor=w.coordinator, text=_csv(w, "Sam,{code},Meeting,2026-05-04,30,,")
    )
    assert [str(e) for e in preview.errors] == [
        f"Row 2: 2 people on your projects are called “Sam” ({first.reference} and "
        f"{second.reference}). Use the reference of the right person instead of the name."
    ]
    ok = importer.preview_import(
        actor=w.coordinator, text=_csv(w, f"{second.reference},{{code}},Meeting,2026-05-04,30,,")
    )
    assert ok.ok and ok.rows[0].contributor_id == second.id


def test_people_and_projects_outside_the_coordinators_projects_are_refused(
    app: Flask,
) -> None:
    w = make_world()
    elsewhere = make_project(coordinators=[make_user("coordinator")])
    outsider = make_contributor(projects_=[elsewhere], name="Outsider")
    not_member = make_contributor(projects_=[w.project], name="Kim")
    other_project = make_project(coordinators=[w.coordinator])
    text = _csv(
        w,
        f"{outsider.reference},{{code}},Meeting,2026-05-04,30,,",
        f"Robin,{elsewhere.code},Meeting,2026-05-04,30,,",
        f"Kim,{other_project.code},Meeting,2026-05-04,30,,",
        "Nobody,{code},Dancing,2999-01-01,0,,maybe",
    )
    errors = [str(e) for e in importer.preview_import(actor=w.coordinator, text=text).errors]
    assert f"Row 2: Nobody on your projects has the reference {outsider.reference}." in errors
    assert f"Row 3: No project you coordinate has the code “{elsewhere.code}”." in errors
    assert any(e.startswith(f"Row 4: Kim ({not_member.reference}) is not on") for e in errors)
    row5 = [e for e in errors if e.startswith("Row 5")]
    assert len(row5) == 5  # name, activity, future date, zero time, fee choice
    assert any("There is no activity called “Dancing”. Use one of: Meeting." in e for e in row5)


def test_header_problems_and_limits(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    w = make_world()
    missing = importer.preview_import(actor=w.coordinator, text="contributor,project\nA,B\n")
    assert "Missing: activity, date, duration" in str(missing.errors[0])
    assert not importer.preview_import(actor=w.coordinator, text="").ok
    monkeypatch.setattr(importer, "MAX_ROWS", 2)
    rows = ["{ref},{code},Meeting,2026-05-04,30,,"] * 3
    too_many = importer.preview_import(actor=w.coordinator, text=_csv(w, *rows))
    assert "Import up to 2 at a time" in str(too_many.errors[0])
    with pytest.raises(Exception, match="larger than 2 MB"):
        importer.decode_csv(b"x" * (importer.MAX_BYTES + 1))


def test_semicolons_extra_columns_blank_lines_and_aliases(app: Flask) -> None:
    w = make_world()
    text = (
        "Name;Project;Activity;Date;Minutes;Signature\n"
        f"{w.person.reference};{w.project.code};Meeting;2026-05-04;2h;R.\n"
        "\n"
        ";;;;;\n"
        f"{w.person.reference};{w.project.code};Meeting;2026-05-05;45 mins;\n"
    )
    preview = importer.preview_import(actor=w.coordinator, text=text)
    assert preview.errors == []
    assert [(r.row, r.minutes) for r in preview.rows] == [(2, 120), (5, 45)]
    assert preview.ignored_columns == ["Signature"]


def test_likely_duplicates_are_warned_about_not_refused(app: Flask) -> None:
    w = make_world()
    row = "{ref},{code},Meeting,2026-05-04,30,,"
    importer.apply_import(actor=w.coordinator, text=_csv(w, row), submit=False)
    db.session.commit()
    preview = importer.preview_import(actor=w.coordinator, text=_csv(w, row, row))
    assert preview.ok
    assert "Tracker already has the same work" in preview.rows[0].warnings[0]
    assert "This looks the same as row 2." in preview.rows[1].warnings


def test_no_rate_blocks_submitting_but_not_drafts(app: Flask) -> None:
    w = make_world()
    row = "{ref},{code},Meeting,2026-03-31,30,,"  # before the rate starts
    drafts = importer.preview_import(actor=w.coordinator, text=_csv(w, row))
    assert (
        drafts.ok and "There is no rate for Meeting on 31 March 2026" in drafts.rows[0].warnings[0]
    )
    sending = importer.preview_import(actor=w.coordinator, text=_csv(w, row), submit=True)
    assert "cannot be sent for approval" in str(sending.errors[0])


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("90", 90), ("1:30", 90), ("1h30", 90), ("1h 30m", 90), ("2h", 120), ("45m", 45), ("0:05", 5)],
)
def test_durations_people_write(text: str, minutes: int) -> None:
    assert importer.parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["1.5", "an hour", "h", "1:75", ""])
def test_durations_that_are_unclear(text: str) -> None:
    with pytest.raises(ValueError):
        importer.parse_duration(text)


def test_cli_imports_a_file_and_commits_once(app: Flask, tmp_path: Path) -> None:
    w = make_world()
    path = tmp_path / "sheet.csv"
    path.write_text(_csv(w, "{ref},{code},Meeting,2026-05-04,90,,"), encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["tracker", "import-time", str(path), "--as", w.coordinator.email, "--submit"]
    )
    assert result.exit_code == 0, result.output
    assert "Imported 1 time entry and sent it for approval." in result.output
    db.session.expire_all()
    assert db.session.scalars(db.select(TimeEntry.status)).all() == ["submitted"]


def test_cli_prints_each_problem_and_saves_nothing(app: Flask, tmp_path: Path) -> None:
    w = make_world()
    path = tmp_path / "sheet.csv"
    path.write_text(
        _csv(w, "{ref},{code},Meeting,2026-05-04,90,,", "{ref},{code},Meting,2026-05-04,90,,"),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(
        args=["tracker", "import-time", str(path), "--as", w.coordinator.email]
    )
    assert result.exit_code == 1
    assert "Row 3: There is no activity called “Meting”" in result.output
    assert "Nothing was imported" in result.output
    assert _count() == 0
    unknown = app.test_cli_runner().invoke(
        args=["tracker", "import-time", str(path), "--as", "nobody@example.org"]
    )
    assert unknown.exit_code == 1 and "No active account" in unknown.output


def test_the_only_coordinator_of_a_project_is_told_nobody_else_can_approve(app: Flask) -> None:
    w = make_world()
    alone = make_project(coordinators=[w.coordinator])
    person = make_contributor(projects_=[w.project, alone], name="Kim")
    text = _csv(
        w,
        f"{person.reference},{{code}},Meeting,2026-05-04,30,,",
        f"{person.reference},{alone.code},Meeting,2026-05-04,30,,",
    )
    preview = importer.preview_import(actor=w.coordinator, text=text)
    assert preview.ok and preview.sole_coordinator_of == [alone.code]
