"""Payment run, paid, void and statement forms: shape and format only.

The run page shows several forms at once, so each form has its own prefix: the ids on the page
stay unique and each form's fields are its own.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.forms import DateField, optional_int


class NewRunForm(FlaskForm):
    cut_off = DateField(
        "Cut-off date",
        description="Work approved on or before this day is included. For example, 27 3 2026",
        validators=[InputRequired("Enter the cut-off date")],
    )
    project_id = SelectField(
        "Project (optional)",
        description="Leave as every project to pay all approved work in one run.",
        coerce=optional_int,
        widget=GovSelect(),
    )
    submit = SubmitField("Create a draft run", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "new")
        super().__init__(*args, **kwargs)


class ConfirmRunForm(FlaskForm):
    submit = SubmitField("Confirm and issue the slips", widget=GovSubmitInput())


class CancelRunForm(FlaskForm):
    submit = SubmitField("Cancel this run", widget=GovSubmitInput())


class MarkPaidForm(FlaskForm):
    paid_on = DateField(
        "Date the money was paid",
        validators=[InputRequired("Enter the date the money was paid")],
    )
    reference = StringField(
        "Bank or payment reference (optional)",
        description="For example, the BACS batch reference or the voucher numbers.",
        widget=GovTextInput(),
        validators=[Length(max=100, message="Keep the reference to 100 characters or fewer")],
    )
    submit = SubmitField("Mark as paid", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "paid")
        super().__init__(*args, **kwargs)


class VoidSlipForm(FlaskForm):
    reason = TextAreaField(
        "Why is this slip void?",
        description="Kept with the slip in the audit trail. For example, wrong payment method.",
        widget=GovTextArea(),
        validators=[InputRequired("Say why the slip is void"), Length(max=2000)],
    )
    submit = SubmitField("Void this slip", widget=GovSubmitInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "void")
        super().__init__(*args, **kwargs)


class StatementForm(FlaskForm):
    class Meta:
        csrf = False  # a GET form that changes nothing

    tax_year = SelectField("Tax year", coerce=optional_int, widget=GovSelect())
    submit = SubmitField("Download the statement (PDF)", widget=GovSubmitInput())
