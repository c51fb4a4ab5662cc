"""The organisers' forms: correcting and adding a registration, the queue's decisions and filters, the settings."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, FormField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forum.events.models import Forum
from forum.forms import EnumRadioField
from forum.registration.forms.signup import ParticipantDetailsForm, email_field, region_provinces
from forum.registration.models import (
    ApprovalMode,
    Area,
    Category,
    Gender,
    OrganisationKind,
    RegistrationStatus,
    WaitlistMode,
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
    the badge, and the organiser's word that the person agreed (to the processing of their data, and,
    only if they said so, to exhibitors receiving their contact details). The phone may be unknown."""

    email = email_field(_l("The person receives their link and their badge at this address."), "off")
    phone = StringField(
        _l("Phone"),
        validators=[Length(max=30)],
        render_kw={"dir": "ltr", "inputmode": "tel"},
    )
    consent = BooleanField(
        _l("The person agreed to the processing of their data for this forum (law 09-08)."),
        validators=[
            DataRequired(message=_l("Registering a person needs their agreement to the processing of their data."))
        ],
    )
    shares_contact = BooleanField(
        _l(
            "The person agreed that exhibitors who scan their badge receive their name, organisation, e-mail "
            "and phone. Tick only if they said so."
        )
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
        choices=[("approve", _l("Approve")), ("waitlist", _l("Put on the waiting list")), ("reject", _l("Reject"))],
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

    def share_field(label: Any) -> IntegerField:
        message = _l("A minimum share is a percentage between 0 and 100.")
        return IntegerField(label, validators=[Optional(), NumberRange(min=0, max=100, message=message)])

    public = [c for c in Category if c.value in dict(Category.public_choices())]
    category_fields = {c.value: quota_field(c.title) for c in public}
    CategoryMinimums = type("CategoryMinimums", (Form,), {c.value: share_field(c.title) for c in public})
    province_fields = {p.code: quota_field(p.name()) for p in region_provinces(forum)}
    CategoryQuotas = type("CategoryQuotas", (Form,), category_fields)
    ProvinceQuotas = type("ProvinceQuotas", (Form,), province_fields)

    class RegistrationSettingsForm(FlaskForm):
        approval = EnumRadioField(_l("Approval"), validators=[DataRequired()], enum=ApprovalMode)
        waitlist = EnumRadioField(_l("When a place frees up"), validators=[DataRequired()], enum=WaitlistMode)
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
        category_minimums = FormField(CategoryMinimums, label=_l("Minimum share per category (%)"))

        def validate(self, extra_validators: Any = None) -> bool:
            valid = super().validate(extra_validators)
            minimums = self.category_minimums
            if valid and sum(v for v in minimums.data.values() if v) > 100:
                minimums.form.form_errors.append(_l("The minimum shares per category add up to more than 100%."))
                return False
            return valid

        def data_for_service(self) -> dict[str, Any]:
            return {
                "approval": self.approval.data,
                "waitlist": self.waitlist.data,
                "offer_hold_hours": self.offer_hold_hours.data,
                "confirmation_hours": self.confirmation_hours.data,
                "reapprove_on_edit": self.reapprove_on_edit.data,
                "min_women_percent": self.min_women_percent.data,
                "min_rural_percent": self.min_rural_percent.data,
                "category_quotas": {k: v for k, v in self.category_quotas.data.items() if v is not None},
                "province_quotas": {k: v for k, v in self.province_quotas.data.items() if v is not None},
                "category_minimums": {k: v for k, v in self.category_minimums.data.items() if v},
            }

    return RegistrationSettingsForm
