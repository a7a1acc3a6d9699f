"""Logging time: shape and format only; the service checks the rest."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
)
from wtforms import Field, RadioField, SelectField, SubmitField
from wtforms.validators import InputRequired, Optional, ValidationError

from tracker.forms import (
    DateField,
    MoneyField,
    WholeNumberField,
    project_choice,
    row_id,
    text_box,
)

FEE_CHOICES = [
    ("accept", "Yes, I would like the fee"),
    ("reduce", "I would like a smaller amount"),
    ("decline", "No thanks, I do not want a fee"),
]
FEE_CHOICE_WORDS = {
    "accept": "Yes, the full fee",
    "reduce": "A smaller amount",
    "decline": "No fee, thank you",
}


class TimeEntryForm(FlaskForm):
    project_id = project_choice("Which project was it for?")
    activity_type_id = SelectField(
        "What did you do?",
        coerce=row_id,
        validate_choice=False,
        widget=GovSelect(),
        validators=[InputRequired("Choose what kind of work it was")],
    )
    work_date = DateField(
        "When did you do it?", validators=[InputRequired("Enter the date of the work")]
    )
    hours = WholeNumberField("Hours", minimum=0, maximum=24)
    minutes = WholeNumberField("Minutes", minimum=0, maximum=59, validators=[Optional()])
    notes = text_box(
        "Notes (optional)",
        description="Anything your coordinator should know.",
        max_length=2000,
        too_long="Notes must be 2,000 characters or fewer",
    )
    fee_choice = RadioField(
        "Would you like to be paid for this?",
        choices=FEE_CHOICES,
        validate_choice=False,
        default="accept",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose whether to take the fee")],
    )
    fee_requested_pence = MoneyField(
        "If you would like a smaller amount, how much?",
        description="In pounds, like 20.00. It needs to be less than the full fee. "
        "Leave it empty if you chose yes or no thanks.",
        validators=[Optional()],
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    def validate_hours(self, field: Field) -> None:
        if (
            field.data is None
            and not field.errors
            and self.minutes.data is None
            and not self.minutes.errors
        ):
            raise ValidationError("Enter how long the work took")

    def total_minutes(self) -> int | None:
        """Hours and minutes as minutes; None when both boxes are empty."""
        if self.hours.data is None and self.minutes.data is None:
            return None
        return (self.hours.data or 0) * 60 + (self.minutes.data or 0)
