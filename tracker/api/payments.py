"""API: payment runs (finance: draft, confirm, pay, cancel) and slips (finance, or the contributor
a slip belongs to; for anyone else a slip does not exist)."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from sqlalchemy import select

from tracker.api import bp
from tracker.api.common import iso, json_body, money, paginate, paginate_batch
from tracker.api.items import plausible_date
from tracker.api.spec import (
    DATE,
    ID,
    INTEGER,
    MONEY,
    NULLABLE_DATE,
    NULLABLE_ID,
    PENCE,
    STRING,
    component,
    enum,
    obj,
    operation,
)
from tracker.auth.access import SIGNED_IN, access
from tracker.extensions import db
from tracker.payments import exports
from tracker.payments import services as payments
from tracker.payments.models import PaymentRun
from tracker.security import acting_user
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip

NULLABLE_STRING = {"type": ["string", "null"]}
# A run's or a slip's fees, expenses and their total, each in pence and in pounds.
TOTALS = {
    "fees_pence": PENCE,
    "fees": MONEY,
    "expenses_pence": PENCE,
    "expenses": MONEY,
    "total_pence": PENCE,
    "total": MONEY,
}

PAYMENT_RUN = component(
    "PaymentRun",
    obj(
        {
            "id": ID,
            "cut_off": {**DATE, "description": "Work approved on or before this day is included"},
            "project_id": {**NULLABLE_ID, "description": "null: every project"},
            "status": enum("draft", "confirmed", "paid", "cancelled"),
            "slip_count": {**INTEGER, "description": "Slips issued and not void"},
            **TOTALS,
            "paid_on": NULLABLE_DATE,
            "reference": NULLABLE_STRING,
        },
        required=("cut_off",),
        read_only=(
            "id",
            "status",
            "slip_count",
            *TOTALS,
            "paid_on",
            "reference",
        ),
    ),
)
RUN_PAID = component(
    "PaymentRunPaid",
    obj(
        {
            "paid_on": {**DATE, "description": "The day the money was paid; not in the future"},
            "reference": {"type": "string", "maxLength": 100, "default": ""},
        },
        required=("paid_on",),
    ),
)
SLIP = component(
    "PaymentSlip",
    obj(
        {
            "id": ID,
            "number": {**STRING, "example": "PS-2026-00001"},
            "run_id": ID,
            "contributor_id": ID,
            "issued_on": DATE,
            **TOTALS,
            "status": enum("issued", "paid", "void"),
            "paid_on": NULLABLE_DATE,
            "sha256": {**STRING, "description": "SHA-256 of the slip's PDF, in hex"},
        }
    ),
)
VOID = component(
    "SlipVoid",
    obj({"reason": {"type": "string", "maxLength": 2000, "minLength": 1}}, required=("reason",)),
)


def _totals_json(source: exports.RunSummary | PaymentSlip) -> dict[str, Any]:
    return {
        **money("fees", source.fees_pence),
        **money("expenses", source.expenses_pence),
        **money("total", source.total_pence),
    }


def runs_json(runs: list[PaymentRun]) -> list[dict[str, Any]]:
    summaries = exports.run_summaries(run.id for run in runs)
    return [_run_json(run, summaries[run.id]) for run in runs]


def run_json(run: PaymentRun) -> dict[str, Any]:
    return runs_json([run])[0]


def _run_json(run: PaymentRun, summary: exports.RunSummary) -> dict[str, Any]:
    return {
        "id": run.id,
        "cut_off": iso(run.cut_off),
        "project_id": run.project_id,
        "status": run.status,
        "slip_count": summary.slip_count,
        **_totals_json(summary),
        "paid_on": iso(run.paid_on),
        "reference": run.reference,
    }


def slip_json(slip: PaymentSlip) -> dict[str, Any]:
    return {
        "id": slip.id,
        "number": slip.number,
        "run_id": slip.run_id,
        "contributor_id": slip.contributor_id,
        "issued_on": iso(slip.issued_on),
        **_totals_json(slip),
        "status": slip.status,
        "paid_on": iso(slip.paid_on),
        "sha256": slip.sha256,
    }


# --- runs ---------------------------------------------------------------------------------------


@bp.get("/payment-runs")
@access("finance")
@operation("List payment runs, newest first", response=PAYMENT_RUN, paginated=True)
def list_payment_runs() -> Any:
    return paginate_batch(select(PaymentRun).order_by(PaymentRun.id.desc()), runs_json)


@bp.post("/payment-runs")
@access("finance")
@operation(
    "Create a draft payment run",
    description="Gathers every approved, unpaid item approved on or before `cut_off` (of one "
    "project, if `project_id` is given). Nothing to pay is a 422 naming `cut_off`.",
    request=PAYMENT_RUN,
    response=PAYMENT_RUN,
    status=201,
)
def create_payment_run() -> Any:
    body = json_body(message="Check the payment run details.")
    cut_off = plausible_date(body, "cut_off", body.date("cut_off"))
    project_id = body.ident("project_id", required=False)
    body.check()
    run = payments.create_payment_run(actor=acting_user(), cut_off=cut_off, project_id=project_id)
    db.session.commit()
    return run_json(run), 201


@bp.get("/payment-runs/<id:run_id>")
@access("finance")
@operation("One payment run with its totals", response=PAYMENT_RUN)
def get_payment_run(run_id: int) -> Any:
    return run_json(payments.get_run(run_id))


@bp.post("/payment-runs/<id:run_id>/confirm")
@access("finance")
@operation(
    "Confirm a draft run: issue one numbered slip per person",
    description="Slip numbers come from a locked counter, gapless per calendar year. Someone who "
    "approved any of the run's work, or whom the run pays, cannot confirm it (403). A run that is "
    "not a draft is a 409.",
    response=PAYMENT_RUN,
)
def confirm_payment_run(run_id: int) -> Any:
    issued = payments.confirm_payment_run(actor=acting_user(), run_id=run_id)
    db.session.commit()
    for item in issued:
        try:
            slips.write_archive(item.slip, item.pdf)
        except OSError:
            # Issued all the same: a missing file is rebuilt from its snapshot when fetched.
            current_app.logger.exception("Could not archive slip %s", item.slip.number)
    return run_json(payments.get_run(run_id))


@bp.post("/payment-runs/<id:run_id>/paid")
@access("finance")
@operation(
    "Mark every issued slip of a confirmed run as paid",
    description="Nobody marks paid a run that pays them (403). With the organisation setting "
    "'two people release payments', the person who confirmed the run cannot mark it paid (403).",
    request=RUN_PAID,
    response=PAYMENT_RUN,
)
def mark_payment_run_paid(run_id: int) -> Any:
    body = json_body(message="Check the payment details.")
    paid_on = plausible_date(body, "paid_on", body.date("paid_on"))
    reference = body.text("reference", required=False, max_length=100)
    body.check()
    run = payments.mark_run_paid(
        actor=acting_user(), run_id=run_id, paid_on=paid_on, reference=reference
    )
    db.session.commit()
    return run_json(run)


@bp.post("/payment-runs/<id:run_id>/cancel")
@access("finance")
@operation(
    "Cancel a draft run; its work goes back to approved",
    description="Only a draft can be cancelled (409 otherwise).",
    response=PAYMENT_RUN,
)
def cancel_payment_run(run_id: int) -> Any:
    run = payments.cancel_payment_run(actor=acting_user(), run_id=run_id)
    db.session.commit()
    return run_json(run)


@bp.get("/payment-runs/<id:run_id>/slips")
@access("finance")
@operation("The slips of a run, in number order", response=SLIP, paginated=True)
def list_run_slips(run_id: int) -> Any:
    run = payments.get_run(run_id)
    query = select(PaymentSlip).where(PaymentSlip.run_id == run.id).order_by(PaymentSlip.sequence)
    return paginate(query, slip_json)


# --- slips --------------------------------------------------------------------------------------


@bp.get("/slips/<id:slip_id>")
@access(SIGNED_IN)
@operation(
    "One slip",
    description="Finance, or the contributor the slip belongs to. For anyone else it is a 404.",
    response=SLIP,
)
def get_slip(slip_id: int) -> Any:
    return slip_json(slips.get_visible_slip(acting_user(), slip_id))


@bp.get("/slips/<id:slip_id>.pdf")
@access(SIGNED_IN)
@operation(
    "One slip as a PDF",
    description="The archived PDF (`application/pdf`), whose SHA-256 is the slip's `sha256`. "
    "Finance, or the contributor the slip belongs to. For anyone else it is a 404.",
)
def get_slip_pdf(slip_id: int) -> Any:
    slip = slips.get_visible_slip(acting_user(), slip_id)
    response = Response(slips.slip_pdf(slip), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{slip.number}.pdf"'
    return response


@bp.post("/slips/<id:slip_id>/void")
@access("finance")
@operation(
    "Void an issued, unpaid slip",
    description="Its number stays used and its work goes back to approved. A `reason` is "
    "required. A slip that is paid or already void is a 409.",
    request=VOID,
    response=SLIP,
)
def void_slip(slip_id: int) -> Any:
    body = json_body(message="Say why the slip is void.")
    reason = body.text("reason", required=False, max_length=2000, multiline=True)
    body.check()
    slip = payments.void_slip(actor=acting_user(), slip_id=slip_id, reason=reason)
    db.session.commit()
    return slip_json(slip)
