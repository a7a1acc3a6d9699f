"""Payment pages. Finance: runs (create, review, confirm, cancel, mark paid), slips (mark paid,
void) and downloads (a slip, a ZIP of a run's slips, the run and lines CSVs). Contributors: their
own slips and a yearly statement. A slip's PDF is shared: finance or its owner; anyone else 404.
"""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from tracker.auth.access import SIGNED_IN, access
from tracker.calendar.domain import TaxYear, long_date, tax_year
from tracker.contributors import services as contributors
from tracker.dates import local_today
from tracker.errors import NotFound, TrackerError
from tracker.extensions import db
from tracker.payments import exports
from tracker.payments import services as payments
from tracker.payments.forms import (
    CancelRunForm,
    ConfirmRunForm,
    MarkPaidForm,
    NewRunForm,
    StatementForm,
    VoidSlipForm,
)
from tracker.payments.models import PaymentRun
from tracker.projects import services as projects
from tracker.security import acting_user
from tracker.slips import services as slips
from tracker.slips.models import PaymentSlip
from tracker.web import save_and_confirm, undo_and_show_error

bp = Blueprint("payments", __name__, url_prefix="/payments")
FINANCE = "finance"
# Ids that fit the database; anything larger is simply not found.
RUN = "/runs/<int(min=1, max=2147483647):run_id>"
SLIP = "/slips/<int(min=1, max=2147483647):slip_id>"

RUN_STATUS = {
    "draft": ("Draft", "blue"),
    "confirmed": ("Slips issued", "purple"),
    "paid": ("Paid", "green"),
    "cancelled": ("Cancelled", "grey"),
}
SLIP_STATUS = {"issued": ("Issued", "purple"), "paid": ("Paid", "green"), "void": ("Void", "grey")}
# What is holding up unpaid work, for the "How fast we pay" panel.
WAITING_WORDS = {
    "approved": "not in a run yet",
    "in_run": "in a draft run",
    "on_slip": "slip issued, not yet paid",
}
WAITING_SHOWN = 5


# --- the runs page ------------------------------------------------------------------------------


@bp.get("/")
@access(FINANCE)
def runs() -> Any:
    return _runs_page(NewRunForm())


def _runs_page(form: NewRunForm, status: int = 200) -> Any:
    _project_choices(form)
    if not form.is_submitted():
        form.cut_off.data = local_today()
    all_runs = payments.list_runs()
    speed = payments.payment_speed(limit=WAITING_SHOWN)
    return render_template(
        "payments/runs.html",
        form=form,
        runs=all_runs,
        summaries=exports.run_summaries(r.id for r in all_runs),
        projects=exports.project_names(r.project_id for r in all_runs),
        speed=speed,
        waiting=exports.waiting_rows(speed.slowest_open),
        waiting_words=WAITING_WORDS,
        run_status=RUN_STATUS,
    ), status


def _project_choices(form: NewRunForm) -> None:
    form.project_id.choices = [("", "Every project")] + [
        (p.id, f"{p.name} ({p.code})") for p in projects.visible_projects(acting_user())
    ]


@bp.post("/")
@access(FINANCE)
def create_run() -> Any:
    form = NewRunForm()
    _project_choices(form)
    if form.validate_on_submit():
        try:
            run = payments.create_payment_run(
                actor=acting_user(), cut_off=form.cut_off.data, project_id=form.project_id.data
            )
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm("The draft run is ready. Check it, then confirm it to issue slips.")
            return redirect(url_for("payments.run", run_id=run.id))
    return _runs_page(form, 400)


# --- one run ------------------------------------------------------------------------------------


@bp.get(RUN)
@access(FINANCE)
def run(run_id: int) -> Any:
    return _run_page(payments.get_run(run_id), MarkPaidForm())


def _run_page(run: PaymentRun, paid_form: MarkPaidForm, status: int = 200) -> Any:
    draft = run.status == "draft"
    slip_list = [] if draft else payments.run_slips(run)
    if not paid_form.is_submitted():
        paid_form.paid_on.data = local_today()
    return render_template(
        "payments/run.html",
        run=run,
        project=exports.project_names([run.project_id]).get(run.project_id or 0),
        rows=payments.run_rows(run) if draft else [],
        slips=exports.slip_rows(slip_list),
        open_slips=sum(1 for s in slip_list if s.status == "issued"),
        totals=payments.run_totals(run),
        paid_form=paid_form,
        run_status=RUN_STATUS,
        slip_status=SLIP_STATUS,
    ), status


