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
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_LIMIT_PER_ADDRESS = os.environ.get("LOGIN_LIMIT_PER_ADDRESS", "20 per minute")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per minute")
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
