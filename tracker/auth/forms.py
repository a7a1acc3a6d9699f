"""Sign-in, second factor, password and token forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def _authenticator_code(
    description: str, label: str = "Code from your authenticator app", max_length: int = 30
) -> StringField:
    """The code an authenticator app shows now (or, where the length allows, a recovery code)."""
    return StringField(
        label,
        description=description,
        widget=GovTextInput(),
        validators=[DataRequired("Enter the 6-digit code"), Length(max=max_length)],
    )


def new_password_fields(
    label: str, description: str, mismatch: str
) -> tuple[PasswordField, PasswordField]:
    """A new password, then the same again; `mismatch` is the message when the two differ.
    Assign them to `password` and `confirm`."""
    return (
        PasswordField(
            label,
            description=description,
            widget=GovPasswordInput(),
            validators=[DataRequired("Enter a new password"), Length(max=200)],
        ),
        PasswordField(
            f"{label} again",
            widget=GovPasswordInput(),
            validators=[
                DataRequired("Enter the new password again"),
                EqualTo("password", mismatch),
            ],
        ),
    )


class SecondFactorForm(FlaskForm):
    code = _authenticator_code(
        "Enter the 6 numbers shown in the app, for example 123456. If you do not "
        "have your phone, enter one of your recovery codes instead."
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EnrolForm(FlaskForm):
    """Set up an authenticator; `current_code` is asked for only when replacing one."""

    current_code = StringField(
        "Code from your current authenticator app",
        description="So that we know it is you: the 6 numbers your app shows now, or one of "
        "your recovery codes.",
        widget=GovTextInput(),
        validators=[Length(max=30)],
    )
    code = _authenticator_code(
        "Enter the 6 numbers it shows, for example 123456.",
        label="Code from the app you are setting up",
        max_length=10,
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class FreshCodeForm(FlaskForm):
    """A fresh second-factor code before a sensitive change."""

    code = _authenticator_code(
        "Enter the 6 numbers your app shows now, or one of your recovery codes."
    )
    submit = SubmitField("Make new recovery codes", widget=GovSubmitInput())


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[DataRequired("Enter your current password")],
    )
    password, confirm = new_password_fields(
        "New password",
        "At least 10 characters. A few unrelated words make a strong password.",
        "The two new passwords are not the same",
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class NewTokenForm(FlaskForm):
    name = StringField(
        "What is this token for?",
        description="For example, 'finance system'. It helps you recognise it later.",
        widget=GovTextInput(),
        validators=[DataRequired("Enter a name for the token"), Length(max=120)],
    )
    submit = SubmitField("Create token", widget=GovSubmitInput())