@bp.route(RUN + "/confirm", methods=["GET", "POST"])
@access(FINANCE)
def confirm_run(run_id: int) -> Any:
    form = ConfirmRunForm()
    if form.validate_on_submit():
        try:
            issued = payments.confirm_payment_run(actor=acting_user(), run_id=run_id)
        except NotFound:
            raise
        except TrackerError as error:
            db.session.rollback()
            return _confirm_page(run_id, form, problem=error.message), error.status
        db.session.commit()
        _write_archives(issued)
        count = len(issued)
        flash(f"{count} {'slip' if count == 1 else 'slips'} issued.", "success")
        return redirect(url_for("payments.run", run_id=run_id))
    return _confirm_page(run_id, form)


def _write_archives(issued: list[payments.IssuedSlip]) -> None:
    """After the commit. A file that cannot be written now is rebuilt from its snapshot (and
    checked against its hash) the first time it is downloaded, so this never undoes a run."""
    for item in issued:
        try:
            slips.write_archive(item.slip, item.pdf)
        except OSError:
            current_app.logger.exception("Could not archive slip %s", item.slip.number)


def _confirm_page(run_id: int, form: ConfirmRunForm, problem: str | None = None) -> Any:
    run = payments.get_run(run_id)
    rows = payments.run_rows(run) if run.status == "draft" else []
    return render_template(
        "payments/confirm.html",
        run=run,
        form=form,
        rows=rows,
        warned=sum(1 for r in rows if r.warnings),
        totals=payments.run_totals(run),
        numbers=exports.next_numbers_preview(len(rows), local_today().year),
        problem=problem,
    )


@bp.route(RUN + "/cancel", methods=["GET", "POST"])
@access(FINANCE)
def cancel_run(run_id: int) -> Any:
    form = CancelRunForm()
    problem = None
    if form.validate_on_submit():
        try:
            payments.cancel_payment_run(actor=acting_user(), run_id=run_id)
        except NotFound:
            raise
        except TrackerError as error:
            db.session.rollback()
            problem = error.message
        else:
            db.session.commit()
            flash("The run was cancelled. Its work is approved again, ready for the next run.")
            return redirect(url_for("payments.runs"))
    run = payments.get_run(run_id)
    return render_template(
        "payments/cancel.html",
        run=run,
        form=form,
        totals=payments.run_totals(run),
        people=len(payments.run_rows(run)) if run.status == "draft" else 0,
        problem=problem,
    ), (409 if problem else 200)


@bp.post(RUN + "/paid")
@access(FINANCE)
def run_paid(run_id: int) -> Any:
    form = MarkPaidForm()
    if form.validate_on_submit():
        try:
            payments.mark_run_paid(
                actor=acting_user(),
                run_id=run_id,
                paid_on=form.paid_on.data,
                reference=form.reference.data or "",
            )
        except NotFound:
            raise
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm("Every issued slip in this run is marked as paid.")
            return redirect(url_for("payments.run", run_id=run_id))
    return _run_page(payments.get_run(run_id), form, 400)


# --- one slip (finance) -------------------------------------------------------------------------


def _slip_page(template: str, slip: PaymentSlip, form: Any, status: int = 200) -> Any:
    [row] = exports.slip_rows([slip])
    return render_template(template, row=row, slip=slip, form=form, slip_status=SLIP_STATUS), status


@bp.route(SLIP + "/paid", methods=["GET", "POST"])
@access(FINANCE)
def slip_paid(slip_id: int) -> Any:
    slip = slips.get_visible_slip(acting_user(), slip_id)
    form = MarkPaidForm()
    if form.validate_on_submit():
        try:
            payments.mark_slip_paid(
                actor=acting_user(),
                slip_id=slip_id,
                paid_on=form.paid_on.data,
                reference=form.reference.data or "",
            )
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm(f"Slip {slip.number} is marked as paid.")
            return redirect(url_for("payments.run", run_id=slip.run_id))
        return _slip_page("payments/slip_paid.html", slip, form, 400)
    if not form.is_submitted():
        form.paid_on.data = local_today()
    status = 400 if form.errors else 200
    return _slip_page("payments/slip_paid.html", slip, form, status)


