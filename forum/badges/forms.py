"""Forms of the badges module: print batches and reissuing a badge."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from forum.badges.models import BadgeScheme, PrintLayout, PrintSelection
from forum.forms import EnumRadioField
from forum.registration.models import Category


class PrintForm(FlaskForm):
    selection = RadioField(_l("Which badges"), choices=PrintSelection.choices, default=PrintSelection.unprinted.value)
    category = SelectField(_l("Category"), choices=Category.choices, validate_choice=False)
    emails = TextAreaField(_l("E-mail addresses"), description=_l("One a line, for the list choice."))
    layout = RadioField(_l("Paper"), choices=PrintLayout.choices, default=PrintLayout.a4.value)

    def validate_category(self, field) -> None:
        if self.selection.data == PrintSelection.category.value and field.data not in {c.value for c in Category}:
            raise ValidationError(_l("Choose a category."))

    def validate_emails(self, field) -> None:
        if self.selection.data == PrintSelection.listed.value and not (field.data or "").strip():
            raise ValidationError(_l("Give at least one e-mail address."))

    @property
    def email_list(self) -> list[str]:
        return [line.strip() for line in (self.emails.data or "").replace(",", "\n").splitlines() if line.strip()]


class ReissueForm(FlaskForm):
    email = StringField(_l("E-mail address of the registration"), validators=[DataRequired(), Email(), Length(max=254)])


class BadgeSchemeForm(FlaskForm):
    scheme = EnumRadioField(_l("Badge codes"), validators=[DataRequired()], enum=BadgeScheme)
    reissue = BooleanField(
        _l("Reissue every badge now"),
        description=_l("The badges printed or sent so far stop working; send or print them again."),
    )
