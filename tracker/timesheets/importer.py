"""Importing time entries from a CSV file: paper sign-in sheets typed up by a coordinator.

The file is checked as a whole first. Every problem is reported with its row number (the header is
row 1, as in a spreadsheet), and nothing is saved unless every row is right. Each row then becomes
a draft recorded by the coordinator, and is sent for approval when asked, so another coordinator
of the project approves it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker.auth.models import User
from tracker.calendar.domain import long_date
from tracker.contributors.models import Contributor
from tracker.dates import local_date, local_today
from tracker.errors import Conflict, TrackerError
from tracker.extensions import db
from tracker.items import services as items
from tracker.money import sum_pence
from tracker.projects.models import ActivityType, Project, ProjectCoordinator, ProjectMember
from tracker.rates import domain as rates_domain
from tracker.rates import services as rates
from tracker.rates.models import Rate
from tracker.timesheets.models import ImportedSheet, TimeEntry
from tracker.timesheets.services import (
    MAX_MINUTES,
    EntryInput,
    create_time_entry,
)

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
REQUIRED = ("contributor", "project", "activity", "date", "duration")
OPTIONAL = ("notes", "fee_choice")
# Other headings people write on sign-in sheets, read as the column they mean.
ALIASES = {
    "contributor": "contributor",
    "name": "contributor",
    "reference": "contributor",
    "project": "project",
    "project_code": "project",
    "activity": "activity",
    "activity_type": "activity",
    "date": "date",
    "work_date": "date",
    "duration": "duration",
    "time": "duration",
    "minutes": "duration",
    "notes": "notes",
    "note": "notes",
    "fee_choice": "fee_choice",
    "fee": "fee_choice",
}
FEE_CHOICES = {"accept": "accept", "decline": "decline", "yes": "accept", "no": "decline"}
_REFERENCE = re.compile(r"[Cc]\d{5,}")
_HOURS_MINUTES = re.compile(r"(\d{1,2}):([0-5]\d)")
_H_M = re.compile(r"(?:(\d{1,2})h(?:ours?|rs?)?)?(?:(\d{1,4})(?:m(?:in(?:ute)?s?)?)?)?")
DURATION_HELP = "Write the time as minutes (90), hours and minutes (1:30) or 1h30."
DATE_HELP = "Write the date like 2026-05-04 or 04/05/2026."


@dataclass(frozen=True)
class RowError:
    """A problem in the file; `row` is the spreadsheet row (None: the file as a whole)."""

    row: int | None
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}: {self.message}" if self.row is not None else self.message


@dataclass(frozen=True)
class ImportRow:
    """One row, understood: who, where, what, when, how long, and the fee it would get now."""

    row: int
    contributor_id: int
    contributor_name: str
    contributor_reference: str
    project_id: int
    project_code: str
    activity_type_id: int
    activity_name: str
    work_date: date
    minutes: int
    notes: str
    fee_choice: str
    fee_pence: int | None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportPreview:
    rows: list[ImportRow]
    errors: list[RowError]
    ignored_columns: list[str] = field(default_factory=list)
    # Projects on which the importer is the only coordinator: nobody else can approve yet.
    sole_coordinator_of: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def rows_with_errors(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    @property
    def total_fee_pence(self) -> int:
        return sum_pence(row.fee_pence or 0 for row in self.rows)


class ImportRejected(TrackerError):
    """The file has problems; nothing was saved. `errors` lists each one."""

    def __init__(self, errors: list[RowError]) -> None:
        count = len(errors)
        super().__init__(
            f"Nothing was imported: we found {count} "
            + ("problem" if count == 1 else "problems")
            + " in the file."
        )
        self.errors = errors


def decode_csv(data: bytes) -> str:
    """The text of an uploaded file: UTF-8 (with or without a BOM), or Windows-1252 as Excel
    saves it; TrackerError when it is too large or not text."""
    if len(data) > MAX_BYTES:
        raise _unreadable("The file is larger than 2 MB. Split it into smaller files.")
    if b"\x00" in data:
        raise _unreadable(
            "This does not look like a CSV file. In your spreadsheet, choose Save as, then CSV."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _unreadable(
            "We could not read the file. In your spreadsheet, save it as CSV UTF-8."
        ) from None


def _unreadable(message: str) -> TrackerError:
    return TrackerError(message, fields={"file": message})


# --- reading values -----------------------------------------------------------------------------


def parse_duration(text: str) -> int:
    """Minutes from "90", "1:30", "1h30", "1h 30m", "2h" or "45m"; ValueError when unclear."""
    value = text.strip().lower().replace(" ", "")
    if value.isdigit():
        return int(value)
    match = _HOURS_MINUTES.fullmatch(value)
    if match:
        return int(match.group(1)) * 60 + int(match.group(2))
    match = _H_M.fullmatch(value)
    if match and (match.group(1) or match.group(2)):
        return int(match.group(1) or 0) * 60 + int(match.group(2) or 0)
    raise ValueError(DURATION_HELP)


def parse_date(text: str) -> date:
    """A date written YYYY-MM-DD or DD/MM/YYYY (day first, as in the UK); ValueError if not."""
    value = text.strip()
    for pattern, order in (
        (r"(\d{4})-(\d{1,2})-(\d{1,2})", "ymd"),
        (r"(\d{1,2})/(\d{1,2})/(\d{4})", "dmy"),
    ):
        match = re.fullmatch(pattern, value)
        if match:
            parts = dict(zip(order, (int(g) for g in match.groups()), strict=True))
            try:
                return date(parts["y"], parts["m"], parts["d"])
            except ValueError:
                raise ValueError(f"“{value}” is not a real date. {DATE_HELP}") from None
    raise ValueError(f"We could not read the date “{value}”. {DATE_HELP}")


def _heading(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def _delimiter(text: str) -> str:
    """Comma, unless the header row is clearly split by semicolons or tabs (some spreadsheets)."""
    first = text.split("\n", 1)[0]
    counts = {d: first.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


# --- what the actor may use, loaded once ------------------------------------------------------


@dataclass
class _Lookups:
    projects: dict[str, Any]
    members: set[tuple[int, int]]
    people: dict[int, Any]
    by_reference: dict[str, Any]
    by_name: dict[str, list[Any]]
    activities: dict[str, Any]


def _lookups(actor: User) -> _Lookups:
    coordinated = select(ProjectCoordinator.project_id).where(
        ProjectCoordinator.user_id == actor.id
    )
    projects = {
        row.code.upper(): row
        for row in db.session.execute(
            select(Project.id, Project.code, Project.name).where(Project.id.in_(coordinated))
        )
    }
    members = {
        (row.project_id, row.contributor_id)
        for row in db.session.execute(
            select(ProjectMember.project_id, ProjectMember.contributor_id).where(
                ProjectMember.project_id.in_(coordinated)
            )
        )
    }
    people = {
        row.id: row
        for row in db.session.execute(
            select(
                Contributor.id,
                Contributor.preferred_name,
                Contributor.reference,
                Contributor.default_fee_choice,
            ).where(Contributor.id.in_({cid for _, cid in members}))
        )
    }
    by_name: dict[str, list[Any]] = defaultdict(list)
    for person in sorted(people.values(), key=lambda p: p.reference):
        by_name[person.preferred_name.strip().casefold()].append(person)
    activities = {
        row.name.strip().casefold(): row
        for row in db.session.execute(
            select(ActivityType.id, ActivityType.name, ActivityType.active, ActivityType.paid)
        )
    }
    return _Lookups(
        projects=projects,
        members=members,
        people=people,
        by_reference={p.reference.upper(): p for p in people.values()},
        by_name=by_name,
        activities=activities,
    )


# --- the preview --------------------------------------------------------------------------------


def _records(text: str) -> tuple[list[tuple[int, list[str]]], list[RowError]]:
    """(spreadsheet row number, values) for each record, or the file-level problem."""
    text = text.removeprefix("\ufeff")
    if len(text.encode("utf-8")) > MAX_BYTES:
        return [], [RowError(None, "The file is larger than 2 MB. Split it into smaller files.")]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        return [(number, values) for number, values in enumerate(reader, start=1)], []
    except csv.Error as error:
        return [], [
            RowError(
                reader.line_num or None,
                f"The file could not be read as CSV ({error}). Save it from your spreadsheet "
                "as CSV and try again.",
            )
        ]


def _columns(header: list[str]) -> tuple[dict[str, int], list[str], list[RowError]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    errors: list[RowError] = []
    for index, heading in enumerate(header):
        name = ALIASES.get(_heading(heading))
        if name is None:
            if heading.strip():
                ignored.append(heading.strip())
            continue
        if name in columns:
            errors.append(RowError(1, f"The column “{heading.strip()}” appears twice."))
            continue
        columns[name] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        errors.append(
            RowError(
                1,
                "The first row must name the columns. Missing: "
                + ", ".join(missing)
                + ". The columns are contributor, project, activity, date and duration, "
                "and optionally notes and fee_choice.",
            )
        )
    return columns, ignored, errors


def preview_import(*, actor: User, text: str, submit: bool = False) -> ImportPreview:
    """Check a CSV file of time entries without saving anything.

    With `submit`, a row whose work has no rate yet is an error, as it could not be sent.
    """
    records, errors = _records(text)
    if errors:
        return ImportPreview([], errors)
    records = [(n, values) for n, values in records if any(v.strip() for v in values)]
    if not records:
        return ImportPreview([], [RowError(None, "The file is empty.")])
    (_, header), data = records[0], records[1:]
    columns, ignored, errors = _columns(header)
    if errors:
        return ImportPreview([], errors, ignored)
    if not data:
        return ImportPreview([], [RowError(None, "The file has no rows of work under the header.")])
    if len(data) > MAX_ROWS:
        message = (
            f"The file has {len(data):,} rows of work. Import up to {MAX_ROWS:,} at a time: "
            "split it into smaller files."
        )
        return ImportPreview([], [RowError(None, message)], ignored)
    found = _lookups(actor)
    parsed: list[dict[str, Any]] = []
    for number, values in data:
        row, problems = _read_row(found, columns, number, values)
        if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
            problems.append("This row has more values than the header row has columns.")
        errors.extend(RowError(number, p) for p in problems)
        if row is not None and not problems:
            parsed.append(row)
    rows = _finish(parsed, errors, submit=submit)
    return ImportPreview(rows, errors, ignored, _sole_coordinator_of(actor, parsed))


def _sole_coordinator_of(actor: User, parsed: list[dict[str, Any]]) -> list[str]:
    """Codes of the rows' projects that have no coordinator but the actor (one query)."""
    codes = {r["project"].id: r["project"].code for r in parsed}
    if not codes:
        return []
    others = set(
        db.session.scalars(
            select(ProjectCoordinator.project_id).where(
                ProjectCoordinator.project_id.in_(codes), ProjectCoordinator.user_id != actor.id
            )
        )
    )
    return sorted(code for pid, code in codes.items() if pid not in others)


