"""Rate card, calculator, mileage, caps and threshold forms: shape and format only."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.forms import DateField, MoneyField, WholeNumberField, optional_int
from tracker.rates.services import (
    BASIS_LABELS,
    PERIOD_LABELS,
    PURPOSE_LABELS,
    ROUNDING_LABELS,
    VEHICLE_LABELS,
)


class RateForm(FlaskForm):
    activity_type_id = SelectField(
        "Activity", coerce=optional_int, widget=GovSelect(), validators=[InputRequired()]
    )
    project_id = SelectField(
        "Project",
        description="Leave as every project for the organisation's default rate.",
        coerce=optional_int,
        widget=GovSelect(),
    )
    contributor_id = SelectField(
        "Contributor",
        description="Only for a rate agreed with one person.",
        coerce=optional_int,
        widget=GovSelect(),
    )
    basis = RadioField(
        "How is the work paid?",
        choices=list(BASIS_LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Choose how the work is paid")],
    )
    amount = MoneyField("Amount for an hour or a session, in pounds", validators=[Optional()])
    half_day = MoneyField("Half-day amount, in pounds", validators=[Optional()])
    day = MoneyField("Full-day amount, in pounds", validators=[Optional()])
    half_day_max_minutes = WholeNumberField(
        "Longest half day, in minutes",
        description="Work up to this long earns the half-day amount; longer earns a full day.",
        default=240,
        minimum=1,
        maximum=1440,
        validators=[InputRequired("Enter the longest half day in minutes")],
    )
    increment_minutes = WholeNumberField(
        "Round time to blocks of (minutes)",
        default=15,
        minimum=1,
        maximum=240,
        validators=[InputRequired("Enter the block of time in minutes, like 15")],
    )
    rounding = RadioField(
        "Rounding",
        choices=list(ROUNDING_LABELS.items()),
        default="up",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose how to round the time")],
    )
    minimum_minutes = WholeNumberField(
        "Minimum paid time, in minutes",
        description="Shorter work is paid as this long. Enter 0 for no minimum.",
        default=0,
        minimum=0,
        maximum=1440,
        validators=[InputRequired("Enter the minimum in minutes, or 0")],
    )
    effective_from = DateField(
        "Starts on", validators=[InputRequired("Enter the date this rate starts")]
    )
    note = TextAreaField(
        "Note (optional)",
        description="For example, what was agreed and by whom.",
        widget=GovTextArea(),
        validators=[Length(max=1000)],
    )
    preview = SubmitField("Preview the change", widget=GovSubmitInput())
    save = SubmitField("Save this rate", widget=GovSubmitInput())


class CalculatorForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    project_id = SelectField("Project", coerce=optional_int, widget=GovSelect())
    activity_type_id = SelectField("Activity", coerce=optional_int, widget=GovSelect())
    contributor_id = SelectField("Contributor", coerce=optional_int, widget=GovSelect())
    work_date = DateField("Date of the work", validators=[InputRequired("Enter the date")])
    hours = WholeNumberField("Hours", default=1, minimum=0, maximum=24, validators=[Optional()])
    minutes = WholeNumberField("Minutes", default=0, minimum=0, maximum=59, validators=[Optional()])
    submit = SubmitField("Work out the fee", widget=GovSubmitInput())


class MileageRateForm(FlaskForm):
    vehicle = SelectField("Vehicle", choices=list(VEHICLE_LABELS.items()), widget=GovSelect())
    effective_from = DateField("Starts on", validators=[InputRequired("Enter the start date")])
    pence_per_mile = WholeNumberField(
        "Pence per mile",
        minimum=0,
        maximum=1000,
        validators=[InputRequired("Enter pence per mile")],
    )
    threshold_miles = WholeNumberField(
        "Miles in a tax year at this rate (optional)",
        description="For cars and vans: after this many miles the lower rate applies.",
        minimum=1,
        maximum=100_000,
        validators=[Optional()],
    )
    pence_after_threshold = WholeNumberField(
        "Pence per mile after that (optional)", minimum=0, maximum=1000, validators=[Optional()]
    )
    submit = SubmitField("Add mileage rate", widget=GovSubmitInput())


class ExpenseCapForm(FlaskForm):
    category = SelectField("Category", widget=GovSelect())
    cap = MoneyField(
        "Cap per claim, in pounds",
        description="Leave empty to remove the cap. Claims over a cap are flagged, not refused.",
        validators=[Optional()],
    )
    submit = SubmitField("Save cap", widget=GovSubmitInput())


class ThresholdForm(FlaskForm):
    label = StringField(
        "Name",
        description="Use the same name to add a new figure for an existing threshold.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a name"), Length(max=120)],
    )
    purpose = RadioField(
        "What is it for?",
        choices=list(PURPOSE_LABELS.items()),
        default="benefits",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what it is for")],
    )
    period = RadioField(
        "Over what period are fees counted?",
        choices=list(PERIOD_LABELS.items()),
        widget=GovRadioInput(),
        validators=[InputRequired("Choose the period")],
    )
    amount = MoneyField("Amount, in pounds", validators=[InputRequired("Enter the amount")])
    valid_from = DateField("Starts on", validators=[InputRequired("Enter the start date")])
    advice = TextAreaField(
        "Advice shown with the warning",
        description="Calm and practical. Point to independent advice.",
        widget=GovTextArea(),
        validators=[InputRequired("Enter the advice"), Length(max=2000)],
    )
    submit = SubmitField("Add threshold", widget=GovSubmitInput())
