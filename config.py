"""Configuration classes, read from environment variables."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Production defaults. Every setting can be overridden from the environment."""

    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    # Fernet keys, newest first, separated by commas; empty: a key kept in instance/data_key.
    DATA_ENCRYPTION_KEYS = os.environ.get("DATA_ENCRYPTION_KEYS", "")
    # Empty means: a SQLite file in the instance folder (set up in create_app).
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL", "")
    SQLALCHEMY_ENGINE_OPTIONS: dict[str, object] = {"pool_pre_ping": True}
    INVOICES_DIR = os.environ.get("INVOICES_DIR", str(BASE_DIR / "invoices"))
    RECEIPTS_DIR = os.environ.get("RECEIPTS_DIR", "")
    MAX_CONTENT_LENGTH = 11 * 1024 * 1024
    WTF_CSRF_TIME_LIMIT = None  # the session idle timeout already bounds a form's life
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(
        minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "60"))
    )
    SESSION_REFRESH_EACH_REQUEST = True
    # However busy a session is, it ends this long after signing in.
    SESSION_ABSOLUTE_HOURS = int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12"))
    API_TOKEN_DAYS = int(os.environ.get("API_TOKEN_DAYS", "90"))
    # How many reverse proxies in front of the app set X-Forwarded-For and -Proto (0: none).
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Sign-in limits count failed attempts only. An attacker is slowed per account and address;
    # the per-account ceiling does not apply on a device that has signed in to that account
    # before, so guessing from elsewhere never locks the real person out.
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "30 per 5 minutes")
    LOGIN_LIMIT_PER_ACCOUNT_ADDRESS = os.environ.get(
        "LOGIN_LIMIT_PER_ACCOUNT_ADDRESS", "5 per 5 minutes"
    )
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "30 per hour")
    CODE_LIMIT_PER_USER = os.environ.get("CODE_LIMIT_PER_USER", "5 per 5 minutes")
    # zxcvbn's score from 0 (guessable) to 4; 3 means "safely unguessable" for an online attack.
    MIN_PASSWORD_SCORE = int(os.environ.get("MIN_PASSWORD_SCORE", "3"))
    PREFERRED_URL_SCHEME = "https"
    DEBUG = False
    TESTING = False


class DevelopmentConfig(Config):
    """`make run` on a laptop: plain HTTP on 127.0.0.1, so cookies cannot be Secure-only."""

    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", False)
    PREFERRED_URL_SCHEME = "http"


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret-key"  # noqa: S105
    DATA_ENCRYPTION_KEYS = "oSi2hjhqVTpF8YEIFYo84fDTEPZzBy2OnzHvHqdTIM0="  # tests only
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    SESSION_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    RATELIMIT_STORAGE_URI = "memory://"
    PASSWORD_HASH_FAST = True


CONFIGS: dict[str, type[Config]] = {
    "production": Config,
    "development": DevelopmentConfig,
    "test": TestConfig,
}
