"""Sign in (with a second factor where set), sign out, and the profile page."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user

from tracker.auth import services
from tracker.auth.access import PUBLIC, SIGNED_IN, access
from tracker.auth.forms import ChangePasswordForm, NewTokenForm, SecondFactorForm, SignInForm
from tracker.auth.models import User
from tracker.errors import TrackerError
from tracker.extensions import db, limiter
from tracker.security import acting_user
from tracker.web import show_service_error

bp = Blueprint("auth", __name__)

PENDING_SECONDS = 300


def _per_address() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ADDRESS"])


def _per_account() -> str:
    return str(current_app.config["LOGIN_LIMIT_PER_ACCOUNT"])


def _account_key() -> str:
    email = request.form.get("email") or session.get("pending_email") or ""
    return "account:" + services.normalise_email(str(email))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("main.home")


def _finish_sign_in(user: User) -> Any:
    target = _safe_next(session.get("pending_next"))
    session.clear()
    login_user(user)
    services.record_sign_in(user)
    db.session.commit()
    return redirect(target)


def _pending_user() -> User | None:
    user_id = session.get("pending_user")
    started = float(session.get("pending_at", 0))
    if user_id is None or time.time() - started > PENDING_SECONDS:
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"])
@limiter.limit(_per_account, key_func=_account_key, methods=["POST"])
@access(PUBLIC)
def sign_in() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SignInForm()
    if form.validate_on_submit():
        user = services.authenticate(email=form.email.data or "", password=form.password.data or "")
        if user is None:
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
            session["pending_email"] = user.email
            session["pending_at"] = time.time()
            if services.must_enrol_second_factor(user):
                return redirect(url_for("auth.enrol_second_factor"))
            return redirect(url_for("auth.second_factor"))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-in/code", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"])
@limiter.limit(_per_account, key_func=_account_key, methods=["POST"])
@access(PUBLIC)
def second_factor() -> Any:
    user = _pending_user()
    if user is None or not user.totp_secret:
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    form = SecondFactorForm()
    if form.validate_on_submit():
        if services.verify_totp(user.totp_secret, form.code.data or ""):
            return _finish_sign_in(user)
        form.code.errors = ["That code did not match. Try the newest code in your app."]
    return render_template("auth/second_factor.html", form=form)


@bp.route("/sign-in/set-up-code", methods=["GET", "POST"])
@limiter.limit(_per_address, methods=["POST"])
@access(PUBLIC)
def enrol_second_factor() -> Any:
    user = _pending_user()
    if user is None:
        flash("Please sign in again.", "info")
        return redirect(url_for("auth.sign_in"))
    secret = session.setdefault("pending_totp", services.new_totp_secret())
    form = SecondFactorForm()
    if form.validate_on_submit():
        try:
            services.enable_totp(user=user, secret=secret, code=form.code.data or "")
        except TrackerError as error:
            show_service_error(form, error)
        else:
            return _finish_sign_in(user)
    uri = services.totp(secret).provisioning_uri(name=user.email, issuer_name="Tracker")
    return render_template("auth/enrol.html", form=form, secret=secret, uri=uri)


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
        tokens=services.list_api_tokens(user),
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
            login_user(acting_user())  # the token changed: keep this browser signed in
            flash("Your password has been changed. Other devices have been signed out.", "success")
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
    db.session.commit()
    flash("The token has been revoked. It no longer works.", "success")
    return redirect(url_for("auth.profile"))
