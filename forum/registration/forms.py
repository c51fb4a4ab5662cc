"""The public sign-up form, the participant's edit form, and the organisers' moderation and settings forms."""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, html_params

from forum import geo
from forum.events.models import Forum
from forum.extensions import db
from forum.forms import LANGUAGE_LABELS
from forum.registration.models import (
    ApprovalMode,
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    RegistrationStatus,
    WaitlistMode,
)

ARABIC_NAME = re.compile(r"^[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\s'’\-.]+$")
LATIN_NAME = re.compile(r"^[A-Za-z\u00C0-\u024F\s'’\-.]+$")


def accessibility_choices() -> list[tuple[str, Any]]:
    return [
        ("wheelchair", _l("Wheelchair access")),
        ("sign_language", _l("Sign-language interpretation")),
        ("large_print", _l("Documents in large print")),
    ]


class QuickSelect:
    """A <select> built in one pass: the sign-up form lists every province twice, and WTForms'
    per-option rendering made it the costliest part of the page."""

    def __call__(self, field: SelectField, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        chosen = "" if field.data is None else str(field.data)
        options = "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>{escape(label)}</option>'
            for value, label in field.choices
        )
        return Markup(f"<select {html_params(name=field.name, **kwargs)}>{options}</select>")  # noqa: S704  (escaped above)


class QuickSelectField(SelectField):
    """A SelectField drawn by QuickSelect whose answer is checked against the set of its values,
    instead of WTForms' walk that builds an object per option (76 of them for a province)."""

    widget = QuickSelect()

    def pre_validate(self, form: Form) -> None:
        if self.validate_choice and self.data not in {self.coerce(value) for value, _label in self.choices}:
            raise ValidationError(self.gettext("Not a valid choice."))


class OrganisationField(QuickSelectField):
    """The organisation picked from the region's list. The list is read only when the field is shown:
    a submitted choice is checked on its own (ParticipantDetailsForm.validate_organisation_id)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, validate_choice=False, **kwargs)
        self.region: list[str] = []
        #: the registration's own organisation, kept selectable even when it is not in the list
        self.kept: Organisation | None = None
        self._choices: list[tuple[str, Any]] | None = None

    @property
    def choices(self) -> list[tuple[str, Any]]:
        if self._choices is None:
            listed = _organisations(self.region)
            if self.kept is not None and all(org_id != self.kept.id for org_id, _name in listed):
                listed.append((self.kept.id, self.kept.name))
            self._choices = [("", _l("None, or not in the list"))] + [(str(org_id), name) for org_id, name in listed]
        return self._choices

    @choices.setter
    def choices(self, value: list[tuple[str, Any]] | None) -> None:
        self._choices = value or None


class MultiCheckboxField(SelectMultipleField):
    """Several boxes to tick (rendered as a fieldset by the forms macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


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
        description=_l("For example 0612345678 or +212 612 345 678."),
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
    category = QuickSelectField(_l("You take part as"), validators=[DataRequired()], choices=[])
    gender = RadioField(_l("Gender"), validators=[InputRequired(message=_l("Choose one answer."))], choices=[])
    province = QuickSelectField(_l("Your province"), validators=[DataRequired()], choices=[])
    area = RadioField(_l("You live in"), validators=[InputRequired(message=_l("Choose one answer."))], choices=[])
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
            (field.kept is not None and picked == field.kept.id) or _is_listed(picked, field.region)
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
            "category": Category(self.category.data),
            "gender": Gender(self.gender.data),
            "province": self.province.data,
            "area": Area(self.area.data),
            "locale": self.locale.data,
            "has_disability": self.has_disability.data,
            "accessibility_needs": self.accessibility_needs.data or [],
            "accessibility_note": self.accessibility_note.data,
        } | ({"shares_contact": self.shares_contact.data} if self.shares_contact is not None else {})


def _in_region(query: sa.Select) -> sa.Select:
    provinces = sa.bindparam("provinces", expanding=True)
    return query.where(sa.or_(Organisation.province.in_(provinces), Organisation.province.is_(None)))


def _organisations(region_provinces: list[str]) -> list[tuple[int, str]]:
    """(id, name) of the organisations of the forum's region (and of those without a province)."""
    query = sa.select(Organisation.id, Organisation.name).order_by(Organisation.name)
    if region_provinces:
        query = _in_region(query)
    return [tuple(row) for row in db.session.execute(query.limit(2000), {"provinces": region_provinces})]


