"""Read-only views of payment runs for pages, the API and downloads: run summaries, slip rows,
who is waiting longest, the run and lines CSVs and the ZIP of slips. Nothing here writes.

Every query here is a fixed number per call, so pages cost the same however many slips a run has.
Money is summed in SQL from the payment lines (which are the same amounts as the slips' lines)
or read from the slips' snapshots; nothing is recalculated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select

from tracker.adaptations.models import AdaptationRequest
from tracker.contributors.models import Contributor
from tracker.dates import local_date
from tracker.expenses.models import ExpenseClaim
from tracker.extensions import db
from tracker.lifecycle.kinds import KINDS, ItemKind
from tracker.money import pounds_string, sum_pence
from tracker.payments.models import PaymentLine, PaymentRun
from tracker.projects.models import Project
from tracker.slips import services as slips
from tracker.slips.domain import ExpenseLine, FeeLine
from tracker.slips.models import PaymentSlip, SlipCounter
from tracker.timesheets.models import TimeEntry

# --- run summaries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunSummary:
    """A run's live money and its slips that still count (void slips are left out of both)."""

    slip_count: int = 0
    fees_pence: int = 0
    expenses_pence: int = 0

    @property
    def total_pence(self) -> int:
        return sum_pence((self.fees_pence, self.expenses_pence))


def run_summaries(run_ids: Iterable[int]) -> dict[int, RunSummary]:
    """Totals and slip counts for many runs in two queries (the same rule as `run_totals`)."""
    ids = sorted(set(run_ids))
    if not ids:
        return {}
    is_fee = PaymentLine.kind == ItemKind.TIME
    money = {
        run_id: (int(fees), int(expenses))
        for run_id, fees, expenses in db.session.execute(
            select(
                PaymentLine.run_id,
                func.coalesce(func.sum(PaymentLine.amount_pence).filter(is_fee), 0),
                func.coalesce(func.sum(PaymentLine.amount_pence).filter(~is_fee), 0),
            )
            .where(PaymentLine.run_id.in_(ids), PaymentLine.live == 1)
            .group_by(PaymentLine.run_id)
        ).all()
    }
    counts = {
        run_id: int(count)
        for run_id, count in db.session.execute(
            select(PaymentSlip.run_id, func.count(PaymentSlip.id))
            .where(PaymentSlip.run_id.in_(ids), PaymentSlip.status != "void")
            .group_by(PaymentSlip.run_id)
        ).all()
    }
    return {run_id: RunSummary(counts.get(run_id, 0), *money.get(run_id, (0, 0))) for run_id in ids}


def project_names(project_ids: Iterable[int | None]) -> dict[int, str]:
    """`Name (CODE)` for each project id given, in one query."""
    ids = {i for i in project_ids if i is not None}
    if not ids:
        return {}
    return {
        pid: f"{name} ({code})"
        for pid, name, code in db.session.execute(
            select(Project.id, Project.name, Project.code).where(Project.id.in_(ids))
        ).all()
    }


# --- slips as rows ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SlipRow:
    """A slip with what its snapshot says about the person, as they were when it was issued."""

    slip: PaymentSlip
    name: str
    reference: str
    method: str


def slip_rows(slip_list: Sequence[PaymentSlip]) -> list[SlipRow]:
    rows = []
    for slip in slip_list:
        snapshot = slips.snapshot_of(slip)
        rows.append(
            SlipRow(
                slip=slip,
                name=snapshot.contributor.name,
                reference=snapshot.contributor.reference,
                method=snapshot.payment_method,
            )
        )
    return rows


def next_numbers_preview(count: int, year: int) -> tuple[str, str] | None:
    """The numbers the next `count` slips of `year` would take, if nobody confirms first."""
    if count < 1:
        return None
    counter = db.session.get(SlipCounter, year)
    first = (counter.last_number if counter else 0) + 1
    return slips.slip_number(year, first), slips.slip_number(year, first + count - 1)


# --- who is waiting -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Waiting:
    what: str
    name: str
    reference: str
    project: str
    approved_on: date
    days: int
    status: str
    amount_pence: int


def waiting_rows(slowest_open: Sequence[tuple[ItemKind, Any, int]]) -> list[Waiting]:
    """The oldest unpaid items of `payment_speed`, with names, in two queries."""
    people = {
        cid: (name, ref)
        for cid, name, ref in db.session.execute(
            select(Contributor.id, Contributor.preferred_name, Contributor.reference).where(
                Contributor.id.in_({item.contributor_id for _, item, _ in slowest_open})
            )
        ).all()
    }
    projects = project_names(item.project_id for _, item, _ in slowest_open)
    rows = []
    for kind, item, days in slowest_open:
        name, ref = people.get(item.contributor_id, ("", ""))
        rows.append(
            Waiting(
                what=KINDS[kind].card,
                name=name,
                reference=ref,
                project=projects.get(item.project_id, ""),
                approved_on=local_date(item.approved_at),
                days=days,
                status=item.status,
                amount_pence=KINDS[kind].payable(item),
            )
        )
    return rows


