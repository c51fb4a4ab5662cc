"""Forms of partnerships: the profile, a meeting request and its answer, the organisers' meeting plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from forum import geo
from forum.forms import EnumRadioField, EnumSelectField, TranslatedField, clean_translations
from forum.i18n import local_date, local_time
from forum.partnerships.models import Outcome, PartnershipStatus
from forum.partnerships.vocabulary import Support
from forum.registration.forms.fields import MultiCheckboxField
from forum.registration.models import Area


class ProfileForm(FlaskForm):
    offers = MultiCheckboxField(_l("What we offer"))
    needs = MultiCheckboxField(_l("What we need"))
    themes = MultiCheckboxField(_l("Themes we work on"))
    provinces = MultiCheckboxField(_l("Provinces we serve"))
    pitch = TranslatedField(_l("A short pitch"), required=False, long=True, max_length=600)
    is_open_to_meetings = BooleanField(_l("I accept meeting requests"), default=True)
    project_title = StringField(_l("A project seeking support (title)"), validators=[Optional(), Length(max=200)])
    project_summary = TextAreaField(_l("Summary of the project"), validators=[Optional(), Length(max=2000)])
    project_amount = IntegerField(_l("Amount sought (dirhams)"), validators=[Optional(), NumberRange(0, 1_000_000_000)])
    project_beneficiaries = IntegerField(_l("Beneficiaries"), validators=[Optional(), NumberRange(0, 10_000_000)])
    project_province = SelectField(_l("Province of the project"), validators=[Optional()])
    project_area = EnumSelectField(_l("Urban or rural"), validators=[Optional()], enum=Area)
    consent = BooleanField(
        _l(
            "I agree that my name, my organisation and this profile are shown to the participants of this "
            "forum so that they can ask me for a meeting (law 09-08). My e-mail and phone are never shown. "
            "I can take the profile down at any time."
        )
    )

    def __init__(self, *args, themes: list[str], region: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offers.choices = Support.choices()
        self.needs.choices = Support.choices()
        self.themes.choices = [(t, t) for t in themes]
        self.provinces.choices = geo.province_choices(region)
        self.project_province.choices = [("", "—"), *geo.province_choices()]
        self.project_area.offer(Area, blank="—")

    def profile(self) -> dict:
        """The profile as services.save_profile takes it."""
        data = {name: self[name].data for name in ("offers", "needs", "themes", "provinces", "is_open_to_meetings")}
        data.update({name: self[name].data for name in self._fields if name.startswith("project_")})
        data["pitch"] = clean_translations(self.pitch.data)
        return data


class RequestForm(FlaskForm):
    message = TextAreaField(
        _l("Your message"),
        validators=[DataRequired(), Length(max=1000)],
        description=_l("Say who you are and what you would like to talk about."),
    )
    is_important = BooleanField(_l("This meeting matters most to me"))


class DeclineForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=300)])


class BookForm(FlaskForm):
    slot = SelectField(_l("Time"), coerce=int, validators=[InputRequired()])

    def __init__(self, *args, slots, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.offer(slots)

    def offer(self, slots) -> None:
        """The slots to choose from (a booking may name any slot of the forum: the booking says why one
        that was free when the page was shown no longer is)."""
        self.slot.choices = [(s.id, slot_label(s)) for s in slots]


def slot_label(slot) -> str:
    """A slot as a person reads it: "Fri 13 Feb · 14:00–14:20"."""
    return f"{local_date(slot.starts_at, 'EEE d MMM')} · {local_time(slot.starts_at)}–{local_time(slot.ends_at)}"


class ScanForm(FlaskForm):
    code = StringField(_l("Badge code of the person you meet"), validators=[DataRequired(), Length(max=200)])


class SettingsForm(FlaskForm):
    booking_opens_at = DateTimeLocalField(_l("Requests open on"), validators=[Optional()])
    booking_closes_at = DateTimeLocalField(_l("Requests and bookings close on"), validators=[Optional()])
    max_meetings = IntegerField(
        _l("Meetings per person at most"), default=8, validators=[InputRequired(), NumberRange(1, 40)]
    )


class SlotsForm(FlaskForm):
    day = SelectField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("To"), validators=[InputRequired()])
    minutes = IntegerField(_l("Minutes per meeting"), default=20, validators=[InputRequired(), NumberRange(5, 240)])
    pause = IntegerField(
        _l("Minutes of break between meetings"), default=5, validators=[InputRequired(), NumberRange(0, 120)]
    )

    def __init__(self, *args, days, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day.choices = day_choices(days)


def day_choices(days) -> list[tuple[str, str]]:
    """The forum's days as a select offers them: ("2026-02-13", "vendredi 13 février")."""
    return [(d.isoformat(), local_date(d, "EEEE d MMMM")) for d in days]


class DutyForm(FlaskForm):
    staff = SelectField(_l("Staff member"), coerce=int, validators=[InputRequired()])
    day = SelectField(_l("Day"), validators=[InputRequired()])
    start = TimeField(_l("From"), validators=[InputRequired()])
    end = TimeField(_l("To"), validators=[InputRequired()])

    def __init__(self, *args, staff, days, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.staff.choices = [(member.id, member.user.name) for member in staff]
        self.day.choices = day_choices(days)


class TablesForm(FlaskForm):
    count = IntegerField(_l("Tables to add"), default=10, validators=[InputRequired(), NumberRange(1, 500)])


class ScheduleForm(FlaskForm):
    favour_sectors = BooleanField(_l("Place meetings with companies and donors first"))


class OutcomeForm(FlaskForm):
    outcome = EnumRadioField(_l("What came of the meeting"), validators=[InputRequired()], enum=Outcome)
    kind = SelectField(_l("Kind of partnership"), validators=[Optional()])
    amount = IntegerField(
        _l("Amount of the help (dirhams, optional)"), validators=[Optional(), NumberRange(0, 1_000_000_000)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.outcome.offer(Outcome)
        self.kind.choices = [("", "—"), *Support.choices()]


class StatusForm(FlaskForm):
    status = EnumRadioField(_l("Where the partnership stands"), validators=[InputRequired()], enum=PartnershipStatus)
    amount = IntegerField(
        _l("Amount of the help (dirhams, optional)"), validators=[Optional(), NumberRange(0, 1_000_000_000)]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.status.offer(PartnershipStatus)


class InvitationImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired()])
