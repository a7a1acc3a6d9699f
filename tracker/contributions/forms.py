"""Forms for a contributor's own pages, and the few field helpers that the time, expense and
request forms share (they belong in tracker/forms.py; they live here until it is changed)."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import Field, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Length, ValidationError

from tracker.contributors.models import ACCESS_NEEDS
from tracker.contributors.services import MAX_NEED_DETAIL
from tracker.forms import clean_text

NO_WARNINGS = "none"


class AccessNeedsForm(FlaskForm):
    """Which needs, and for each a short optional detail (fields `detail_<need>`)."""

    needs = SelectMultipleField(
        "What do you need?", choices=list(ACCESS_NEEDS.items()), validate_choice=False
    )
    submit = SubmitField("Save access needs", widget=GovSubmitInput())

    def chosen(self) -> dict[str, str]:
        """The ticked needs with their detail text."""
        return {
            need: (getattr(self, f"detail_{need}").data or "")
            for need in (self.needs.data or [])
            if isinstance(need, str)
        }


for _need, _label in ACCESS_NEEDS.items():
    setattr(
        AccessNeedsForm,
        f"detail_{_need}",
        StringField(
            f"{_label}: what you need (optional)",
            widget=GovTextInput(),
            filters=[clean_text],
            validators=[
                Length(
                    max=MAX_NEED_DETAIL,
                    message=f"Keep this to {MAX_NEED_DETAIL} characters or fewer",
                )
            ],
        ),
    )


class BenefitWarningsForm(FlaskForm):
    """Ticked threshold labels, or "no warnings" (ticking nothing also means no warnings)."""

    thresholds = SelectMultipleField(
        "Which limits would you like to be warned about?", validate_choice=False
    )
    submit = SubmitField("Save benefit warnings", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Shares a page with the access needs form: keep its names and ids apart.
        kwargs.setdefault("prefix", "benefits")
        super().__init__(*args, **kwargs)

    def validate_thresholds(self, field: Field) -> None:
        values = field.data or []
        if NO_WARNINGS in values and len(values) > 1:
            raise ValidationError("Choose the limits you want, or choose no warnings – not both")

    def chosen(self) -> tuple[bool, list[str]]:
        """(on, labels)."""
        labels = [v for v in (self.thresholds.data or []) if v != NO_WARNINGS]
        return bool(labels), labels
