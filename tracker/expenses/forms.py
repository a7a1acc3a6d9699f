"""Expense claims: shape and format only; the service checks the rest."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import Field, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import AnyOf, InputRequired, Length, ValidationError

from tracker.expenses.domain import EXPENSE_CATEGORIES, VEHICLE_LABELS
from tracker.forms import (
    DateField,
    MoneyField,
    WholeNumberField,
    clean_text,
    project_choice,
    text_box,
)

CATEGORY_HINTS = {
    "public_transport": "Bus, train or tram fares",
    "mileage": "Driving, riding or cycling your own vehicle. We work out the amount for you.",
    "subsistence": "A meal or drinks while you were working",
    "care": "Paying someone to look after a child or someone you care for",
    "phone_data": "Calls or data you used for the work",
}


class CategoryForm(FlaskForm):
    """The first question, asked on its own page (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    category = RadioField(
        "What was the expense for?",
        choices=list(EXPENSE_CATEGORIES.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[
            InputRequired("Choose what the expense was for"),
            AnyOf(list(EXPENSE_CATEGORIES), message="Choose what the expense was for"),
        ],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class ExpenseForm(FlaskForm):
    category = HiddenField()
    project_id = project_choice("Which project was it for?")
    claim_date = DateField(
        "When was it?", validators=[InputRequired("Enter the date you spent the money")]
    )
    amount_pence = MoneyField("How much did you spend?")
    miles = StringField(
        "How many miles?",
        description="The whole journey, there and back. To one decimal place, like 12.5.",
        widget=GovTextInput(),
        filters=[clean_text],
        validators=[Length(max=20, message="Enter the miles as a number, like 12.5")],
    )
    vehicle = RadioField(
        "How did you travel?",
        choices=list(VEHICLE_LABELS.items()),
        validate_choice=False,
        widget=GovRadioInput(),
    )
    passengers = WholeNumberField(
        "How many passengers did you take?",
        description="People also going to the work, in a car or van. Enter 0 if none.",
        minimum=0,
        maximum=8,
        default=0,
    )
    description = text_box("What was it for? (optional)")
    receipt = FileField(
        "Add a photo or PDF of the receipt",
        description="Take a photo with your phone, or choose a file. "
        "JPEG, PNG or PDF, up to 10 MB.",
        widget=GovFileInput(),
    )
    receipt_missing_reason = text_box(
        "Why is there no receipt?",
        description="For example, “the bus driver did not give tickets”. That is fine.",
    )
    submit = SubmitField("Save and continue", widget=GovSubmitInput())

    # What is needed depends on the kind of claim: mileage needs miles and a vehicle, anything
    # else an amount. Checked here too, so that every message shows at once.
    def _mileage(self) -> bool:
        return bool(self.category.data == "mileage")

    def validate_amount_pence(self, field: MoneyField) -> None:
        if not self._mileage() and field.pence is None and not field.errors:
            raise ValidationError("Enter the amount you spent, like 4.50")

    def validate_miles(self, field: Field) -> None:
        if not self._mileage():
            return
        text = (field.data or "").strip()
        if not text:
            raise ValidationError("Enter how many miles")
        try:
            number = Decimal(text)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise ValidationError("Enter the miles as a number, like 12.5")

    def validate_vehicle(self, field: Field) -> None:
        if self._mileage() and not field.data:
            raise ValidationError("Choose the vehicle")
