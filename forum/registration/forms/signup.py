"""The public sign-up form and the participant's edit form (the details a person gives), and the empty
sign-up form rendered once per process."""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import BooleanField, EmailField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError

from forum import geo
from forum.events.models import Forum
from forum.forms import LANGUAGE_LABELS, EnumRadioField
from forum.privacy.services.consent import CONSENT_LABEL
from forum.registration.forms.fields import (
    EnumQuickSelectField,
    MultiCheckboxField,
    OrganisationField,
    QuickSelectField,
    is_listed,
    organisations_stamp,
)
from forum.registration.models import Area, Category, Gender, OrganisationKind

ARABIC_NAME = re.compile(r"^[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\s'’\-.]+$")


LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F\s'’\-.]+$")


def accessibility_choices() -> list[tuple[str, Any]]:
    return [
        ("wheelchair", _l("Wheelchair access")),
        ("sign_language", _l("Sign-language interpretation")),
        ("large_print", _l("Documents in large print")),
    ]


def region_provinces(forum: Forum) -> tuple[geo.Place, ...]:
    return _provinces_of(forum.region)


@functools.cache
def _choices(locale: str, region: str) -> dict[str, tuple[tuple[str, str], ...]]:
    """The options of the details form's lists in one language, the forum's region first among the
    provinces; they depend on nothing else, so each process builds them once per language and region."""
    with force_locale(locale):
        codes = {p.code for p in _provinces_of(region)}
        provinces = geo.province_choices(locale=locale)
        ordered = [c for c in provinces if c[0] in codes] + [c for c in provinces if c[0] not in codes]
        choose = str(_l("Choose…"))
        options = {
            "province": [("", choose)] + ordered,
            "organisation_province": [("", "—")] + ordered,
            "organisation_kind": [("", "—")] + OrganisationKind.choices(),
            "organisation_area": [("", "—")] + Area.choices(),
            "category": [("", choose)] + Category.public_choices(),
            "gender": Gender.choices(),
            "area": Area.choices(),
            "locale": [(code, str(label)) for code, label in LANGUAGE_LABELS.items()],
            "accessibility_needs": accessibility_choices(),
        }
        return {name: tuple((value, str(label)) for value, label in pairs) for name, pairs in options.items()}


def _provinces_of(region: str) -> tuple[geo.Place, ...]:
    try:
        return geo.region(region).provinces
    except KeyError:
        return ()


