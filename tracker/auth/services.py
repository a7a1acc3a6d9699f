"""Accounts: passwords, sign-in checks, second factor, roles and API tokens."""

from __future__ import annotations

import contextlib
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from zxcvbn import zxcvbn

from tracker.audit.models import AuditEvent
from tracker.audit.services import record, record_if_changed
from tracker.auth import domain
from tracker.auth.access import require_role
from tracker.auth.models import ROLES, ApiToken, RecoveryCode, User, UserRole, new_session_token
from tracker.dates import utc_now
from tracker.errors import Conflict, Forbidden, NotFound, TrackerError
from tracker.extensions import db

MIN_PASSWORD_LENGTH = 10
_DUMMY_HASH: str | None = None


def _hasher() -> PasswordHasher:
    if current_app.config.get("PASSWORD_HASH_FAST"):
        # Tests only: still argon2id, with the smallest cost.
        return PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password(user: User | None, password: str) -> bool:
    """Verify a password in constant-ish time, rehashing when the parameters have changed."""
    global _DUMMY_HASH
    hasher = _hasher()
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hasher.hash("not-a-real-password")
        with contextlib.suppress(VerificationError):
            hasher.verify(_DUMMY_HASH, password)
        return False
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def authenticate(*, email: str, password: str) -> User | None:
    """The active user with this email and password, or None (audited, without the password)."""
    user = find_user_by_email(email)
    if not check_password(user, password) or user is None or not user.active:
        # The typed address is not kept: people sometimes type a password into it.
        record(
            actor=None,
            action="user.sign_in_failed",
            entity_type="user",
            entity_id=user.id if user else None,
        )
        return None
    return user


def needs_second_factor(user: User) -> bool:
    return bool(user.totp_secret)


def must_enrol_second_factor(user: User) -> bool:
    """Finance and admin must use a second factor; everyone else may."""
    return not user.totp_secret and user.has_role("finance", "admin")


class _TOTP(pyotp.TOTP):
    # New secrets are 160 bits; shorter 80-bit ones (common in older apps, and the documented
    # demo secret) must still verify.
    min_secret_length_bits = 80


def totp(secret: str) -> pyotp.TOTP:
    return _TOTP(secret)


def _matching_step(secret: str, code: str) -> int | None:
    """The time step (within one step either side of now) whose code is `code`, or None."""
    code = "".join(ch for ch in code if ch.isdigit())
    if len(code) != 6:
        return None
    generator = totp(secret)
    now = utc_now()
    current = generator.timecode(now)
    for step in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(generator.generate_otp(step), code):
            return step
    return None


def _claim_step(user: User, step: int) -> bool:
    """Record `step` as used; False when it (or a later one) was used already, even at once."""
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user, ["totp_last_step"])
    return bool(getattr(result, "rowcount", 0) == 1)


def verify_totp(user: User, code: str) -> bool:
    """A current code from the user's authenticator that has not been used before."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    return step is not None and _claim_step(user, step)


def _use_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == domain.recovery_code_hash(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utc_now())
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


def check_second_factor(*, user: User, code: str) -> str | None:
    """Which factor `code` passed as ("code" or "recovery code"; each works once), or None.

    A failure is audited."""
    if domain.looks_like_recovery_code(code):
        if _use_recovery_code(user, code):
            record(
                actor=user,
                action="user.recovery_code_used",
                entity_type="user",
                entity_id=user.id,
                changes={"recovery_codes_left": (None, recovery_codes_left(user))},
            )
            return "recovery code"
    elif verify_totp(user, code):
        return "code"
    record(actor=None, action="user.code_failed", entity_type="user", entity_id=user.id)
    return None


def recovery_codes_left(user: User) -> int:
    return int(
        db.session.scalar(
            select(func.count(RecoveryCode.id)).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        )
        or 0
    )


def new_recovery_codes(*, user: User) -> list[str]:
    """Ten new single-use codes, shown once; any earlier codes stop working."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = domain.new_recovery_codes()
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=domain.recovery_code_hash(code)) for code in codes
    )
    db.session.flush()
    record(actor=user, action="user.recovery_codes_made", entity_type="user", entity_id=user.id)
    return codes


def new_totp_secret() -> str:
    return pyotp.random_base32()


