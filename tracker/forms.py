"""Form fields shared by every feature: GOV.UK dates and money typed as pounds and pence."""

from __future__ import annotations

from datetime import date
from typing import Any

from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length

from tracker.money import MoneyError, parse_money, pounds_string


class _DateInput(GovDateInput):
    """GOV.UK day, month and year boxes that cope with a form posted with fewer boxes, and
    whose day box carries the field's id, so the error summary's link puts the cursor in the
    date (GovDateInput gives the id to the wrapper)."""

    def map_gov_params(self, field: Any, **kwargs: Any) -> Any:
        if field.raw_data is not None and len(field.raw_data) != 3:
            field.raw_data = ([*field.raw_data, "", "", ""])[:3]
        params = super().map_gov_params(field, **kwargs)
        params["id"] = f"{field.id}-date"
        params["items"][0]["id"] = field.id
        return params


class DateField(Field):
    """A date typed as day, month and year, with kind messages for anything else."""

    widget = _DateInput()

    def __init__(self, label: str = "", validators: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("description", "For example, 27 3 2026")
        super().__init__(label, validators, **kwargs)
        self.data: date | None

    def _value(self) -> str:
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        parts = [str(v).strip() for v in valuelist]
        if not any(parts):
            self.data = None
            return
        # ASCII digits only, and short: "²" or a 20-digit day must not reach int() or date().
        if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 4 for p in parts):
            self.data = None
            raise ValueError("Enter the date as numbers for day, month and year, like 27 3 2026")
        day, month, year = (int(p) for p in parts)
        if not 2000 <= year <= 2100:
            self.data = None
            raise ValueError("Enter a year with 4 numbers, like 2026")
        try:
            self.data = date(year, month, day)
        except ValueError:
            self.data = None
            raise ValueError("Enter a real date, like 27 3 2026") from None


class MoneyField(StringField):
    """An amount typed in pounds (`12.50`, `£1,234`); `.pence` holds it as whole pence."""

    widget = GovTextInput()

    def __init__(self, label: str = "", validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.pence: int | None = None

    def process_data(self, value: Any) -> None:
        # Initial data is pence (from the database); show it as pounds.
        if isinstance(value, int) and not isinstance(value, bool):
            self.pence = value
            self.data = pounds_string(value)
        else:
            super().process_data(value)

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        self.pence = None
        text = (self.data or "").strip()
        if text:
            try:
                self.pence = parse_money(text)
            except MoneyError as error:
                raise ValueError(str(error)) from None


class WholeNumberField(StringField):
    """A whole number (minutes, miles) with a kind message; `.data` is an int or None."""

    widget = GovTextInput()

    def __init__(
        self,
        label: str = "",
        validators: Any = None,
        *,
        minimum: int = 0,
        maximum: int = 10_000,
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.data: Any

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        text = str(valuelist[0]).strip().replace(",", "")
        self.raw_text = text
        if not text:
            self.data = None
            return
        if not (text.isascii() and text.isdigit()):
            self.data = None
            raise ValueError("Enter a whole number, like 15")
        if len(text) > 9:
            self.data = None
            raise ValueError(f"Enter a number from {self.minimum} to {self.maximum}")
        value = int(text)
        if not self.minimum <= value <= self.maximum:
            self.data = None
            raise ValueError(f"Enter a number from {self.minimum} to {self.maximum}")
        self.data = value


MAX_ROW_ID = 2**31 - 1


def row_id(value: Any) -> int | None:
    """A chosen id: None unless it is a whole number a database id can be."""
    number = optional_int(value)
    return number if number is not None and 0 < number <= MAX_ROW_ID else None


def clean_text(value: Any) -> Any:
    """Drop NUL characters: PostgreSQL cannot store them and nobody types them."""
    return value.replace("\x00", "") if isinstance(value, str) else value


def optional_int(value: Any) -> int | None:
    """Coerce a select's value: empty means none chosen; anything not a number is none too."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def project_choice(label: str) -> Any:
    """Which project an item is for: radios that the view fills with the person's projects."""
    return RadioField(
        label,
        coerce=row_id,
        validate_choice=False,
        widget=GovRadioInput(),
        validators=[InputRequired("Choose a project")],
    )


def text_box(
    label: str,
    *,
    description: str = "",
    required: str | None = None,
    max_length: int = 1000,
    too_long: str | None = None,
) -> Any:
    """A box for a few sentences; `required` is the message when it is left empty."""
    validators: list[Any] = [InputRequired(required)] if required else []
    validators.append(
        Length(max=max_length, message=too_long or f"Keep it to {max_length:,} characters or fewer")
    )
    return TextAreaField(
        label,
        description=description,
        widget=GovTextArea(),
        filters=[clean_text],
        validators=validators,
    )
