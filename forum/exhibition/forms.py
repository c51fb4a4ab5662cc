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

from forum.exhibition.models import BoothTier, ExhibitorTier, Partnership, Sector
from forum.forms import TranslatedField


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _kind_choices() -> list[tuple[str, str]]:
    from forum.exhibition.services import EXHIBITOR_KINDS

    return [(kind.value, kind.title) for kind in EXHIBITOR_KINDS]


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
    tier = SelectField(_l("Tier"))
    has_power = BooleanField(_l("Power"))
    has_water = BooleanField(_l("Water"))
    has_wall = BooleanField(_l("Wall for hanging"))

    def __init__(self, *args, zones: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.zone_id.choices = [(zone.id, f"{zone.code} · {zone.label}") for zone in zones]
        self.tier.choices = BoothTier.choices()


class BoothImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])


class DeadlineForm(FlaskForm):
    applications_close_at = DateTimeLocalField(
        _l("Booth applications close"), validators=[Optional()], format="%Y-%m-%dT%H:%M"
    )


class InviteExhibitorForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of organisation"), validators=[DataRequired()])
    tier = SelectField(_l("Tier"))
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()
        self.tier.choices = ExhibitorTier.choices()


class ExhibitRequestForm(FlaskForm):
    name = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Kind of organisation"), validators=[DataRequired()])
    sector = SelectField(_l("Sector"), validators=[DataRequired()])
    description = TranslatedField(_l("What you would show"), long=True, max_length=2000)
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), validators=[DataRequired(), Email(), Length(max=254)])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = _kind_choices()
        self.sector.choices = Sector.choices()


class TierForm(FlaskForm):
    tier = SelectField(_l("Tier"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.tier.choices = ExhibitorTier.choices()


class AssignForm(FlaskForm):
    booth_id = SelectField(_l("Booth"), coerce=int, validators=[DataRequired()])
    exhibitor_id = SelectField(_l("Exhibitor"), coerce=int, validators=[DataRequired()])


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


class ProfileForm(FlaskForm):
    description = TranslatedField(_l("Description"), required=False, long=True, max_length=2000)
    sector = SelectField(_l("Sector"), validators=[Optional()])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    offers = MultiCheckboxField(_l("What we offer"))
    seeks = MultiCheckboxField(_l("What we seek"))
    logo = FileField(_l("Logo"), description=_l("PNG, JPEG or WebP, 2 MB at most."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", "—"), *Sector.choices()]
        self.offers.choices = Partnership.choices()
        self.seeks.choices = Partnership.choices()


class StaffForm(FlaskForm):
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Email(), Length(max=254)])


class ScanForm(FlaskForm):
    code = StringField(_l("Badge code"), validators=[DataRequired(), Length(max=200)])


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])
