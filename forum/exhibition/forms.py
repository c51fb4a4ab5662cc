"""Forms of the exhibition: floor plan, exhibitors, applications, profile, staff, leads."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from forum.exhibition.models import BoothTier, ExhibitorTier, Sector
from forum.exhibition.services import EXHIBITOR_KINDS
from forum.forms import EnumSelectField, TranslatedField, clean_translations
from forum.partnerships.vocabulary import Support
from forum.registration.models import OrganisationKind


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ZoneForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=10), Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters and digits only."))],
        description=_l("A short code shown on the map, e.g. A."),
    )
    name = TranslatedField(_l("Name"), required=False)


class BoothForm(FlaskForm):
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=12), Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters and digits only."))],
        description=_l("e.g. A12"),
    )
    zone_id = SelectField(_l("Zone"), coerce=int, validators=[DataRequired()])
    area_m2 = IntegerField(_l("Area (m²)"), validators=[DataRequired(), NumberRange(min=1, max=2000)])
    x = IntegerField(_l("Column on the plan"), default=0, validators=[Optional(), NumberRange(min=0, max=500)])
    y = IntegerField(_l("Row on the plan"), default=0, validators=[Optional(), NumberRange(min=0, max=500)])
    width = IntegerField(_l("Width on the plan"), default=3, validators=[DataRequired(), NumberRange(min=1, max=100)])
    height = IntegerField(_l("Depth on the plan"), default=3, validators=[DataRequired(), NumberRange(min=1, max=100)])
    tier = EnumSelectField(_l("Tier"), enum=BoothTier)
    has_power = BooleanField(_l("Power"))
    has_water = BooleanField(_l("Water"))
    has_wall = BooleanField(_l("Wall for hanging"))

    def __init__(self, *args, zones: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone_id.choices = [(zone.id, f"{zone.code} · {zone.label}") for zone in zones]

    def booth_data(self) -> dict:
        """The booth as services.save_booth takes it."""
        return {
            "code": self.code.data,
            "zone_id": self.zone_id.data,
            "area_m2": self.area_m2.data,
            "x": self.x.data or 0,
            "y": self.y.data or 0,
            "width": self.width.data,
            "height": self.height.data,
            "tier": self.tier.data,
            "has_power": self.has_power.data,
            "has_water": self.has_water.data,
            "has_wall": self.has_wall.data,
        }


class BoothImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class DeadlineForm(FlaskForm):
    applications_close_at = DateTimeLocalField(
        _l("Booth applications close"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class InviteExhibitorForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    kind = EnumSelectField(_l("Kind of organisation"), validators=[DataRequired()], enum=OrganisationKind)
    tier = EnumSelectField(_l("Tier"), enum=ExhibitorTier)
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.offer(EXHIBITOR_KINDS)


class ExhibitRequestForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    kind = EnumSelectField(_l("Kind of organisation"), validators=[DataRequired()], enum=OrganisationKind)
    sector = EnumSelectField(_l("Sector"), validators=[DataRequired()], enum=Sector)
    description = TranslatedField(_l("What you would show"), long=True, max_length=2000)
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.offer(EXHIBITOR_KINDS)


class TierForm(FlaskForm):
    tier = EnumSelectField(_l("Tier"), enum=ExhibitorTier)


class AssignForm(FlaskForm):
    booth_id = SelectField(_l("Booth"), coerce=int, validators=[DataRequired()])
    exhibitor_id = SelectField(_l("Exhibitor"), coerce=int, validators=[DataRequired()])

    def __init__(self, *args, booths: list, exhibitors: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.booth_id.choices = [(booth.id, booth.code) for booth in booths]
        self.exhibitor_id.choices = [(exhibitor.id, exhibitor.name) for exhibitor in exhibitors]


class ApplicationForm(FlaskForm):
    choice_1 = SelectField(_l("First choice"), validators=[DataRequired()])
    choice_2 = SelectField(_l("Second choice"), validators=[Optional()])
    choice_3 = SelectField(_l("Third choice"), validators=[Optional()])
    min_area_m2 = IntegerField(
        _l("Smallest area you need (m²)"), default=0, validators=[Optional(), NumberRange(0, 2000)]
    )
    needs_power = BooleanField(_l("We need power"))
    needs_water = BooleanField(_l("We need water"))
    needs_wall = BooleanField(_l("We need a wall for hanging"))
    showcase = TextAreaField(_l("What you will show"), validators=[DataRequired(), Length(max=2000)])

    def __init__(self, *args, options: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.choice_1.choices = options
        blank = [("", str(_l("— none —")))]
        self.choice_2.choices = blank + options
        self.choice_3.choices = blank + options

    def fill_choices(self, tokens: list[str]) -> None:
        """Show an application's choices again (services.choice_tokens), by rank."""
        for field, token in zip((self.choice_1, self.choice_2, self.choice_3), tokens, strict=False):
            field.data = token

    def application(self) -> dict:
        """The application as services.submit_application takes it (besides the exhibitor and actor)."""
        return {
            "choices": [self.choice_1.data, self.choice_2.data, self.choice_3.data],
            "needs_power": self.needs_power.data,
            "needs_water": self.needs_water.data,
            "needs_wall": self.needs_wall.data,
            "min_area_m2": self.min_area_m2.data or 0,
            "showcase": self.showcase.data,
        }


class ProfileForm(FlaskForm):
    description = TranslatedField(_l("Description"), required=False, long=True, max_length=2000)
    sector = EnumSelectField(_l("Sector"), validators=[Optional()], enum=Sector)
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    offers = MultiCheckboxField(_l("What we offer"))
    seeks = MultiCheckboxField(_l("What we seek"))
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG or WebP, 2 MB at most."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sector.offer(Sector, blank="—")
        self.offers.choices = Support.choices()
        self.seeks.choices = Support.choices()

    def profile(self) -> dict:
        """The public profile as services.update_profile takes it (the logo aside)."""
        return {
            "description": clean_translations(self.description.data),
            "sector": self.sector.data,
            "website": self.website.data,
            "offers": self.offers.data,
            "seeks": self.seeks.data,
        }


class StaffForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ScanForm(FlaskForm):
    code = StringField(_l("Badge code"), validators=[DataRequired(), Length(max=200)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