def _read_row(
    found: _Lookups, columns: dict[str, int], number: int, values: list[str]
) -> tuple[dict[str, Any] | None, list[str]]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return values[index].strip() if index is not None and index < len(values) else ""

    problems: list[str] = []
    person = _person(found, cell("contributor"), problems)
    project = _project(found, cell("project"), problems)
    if person is not None and project is not None and (project.id, person.id) not in found.members:
        problems.append(
            f"{person.preferred_name} ({person.reference}) is not on {project.code}. "
            "Add them to the project first, or check the project code."
        )
    activity = _activity(found, cell("activity"), problems)
    work_date = _work_date(cell("date"), problems)
    minutes = _minutes(cell("duration"), problems)
    notes = cell("notes")
    if len(notes) > 2000:
        problems.append("Notes must be 2,000 characters or fewer.")
    fee_text = cell("fee_choice").lower()
    fee_choice = FEE_CHOICES.get(fee_text) if fee_text else None
    if fee_text and fee_choice is None:
        problems.append("Fee choice must be accept or decline, or left empty for their usual one.")
    if problems or person is None or project is None or activity is None:
        return None, problems
    assert work_date is not None and minutes is not None
    return {
        "row": number,
        "person": person,
        "project": project,
        "activity": activity,
        "work_date": work_date,
        "minutes": minutes,
        "notes": notes,
        "fee_choice": fee_choice or person.default_fee_choice,
    }, problems


