"""Every slip the demo organisation issues rebuilds, from its stored snapshot alone, to the PDF
whose SHA-256 was stored when it was issued: what an archived slip that went missing relies on."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from tracker.demo import load_demo
from tracker.extensions import db
from tracker.slips.domain import SNAPSHOT_VERSION, SlipSnapshot
from tracker.slips.models import PaymentSlip
from tracker.slips.pdf import render_slip


def test_every_demo_slip_rebuilds_from_its_stored_snapshot_to_its_stored_hash(app) -> None:
    assert load_demo() is True
    db.session.commit()
    slips = list(db.session.scalars(select(PaymentSlip).order_by(PaymentSlip.id)))
    assert {slip.status for slip in slips} == {"issued", "paid", "void"}
    for slip in slips:
        snapshot = SlipSnapshot.from_json(slip.snapshot)
        assert snapshot.version == SNAPSHOT_VERSION
        assert snapshot.number == slip.number
        assert snapshot.issued_on == slip.issued_on
        assert (
            snapshot.totals.fees_pence,
            snapshot.totals.expenses_pence,
            snapshot.totals.total_pence,
        ) == (slip.fees_pence, slip.expenses_pence, slip.total_pence)
        assert snapshot.to_json() == slip.snapshot
        assert hashlib.sha256(render_slip(snapshot)).hexdigest() == slip.sha256, slip.number
