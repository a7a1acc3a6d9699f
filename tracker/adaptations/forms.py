"""Equipment and support requests: shape and format only; the service checks the rest."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.adaptations.services import PAYMENTS, PROVISIONS
from tracker.forms import DateField, MoneyField, clean_text, row_id

PROVISION_HINTS = {
    "loan": "You give it back when the project ends",
    "gift": "You keep it",
    "service": "Someone does something for you, like an interpreter",
}


class RequestForm(FlaskForm):
    project_id = RadioField(
        "Which project is it for?",
        coerce=row_id,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a project")],
    )
    kind = RadioField(
        "What do you need?",
        choices=list(ADAPTATION_KINDS.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what you need")],
    )
    description = TextAreaField(
        "Tell us a bit more",
        description="What you need, not why. For example, “a laptop for online meetings”.",
        widget=GovTextArea(),
        filters=[clean_text],
        validators=[
            InputRequired("Say what is needed, for example “a laptop for online meetings”"),
            Length(max=1000, message="Keep it to 1,000 characters or fewer"),
        ],
    )
    estimated_pence = MoneyField(
        "Roughly how much does it cost?",
        description="A guess is fine. Enter 0 if you do not know.",
        validators=[InputRequired("Enter roughly what it costs, like 250.00, or 0 if unsure")],
    )
    provision = RadioField(
        "Is it a loan, a gift or a service?",
        choices=list(PROVISIONS.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a loan, a gift or a service")],
    )
    payment = RadioField(
        "Who pays?",
        choices=list(PAYMENTS.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose who pays")],
    )
    needed_by = DateField("When do you need it by? (optional)")
    submit = SubmitField("Save and continue", widget=GovSubmitInput())