def _person(found: _Lookups, text: str, problems: list[str]) -> Any:
    if not text:
        problems.append("Enter who did the work: their reference, like C00003, or their name.")
        return None
    if _REFERENCE.fullmatch(text):
        person = found.by_reference.get(text.upper())
        if person is None:
            problems.append(f"Nobody on your projects has the reference {text.upper()}.")
        return person
    matches = found.by_name.get(text.casefold(), [])
    if len(matches) == 1:
        return matches[0]
    if not matches:
        problems.append(
            f"We could not find anyone called “{text}” on your projects. Check the spelling, "
            "or use their reference, like C00003."
        )
        return None
    references = ", ".join(p.reference for p in matches[:-1]) + f" and {matches[-1].reference}"
    problems.append(
        f"{len(matches)} people on your projects are called “{text}” ({references}). "
        "Use the reference of the right person instead of the name."
    )
    return None


def _project(found: _Lookups, text: str, problems: list[str]) -> Any:
    if not text:
        problems.append("Enter the project code, like PEER-01.")
        return None
    project = found.projects.get(text.upper())
    if project is None:
        problems.append(f"No project you coordinate has the code “{text}”.")
    return project


def _activity(found: _Lookups, text: str, problems: list[str]) -> Any:
    if not text:
        problems.append("Enter the activity, like Meeting.")
        return None
    activity = found.activities.get(text.casefold())
    if activity is None or not activity.active:
        names = ", ".join(sorted(a.name for a in found.activities.values() if a.active))
        problems.append(f"There is no activity called “{text}”. Use one of: {names}.")
        return None
    return activity


