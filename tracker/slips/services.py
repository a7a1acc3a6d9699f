"""Slips: snapshots, gapless numbers from a locked counter, the PDF archive, who may fetch one,
and the yearly statement."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from tracker.auth.models import User
from tracker.calendar.domain import TaxYear, long_date, month_year
from tracker.contributors.models import Contributor
from tracker.errors import NotFound, TrackerError
from tracker.extensions import db
from tracker.money import sum_pence
from tracker.settings.services import get_setting
from tracker.slips import pdf
from tracker.slips.domain import SlipOrganisation, SlipSnapshot
from tracker.slips.models import PaymentSlip, SlipCounter


def next_numbers(year: int, count: int) -> list[int]:
    """Take `count` numbers for `year` from the counter, locked until the transaction ends.

    Numbers are gapless per calendar year and never reused: a void slip keeps its number.
    """
    insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    db.session.execute(
        insert(SlipCounter)
        .values(year=year, last_number=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    counter = db.session.execute(
        select(SlipCounter)
        .where(SlipCounter.year == year)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    first = counter.last_number + 1
    counter.last_number += count
    db.session.flush()
    return list(range(first, first + count))


def slip_number(year: int, sequence: int) -> str:
    return f"{get_setting('slip_prefix')}-{year}-{sequence:05d}"


def organisation() -> SlipOrganisation:
    return SlipOrganisation(
        name=get_setting("organisation_name"), address=get_setting("organisation_address")
    )


def snapshot_of(slip: PaymentSlip) -> SlipSnapshot:
    """What the slip showed when it was issued, read from its stored snapshot."""
    return SlipSnapshot.from_json(slip.snapshot)


def render(slip: PaymentSlip) -> bytes:
    return pdf.render_slip(snapshot_of(slip))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_path(slip: PaymentSlip) -> Path:
    return Path(current_app.config["INVOICES_DIR"]) / str(slip.year) / f"{slip.number}.pdf"


def write_archive(slip: PaymentSlip, data: bytes) -> None:
    """Write the slip's PDF atomically, so a crash never leaves half a file."""
    path = archive_path(slip)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".slip-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def slip_pdf(slip: PaymentSlip) -> bytes:
    """The archived PDF; rebuilt from the snapshot (and checked against the hash) if missing."""
    path = archive_path(slip)
    if path.exists():
        data = path.read_bytes()
        if sha256(data) == slip.sha256:
            return data
        current_app.logger.warning("Archived slip %s did not match its hash", slip.number)
    data = render(slip)
    if sha256(data) != slip.sha256:
        raise TrackerError(
            f"Slip {slip.number} could not be rebuilt exactly from its record. Please tell "
            "your system administrator; the record itself is unchanged."
        )
    write_archive(slip, data)
    return data


def visible_slips_query(user: User) -> Select[PaymentSlip]:
    """Finance sees every slip; a contributor only their own. Nobody else sees any."""
    query = select(PaymentSlip)
    if user.has_role("finance"):
        return query
    return query.where(
        PaymentSlip.contributor_id.in_(select(Contributor.id).where(Contributor.user_id == user.id))
    )


def get_visible_slip(user: User, slip_id: int) -> PaymentSlip:
    slip = db.session.scalar(visible_slips_query(user).where(PaymentSlip.id == slip_id))
    if slip is None:
        raise NotFound("That payment slip was not found.")
    return slip


def my_slips(user: User) -> list[PaymentSlip]:
    return list(
        db.session.scalars(
            visible_slips_query(user)
            .where(
                PaymentSlip.contributor_id.in_(
                    select(Contributor.id).where(Contributor.user_id == user.id)
                )
            )
            .order_by(PaymentSlip.issued_on.desc(), PaymentSlip.id.desc())
        )
    )


# --- yearly statement ---------------------------------------------------------------------------


def statement(*, user: User, contributor_id: int, tax_year: TaxYear, made_on: date) -> bytes:
    """A PDF of every slip paid to the contributor in the tax year (by the date paid; fees and
    expenses kept apart), to show a benefits office. Unpaid slips are not income yet."""
    contributor = db.session.get(Contributor, contributor_id)
    if contributor is None or not (user.has_role("finance") or contributor.user_id == user.id):
        raise NotFound("That statement was not found.")
    slips = list(
        db.session.scalars(
            select(PaymentSlip)
            .where(
                PaymentSlip.contributor_id == contributor_id,
                PaymentSlip.status == "paid",
                PaymentSlip.paid_on.between(tax_year.start, tax_year.end),
            )
            .order_by(PaymentSlip.paid_on, PaymentSlip.id)
        )
    )
    months: dict[str, list[int]] = {}
    for slip in slips:
        assert slip.paid_on is not None
        months.setdefault(month_year(slip.paid_on), []).append(slip.fees_pence)
    data = {
        "organisation": organisation(),
        "contributor": {"name": contributor.preferred_name, "reference": contributor.reference},
        "tax_year_text": tax_year.text,
        "made_on_text": long_date(made_on),
        "slips": [
            {
                "number": s.number,
                "issued_on_text": long_date(s.issued_on),
                "paid_on_text": long_date(s.paid_on),
                "fees_pence": s.fees_pence,
                "expenses_pence": s.expenses_pence,
                "total_pence": s.total_pence,
            }
            for s in slips
        ],
        "totals": {
            "fees_pence": sum_pence(s.fees_pence for s in slips),
            "expenses_pence": sum_pence(s.expenses_pence for s in slips),
            "total_pence": sum_pence(s.total_pence for s in slips),
        },
        "months": [{"month_text": k, "fees_pence": sum_pence(v)} for k, v in months.items()],
    }
    return pdf.render_statement(data)