# Built once, with bound parameters (each GET and each POST that picks an organisation runs one).
_LISTED = sa.select(Organisation.id).where(Organisation.id == sa.bindparam("organisation_id"))
_LISTED_IN_REGION = _in_region(_LISTED)
_STAMP = sa.select(sa.func.count(), sa.func.coalesce(sa.func.max(Organisation.id), 0))
_STAMP_IN_REGION = _in_region(_STAMP)


def _is_listed(organisation_id: int, region_provinces: list[str]) -> bool:
    """Whether the form's list of organisations holds this one."""
    query = _LISTED_IN_REGION if region_provinces else _LISTED
    params = {"organisation_id": organisation_id, "provinces": region_provinces}
    return db.session.scalar(query, params) is not None


def _organisations_stamp(region_provinces: list[str]) -> tuple[int, int]:
    """(count, highest id) of the organisations the form lists: it changes whenever the list does, since
    organisations are added and removed but never renamed."""
    query = _STAMP_IN_REGION if region_provinces else _STAMP
    count, highest = db.session.execute(query, {"provinces": region_provinces}).one()
    return count, highest


#: (region, language, organisations stamp) -> the empty sign-up form's fields, in this process
_blank_fields: dict[tuple[str, str, tuple[int, int]], Markup] = {}
_BLANK_FIELDS_KEPT = 64


def blank_registration_fields(forum: Forum) -> Markup:
    """The sign-up form's fields, empty, as HTML (without the CSRF token, which is per visitor).

    Every visitor of a forum in one language gets the same empty form, and building it (two lists of
    the 75 provinces, the organisations, a dozen translated fields) was most of the page's cost: it is
    rendered once per process and reused while the list of organisations it shows is unchanged (one
    aggregate query checks that, so another process's new organisation shows at once).
    """
    locale = str(get_locale())
    key = (forum.region, locale, _organisations_stamp([p.code for p in region_provinces(forum)]))
    html = _blank_fields.get(key)
    if html is None:
        form = RegistrationForm(forum=forum, formdata=None, meta={"csrf": False})
        form.locale.data = locale
        html = Markup(render_template("registration/_register_fields.html", form=form))  # noqa: S704 (a template)
        if len(_blank_fields) >= _BLANK_FIELDS_KEPT:
            _blank_fields.clear()
        _blank_fields[key] = html
    return html


def _email_field(description: str, autocomplete: str) -> EmailField:
    return EmailField(
        _l("E-mail"),
        validators=[DataRequired(), Email(message=_l("This is not a valid e-mail address.")), Length(max=254)],
        render_kw={"dir": "ltr", "autocomplete": autocomplete},
        description=description,
    )


class RegistrationForm(ParticipantDetailsForm):
    email = _email_field(_l("We send a link to confirm it; the same link lets you manage your registration."), "email")
    consent = BooleanField(
        _l("I have read the notice on personal data and agree to the processing of my data for this forum."),
        validators=[DataRequired(message=_l("Registration needs your agreement to the processing of your data."))],
    )


class OrganiserDetailsForm(ParticipantDetailsForm):
    """An organiser's correction of a registration: the same rules, and every category. The consent to
    share contact details with exhibitors stays the person's own."""

    shares_contact = None

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, forum=forum, **kwargs)
        self.category.choices = [("", str(_l("Choose…")))] + Category.choices()


class OrganiserAddForm(OrganiserDetailsForm):
    """An organiser registers a person themselves: the details, the e-mail that receives the link and
    the badge, and the organiser's word that the person agreed. The phone may be unknown."""

    email = _email_field(_l("The person receives their link and their badge at this address."), "off")
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=30)],
        render_kw={"dir": "ltr", "inputmode": "tel"},
        description=_l("Optional. For example 0612345678 or +212 612 345 678."),
    )
    consent = BooleanField(
        _l("The person agreed to the processing of their data for this forum (law 09-08)."),
        validators=[
            DataRequired(message=_l("Registering a person needs their agreement to the processing of their data."))
        ],
    )

    def validate_phone(self, field: StringField) -> None:
        if (field.data or "").strip():
            super().validate_phone(field)
        else:
            field.data = None


class RejectForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (sent to the person)"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 3}
    )


class BulkForm(FlaskForm):
    action = SelectField(
        _l("With the selected registrations"),
        choices=[
            ("approve", _l("Approve")),
            ("waitlist", _l("Put on the waiting list")),
            ("reject", _l("Reject")),
        ],
    )
    reason = TextAreaField(
        _l("Reason for a rejection (sent to each person)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )


class QueueFilterForm(Form):
    """Filters of the moderation queue and of its exports (read from the query string)."""

    q = StringField(_l("Search"), render_kw={"placeholder": _l("Name, e-mail, phone or organisation")})
    status = SelectField(_l("Status"), choices=[], validators=[Optional()])
    category = SelectField(_l("Category"), choices=[], validators=[Optional()])
    province = SelectField(_l("Province"), choices=[], validators=[Optional()])
    area = SelectField(_l("Urban or rural"), choices=[], validators=[Optional()])
    gender = SelectField(_l("Gender"), choices=[], validators=[Optional()])
    kind = SelectField(_l("Organisation kind"), choices=[], validators=[Optional()])

    def __init__(self, *args: Any, forum: Forum, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        every = [("", _l("All"))]
        self.status.choices = every + RegistrationStatus.choices()
        self.category.choices = every + Category.choices()
        self.province.choices = every + [(p.code, p.name()) for p in region_provinces(forum)]
        self.area.choices = every + Area.choices()
        self.gender.choices = every + Gender.choices()
        self.kind.choices = every + OrganisationKind.choices()

    def filters(self) -> dict[str, str]:
        return {name: f.data for name, f in self._fields.items() if f.data}


def settings_form_class(forum: Forum) -> type[FlaskForm]:
    """The settings form, with one quota box per public category and per province of the region."""

    def quota_field(label: Any) -> IntegerField:
        return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100000)])

    category_fields = {c.value: quota_field(c.title) for c in Category if c.value in dict(Category.public_choices())}
    province_fields = {p.code: quota_field(p.name()) for p in region_provinces(forum)}
    CategoryQuotas = type("CategoryQuotas", (Form,), category_fields)
    ProvinceQuotas = type("ProvinceQuotas", (Form,), province_fields)

    class RegistrationSettingsForm(FlaskForm):
        approval = RadioField(_l("Approval"), choices=ApprovalMode.choices(), validators=[DataRequired()])
        waitlist = RadioField(_l("When a place frees up"), choices=WaitlistMode.choices(), validators=[DataRequired()])
        offer_hold_hours = IntegerField(
            _l("Hours a freed place is held for the person it is offered to"),
            validators=[DataRequired(), NumberRange(min=1, max=24 * 30)],
        )
        confirmation_hours = IntegerField(
            _l("Hours to confirm the e-mail before the registration expires"),
            validators=[DataRequired(), NumberRange(min=1, max=24 * 30)],
        )
        reapprove_on_edit = BooleanField(
            _l("A confirmed person who changes category, organisation, province, area or gender needs approval again")
        )
        min_women_percent = IntegerField(
            _l("Minimum share of women (%)"), validators=[Optional(), NumberRange(min=0, max=100)]
        )
        min_rural_percent = IntegerField(
            _l("Minimum share of rural associations and cooperatives (%)"),
            validators=[Optional(), NumberRange(min=0, max=100)],
        )
        category_quotas = FormField(CategoryQuotas, label=_l("Maximum per category"))
        province_quotas = FormField(ProvinceQuotas, label=_l("Maximum per province"))

        def data_for_service(self) -> dict[str, Any]:
            return {
                "approval": ApprovalMode(self.approval.data),
                "waitlist": WaitlistMode(self.waitlist.data),
                "offer_hold_hours": self.offer_hold_hours.data,
                "confirmation_hours": self.confirmation_hours.data,
                "reapprove_on_edit": self.reapprove_on_edit.data,
                "min_women_percent": self.min_women_percent.data,
                "min_rural_percent": self.min_rural_percent.data,
                "category_quotas": {k: v for k, v in self.category_quotas.data.items() if v is not None},
                "province_quotas": {k: v for k, v in self.province_quotas.data.items() if v is not None},
            }

    return RegistrationSettingsForm
