"""Admin forms: users, contributors, funds, projects, activity types and settings.

Choices that depend on the person or the data (projects, funds, accounts) are filled in by the
`*_choices` helpers, which the views call before validating.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    EmailField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, StopValidation
from wtforms.widgets import CheckboxInput, RadioInput

from tracker.auth.forms import new_password_fields
from tracker.auth.models import ROLE_LABELS, User
from tracker.contributors.models import (
    CONTRIBUTOR_STATUSES,
    FEE_CHOICES,
    PAYMENT_METHODS,
    Contributor,
)
from tracker.forms import DateField, optional_int
from tracker.projects.models import PROJECT_STATUSES, ActivityType, Fund, Project
from tracker.settings.services import LABELS

YES_NO = [("yes", "Yes"), ("no", "No")]
NO_PAYMENT_METHOD = "none"


def _radios(label: str, choices: Any, message: str, **kwargs: Any) -> RadioField:
    return RadioField(
        label,
        choices=choices,
        widget=GovRadioInput(),
        option_widget=RadioInput(),
        validators=[InputRequired(message)],
        **kwargs,
    )


def _checkboxes(label: str, **kwargs: Any) -> SelectMultipleField:
    return SelectMultipleField(
        label,
        coerce=int,
        choices=[],
        widget=GovCheckboxesInput(),
        option_widget=CheckboxInput(),
        **kwargs,
    )


def _text(label: str, message: str | None, max_length: int, **kwargs: Any) -> StringField:
    validators: list[Any] = [
        Length(max=max_length, message=f"Use {max_length} characters or fewer")
    ]
    if message:
        validators.insert(0, DataRequired(message))
    return StringField(label, widget=GovTextInput(), validators=validators, **kwargs)


def _select(label: str, message: str | None = None, **kwargs: Any) -> SelectField:
    """A list the view fills in; `message` makes choosing one required."""
    return SelectField(
        label,
        coerce=optional_int,
        choices=[],
        widget=GovSelect(),
        validators=[DataRequired(message)] if message else [],
        **kwargs,
    )


def _text_area(label: str, max_length: int, **kwargs: Any) -> TextAreaField:
    return TextAreaField(
        label,
        widget=GovTextArea(),
        validators=[Length(max=max_length, message=f"Use {max_length} characters or fewer")],
        **kwargs,
    )


def date_required(message: str) -> Any:
    """Like DataRequired, but keeps a more precise message such as 'Enter a real date'."""

    def check(_form: Any, field: Any) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(message)

    return check


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


# --- users ------------------------------------------------------------------------------------


ROLE_CHOICES = list(ROLE_LABELS.items())


class _UserDetails(FlaskForm):
    name = _text("Full name", "Enter their name", 120)
    roles = SelectMultipleField(
        "Roles",
        description="Choose everything this person does. Most people need one role.",
        choices=ROLE_CHOICES,
        widget=GovCheckboxesInput(),
        option_widget=CheckboxInput(),
        validators=[DataRequired("Choose at least one role")],
    )


class NewUserForm(_UserDetails):
    email = EmailField(
        "Email address",
        description="They sign in with this. It must not belong to anyone else.",
        widget=GovTextInput(),
        validators=[DataRequired("Enter their email address"), Length(max=254)],
    )
    password = PasswordField(
        "Temporary password",
        description=(
            "At least 10 characters. Tell them in person or by phone, not by email. "
            "They can change it on their Your account page."
        ),
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter a temporary password"), Length(max=200)],
    )
    submit = SubmitField("Add user", widget=GovSubmitInput())


class EditUserForm(_UserDetails):
    active = _radios(
        "Can they sign in?",
        [("yes", "Yes"), ("no", "No, their account is switched off")],
        "Choose yes or no",
        description="Switching an account off signs them out everywhere. Their records stay.",
    )
    submit = SubmitField("Save changes", widget=GovSubmitInput())


def user_form_data(user: User) -> dict[str, Any]:
    return {"name": user.display_name, "roles": sorted(user.roles), "active": yes_no(user.active)}


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields(
        "New temporary password",
        "At least 10 characters. Tell them in person or by phone, not by email.",
        "The two passwords are not the same",
    )
    submit = SubmitField("Set new password", widget=GovSubmitInput())


# --- contributors -----------------------------------------------------------------------------


class ContributorForm(FlaskForm):
    preferred_name = _text(
        "Name they would like us to use",
        "Enter the name they would like us to use",
        120,
        description="This can be a first name or a nickname.",
    )
    user_id = _select(
        "Their login",
        description="Only if they have a Tracker account. Many contributors do not need one.",
    )
    contact = _text_area(
        "How to contact them (optional)",
        1000,
        description="For example, a phone number, or a support worker who passes on messages.",
    )
    payment_method = _radios(
        "How would they like to be paid?",
        [*PAYMENT_METHODS.items(), (NO_PAYMENT_METHOD, "Not decided yet")],
        "Choose how they would like to be paid",
    )
    default_fee_choice = _radios(
        "Do they usually want a fee?",
        [("accept", FEE_CHOICES["accept"]), ("decline", FEE_CHOICES["decline"])],
        "Choose accept or decline",
        description=(
            "They can change this for any piece of work. "
            "Some people decline fees because of their benefits."
        ),
    )
    benefits_warnings = _radios(
        "Warn them when their payments get close to a limit?",
        YES_NO,
        "Choose yes or no",
        description="For example, the most they can earn without their benefits changing.",
    )

    def payment_method_value(self) -> str | None:
        value = self.payment_method.data
        return None if value in (None, NO_PAYMENT_METHOD) else str(value)


class NewContributorForm(ContributorForm):
    project_ids = _checkboxes("Projects")
    submit = SubmitField("Add contributor", widget=GovSubmitInput())


class EditContributorForm(ContributorForm):
    status = _radios("Status", list(CONTRIBUTOR_STATUSES.items()), "Choose a status")
    submit = SubmitField("Save changes", widget=GovSubmitInput())


def contributor_form_data(contributor: Contributor) -> dict[str, Any]:
    """The edit form's starting values, in the form's own terms."""
    return {
        "preferred_name": contributor.preferred_name,
        "user_id": contributor.user_id,
        "contact": contributor.contact,
        "payment_method": contributor.payment_method or NO_PAYMENT_METHOD,
        "default_fee_choice": contributor.default_fee_choice,
        "benefits_warnings": yes_no(contributor.benefits_warnings),
        "status": contributor.status,
    }


def account_choices(users: list[User]) -> list[tuple[str, str]]:
    return [("", "No login")] + [(str(u.id), f"{u.display_name} ({u.email})") for u in users]


# --- funds ------------------------------------------------------------------------------------


class FundForm(FlaskForm):
    name = _text("Name of the fund", "Enter the fund's name", 200)
    funder_organisation = _text("Funder", "Enter the funder's name", 200)
    reference = _text(
        "Grant reference (optional)",
        None,
        100,
        description="The funder's own reference, if they gave one.",
    )
    submit = SubmitField("Save fund", widget=GovSubmitInput())


class FundMemberForm(FlaskForm):
    user_id = _select(
        "Link a funder account",
        "Choose an account",
        description="Only accounts with the funder role are listed.",
    )
    submit = SubmitField("Link account", widget=GovSubmitInput())


def user_choices(users: list[User]) -> list[tuple[str, str]]:
    return [("", "Choose an account")] + [
        (str(u.id), f"{u.display_name} ({u.email})") for u in users
    ]


# --- projects ---------------------------------------------------------------------------------


class ProjectForm(FlaskForm):
    name = _text("Project name", "Enter the project's name", 200)
    code = _text(
        "Project code",
        "Enter a short code, like PEER-01",
        20,
        description="A short code of up to 20 letters or numbers, like PEER-01. Each is unique.",
    )
    start_date = DateField(
        "Start date",
        validators=[date_required("Enter the date the project starts")],
        description="For example, 1 4 2026",
    )
    end_date = DateField(
        "End date (optional)",
        description="Leave empty if the project has no planned end. For example, 31 3 2027",
    )
    status = _radios("Status", list(PROJECT_STATUSES.items()), "Choose a status")
    description = _text_area(
        "Description (optional)",
        2000,
        description="A sentence or two about what the project does.",
    )
    fund_ids = _checkboxes(
        "Funds", description="The grants that pay for this project. Funders see its totals."
    )
    submit = SubmitField("Save project", widget=GovSubmitInput())


def fund_choices(funds: list[Fund]) -> list[tuple[int, str]]:
    return [(f.id, f"{f.name} ({f.funder_organisation})") for f in funds]


def project_choices(projects: list[Project]) -> list[tuple[int, str]]:
    return [(p.id, f"{p.name} ({p.code})") for p in projects]


class CoordinatorForm(FlaskForm):
    user_id = _select(
        "Add a coordinator",
        "Choose a coordinator",
        description="Only accounts with the coordinator role are listed.",
    )
    submit = SubmitField("Add coordinator", widget=GovSubmitInput())


class MemberForm(FlaskForm):
    contributor_id = _select("Add a contributor to this project", "Choose a contributor")
    submit = SubmitField("Add to project", widget=GovSubmitInput())


# --- activity types ---------------------------------------------------------------------------


class ActivityTypeForm(FlaskForm):
    name = _text(
        "Name",
        "Enter a name, like Meeting",
        100,
        description="A kind of work, like Meeting, Interview panel or Travel time.",
    )
    paid = _radios("Is this work paid?", YES_NO, "Choose yes or no")
    active = _radios(
        "Can people choose it?",
        [("yes", "Yes"), ("no", "No, it is no longer used")],
        "Choose yes or no",
        description="Old entries keep their activity either way.",
    )
    submit = SubmitField("Save activity", widget=GovSubmitInput())


def activity_form_data(activity: ActivityType) -> dict[str, Any]:
    return {
        "name": activity.name,
        "paid": yes_no(activity.paid),
        "active": yes_no(activity.active),
    }


# --- settings ---------------------------------------------------------------------------------


class SettingsForm(FlaskForm):
    organisation_name = _text(LABELS["organisation_name"], "Enter the organisation's name", 200)
    organisation_address = _text_area(LABELS["organisation_address"], 500)
    slip_prefix = _text(
        LABELS["slip_prefix"],
        "Enter a prefix, like PS",
        8,
        description="Up to 8 capital letters or digits. Every payment slip number starts with it.",
    )
    suppression_threshold = _text(
        LABELS["suppression_threshold"],
        "Enter a whole number, like 5",
        10,
        description=(
            "Funders see a number only when at least this many people are in a group, "
            "so nobody can be picked out."
        ),
    )
    retention_years = _text(
        LABELS["retention_years"],
        "Enter a whole number, like 7",
        10,
        description="How long your organisation keeps the money records of people who have left.",
    )
    two_people_release = RadioField(
        LABELS["two_people_release"],
        description=(
            "With yes, the finance person who confirms a payment run cannot also mark it as "
            "paid: a second finance person must do it."
        ),
        choices=[("no", "No"), ("yes", "Yes")],
        widget=GovRadioInput(),
        validators=[InputRequired("Choose yes or no")],
    )
    submit = SubmitField("Save settings", widget=GovSubmitInput())


class ResetAuthenticatorForm(FlaskForm):
    submit = SubmitField("Reset their authenticator", widget=GovSubmitInput())
