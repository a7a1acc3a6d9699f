"""Every page each demo user can reach passes axe-core (WCAG 2.2 AA), works by keyboard alone,
works without JavaScript, fits a 375px phone screen and keeps to the Content Security Policy.

The crawler follows only the links a user is shown, so any error status it meets is a bug.
Set TRACKER_SCREENSHOTS=/some/folder to keep a full-page screenshot of every page visited.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response

from tracker.auth.access import PUBLIC, SIGNED_IN, rule_of
from tracker.demo import DEMO_PASSWORD

# The `signed_in_page` fixture of tests/browser/conftest.py: (user, fresh=False, **options).
SignedInPage = Callable[..., Page]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
MAX_PAGES = 40
PHONE = {"width": 375, "height": 812}
SKIP_SUFFIXES = (".pdf", ".csv", ".zip", ".json", ".xlsx", ".ods", ".txt")
SKIP_PATHS = ("/sign-out",)
TITLE_SUFFIX = " – Tracker"
USERS = ["admin", "coordinator", "finance", "funder", "contributor"]

_axe = Axe()


@dataclass
class Crawl:
    visited: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def report(self) -> str:
        pages = "\n".join(f"  {url}" for url in self.visited)
        found = "\n".join(f"- {problem}" for problem in self.problems)
        return f"{len(self.problems)} problem(s):\n{found}\npages visited:\n{pages}"


def watch_console(page: Page) -> list[str]:
    """Collect CSP reports, console errors and uncaught script errors as they happen."""
    messages: list[str] = []

    def on_console(message: Any) -> None:
        if "Content Security Policy" in message.text or message.type == "error":
            if message.text.startswith("Failed to load resource") and message.location.get(
                "url"
            ) in {page.url, ""}:
                return  # the page's own error status, reported on its own
            messages.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: messages.append(f"script error: {error}"))
    return messages


def axe_violations(page: Page) -> list[str]:
    results = _axe.run(page, options=AXE_OPTIONS)
    found = []
    for violation in results.response["violations"]:
        targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        more = len(violation["nodes"]) - 5
        found.append(
            f"axe {violation['id']} ({violation['impact']}): {violation['help']} "
            f"at {targets}" + (f" and {more} more" if more > 0 else "")
        )
    return found


def overflowing_elements(page: Page) -> list[str]:
    """The elements sticking out to the right of the window, to say where a layout breaks."""
    found: list[str] = page.evaluate(
        """() => {
        const limit = document.documentElement.clientWidth + 1;
        const names = [];
        for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right > limit && box.width > 0) {
                const id = el.id ? '#' + el.id : '';
                const cls = el.classList.length ? '.' + [...el.classList].join('.') : '';
                const right = Math.round(box.right);
                names.push(`${el.tagName.toLowerCase()}${id}${cls} (right edge ${right}px)`);
            }
        }
        return names.slice(0, 5);
    }"""
    )
    return found


UNNAMED_FIELDSETS = """() => [...document.querySelectorAll('fieldset')]
    .filter(set => {
        const legend = set.querySelector(':scope > legend');
        return !(legend && legend.textContent.trim()) && !set.getAttribute('aria-label')
            && !set.getAttribute('aria-labelledby');
    })
    .map(set => {
        const field = set.querySelector('input, select, textarea');
        return 'fieldset around #' + (field ? field.id : '?');
    })"""


def check_page(
    page: Page,
    response: Response | None,
    *,
    console: list[str],
    phone: bool = False,
    screenshot: Path | None = None,
) -> list[str]:
    """Everything every page must do; returns the problems found, each naming the page."""
    url = page.url
    problems: list[str] = []
    if response is None:
        return [f"{url}: no response"]
    if response.status >= 400:
        problems.append(f"{url}: status {response.status}")
    if "content-security-policy" not in response.headers:
        problems.append(f"{url}: no Content-Security-Policy header")
    if "text/html" not in response.headers.get("content-type", ""):
        return problems
    if page.evaluate("document.documentElement.getAttribute('lang')") != "en":
        problems.append(f'{url}: <html> has no lang="en"')
    title = page.title()
    if not title.endswith(TITLE_SUFFIX) or len(title) == len(TITLE_SUFFIX):
        problems.append(f"{url}: <title> is {title!r}, not 'Something{TITLE_SUFFIX}'")
    headings = page.locator("h1").count()
    if headings != 1:
        problems.append(f"{url}: {headings} <h1> elements, not 1")
    problems.extend(f"{url}: {violation}" for violation in axe_violations(page))
    # axe has no rule for this: a group of radios or a date with no question read out.
    unnamed: list[str] = page.evaluate(UNNAMED_FIELDSETS)
    problems.extend(f"{url}: {where} has no <legend>, so no question" for where in unnamed)
    if phone:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"] + 1:
            where = ", ".join(overflowing_elements(page))
            window = PHONE["width"]
            problems.append(f"{url}: scrolls sideways at {window}px ({width}px wide): {where}")
    problems.extend(f"{url}: {message}" for message in console)
    console.clear()
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    return problems


def page_key(url: str) -> str:
    """/admin/projects/1 and /admin/projects/2 are one page; so are all query strings of it."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/<id>", parts.path) or "/"
    return path + ("?" if parts.query else "")


