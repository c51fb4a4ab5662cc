"""Forum editing and team appointments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, DateTimeLocalField, EmailField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp, ValidationError

from forum import geo, images
from forum.auth.models import Role
from forum.events.models import ForumStatus
from forum.forms import LANGUAGE_LABELS, EnumSelectField, TranslatedField


class ForumForm(FlaskForm):
    title = TranslatedField(_l("Title"))
    theme = TranslatedField(_l("Theme"), required=False, long=True, max_length=500)
    description = TranslatedField(_l("Description"), required=False, long=True, max_length=5000)
    venue = TranslatedField(_l("Venue"), required=False)
    slug = StringField(
        _l("Web address"),
        validators=[
            DataRequired(),
            Length(min=3, max=80),
            Regexp(r"^[a-z0-9]+(-[a-z0-9]+)*$", message=_l("Use lower-case letters, digits and hyphens.")),
        ],
        description=_l("Used in links, e.g. draa-tafilalet-2026."),
    )
    edition = IntegerField(_l("Edition number"), validators=[Optional(), NumberRange(min=1, max=999)])
    region = SelectField(_l("Region"), validators=[DataRequired()])
    city = TranslatedField(_l("City"), max_length=120)
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )
    capacity = IntegerField(_l("Capacity (seats)"), validators=[Optional(), NumberRange(min=0, max=100000)])
    retention_days = IntegerField(
        _l("Keep participants' personal data for (days after the last day)"),
        validators=[Optional(), NumberRange(min=0, max=3650)],
        description=_l("Leave empty for the platform's default. Then names and contacts are erased; figures remain."),
    )
    status = EnumSelectField(_l("Status"), enum=ForumStatus)
    default_locale = SelectField(_l("Main language"), choices=list(LANGUAGE_LABELS.items()))
    logo = FileField(
        _l("Logo"),
        description=_l("PNG, JPEG or WebP, 2 MB at most. Shown on the forum's page and printed on its badges."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the current logo"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.region.choices = geo.region_choices()
        self.default_locale.choices = [(code, str(label)) for code, label in LANGUAGE_LABELS.items()]

    #: the uploaded logo, checked and re-encoded by validation (None when none was sent)
    logo_png: bytes | None = None

    def validate_logo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.logo_png = images.clean_logo(upload.read())
        except images.ImageError as error:
            raise ValidationError(str(error)) from None

    def validate_ends_on(self, field) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The forum cannot end before it starts."))

    def validate_registration_closes_at(self, field) -> None:
        opens = self.registration_opens_at.data
        if opens and field.data and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens."))


class AppointForm(FlaskForm):
    name = StringField(
        _l("Full name"),
        validators=[Optional(), Length(max=200)],
        description=_l("Needed only for a person who has no account yet."),
    )
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])
    #: the view offers the roles the signed-in person may give
    role = EnumSelectField(_l("Role"), validators=[DataRequired()], enum=Role)
    badge = BooleanField(
        _l("Give them a badge (a confirmed registration as a member of the team)"),
        default=True,
        description=_l("Kept as it is if they already registered for this forum. Not needed for exhibitor staff."),
    )