def _work_date(text: str, problems: list[str]) -> date | None:
    if not text:
        problems.append(f"Enter the date of the work. {DATE_HELP}")
        return None
    try:
        work_date = parse_date(text)
    except ValueError as error:
        problems.append(str(error))
        return None
    if work_date > local_today():
        problems.append(f"The date {long_date(work_date)} is in the future.")
        return None
    return work_date


def _minutes(text: str, problems: list[str]) -> int | None:
    if not text:
        problems.append(f"Enter how long the work took. {DURATION_HELP}")
        return None
    try:
        minutes = parse_duration(text)
    except ValueError:
        problems.append(f"We could not read the time “{text}”. {DURATION_HELP}")
        return None
    if minutes < 1:
        problems.append("The time must be at least 1 minute.")
        return None
    if minutes > MAX_MINUTES:
        problems.append("Enter no more than 24 hours for one row.")
        return None
    return minutes


def _finish(
    parsed: list[dict[str, Any]], errors: list[RowError], *, submit: bool
) -> list[ImportRow]:
    """Fee estimates from one load of the rates, and warnings about likely duplicates."""
    if not parsed:
        return []
    activity_ids = {r["activity"].id for r in parsed}
    lines: dict[int, list[rates_domain.RateLine]] = defaultdict(list)
    for rate in db.session.scalars(select(Rate).where(Rate.activity_type_id.in_(activity_ids))):
        lines[rate.activity_type_id].append(rates.rate_line(rate))
    existing = _existing(parsed)
    seen: dict[tuple[Any, ...], int] = {}
    rows = []
    for r in parsed:
        person, project, activity = r["person"], r["project"], r["activity"]
        key = (person.id, project.id, activity.id, r["work_date"], r["minutes"])
        warnings = []
        if key in seen:
            warnings.append(f"This looks the same as row {seen[key]}.")
        else:
            seen[key] = r["row"]
        if key in existing:
            warnings.append("Tracker already has the same work for this person on this date.")
        found = rates_domain.fee_for(
            lines[activity.id],
            activity_type_id=activity.id,
            activity_name=activity.name,
            paid=activity.paid,
            project_id=project.id,
            contributor_id=person.id,
            work_date=r["work_date"],
            minutes=r["minutes"],
            fee_choice=r["fee_choice"],
        )
        fee = found.fee_pence
        if found.calculation is None:
            message = f"There is no rate for {activity.name} on {long_date(r['work_date'])} yet"
            if submit:
                errors.append(
                    RowError(
                        r["row"],
                        f"{message}, so it cannot be sent for approval. Ask finance to add a "
                        "rate, or import the entries as drafts.",
                    )
                )
            else:
                warnings.append(f"{message}. It can be kept as a draft until finance adds one.")
        rows.append(
            ImportRow(
                row=r["row"],
                contributor_id=person.id,
                contributor_name=person.preferred_name,
                contributor_reference=person.reference,
                project_id=project.id,
                project_code=project.code,
                activity_type_id=activity.id,
                activity_name=activity.name,
                work_date=r["work_date"],
                minutes=r["minutes"],
                notes=r["notes"],
                fee_choice=r["fee_choice"],
                fee_pence=fee,
                warnings=tuple(warnings),
            )
        )
    errors.sort(key=lambda e: e.row or 0)
    return rows