def enable_totp(*, user: User, secret: str, code: str, current_code: str = "") -> list[str]:
    """Set up (or replace) the user's authenticator; returns new recovery codes to show once.

    Replacing one needs a fresh code from the old authenticator (or a recovery code), so that
    knowing the password is never enough. Other sessions end.
    """
    replacing = bool(user.totp_secret)
    # The new app's code first: a mistake there must not use up the current code.
    step = _matching_step(secret, code)
    if step is None:
        raise TrackerError(
            "That code did not match. Check the time on your phone and try the newest code.",
            fields={"code": "Enter the 6-digit code from your authenticator app"},
        )
    if replacing and check_second_factor(user=user, code=current_code) is None:
        raise TrackerError(
            "The code from your current authenticator did not match. Try the newest code.",
            fields={
                "current_code": "That code did not match. Enter the code your current app "
                "shows now, or a recovery code"
            },
        )
    user.totp_secret = secret
    user.totp_last_step = step
    user.session_token = new_session_token()
    record(
        actor=user,
        action="user.totp_replaced" if replacing else "user.totp_enabled",
        entity_type="user",
        entity_id=user.id,
    )
    return new_recovery_codes(user=user)


def reset_second_factor(*, actor: User, user: User) -> None:
    """An administrator removes someone's authenticator (lost phone): their sessions end, and
    they set up a new one when they next sign in."""
    require_role(actor, "admin")
    if user.id == actor.id:
        raise Forbidden("To replace your own authenticator, use the Your account page.")
    if not user.totp_secret:
        raise Conflict("This person has no authenticator set up.")
    user.totp_secret = None
    user.totp_last_step = None
    user.session_token = new_session_token()
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record(actor=actor, action="user.totp_reset", entity_type="user", entity_id=user.id)


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utc_now()
    record(actor=user, action="user.signed_in", entity_type="user", entity_id=user.id)


def sign_out(*, user: User) -> None:
    """Rotate the session token so that every copy of the old cookie stops working."""
    user.session_token = new_session_token()
    record(actor=user, action="user.signed_out", entity_type="user", entity_id=user.id)


def _check_roles(roles: Iterable[str]) -> set[str]:
    chosen = set(roles)
    unknown = chosen - set(ROLES)
    if unknown:
        raise TrackerError("Choose roles from the list.", fields={"roles": "Unknown role"})
    return chosen


def _check_password_strength(password: str, *hints: str) -> None:
    """At least 10 characters, and not guessable (zxcvbn, with the person's own details)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise TrackerError(
            f"Passwords must be at least {MIN_PASSWORD_LENGTH} characters long.",
            fields={"password": f"Enter at least {MIN_PASSWORD_LENGTH} characters"},
        )
    # zxcvbn is slow on very long input; a passphrase past 100 characters is not guessable.
    # The person's own name and email address, word by word, count as easy to guess.
    words = {word for hint in hints for word in re.split(r"[^a-z0-9]+", hint.lower()) if word}
    result = zxcvbn(password[:100], user_inputs=sorted(words | {h for h in hints if h}))
    if result["score"] < current_app.config["MIN_PASSWORD_SCORE"]:
        message = (
            "That password would be easy to guess. Try three or four words that do not go "
            'together, like "purple kettle river 42".'
        )
        raise TrackerError(message, fields={"password": message})


def create_user(
    *,
    actor: User | None,
    email: str,
    display_name: str,
    password: str,
    roles: Iterable[str],
    totp_secret: str | None = None,
    actor_label: str | None = None,
) -> User:
    """Create an account; the email must not be in use already, whatever its case."""
    require_role(actor, "admin", allow_command_line=True)
    email = normalise_email(email)
    if not email or "@" not in email:
        raise TrackerError(
            "Enter an email address, like name@example.org.",
            fields={"email": "Enter an email address"},
        )
    if find_user_by_email(email):
        raise Conflict(
            "An account with that email address already exists.",
            fields={"email": "This email address is already in use"},
        )
    if not display_name.strip():
        raise TrackerError("Enter a name.", fields={"name": "Enter a name"})
    _check_password_strength(password, email, display_name)
    chosen = _check_roles(roles)
    user = User(
        email=email,
        display_name=display_name.strip(),
        password_hash=hash_password(password),
        totp_secret=totp_secret,
        role_rows=[UserRole(role=role) for role in sorted(chosen)],
    )
    db.session.add(user)
    db.session.flush()
    record(
        actor=actor,
        actor_label=actor_label,
        action="user.created",
        entity_type="user",
        entity_id=user.id,
        changes={"email": (None, email), "roles": (None, sorted(chosen))},
    )
    return user


def update_user(
    *,
    actor: User,
    user: User,
    display_name: str,
    roles: Iterable[str],
    active: bool,
) -> User:
    """Change a user's name, roles or active flag; deactivation also ends their sessions."""
    require_role(actor, "admin")
    chosen = _check_roles(roles)
    if user.id == actor.id and ("admin" not in chosen or not active):
        raise TrackerError("You cannot remove your own admin role or deactivate yourself.")
    changes: dict[str, tuple[object, object]] = {}
    if user.display_name != display_name.strip():
        changes["display_name"] = (user.display_name, display_name.strip())
        user.display_name = display_name.strip()
    roles_removed = bool(user.roles - chosen)
    if user.roles != chosen:
        changes["roles"] = (sorted(user.roles), sorted(chosen))
        user.role_rows = [r for r in user.role_rows if r.role in chosen] + [
            UserRole(role=role) for role in sorted(chosen - user.roles)
        ]
    if user.active != active:
        changes["active"] = (user.active, active)
        user.active = active
        user.session_token = new_session_token()
    record_if_changed(actor, "user.updated", user.id, changes)
    if roles_removed or not active:
        # A token would otherwise outlive the access it was made with.
        revoke_all_api_tokens(actor=actor, user=user)
    return user


