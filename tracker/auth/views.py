"""Sign in (with a second factor where set), sign out, and the profile page."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from tracker.auth import domain, services
from tracker.auth.access import PUBLIC, SIGNED_IN, access
from tracker.auth.forms import (
    ChangePasswordForm,
    EnrolForm,
    FreshCodeForm,
    NewTokenForm,
    SecondFactorForm,
    SignInForm,
)
from tracker.auth.models import User
from tracker.dates import epoch_seconds, utc_now
from tracker.errors import TrackerError
from tracker.extensions import db, limiter
from tracker.security import acting_user
from tracker.web import save_and_confirm, show_service_error

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300
DEVICE_COOKIE = "tracker_device"
DEVICE_DAYS = 365
MAX_KNOWN_ACCOUNTS = 5


# --- throttling ---------------------------------------------------------------------------------
# Only failed attempts count (the view sets g.auth_failed). The per-account limits do not apply
# on a device that has signed in to that account before, so an attacker guessing from elsewhere
# can never lock the real person out; they are still slowed per address and per account.


def _failed(_response: Response) -> bool:
    return bool(g.get("auth_failed"))


def _config_limit(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


def _typed_email() -> str:
    return services.normalise_email(str(request.form.get("email") or ""))


def _account_key() -> str:
    return "account:" + _typed_email()


def _account_address_key() -> str:
    return f"account-address:{_typed_email()}|{request.remote_addr}"


def _pending_key() -> str:
    return f"pending-user:{session.get('pending_user')}"


def _signed_in_key() -> str:
    return f"user:{acting_user().id}"


def _device_mark(user_id: int) -> str:
    """An opaque mark for an account (an HMAC under the secret key): it cannot be forged, and
    the cookie does not show whose accounts were used on this browser."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"known-device:{user_id}".encode(), hashlib.sha256).hexdigest()[:20]


def _known_marks() -> list[str]:
    return [m for m in request.cookies.get(DEVICE_COOKIE, "").split(".") if m]


def _known_device() -> bool:
    """This browser has signed in to the typed account before."""
    user = services.find_user_by_email(_typed_email())
    return user is not None and _device_mark(user.id) in _known_marks()


def _remember_device(response: Response, user: User) -> None:
    mark = _device_mark(user.id)
    marks = [mark] + [m for m in _known_marks() if m != mark]
    response.set_cookie(
        DEVICE_COOKIE,
        ".".join(marks[:MAX_KNOWN_ACCOUNTS]),
        max_age=DEVICE_DAYS * 24 * 3600,
        httponly=True,
        secure=bool(current_app.config["SESSION_COOKIE_SECURE"]),
        samesite="Lax",
    )


_failures_per_address = limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_ADDRESS"), methods=["POST"], deduct_when=_failed
)
_code_failures_per_pending_user = limiter.limit(
    _config_limit("CODE_LIMIT_PER_USER"),
    key_func=_pending_key,
    methods=["POST"],
    deduct_when=_failed,
)
_code_failures_per_user = limiter.limit(
    _config_limit("CODE_LIMIT_PER_USER"),
    key_func=_signed_in_key,
    methods=["POST"],
    deduct_when=_failed,
)


def _safe_next(target: str | None) -> str:
    return domain.safe_next_path(target) or url_for("main.home")


def _finish_sign_in(
    user: User, *, recovery_codes: list[str] | None = None, notice: str | None = None
) -> Any:
    target = _safe_next(session.get("pending_next"))
    session.clear()
    if notice:
        flash(notice, "info")
    login_user(user)
    session["signed_in_at"] = epoch_seconds()
    services.record_sign_in(user)
    db.session.commit()
    response: Any
    if recovery_codes:
        response = make_response(
            render_template("auth/recovery_codes.html", codes=recovery_codes, next_url=target)
        )
    else:
        response = redirect(target)
    _remember_device(response, user)
    return response