def _existing(parsed: list[dict[str, Any]]) -> set[tuple[Any, ...]]:
    """Work already in Tracker with the same person, project, activity, date and time."""
    dates = [r["work_date"] for r in parsed]
    query = select(
        TimeEntry.contributor_id,
        TimeEntry.project_id,
        TimeEntry.activity_type_id,
        TimeEntry.work_date,
        TimeEntry.minutes,
    ).where(
        TimeEntry.contributor_id.in_({r["person"].id for r in parsed}),
        TimeEntry.work_date.between(min(dates), max(dates)),
        TimeEntry.status != "withdrawn",
    )
    return {tuple(row) for row in db.session.execute(query)}


# --- saving -------------------------------------------------------------------------------------


class AlreadyImported(Conflict):
    """The same sheet was imported before; importing it again would pay people twice."""


def sheet_digest(text: str) -> str:
    """The same sheet gives the same digest, whatever its line endings."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return hashlib.sha256("\n".join(lines).strip().encode()).hexdigest()


def _record_sheet(actor: User, text: str, rows: int) -> None:
    """Keep the sheet's digest; a sheet imported before (even at the same moment) is refused."""
    digest = sheet_digest(text)
    earlier = db.session.scalar(select(ImportedSheet).where(ImportedSheet.digest == digest))
    if earlier is None:
        try:
            with db.session.begin_nested():
                db.session.add(ImportedSheet(digest=digest, imported_by_id=actor.id, rows=rows))
            return
        except IntegrityError:
            earlier = db.session.scalar(select(ImportedSheet).where(ImportedSheet.digest == digest))
    when = f" on {long_date(local_date(earlier.imported_at))}" if earlier else ""
    raise AlreadyImported(
        f"This sheet was imported already{when}, so nothing was imported again. "
        "Importing it twice would pay people twice."
    )


def apply_import(*, actor: User, text: str, submit: bool) -> list[TimeEntry]:
    """Save every row as a draft recorded by the actor (and send each for approval with
    `submit`), or nothing at all: ImportRejected lists the problems. A sheet imports once."""
    preview = preview_import(actor=actor, text=text, submit=submit)
    if not preview.ok:
        raise ImportRejected(preview.errors or [RowError(None, "The file has no rows of work.")])
    _record_sheet(actor, text, len(preview.rows))
    entries: list[TimeEntry] = []
    with db.session.begin_nested():
        for row in preview.rows:
            try:
                entry = create_time_entry(
                    actor=actor,
                    data=EntryInput(
                        contributor_id=row.contributor_id,
                        project_id=row.project_id,
                        activity_type_id=row.activity_type_id,
                        work_date=row.work_date,
                        minutes=row.minutes,
                        notes=row.notes,
                        fee_choice=row.fee_choice,
                    ),
                )
                if submit:
                    items.submit_item(actor=actor, item=entry)
            except TrackerError as error:
                detail = "; ".join(error.fields.values()) or error.message
                raise ImportRejected([RowError(row.row, detail)]) from None
            entries.append(entry)
    return entries