def normalise_phone(value: str) -> str:
    """A Moroccan number in local (06..., 05...) or international (+212..., 00212...) form, or a foreign
    one in international form, as E.164; ValueError when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, "MA")
    except phonenumbers.NumberParseException as error:
        raise ValueError(str(error)) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("invalid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class ParticipantDetailsForm(FlaskForm):
    """What a person tells about themselves (shared by sign-up and self-service editing)."""

    name_ar = StringField(
        _l("Full name in Arabic script"),
        # No Optional(): it would stop the chain before validate_name_ar checks that a name is given.
        validators=[Length(max=200)],
        render_kw={"dir": "rtl", "lang": "ar", "autocomplete": "name"},
    )
    name_latin = StringField(
        _l("Full name in Latin script"),
        validators=[Optional(), Length(max=200)],
        render_kw={"dir": "ltr", "lang": "fr"},
        description=_l("Give your name in at least one of the two scripts, as on your identity card."),
    )
    phone = StringField(
        _l("Phone"),
        validators=[DataRequired(), Length(max=30)],
        render_kw={"dir": "ltr", "autocomplete": "tel", "inputmode": "tel"},
    )
    organisation_id = OrganisationField(_l("Organisation"), validators=[Optional()])
    organisation_name = StringField(
        _l("New organisation: name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Only if your organisation is not in the list above."),
    )
    organisation_kind = QuickSelectField(_l("New organisation: kind"), validators=[Optional()], choices=[])
    organisation_province = QuickSelectField(_l("New organisation: province"), validators=[Optional()], choices=[])
    organisation_area = QuickSelectField(_l("New organisation: urban or rural"), validators=[Optional()], choices=[])
    job_title = StringField(_l("Role or title"), validators=[Optional(), Length(max=200)])
    category = EnumQuickSelectField(_l("You take part as"), validators=[DataRequired()], enum=Category, choices=[])
    gender = EnumRadioField(
        _l("Gender"), validators=[InputRequired(message=_l("Choose one answer."))], enum=Gender, choices=[]
    )
    province = QuickSelectField(_l("Your province"), validators=[DataRequired()], choices=[])
    area = EnumRadioField(
        _l("You live in"), validators=[InputRequired(message=_l("Choose one answer."))], enum=Area, choices=[]
    )
    locale = QuickSelectField(_l("Preferred language"), validators=[DataRequired()], choices=[])
    has_disability = BooleanField(_l("I am a person with a disability"))
    accessibility_needs = MultiCheckboxField(_l("Accessibility needs"), choices=[])
    accessibility_note = TextAreaField(
        _l("Other needs"), validators=[Optional(), Length(max=1000)], render_kw={"rows": 2}
    )
    shares_contact = BooleanField(
        _l("I agree that exhibitors who scan my badge receive my name, organisation, e-mail and phone.")
    )

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.forum = forum
        choices = _choices(str(get_locale()), forum.region)
        for name, options in choices.items():
            getattr(self, name).choices = list(options)  # a copy: a view may add one (edit's category)
        self.organisation_id.region = [p.code for p in region_provinces(forum)]
        self.organisation_id.kept = getattr(kwargs.get("obj"), "organisation", None)

    def validate_name_ar(self, field: StringField) -> None:
        if not (field.data or "").strip() and not (self.name_latin.data or "").strip():
            raise ValidationError(_l("Give your name in Arabic script, in Latin script, or both."))
        if (field.data or "").strip() and not ARABIC_NAME.match(field.data.strip()):
            raise ValidationError(_l("Write this name in Arabic letters."))

    def validate_name_latin(self, field: StringField) -> None:
        if (field.data or "").strip() and not LATIN_NAME.match(field.data.strip()):
            raise ValidationError(_l("Write this name in Latin letters."))

    def validate_phone(self, field: StringField) -> None:
        try:
            field.data = normalise_phone(field.data or "")
        except ValueError:
            raise ValidationError(_l("This is not a valid phone number.")) from None

    def validate_organisation_id(self, field: OrganisationField) -> None:
        if not field.data:
            return
        picked = int(field.data) if field.data.isdigit() else None
        if picked is None or not (
            (field.kept is not None and picked == field.kept.id) or is_listed(picked, field.region)
        ):
            raise ValidationError(_l("Choose an organisation from the list."))

    def validate_organisation_kind(self, field: SelectField) -> None:
        if (self.organisation_name.data or "").strip() and not self.organisation_id.data and not field.data:
            raise ValidationError(_l("Say what kind of organisation it is."))

    def validate_province(self, field: SelectField) -> None:
        if not geo.is_province(field.data or ""):
            raise ValidationError(_l("Choose a province from the list."))

    def details(self) -> dict[str, Any]:
        """The cleaned data, as the registration services take it."""
        return {
            "name_ar": self.name_ar.data,
            "name_latin": self.name_latin.data,
            "phone": self.phone.data,
            "organisation_id": int(self.organisation_id.data) if self.organisation_id.data else None,
            "organisation_name": self.organisation_name.data,
            "organisation_kind": self.organisation_kind.data or None,
            "organisation_province": self.organisation_province.data or None,
            "organisation_area": self.organisation_area.data or None,
            "job_title": self.job_title.data,
            "category": self.category.data,
            "gender": self.gender.data,
            "province": self.province.data,
            "area": self.area.data,
            "locale": self.locale.data,
            "has_disability": self.has_disability.data,
            "accessibility_needs": self.accessibility_needs.data or [],
            "accessibility_note": self.accessibility_note.data,
        } | ({"shares_contact": self.shares_contact.data} if self.shares_contact is not None else {})


def email_field(description: str, autocomplete: str) -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
        render_kw={"dir": "ltr", "autocomplete": autocomplete},
        description=description,
    )


class RegistrationForm(ParticipantDetailsForm):
    email = email_field(_l("We send a link to confirm it; the same link lets you manage your registration."), "email")
    consent = BooleanField(
        CONSENT_LABEL,
        validators=[DataRequired(message=_l("Registration needs your agreement to the processing of your data."))],
    )


#: (region, language, version of the organisations' list) -> the empty sign-up form's fields, in this process
_blank_fields: dict[tuple[str, str, int], Markup] = {}


_BLANK_FIELDS_KEPT = 64


def blank_fields_key(forum: Forum) -> tuple[str, str, int]:
    """What the empty sign-up form's fields depend on: the forum's region, the language, and the list
    of organisations they show (its version, one row: another process's new organisation shows at once)."""
    return forum.region, str(get_locale()), organisations_stamp()


def blank_registration_fields(forum: Forum, key: tuple[str, str, int] | None = None) -> Markup:
    """The sign-up form's fields, empty, as HTML (without the CSRF token, which is per visitor).

    Every visitor of a forum in one language gets the same empty form, and building it (two lists of
    the 75 provinces, the organisations, a dozen translated fields) was most of the page's cost: it is
    rendered once per process and reused while `blank_fields_key` is unchanged.
    """
    key = key or blank_fields_key(forum)
    html = _blank_fields.get(key)
    if html is None:
        form = RegistrationForm(forum=forum, formdata=None, meta={"csrf": False})
        form.locale.data = key[1]
        html = Markup(render_template("registration/_register_fields.html", form=form))  # noqa: S704 (a template)
        if len(_blank_fields) >= _BLANK_FIELDS_KEPT:
            _blank_fields.clear()
        _blank_fields[key] = html
    return html