def change_password(*, user: User, current: str, new: str) -> None:
    """Set a new password after checking the current one; other sessions are signed out."""
    if not check_password(user, current):
        raise TrackerError(
            "Your current password was not right.",
            fields={"current_password": "Enter your current password"},
        )
    _set_password(actor=user, user=user, new=new, action="user.password_changed")


def reset_password(*, actor: User, user: User, new: str) -> None:
    """An administrator sets a temporary password for someone; their sessions are signed out."""
    require_role(actor, "admin")
    if user.id == actor.id:
        raise TrackerError(
            "To change your own password, use the Your account page.",
            fields={"password": "Use the Your account page to change your own password"},
        )
    _set_password(actor=actor, user=user, new=new, action="user.password_reset")


def _set_password(*, actor: User, user: User, new: str, action: str) -> None:
    """A strong enough new password; every session and API token made before it stops working."""
    _check_password_strength(new, user.email, user.display_name)
    user.password_hash = hash_password(new)
    user.session_token = new_session_token()
    record(actor=actor, action=action, entity_type="user", entity_id=user.id)
    revoke_all_api_tokens(actor=actor, user=user)


def list_users(*, role: str | None = None, active_only: bool = False) -> list[User]:
    """Every account by name, or only those holding `role`."""
    query = select(User).order_by(User.display_name, User.email)
    if role is not None:
        query = query.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == role)))
    if active_only:
        query = query.where(User.active.is_(True))
    return list(db.session.scalars(query))


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def create_api_token(
    *, user: User, name: str, actor: User | None = None, actor_label: str | None = None
) -> tuple[ApiToken, str]:
    """A new bearer token for `user`, expiring after API_TOKEN_DAYS; the raw value is returned
    once and only its hash is kept. `actor` defaults to the user; the command line passes none
    and says so with `actor_label`."""
    name = name.strip() or "API token"
    raw = "trk_" + secrets.token_urlsafe(32)
    days = int(current_app.config["API_TOKEN_DAYS"])
    token = ApiToken(
        user_id=user.id,
        name=name[:120],
        token_hash=_token_hash(raw),
        expires_at=utc_now() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    record(
        actor=user if actor is None and actor_label is None else actor,
        actor_label=actor_label,
        action="api_token.created",
        entity_type="api_token",
        entity_id=token.id,
        changes={"name": (None, token.name), "user_id": (None, user.id)},
    )
    return token, raw


def revoke_api_token(*, user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("That token was not found.")
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        record(actor=user, action="api_token.revoked", entity_type="api_token", entity_id=token.id)


def revoke_all_api_tokens(*, actor: User | None, user: User) -> None:
    """Every live token of `user` stops working (password change, deactivation, fewer roles)."""
    now = utc_now()
    for token in db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
        record(actor=actor, action="api_token.revoked", entity_type="api_token", entity_id=token.id)


def user_for_api_token(raw: str) -> User | None:
    """The active user behind a live, unexpired token, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(raw)))
    if (
        token is None
        or token.revoked_at is not None
        or token.expires_at <= utc_now()
        or not token.user.active
    ):
        return None
    token.last_used_at = utc_now()
    return token.user


def list_api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at)
        )
    )


def load_user_by_session_token(token: str) -> User | None:
    user = db.session.scalar(select(User).where(User.session_token == token))
    return user if user is not None and user.active else None


@dataclass(frozen=True)
class SignInHistory:
    previous: datetime | None
    failures_since: int


def sign_in_history(user: User) -> SignInHistory:
    """The sign-in before this one, and the failed passwords and codes since then."""
    signed_in = list(
        db.session.scalars(
            select(AuditEvent.at)
            .where(
                AuditEvent.entity_type == "user",
                AuditEvent.entity_id == user.id,
                AuditEvent.action == "user.signed_in",
            )
            .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
            .limit(2)
        )
    )
    previous = signed_in[1] if len(signed_in) > 1 else None
    failures = select(func.count(AuditEvent.id)).where(
        AuditEvent.entity_type == "user",
        AuditEvent.entity_id == user.id,
        AuditEvent.action.in_(("user.sign_in_failed", "user.code_failed")),
    )
    if previous is not None:
        failures = failures.where(AuditEvent.at > previous)
    return SignInHistory(previous, int(db.session.scalar(failures) or 0))