def _keep_failed_attempt() -> None:
    """Count a failed attempt towards the limits, and keep it in the audit trail."""
    g.auth_failed = True
    db.session.commit()


def _code_not_matched(form: Any) -> None:
    _keep_failed_attempt()
    form.code.errors = [
        "That code did not match, or it has been used already. Wait for the next code in "
        "your app and enter that."
    ]


def _sign_in_again() -> Any:
    """Signing in was not begun, or took too long: start again."""
    flash("Please sign in again.", "info")
    return redirect(url_for("auth.sign_in"))


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    started = float(session.get("pending_at", 0))
    if user_id is None or epoch_seconds() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@bp.route("/sign-in", methods=["GET", "POST"])
@_failures_per_address
@limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_ACCOUNT_ADDRESS"),
    key_func=_account_address_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_known_device,
)
@limiter.limit(
    _config_limit("LOGIN_LIMIT_PER_ACCOUNT"),
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    exempt_when=_known_device,
)
@access(PUBLIC)
def sign_in() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data or "", password=form.password.data or "")
        if user is None:
            _keep_failed_attempt()
            form.password.errors = [
                "The email address or password is not right. Check them and try again."
            ]
        else:
            session.clear()
            session["pending_next"] = request.args.get("next")
            if not services.needs_second_factor(user) and not services.must_enrol_second_factor(
                user
            ):
                return _finish_sign_in(user)
            session["pending_user"] = user.id
            session["pending_at"] = epoch_seconds()
            if services.must_enrol_second_factor(user):
                return redirect(url_for("auth.enrol_second_factor"))
            return redirect(url_for("auth.second_factor"))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@_failures_per_address
@_code_failures_per_pending_user
@access(PUBLIC)
def second_factor() -> Any:
    user = _pending_user()
    if user is None or not user.totp_secret:
        return _sign_in_again()
    form = SecondFactorForm()
    if form.validate_on_submit():
        used = services.check_second_factor(user=user, code=form.code.data or "")
        if used is not None:
            notice = None
            if used == "recovery code":
                left = services.recovery_codes_left(user)
                notice = (
                    f"You used a recovery code. You have {left} left. If you have lost your "
                    "phone, replace your authenticator app on the Your account page."
                )
            return _finish_sign_in(user, notice=notice)
        _code_not_matched(form)
    return render_template("auth/second_factor.html", form=form)


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@_failures_per_address
@_code_failures_per_pending_user
@access(PUBLIC)
def enrol_second_factor() -> Any:
    """Only for someone part-way through signing in who must use a second factor and has none:
    an authenticator that is set up is replaced from Your account, or reset by an admin."""
    user = _pending_user()
    if user is None or not services.must_enrol_second_factor(user):
        return _sign_in_again()
    secret = session.setdefault("pending_totp", services.new_totp_secret())
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = services.enable_totp(user=user, secret=secret, code=form.code.data or "")
        except TrackerError as error:
            g.auth_failed = True
            show_service_error(form, error)
        else:
            return _finish_sign_in(user, recovery_codes=codes)
    return _render_enrol(form, user, secret, replacing=False)


def _render_enrol(form: EnrolForm, user: User, secret: str, *, replacing: bool) -> Any:
    uri = services.totp(secret).provisioning_uri(name=user.email, issuer_name="Tracker")
    status = 400 if form.errors else 200
    return render_template(
        "auth/enrol.html",
        form=form,
        secret=secret,
        uri=uri,
        replacing=replacing,
        required=user.has_role("finance", "admin"),
    ), status


@bp.route("/sign-out", methods=["POST"])
@access(SIGNED_IN)
def sign_out() -> Any:
    services.sign_out(user=acting_user())
    db.session.commit()
    logout_user()
    session.clear()
    flash("You have signed out.", "success")
    return redirect(url_for("auth.sign_in"))


@bp.route("/session/keep-alive", methods=["POST"])
@access(SIGNED_IN)
def keep_alive() -> Any:
    """Touching the session renews the idle timeout; the warning banner calls this."""
    session.modified = True
    return "", 204


