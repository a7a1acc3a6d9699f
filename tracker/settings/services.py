"""Organisation settings with their defaults; admin changes are audited."""

from __future__ import annotations

from tracker.audit.services import record_action
from tracker.auth.access import require_role
from tracker.auth.models import User
from tracker.errors import TrackerError
from tracker.extensions import db
from tracker.settings.models import Setting

DEFAULTS: dict[str, str] = {
    "organisation_name": "Your organisation",
    "organisation_address": "",
    "slip_prefix": "PS",
    "suppression_threshold": "5",
    "retention_years": "7",
    "two_people_release": "no",
}
LABELS: dict[str, str] = {
    "organisation_name": "Organisation name",
    "organisation_address": "Organisation address (shown on payment slips)",
    "slip_prefix": "Payment slip number prefix",
    "suppression_threshold": "Smallest group shown to funders as a number",
    "retention_years": "Years to keep financial records after the financial year ends",
    "two_people_release": "Two people release payments",
}


def get_setting(key: str) -> str:
    row = db.session.get(Setting, key)
    return row.value if row is not None else DEFAULTS[key]


def get_int_setting(key: str) -> int:
    return int(get_setting(key))


def set_setting(*, actor: User, key: str, value: str) -> None:
    require_role(actor, "admin")
    if key not in DEFAULTS:
        raise TrackerError("Unknown setting.")
    value = value.strip()
    if key in {"suppression_threshold", "retention_years"} and (
        not value.isdigit() or int(value) < 1
    ):
        raise TrackerError("Enter a whole number, 1 or more.", fields={key: "Enter a number"})
    if key == "two_people_release" and value not in {"yes", "no"}:
        raise TrackerError("Choose yes or no.", fields={key: "Choose yes or no"})
    if key == "slip_prefix" and not (value.isalnum() and value.isupper() and len(value) <= 8):
        raise TrackerError(
            "Use up to 8 capital letters or digits, like PS.",
            fields={key: "Use capital letters or digits"},
        )
    before = get_setting(key)
    if before == value:
        return
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()
    record_action(actor, "setting.changed", None, {key: (before, value)})
