"""The audit log page: newest first, 50 a page, filters, UK times and no secrets."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from tests.conftest import sign_in
from tests.factories import make_project, make_user
from tracker.audit.models import AuditEvent
from tracker.auth import services as auth
from tracker.extensions import db


def _add_events(count: int, *, start: datetime, action: str = "fund.updated") -> None:
    for n in range(count):
        db.session.add(
            AuditEvent(
                at=start + timedelta(minutes=n),
                action=action,
                entity_type=action.split(".")[0],
                entity_id=n + 1,
                changes=json.dumps({"name": [f"before {n}", f"after {n}"]}),
            )
        )
    db.session.commit()


def _after_values(html: str) -> list[str]:
    return re.findall(r"after (\d+)</td>", html)


def test_newest_first_fifty_a_page(client: FlaskClient) -> None:
    admin = make_user("admin")
    # Far in the future, so they come before the sign-in events.
    _add_events(60, start=datetime(2099, 1, 1, tzinfo=UTC))
    sign_in(client, admin.email)
    first = client.get("/admin/audit/")
    assert first.status_code == 200
    shown = _after_values(first.text)
    assert len(shown) == 50
    assert shown[:3] == ["59", "58", "57"]
    assert "govuk-pagination" in first.text
    assert 'href="/admin/audit/?page=2"' in first.text
    second = client.get("/admin/audit/?page=2")
    assert _after_values(second.text)[:10] == [str(n) for n in range(9, -1, -1)]
    assert "page 2 of 2" in second.text


def test_filter_by_kind_and_action(client: FlaskClient) -> None:
    admin = make_user("admin")
    make_project(name="Filtered Project")
    sign_in(client, admin.email)
    page = client.get("/admin/audit/?entity_type=project&action=project.created")
    assert page.status_code == 200
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "1 change " in text
    assert "Project created: Project" in text
    assert "User signed in:" not in text
    assert '<option value="project.created" selected>' in page.text
    nothing = client.get("/admin/audit/?action=no.such_action")
    assert "No changes match" in nothing.text


def test_changes_show_as_field_before_after_in_uk_time(client: FlaskClient) -> None:
    admin = make_user("admin", name="Alex Admin")
    db.session.add(
        AuditEvent(
            at=datetime(2026, 7, 1, 11, 30, tzinfo=UTC),  # 12:30 in London (BST)
            actor_id=admin.id,
            action="project.updated",
            entity_type="project",
            entity_id=7,
            changes=json.dumps({"status": ["active", "closed"], "fund_ids": [[], [3, 4]]}),
        )
    )
    db.session.commit()
    sign_in(client, admin.email)
    page = client.get("/admin/audit/?action=project.updated")
    assert "1 July 2026 at 12:30" in page.text
    assert "Alex Admin" in page.text
    assert 'href="/admin/projects/7"' in page.text
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.text))
    assert "Status active closed" in text
    assert "Fund ids Not set 3, 4" in text


def test_passwords_and_tokens_never_appear(client: FlaskClient) -> None:
    admin = make_user("admin")
    person = make_user("contributor")
    auth.reset_password(actor=admin, user=person, new="secret-password-77")
    db.session.commit()
    sign_in(client, admin.email)
    page = client.get("/admin/audit/")
    assert "User password reset" in page.text
    assert "secret-password-77" not in page.text
    assert person.password_hash not in page.text
    assert person.session_token not in page.text


def test_only_admins_see_the_audit_log(client: FlaskClient) -> None:
    coordinator = make_user("coordinator", "finance")
    sign_in(client, coordinator.email)
    assert client.get("/admin/audit/").status_code == 403


def test_money_in_changes_reads_as_pounds(client: FlaskClient) -> None:
    admin = make_user("admin")
    db.session.add(
        AuditEvent(
            actor_id=admin.id,
            action="rate.created",
            entity_type="rate",
            entity_id=1,
            changes='{"amount_pence": [null, 1380]}',
        )
    )
    db.session.commit()
    sign_in(client, admin.email)
    text = client.get("/admin/audit/").text
    assert "£13.80" in text and "Amount pence" not in text
