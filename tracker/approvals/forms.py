"""Decision, bulk approval and import forms: shape and format only.

A decision page shows several forms at once, so each form has its own prefix: the ids on the page
stay unique and each form's fields are its own.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
)
from wtforms import Field, HiddenField, RadioField, SubmitField
from wtforms.validators import InputRequired

from tracker.forms import MoneyField, text_box

_REASON = "The contributor sees this. Say what needs to change, kindly and clearly."


class _Decision(FlaskForm):
    """One of the forms of a decision page, under its own `PREFIX`."""

    PREFIX = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", self.PREFIX)
        super().__init__(*args, **kwargs)


class ApproveForm(_Decision):
    submit = SubmitField("Approve", widget=GovSubmitInput())

    PREFIX = "approve"


class ReturnForm(_Decision):
    reason = text_box(
        "Why are you sending it back?",
        description=_REASON,
        required="Say what needs to change",
        max_length=2000,
    )
    submit = SubmitField("Send back", widget=GovSubmitInput())

    PREFIX = "return"


class DeclineForm(_Decision):
    reason = text_box(
        "Why is it declined?",
        description="The contributor sees this. If something else could help, say so.",
        required="Give a reason the contributor will see",
        max_length=2000,
    )
    submit = SubmitField("Decline", widget=GovSubmitInput())

    PREFIX = "decline"


class ApproveCapForm(_Decision):
    submit = SubmitField("Approve the capped amount", widget=GovSubmitInput())

    PREFIX = "cap"


class ApproveFullForm(_Decision):
    override_reason = text_box(
        "Why should the full amount be paid?",
        description="For example, no cheaper option was available. Finance sees this.",
        required="Give a reason to approve more than the cap",
        max_length=2000,
    )
    submit = SubmitField("Approve the full amount", widget=GovSubmitInput())

    PREFIX = "full"


class ProvidedForm(_Decision):
    actual_pence = MoneyField(
        "What did it actually cost, in pounds?",
        description="Enter 0 if it cost nothing.",
        validators=[InputRequired("Enter what it actually cost, like 249.99")],
    )
    submit = SubmitField("Mark as provided", widget=GovSubmitInput())

    PREFIX = "provided"


class LoanReturnedForm(_Decision):
    submit = SubmitField("Mark the loan as returned", widget=GovSubmitInput())

    PREFIX = "loan"


class ItemRefsField(Field):
    """Ticked queue rows, posted as `item=time-12`; `.data` is a list of (kind, id)."""

    def __init__(self, label: str = "", validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.data: list[tuple[str, int]] = []

    def process_formdata(self, valuelist: list[Any]) -> None:
        refs: list[tuple[str, int]] = []
        for value in valuelist:
            kind, _, number = str(value).partition("-")
            if kind in {"time", "expense"} and number.isdigit():
                refs.append((kind, int(number)))
        self.data = refs


class BulkApproveForm(FlaskForm):
    item = ItemRefsField("Items to approve")
    back = HiddenField()
    submit = SubmitField("Approve selected", widget=GovSubmitInput())


class ImportForm(FlaskForm):
    file = FileField(
        "Choose the CSV file",
        description="Up to 2,000 rows and 2 MB.",
        widget=GovFileInput(),
        validators=[FileRequired("Choose a CSV file")],
    )
    then = RadioField(
        "After importing",
        choices=[
            ("submit", "Send the entries for approval by another coordinator"),
            ("draft", "Keep them as drafts, to check and send later"),
        ],
        default="submit",
        widget=GovRadioInput(),
        validators=[InputRequired("Choose what happens after importing")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class ConfirmImportForm(FlaskForm):
    payload = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Import", widget=GovSubmitInput())
