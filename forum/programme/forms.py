"""Forms of the programme: rooms, speakers, sessions, moving a session in the timetable."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from forum import images
from forum.forms import EnumSelectField, TranslatedField
from forum.inputs import MAX_ID
from forum.programme.models import SessionKind

TIME_FORMAT = "%Y-%m-%dT%H:%M"


def _optional_id(value: str | int | None) -> int | None:
    return int(value) if value not in (None, "", "0", 0) else None


class RoomForm(FlaskForm):
    name = TranslatedField(_l("Name"))
    capacity = IntegerField(_l("Seats"), validators=[DataRequired(), NumberRange(min=1, max=100000)])
    is_accessible = BooleanField(_l("Accessible to wheelchair users"), default=True)
    position = IntegerField(
        _l("Column in the timetable"), validators=[Optional(), NumberRange(min=0, max=999)], default=0
    )


class SpeakerForm(FlaskForm):
    name_ar = StringField(_l("Name in Arabic script"), validators=[Optional(), Length(max=200)])
    name_latin = StringField(_l("Name in Latin script"), validators=[Optional(), Length(max=200)])
    job_title = StringField(_l("Title or position"), validators=[Optional(), Length(max=200)])
    organisation = StringField(_l("Organisation"), validators=[Optional(), Length(max=200)])
    bio = TranslatedField(_l("Short biography"), required=False, long=True, max_length=1500)
    photo = FileField(
        _l("Photo (JPEG or PNG, up to 2 MB)"),
        validators=[FileAllowed(["jpg", "jpeg", "png"], _l("Choose a JPEG or PNG image.")), FileSize(2 * 1024 * 1024)],
    )
    registration_id = SelectField(
        _l("Their registration (badge, check-in, personal agenda)"),
        coerce=_optional_id,
        validators=[Optional()],
        description=_l("Registrations in the Speaker category. Register the speaker first if they are not listed."),
    )

    def __init__(self, *args, registrations=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.registration_id.choices = [("", "—")] + [(r.id, f"{r.display_name} · {r.email}") for r in registrations]

    #: the uploaded photo, checked and re-encoded by validation like the logos (None when none was sent)
    photo_png: bytes | None = None

    def validate_name_latin(self, field) -> None:
        if not (field.data or "").strip() and not (self.name_ar.data or "").strip():
            raise ValidationError(_l("Give the speaker's name in Arabic or Latin script."))

    def validate_photo(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.photo_png = images.clean_photo(upload.read())
        except images.ImageError as error:
            raise ValidationError(str(error)) from None


class SessionForm(FlaskForm):
    kind = EnumSelectField(_l("Kind"), validators=[DataRequired()], enum=SessionKind)
    title = TranslatedField(_l("Title"))
    description = TranslatedField(_l("Description"), required=False, long=True, max_length=5000)
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=120)])
    room_id = SelectField(_l("Room"), coerce=_optional_id, validators=[Optional()])
    # InputRequired, not DataRequired: a time left out of the post must not pass with the stored one (UTC)
    starts_at = DateTimeLocalField(_l("Starts"), format=TIME_FORMAT, validators=[InputRequired()])
    ends_at = DateTimeLocalField(_l("Ends"), format=TIME_FORMAT, validators=[InputRequired()])
    capacity = IntegerField(
        _l("Seats"),
        validators=[Optional(), NumberRange(min=1, max=100000)],
        description=_l("Leave empty to use the room's seats."),
    )
    is_signup_required = BooleanField(_l("Participants must sign up"))
    speaker_ids = SelectMultipleField(_l("Speakers"), coerce=int, validators=[Optional()])
    moderator_id = SelectField(_l("Moderator"), coerce=_optional_id, validators=[Optional()])
    rapporteur_id = SelectField(_l("Rapporteur"), coerce=_optional_id, validators=[Optional()])
    is_cancelled = BooleanField(_l("Cancelled"))

    def __init__(self, *args, rooms=(), speakers=(), rapporteurs=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        none = ("", "—")
        self.room_id.choices = [none] + [(r.id, r.label) for r in rooms]
        self.speaker_ids.choices = [(s.id, s.display_name) for s in speakers]
        self.moderator_id.choices = [none] + [(s.id, s.display_name) for s in speakers]
        self.rapporteur_id.choices = [none] + [(u.id, u.name) for u in rapporteurs]

    def validate_ends_at(self, field) -> None:
        if self.starts_at.errors or field.errors:
            return
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("A session must end after it starts."))


class MoveForm(FlaskForm):
    """Where the timetable editor (drag, resize) puts a session; times are local to the forum."""

    room_id = IntegerField(validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    starts_at = DateTimeLocalField(format=TIME_FORMAT, validators=[DataRequired()])
    ends_at = DateTimeLocalField(format=TIME_FORMAT, validators=[DataRequired()])
