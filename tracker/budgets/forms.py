"""The budget form: shape and format only (the service checks the rules)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from tracker.budgets.domain import DEFAULT_HIGH_PERCENT, DEFAULT_LOW_PERCENT, MAX_ALERT_PERCENT
from tracker.forms import DateField, MoneyField, WholeNumberField, optional_int


class BudgetForm(FlaskForm):
    project_id = SelectField(
        "Project",
        coerce=optional_int,
        widget=GovSelect(),
        validators=[InputRequired("Choose a project")],
    )
    period_start = DateField(
        "Start of the period", validators=[InputRequired("Enter the start of the period")]
    )
    period_end = DateField(
        "End of the period", validators=[InputRequired("Enter the end of the period")]
    )
    fees = MoneyField(
        "Fees, in pounds",
        description="Payment for contributors’ time.",
        validators=[InputRequired("Enter the budget for fees, or 0")],
    )
    expenses = MoneyField(
        "Expenses, in pounds",
        description="Travel, care, subsistence and other costs paid back.",
        validators=[InputRequired("Enter the budget for expenses, or 0")],
    )
    adaptations = MoneyField(
        "Equipment and adaptations, in pounds",
        description="Laptops, data, interpreters, captioning and other support.",
        validators=[InputRequired("Enter the budget for equipment and adaptations, or 0")],
    )
    other = MoneyField(
        "Other, in pounds", validators=[InputRequired("Enter the budget for other costs, or 0")]
    )
    alert_low_percent = WholeNumberField(
        "First alert, as a percentage of a line",
        description="A line is marked when what is committed and spent reaches this share.",
        default=DEFAULT_LOW_PERCENT,
        minimum=1,
        maximum=MAX_ALERT_PERCENT,
        validators=[InputRequired("Enter a percentage, like 80")],
    )
    alert_high_percent = WholeNumberField(
        "Second alert, as a percentage of a line",
        default=DEFAULT_HIGH_PERCENT,
        minimum=1,
        maximum=MAX_ALERT_PERCENT,
        validators=[InputRequired("Enter a percentage, like 100")],
    )
    submit = SubmitField("Save the budget", widget=GovSubmitInput())