def worth_following(url: str, base_url: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != base_url.rstrip("/"):
        return False
    path = parts.path.lower()
    return not (path in SKIP_PATHS or path.startswith("/static/") or path.endswith(SKIP_SUFFIXES))


def crawl(
    page: Page,
    base_url: str,
    start: str,
    *,
    label: str,
    screenshots: Path | None,
    phone: bool = False,
) -> Crawl:
    """Breadth-first over the same-origin links shown on each page, checking every page."""
    result = Crawl()
    console = watch_console(page)
    queue = deque([urljoin(base_url, start)])
    queued = {page_key(queue[0])}
    while queue and len(result.visited) < MAX_PAGES:
        url = queue.popleft()
        try:
            response = page.goto(url)
        except PlaywrightError as error:
            if "Download is starting" not in str(error):
                result.problems.append(f"{url}: could not load: {error}")
            continue
        key = page_key(page.url)
        if key != page_key(url) and key in queued:
            continue  # redirected to a page that is already checked or queued
        queued.add(key)
        result.visited.append(page.url)
        shot = None
        if screenshots is not None:
            slug = re.sub(r"[^a-z0-9]+", "-", urlsplit(page.url).path.lower()).strip("-")
            shot = screenshots / f"{label}-{len(result.visited):02d}-{slug or 'home'}.png"
        result.problems.extend(
            check_page(page, response, console=console, phone=phone, screenshot=shot)
        )
        links: list[str] = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
        for link in links:
            link = link.split("#")[0]
            if link and worth_following(link, base_url) and page_key(link) not in queued:
                queued.add(page_key(link))
                queue.append(link)
    return result


def start_page(user: str | None) -> str:
    return "/sign-in" if user is None else "/"


@pytest.mark.parametrize("user", [None, *USERS], ids=["signed-out", *USERS])
def test_every_page_a_user_can_reach_is_accessible(
    user: str | None,
    signed_in_page: SignedInPage,
    live_server: str,
    screenshots_dir: Path | None,
) -> None:
    page = signed_in_page(user)
    label = user or "signed-out"
    result = crawl(page, live_server, start_page(user), label=label, screenshots=screenshots_dir)
    assert len(result.visited) >= 3, result.report()
    assert result.problems == [], result.report()


@pytest.mark.parametrize("user", ["contributor"])
def test_pages_fit_a_phone_screen_without_sideways_scrolling(
    user: str, signed_in_page: SignedInPage, live_server: str, screenshots_dir: Path | None
) -> None:
    page = signed_in_page(user, viewport=PHONE)
    result = crawl(
        page, live_server, "/", label=f"{user}-375px", screenshots=screenshots_dir, phone=True
    )
    assert len(result.visited) >= 3, result.report()
    assert result.problems == [], result.report()


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id,
        tag: el.tagName.toLowerCase(),
        classes: el.className,
        text: (el.textContent || '').trim().slice(0, 40),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
            && style.outlineColor !== 'rgba(0, 0, 0, 0)' && style.outlineColor !== 'transparent',
        shadow: style.boxShadow !== 'none',
    };
}"""


def tab_to(page: Page, element_id: str, limit: int = 15) -> list[dict[str, Any]]:
    """Press Tab until the element has focus; returns what had focus at each press."""
    seen: list[dict[str, Any]] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if seen[-1]["id"] == element_id:
            return seen
    stops = [stop["id"] or stop["tag"] for stop in seen]
    raise AssertionError(f"Tab never reached #{element_id}: {stops}")


def test_sign_in_works_by_keyboard_alone_with_visible_focus(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page(None)
    page.goto("/sign-in")
    order = tab_to(page, "submit")
    ids = [element["id"] or element["classes"] for element in order]
    assert "govuk-skip-link" in order[0]["classes"], f"the first Tab stop is {ids[0]}"
    assert ids.index("email") < ids.index("password") < ids.index("submit"), ids
    invisible = [ids[i] for i, el in enumerate(order) if not (el["outline"] or el["shadow"])]
    assert invisible == [], f"no visible focus indicator on {invisible}"

    page.goto("/sign-in")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main-content", "skip link"

    page.goto("/sign-in")
    tab_to(page, "email")
    page.keyboard.type("coordinator@demo.test")
    tab_to(page, "password")
    page.keyboard.type(DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert response is not None and response.status == 200
    assert urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text().startswith("Hello")


def test_a_contributor_can_sign_in_and_see_home_without_javascript(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page("contributor", fresh=True, java_script_enabled=False)
    assert urlsplit(page.url).path == "/"
    assert page.locator("h1").inner_text() == "Hello, Sam Contributor"
    assert page.locator("body.js-enabled").count() == 0, "page scripts ran"
    # Without scripts nothing may be hidden behind a menu button: every link is visible.
    menu = page.locator(".govuk-service-navigation__link")
    assert menu.count() >= 1
    hidden = [link.inner_text() for link in menu.all() if not link.is_visible()]
    assert hidden == [], f"navigation links hidden without JavaScript: {hidden}"
    assert page.get_by_text("Exit this page").first.is_visible()
    assert page.get_by_role("button", name="Sign out").is_visible()


def test_sign_in_errors_are_summarised_linked_and_accessible(signed_in_page: SignedInPage) -> None:
    page = signed_in_page(None)
    console = watch_console(page)
    page.goto("/sign-in")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    response = navigation.value
    assert response is not None and response.status == 200
    assert page.title().startswith("Error: ")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name="Enter your email address").click()
    assert page.evaluate("document.activeElement.id") == "email"
    assert check_page(page, response, console=console) == []


def test_second_factor_page_is_accessible(signed_in_page: SignedInPage) -> None:
    page = signed_in_page(None)
    console = watch_console(page)
    page.goto("/sign-in")
    page.fill("#email", "finance@demo.test")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    assert urlsplit(page.url).path == "/sign-in/code"
    assert check_page(page, navigation.value, console=console) == []


def test_expired_form_page_is_accessible(signed_in_page: SignedInPage) -> None:
    page = signed_in_page(None)
    console = watch_console(page)
    page.goto("/sign-in")
    page.fill("#email", "nobody@demo.test")
    page.fill("#password", "not-the-password")
    page.locator("input[name=csrf_token]").evaluate("el => { el.value = 'stale' }")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Sign in", exact=True).click()
    response = navigation.value
    assert response is not None and response.status == 400
    assert "expired" in page.locator("main").inner_text()
    problems = check_page(page, response, console=console)
    assert [p for p in problems if "status 400" not in p] == []


@pytest.mark.parametrize("user", [None, "contributor"], ids=["signed-out", "contributor"])
def test_not_found_page_is_accessible(user: str | None, signed_in_page: SignedInPage) -> None:
    page = signed_in_page(user)
    console = watch_console(page)
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    problems = check_page(page, response, console=console)
    assert [p for p in problems if "status 404" not in p] == []


def _closed_to_contributors(app: Flask) -> str | None:
    for rule in app.url_map.iter_rules():
        if rule.arguments or "GET" not in (rule.methods or ()) or rule.rule.startswith("/api/"):
            continue
        allowed = rule_of(app.view_functions[rule.endpoint]) or frozenset()
        if allowed and not allowed & {PUBLIC, SIGNED_IN, "contributor"}:
            return rule.rule
    return None


def test_page_refused_for_a_role_is_accessible(
    live_app: Flask, signed_in_page: SignedInPage
) -> None:
    path = _closed_to_contributors(live_app)
    if path is None:
        pytest.skip("no page is closed to contributors yet")
    page = signed_in_page("contributor")
    console = watch_console(page)
    response = page.goto(path)
    assert response is not None and response.status == 403, path
    problems = check_page(page, response, console=console)
    assert [p for p in problems if "status 403" not in p] == []


def test_inline_scripts_are_refused_and_the_refusal_is_caught(
    signed_in_page: SignedInPage,
) -> None:
    page = signed_in_page(None)
    console = watch_console(page)
    response = page.goto("/accessibility")
    assert check_page(page, response, console=console) == []
    page.evaluate(
        """() => {
        const script = document.createElement('script');
        script.textContent = 'document.body.dataset.injected = "yes"';
        document.body.append(script);
    }"""
    )
    page.wait_for_timeout(100)
    assert page.evaluate("document.body.dataset.injected") is None, "inline script ran"
    assert any("Content Security Policy" in message for message in console), console