@bp.route("/profile", methods=["GET"])
@access(SIGNED_IN)
def profile() -> Any:
    return _render_profile()


def _render_profile(**forms: Any) -> Any:
    user = acting_user()
    return render_template(
        "auth/profile.html",
        user=user,
        history=services.sign_in_history(user),
        recovery_codes_left=services.recovery_codes_left(user),
        codes_form=forms.get("codes_form") or FreshCodeForm(prefix="codes"),
        tokens=services.list_api_tokens(user),
        now=utc_now(),
        password_form=forms.get("password_form") or ChangePasswordForm(prefix="pw"),
        token_form=forms.get("token_form") or NewTokenForm(prefix="token"),
        new_token=forms.get("new_token"),
    )


@bp.route("/profile/password", methods=["POST"])
@access(SIGNED_IN)
def change_password() -> Any:
    form = ChangePasswordForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.change_password(
                user=acting_user(),
                current=form.current_password.data or "",
                new=form.password.data or "",
            )
        except TrackerError as error:
            show_service_error(form, error)
        else:
            db.session.commit()
            _stay_signed_in(acting_user())
            flash(
                "Your password has been changed. Other devices have been signed out, and your "
                "API tokens no longer work.",
                "success",
            )
            return redirect(url_for("auth.profile"))
    return _render_profile(password_form=form), 400


@bp.route("/profile/tokens", methods=["POST"])
@access(SIGNED_IN)
def create_token() -> Any:
    form = NewTokenForm(prefix="token")
    if not form.validate_on_submit():
        return _render_profile(token_form=form), 400
    _token, raw = services.create_api_token(user=acting_user(), name=form.name.data or "")
    db.session.commit()
    return _render_profile(new_token=raw)


@bp.route("/profile/tokens/<int:token_id>/revoke", methods=["POST"])
@access(SIGNED_IN)
def revoke_token(token_id: int) -> Any:
    services.revoke_api_token(user=acting_user(), token_id=token_id)
    save_and_confirm("The token has been revoked. It no longer works.")
    return redirect(url_for("auth.profile"))


def _stay_signed_in(user: User) -> None:
    """The session token changed: keep this browser signed in, with the same absolute limit."""
    signed_in_at = session.get("signed_in_at")
    login_user(user)
    session["signed_in_at"] = signed_in_at


@bp.route("/profile/authenticator", methods=["GET", "POST"])
@_code_failures_per_user
@access(SIGNED_IN)
def replace_authenticator() -> Any:
    """Set up an authenticator, or replace one after a fresh code from it."""
    user = acting_user()
    replacing = bool(user.totp_secret)
    secret = session.setdefault("new_totp", services.new_totp_secret())
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = services.enable_totp(
                user=user,
                secret=secret,
                code=form.code.data or "",
                current_code=form.current_code.data or "",
            )
        except TrackerError as error:
            _keep_failed_attempt()
            show_service_error(form, error)
        else:
            db.session.commit()
            session.pop("new_totp", None)
            _stay_signed_in(user)
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=url_for("auth.profile")
            )
    return _render_enrol(form, user, secret, replacing=replacing)


@bp.route("/profile/recovery-codes", methods=["POST"])
@_code_failures_per_user
@access(SIGNED_IN)
def new_recovery_codes() -> Any:
    """New recovery codes (the old ones stop working), after a fresh second-factor code."""
    user = acting_user()
    form = FreshCodeForm(prefix="codes")
    if form.validate_on_submit() and user.totp_secret:
        if services.check_second_factor(user=user, code=form.code.data or "") is not None:
            codes = services.new_recovery_codes(user=user)
            db.session.commit()
            return render_template(
                "auth/recovery_codes.html", codes=codes, next_url=url_for("auth.profile")
            )
        _code_not_matched(form)
    return _render_profile(codes_form=form), 400