@bp.route(SLIP + "/void", methods=["GET", "POST"])
@access(FINANCE)
def void_slip(slip_id: int) -> Any:
    slip = slips.get_visible_slip(acting_user(), slip_id)
    form = VoidSlipForm()
    if form.validate_on_submit():
        try:
            payments.void_slip(actor=acting_user(), slip_id=slip_id, reason=form.reason.data or "")
        except TrackerError as error:
            undo_and_show_error(form, error)
        else:
            save_and_confirm(
                f"Slip {slip.number} is void. Its work is approved again, ready for the next run.",
            )
            return redirect(url_for("payments.run", run_id=slip.run_id))
        return _slip_page("payments/slip_void.html", slip, form, 400)
    status = 400 if form.errors else 200
    return _slip_page("payments/slip_void.html", slip, form, status)


# --- downloads ----------------------------------------------------------------------------------


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get(SLIP + ".pdf")
@access(SIGNED_IN)
def slip_pdf(slip_id: int) -> Any:
    """Finance, or the contributor the slip belongs to; for anyone else it does not exist."""
    slip = slips.get_visible_slip(acting_user(), slip_id)
    return _download(slips.slip_pdf(slip), "application/pdf", f"{slip.number}.pdf")


@bp.get(RUN + "/slips.zip")
@access(FINANCE)
def run_zip(run_id: int) -> Any:
    run = payments.get_run(run_id)
    data = exports.slips_zip(payments.run_slips(run))
    return _download(data, "application/zip", f"{exports.run_file_stem(run)}-slips.zip")


@bp.get(RUN + "/slips.csv")
@access(FINANCE)
def run_csv(run_id: int) -> Any:
    run = payments.get_run(run_id)
    data = exports.run_csv(exports.slip_rows(payments.run_slips(run)))
    return _download(data, "text/csv", f"{exports.run_file_stem(run)}-slips.csv")


@bp.get(RUN + "/lines.csv")
@access(FINANCE)
def lines_csv(run_id: int) -> Any:
    run = payments.get_run(run_id)
    data = exports.lines_csv(payments.run_slips(run))
    return _download(data, "text/csv", f"{exports.run_file_stem(run)}-lines.csv")


# --- a contributor's own payments ---------------------------------------------------------------

SLIP_WORDS = {"issued": "Being paid", "void": "Cancelled"}


def slip_words(slip: PaymentSlip) -> str:
    if slip.status == "paid":
        return f"Paid on {long_date(slip.paid_on)}" if slip.paid_on else "Paid"
    return SLIP_WORDS.get(slip.status, slip.status)


def _tax_years(slip_list: list[PaymentSlip]) -> list[TaxYear]:
    """This tax year and every year the person has a slip in, newest first."""
    years = {tax_year(local_today())} | {tax_year(s.issued_on) for s in slip_list}
    return sorted(years, reverse=True)


@bp.get("/mine")
@access("contributor")
def mine() -> Any:
    user = acting_user()
    me = contributors.contributor_for_user(user)
    slip_list = slips.my_slips(user) if me else []
    form = StatementForm()
    form.tax_year.choices = [(y.start_year, y.text) for y in _tax_years(slip_list)]
    return render_template(
        "payments/mine.html",
        me=me,
        slips=slip_list,
        words=slip_words,
        form=form,
        show_exit_button=True,
    )


@bp.get("/mine/statement")
@access("contributor")
def statement() -> Any:
    user = acting_user()
    me = contributors.contributor_for_user(user)
    year = StatementForm(request.args).tax_year.data
    if me is None or year is None or not 2000 <= year <= 2100:
        raise NotFound("That statement was not found.")
    chosen = TaxYear(year)
    data = slips.statement(user=user, contributor_id=me.id, tax_year=chosen, made_on=local_today())
    filename = f"payment-statement-{chosen.start.year}-to-{chosen.end.year}.pdf"
    return _download(data, "application/pdf", filename)
