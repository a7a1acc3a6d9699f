"""Browser tests: a live server on demo data, one headless Chromium per worker, and sign-in.

Every test in this folder is marked `browser`. When Chromium is not installed the tests are
skipped with the reason, so `make test` still passes on a machine without it.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_app
from tracker.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, load_demo
from tracker.extensions import db, limiter

HERE = Path(__file__).resolve().parent
SKIP_REASON = "Chromium is not installed (apt-get install chromium)"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The demo logins of README.md, by the name the tests use.
DEMO_EMAILS = {
    "admin": "admin@demo.test",
    "coordinator": "coordinator@demo.test",
    "finance": "finance@demo.test",
    "funder": "funder@demo.test",
    "contributor": "contributor@demo.test",
}

SignedInPage = Callable[..., Page]


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # This hook sees the whole session's items: touch only the ones in this folder.
    missing = chromium_path() is None
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if missing:
            item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The app on demo data in a SQLite file, served on a free port (see `live_server`).

    Always SQLite, whatever TEST_DATABASE_URL says: the browser tests check pages, not the
    database, and a file is what a real single-host installation uses. CSRF is on.
    """
    tmp = tmp_path_factory.mktemp("browser-app")
    app = make_app(
        tmp,
        SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp}/browser.sqlite3",
        WTF_CSRF_ENABLED=True,
        SESSION_COOKIE_SECURE=False,
    )
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    app.config["LIVE_SERVER_URL"] = f"http://127.0.0.1:{server.server_port}"
    _LIVE_APPS[:] = [app]
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> str:
    """The base URL of the live server, for example http://127.0.0.1:41234."""
    return str(live_app.config["LIVE_SERVER_URL"])


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if chromium_path() is None:
        pytest.skip(SKIP_REASON)
    runner = sync_playwright().start()
    try:
        yield runner
    finally:
        runner.stop()


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()


_LIVE_APPS: list[Flask] = []


def _unused_demo_code(email: str) -> str:
    """A code the demo user has not used yet: each code works once (see tests/conftest.py)."""
    from tests.conftest import unused_code
    from tracker.auth.services import find_user_by_email

    with _LIVE_APPS[0].app_context():
        user = find_user_by_email(email)
        assert user is not None and user.totp_secret == DEMO_TOTP_SECRET
        code = unused_code(user)
        db.session.remove()
    return code


def open_context_page(browser: Browser, **context_options: Any) -> Page:
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    return context.new_page()


def sign_in(browser: Browser, base_url: str, user: str, **context_options: Any) -> Page:
    """Sign in as a demo user through the real pages, in a new browser context.

    Enters the authenticator code when asked for one. Returns the page, on the home page.
    """
    # The rate limiter's store belongs to the one Limiter of this process, shared with the unit
    # tests that ran before on this worker; start from a clean count as they do.
    limiter.reset()
    page = open_context_page(browser, base_url=base_url, **context_options)
    page.goto("/sign-in")
    page.fill("#email", DEMO_EMAILS[user])
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    if page.url.split("?")[0].endswith("/sign-in/code"):
        page.fill("#code", _unused_demo_code(DEMO_EMAILS[user]))
        with page.expect_navigation() as navigation:
            page.get_by_role("button", name="Continue").click()
    response = navigation.value
    status = response.status if response else None
    if status != 200 or "/sign-in" in page.url:
        page.context.close()
        pytest.fail(f"{user} could not sign in: status {status} at {page.url}")
    return page


@pytest.fixture(scope="session")
def _signed_in_states() -> dict[str, Any]:
    return {}


@pytest.fixture
def signed_in_page(
    browser: Browser, live_server: str, _signed_in_states: dict[str, Any]
) -> Iterator[SignedInPage]:
    """`signed_in_page(user, fresh=False, **context_options)`: a new page in a new browser
    context, signed in as the demo `user` (admin, coordinator, finance, funder, contributor),
    or signed out when `user` is None. Context options are Playwright's (viewport=...).

    Each user signs in through the real pages once per worker and later pages reuse the
    cookies, so the sign-in rate limits are never reached; `fresh=True` signs in again, through
    the pages, with the given context options (for example java_script_enabled=False).
    """
    contexts: list[BrowserContext] = []

    def open_page(user: str | None, *, fresh: bool = False, **context_options: Any) -> Page:
        if user is not None and fresh:
            page = sign_in(browser, live_server, user, **context_options)
            contexts.append(page.context)
            return page
        if user is not None and user not in _signed_in_states:
            first = sign_in(browser, live_server, user)
            _signed_in_states[user] = first.context.storage_state()
            first.context.close()
        if user is not None:
            context_options["storage_state"] = _signed_in_states[user]
        page = open_context_page(browser, base_url=live_server, **context_options)
        contexts.append(page.context)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshots_dir() -> Path | None:
    """Where to save full-page screenshots (env TRACKER_SCREENSHOTS), or None to save none."""
    folder = os.environ.get("TRACKER_SCREENSHOTS")
    if not folder:
        return None
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path