# --- CSV ----------------------------------------------------------------------------------------

# A cell starting with one of these is read as a formula by Excel and similar programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Text for a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows: Iterable[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    # With a byte order mark, Excel reads the names as UTF-8 rather than guessing.
    return out.getvalue().encode("utf-8-sig")


RUN_CSV_HEADER = [
    "slip_number",
    "contributor_reference",
    "name",
    "payment_method",
    "fees",
    "fees_pence",
    "expenses",
    "expenses_pence",
    "total",
    "total_pence",
    "status",
    "paid_on",
    "payment_reference",
]


def run_csv(rows: Sequence[SlipRow]) -> bytes:
    """One row per slip of the run, void ones included (with their status)."""
    return _csv(
        RUN_CSV_HEADER,
        (
            [
                r.slip.number,
                r.reference,
                r.name,
                r.method,
                pounds_string(r.slip.fees_pence),
                r.slip.fees_pence,
                pounds_string(r.slip.expenses_pence),
                r.slip.expenses_pence,
                pounds_string(r.slip.total_pence),
                r.slip.total_pence,
                r.slip.status,
                r.slip.paid_on.isoformat() if r.slip.paid_on else "",
                r.slip.payment_reference or "",
            ]
            for r in rows
        ),
    )


LINES_CSV_HEADER = [
    "slip_number",
    "contributor_reference",
    "kind",
    "date",
    "project_code",
    "activity_or_category",
    "description",
    "amount_pence",
    "amount",
]
# A slip snapshot names each line's item as "<name>:<id>" (version 1 of the snapshot says
# `time_entry` for time), so that the export finds the item's project.
_ITEM_MODELS: dict[str, Any] = {
    "time_entry": TimeEntry,
    "expense": ExpenseClaim,
    "adaptation": AdaptationRequest,
}


def _project_codes(refs: set[str]) -> dict[str, str]:
    """`time_entry:12` -> the code of that item's project, one query per kind of item."""
    ids: dict[str, set[int]] = {}
    for ref in refs:
        kind, _, item_id = ref.partition(":")
        ids.setdefault(kind, set()).add(int(item_id))
    codes = {}
    for kind, wanted in ids.items():
        model = _ITEM_MODELS[kind]
        for item_id, code in db.session.execute(
            select(model.id, Project.code)
            .join(Project, Project.id == model.project_id)
            .where(model.id.in_(wanted))
        ).all():
            codes[f"{kind}:{item_id}"] = code
    return codes


def lines_csv(slip_list: Sequence[PaymentSlip]) -> bytes:
    """One row per line of each slip that still counts, from the slips' snapshots, for the
    accounting system. Void slips are left out: nothing on them is paid."""
    live = [(s, slips.snapshot_of(s)) for s in slip_list if s.status != "void"]
    codes = _project_codes({line.item for _, snap in live for line in snap.fees + snap.expenses})
    rows: list[list[object]] = []
    for slip, snap in live:
        reference = snap.contributor.reference
        for fee in snap.fees:
            description = f"{fee.time_text}; {fee.rate_text}"
            if fee.declined:
                description += "; fee declined"
            rows.append(_line_row(slip, reference, "fee", fee, codes, fee.activity, description))
        for expense in snap.expenses:
            rows.append(
                _line_row(
                    slip,
                    reference,
                    "expense",
                    expense,
                    codes,
                    expense.category,
                    expense.description,
                )
            )
    return _csv(LINES_CSV_HEADER, rows)


def _line_row(
    slip: PaymentSlip,
    reference: str,
    kind: str,
    line: FeeLine | ExpenseLine,
    codes: dict[str, str],
    what: str,
    description: str,
) -> list[object]:
    pence = line.amount_pence
    return [
        slip.number,
        reference,
        kind,
        line.date.isoformat(),
        codes.get(line.item, ""),
        what,
        description,
        pence,
        pounds_string(pence),
    ]


# --- ZIP ----------------------------------------------------------------------------------------


def slips_zip(slip_list: Sequence[PaymentSlip]) -> bytes:
    """Every slip that still counts, once each, as `NUMBER.pdf`.

    The same slips always give the same bytes: each entry is dated its slip's issue day (at
    midnight) with fixed permissions, in slip-number order.
    """
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for slip in sorted(slip_list, key=lambda s: (s.year, s.sequence)):
            if slip.status == "void":
                continue
            day = slip.issued_on
            info = zipfile.ZipInfo(
                f"{slip.number}.pdf", date_time=(day.year, day.month, day.day, 0, 0, 0)
            )
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, slips.slip_pdf(slip))
    return out.getvalue()


def run_file_stem(run: PaymentRun) -> str:
    return f"payment-run-{run.id}"
