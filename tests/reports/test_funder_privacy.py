"""Funders never see personal data: signed in as a funder, every route the funder role may use
(pages, downloads and the API) is requested, and no contributor's name or reference appears in
any answer, PDFs included."""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select
from werkzeug.routing import Rule

from tests.api.api_support import bearer
from tests.conftest import sign_in
from tests.factories import make_fund, make_project
from tests.reports.conftest import Funded
from tracker.auth.access import PUBLIC, SIGNED_IN, rule_of
from tracker.auth.models import User
from tracker.contributors.models import Contributor
from tracker.extensions import db

# POSTs that would end the funder's session; the walk checks the rest.
LEAVE_ALONE = {"auth.sign_out"}


def _funder_routes(app: Flask) -> list[Rule]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint in LEAVE_ALONE:
            continue
        allowed = rule_of(app.view_functions[rule.endpoint]) or frozenset()
        if allowed & {PUBLIC, SIGNED_IN, "funder"}:
            found.append(rule)
    return found


def _url(rule: Rule, ids: dict[str, int]) -> str:
    values: dict[str, Any] = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        values[name] = ids.get(name, 1) if "Integer" in converter else "x"
    built = rule.build(values)
    assert built is not None
    return built[1]


def _readable(response: Any) -> str:
    if response.mimetype == "application/pdf":
        pages = PdfReader(io.BytesIO(response.data)).pages
        return "\n".join(page.extract_text() or "" for page in pages)
    return str(response.data.decode("utf-8", errors="replace"))


def test_no_name_or_reference_reaches_a_funder_anywhere(
    app: Flask, funded: Funded, client: FlaskClient
) -> None:
    paying = funded.paying
    # More people, in the funder's project and in a project of another fund.
    for name in ("Quincey Marlowe", "Zuleika Pennyworth", "Ignatius Fairweather"):
        paying.approved_time(paying.add_person(name), minutes=45)
    elsewhere = make_project(funds=[make_fund(name="Other fund")], name="Elsewhere")
    del elsewhere
    secrets: list[str] = []
    for person in db.session.scalars(select(Contributor)):
        secrets += [person.preferred_name, person.reference]
        if person.user_id is not None:
            user = db.session.get(User, person.user_id)
            assert user is not None
            secrets += [user.display_name, user.email]
    assert "Robin" in secrets and len(secrets) >= 10
    ids = {
        "fund_id": funded.fund.id,
        "project_id": funded.project.id,
        "budget_id": funded.budget.id,
    }
    api = bearer(funded.funder)
    sign_in(client, funded.funder.email)
    requested: dict[str, int] = {}
    routes = sorted(_funder_routes(app), key=lambda r: "GET" not in (r.methods or ()))
    for rule in routes:
        url = _url(rule, ids)
        is_api = url.startswith("/api/")
        headers = api if is_api else {}
        if "GET" in (rule.methods or ()):
            response = client.get(url, headers=headers)
        elif is_api:
            response = client.open(
                url, method=sorted(rule.methods or ())[0], headers=headers, json={}
            )
        else:
            response = client.post(url, data={})
        assert response.status_code < 500, url
        text = _readable(response)
        for secret in secrets:
            assert secret not in text, f"{secret!r} in {url}"
        requested[url] = response.status_code
    # The walk reached the funder's reports, downloads and API answers (not only refusals).
    fund = funded.fund.id
    for url in (
        f"/reports/funds/{fund}",
        f"/reports/funds/{fund}.csv",
        f"/reports/funds/{fund}.pdf",
        f"/api/v1/funds/{fund}/summary",
        f"/api/v1/projects/{funded.project.id}/budget",
        "/reports/",
    ):
        assert requested[url] == 200, url
    assert client.get("/reports/").status_code == 200  # still signed in at the end
