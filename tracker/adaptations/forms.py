"""Equipment and support requests: shape and format only; the service checks the rest."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.adaptations.models import ADAPTATION_KINDS
from tracker.adaptations.services import PAYMENTS, PROVISIONS
from tracker.forms import DateField, MoneyField, project_choice, text_box

PROVISION_HINTS = {
    "loan": "You give it back when the project ends",
    "gift": "You keep it",
    "service": "Someone does something for you, like an interpreter",
}


class RequestForm(FlaskForm):
    project_id = project_choice("Which project is it for?")
    kind = RadioField(
        "What do you need?",
        choices=list(ADAPTATION_KINDS.items()),
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what you need")],
    )
    description = text_box(
        "Tell us a bit more",
        description="What you need, not why. For example, “a laptop for online meetings”.",
        required="Say what is needed, for example “a laptop for online meetings”",
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
