"""Forms of the messages: a message (its segment and texts), the preview's recipient, the reminder."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from forum import geo, images
from forum.db import translated
from forum.forms import EnumRadioField, TranslatedField, clean_translations
from forum.messages.models import CertificateLayout, Channel, MaterialKind, QuestionKind
from forum.messages.services import Segment, unknown_placeholders
from forum.registration.forms import MultiCheckboxField
from forum.registration.models import Area, Category, RegistrationStatus

GROUP_CHOICES = [("exhibitors", _l("Exhibitors and their staff")), ("speakers", _l("Speakers"))]
ATTENDANCE_CHOICES = [
    ("", _l("Present or not")),
    ("present", _l("Present (welcomed at the entrance)")),
    ("absent", _l("Absent (never welcomed at the entrance)")),
]


class SegmentForm(FlaskForm):
    """Who a message reaches; each criterion left empty does not restrict."""

    statuses = MultiCheckboxField(_l("Registration status"), choices=RegistrationStatus.choices)
    categories = MultiCheckboxField(_l("Category"), choices=Category.choices)
    provinces = SelectMultipleField(_l("Province"), choices=[])
    areas = MultiCheckboxField(_l("Urban or rural"), choices=Area.choices)
    sessions = MultiCheckboxField(_l("Signed up to the workshop"), choices=[], coerce=int)
    attendance = RadioField(_l("Attendance"), choices=ATTENDANCE_CHOICES, default="")
    groups = MultiCheckboxField(_l("Only"), choices=GROUP_CHOICES)

    def offer(self, workshops: list[tuple[int, str]]) -> None:
        """Fill the choices that depend on the forum and the language."""
        self.provinces.choices = geo.province_choices()
        self.sessions.choices = workshops

    @property
    def segment(self) -> Segment:
        return Segment.of(
            {
                "statuses": self.statuses.data or [],
                "categories": self.categories.data or [],
                "provinces": self.provinces.data or [],
                "areas": self.areas.data or [],
                "sessions": self.sessions.data or [],
                "attendance": self.attendance.data or "",
                "groups": self.groups.data or [],
            }
        )


class MessageForm(SegmentForm):
    channel = EnumRadioField(_l("Send by"), enum=Channel, default=Channel.email.value)
    is_essential = BooleanField(
        _l("About their registration"),
        description=_l("Reaches also those who stopped the forum's messages; use it only for practical facts."),
    )
    subject = TranslatedField(_l("Subject"), max_length=200)
    body = TranslatedField(_l("Text"), long=True, max_length=5000)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        unknown = sorted({word for text in self.body.data.values() for word in unknown_placeholders(text or "")})
        if unknown:
            names = ", ".join("{" + word + "}" for word in unknown)
            self.body.form.form_errors.append(
                _l("Unknown placeholder: %(names)s. Use {name}, {forum} or {link}.", names=names)
            )
            return False
        return valid

    @property
    def texts(self) -> tuple[dict[str, str], dict[str, str]]:
        return clean_translations(self.subject.data), clean_translations(self.body.data)


class PreviewForm(FlaskForm):
    class Meta:
        csrf = False

    recipient = SelectField(_l("Preview as"), coerce=int, choices=[], validate_choice=True)


class ReminderForm(FlaskForm):
    is_enabled = BooleanField(_l("Send the reminder automatically"))
    days_before = IntegerField(
        _l("Days before the forum"), default=1, validators=[InputRequired(), NumberRange(min=0, max=60)]
    )
    practical_info = TranslatedField(_l("Practical information"), required=False, long=True, max_length=3000)


class CertificateSettingsForm(FlaskForm):
    layout = EnumRadioField(_l("Language of the certificates"), enum=CertificateLayout)
    signatory = TranslatedField(_l("Signed by (name and office)"), required=False, max_length=200)
    signature = FileField(
        _l("Signature image"),
        description=_l("PNG, JPEG or WebP, 2 MB at most, printed at the foot of each certificate."),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_signature = BooleanField(_l("Remove the signature image"))

    #: the uploaded image, checked and re-encoded by validation (None when none was sent)
    signature_png: bytes | None = None

    def validate_signature(self, field) -> None:
        upload = field.data
        if not upload or not getattr(upload, "filename", ""):
            return
        try:
            self.signature_png = images.clean_logo(upload.read())
        except images.ImageError as error:
            raise ValidationError(str(error)) from None


class CertificateIssueForm(FlaskForm):
    send_mail = BooleanField(_l("E-mail each person the link to their certificate"), default=True)


class QuestionForm(FlaskForm):
    kind = EnumRadioField(_l("Kind of answer"), enum=QuestionKind, default=QuestionKind.rating.value)
    text = TranslatedField(_l("Question"), max_length=300)
    choices = TranslatedField(_l("Choices, one a line"), required=False, long=True, max_length=2000)
    session_id = SelectField(_l("About the workshop"), coerce=int, choices=[])

    def offer(self, workshops: list[tuple[int, str]]) -> None:
        """The forum's workshops, after "the whole forum"."""
        self.session_id.choices = [(0, _l("The whole forum"))] + workshops

    @property
    def choice_list(self) -> list[dict[str, str]]:
        """The choices as [{"ar": ..., "fr": ...}, ...] (the same number of lines in each language)."""
        lines = {
            lang: [line.strip() for line in text.splitlines() if line.strip()]
            for lang, text in clean_translations(self.choices.data).items()
        }
        count = max((len(v) for v in lines.values()), default=0)
        return [{lang: values[n] for lang, values in lines.items() if n < len(values)} for n in range(count)]

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        counts = {
            len([x for x in (t or "").splitlines() if x.strip()])
            for t in self.choices.data.values()
            if (t or "").strip()
        }
        if len(counts) > 1:
            self.choices.form.form_errors.append(_l("Give the same number of choices in each language."))
            return False
        return valid


def answer_form(questions: list, formdata: Any = None) -> FlaskForm:
    """The survey as a form for one person: one field per question, named q<id>, in the page's language."""

    class AnswerForm(FlaskForm):
        pass

    for question in questions:
        label = translated(question.text)
        name = f"q{question.id}"
        if question.kind == QuestionKind.rating:
            field = RadioField(label, choices=[(str(n), str(n)) for n in range(1, 6)], validators=[Optional()])
        elif question.kind == QuestionKind.single:
            field = RadioField(
                label,
                choices=[(str(n), translated(c)) for n, c in enumerate(question.choices)],
                validators=[Optional()],
            )
        elif question.kind == QuestionKind.multiple:
            field = MultiCheckboxField(label, choices=[(str(n), translated(c)) for n, c in enumerate(question.choices)])
        else:
            field = TextAreaField(label, validators=[Optional(), Length(max=2000)])
        setattr(AnswerForm, name, field)
    return AnswerForm(formdata=formdata) if formdata is not None else AnswerForm()


class MaterialForm(FlaskForm):
    """A file attached to a session; its type is checked from its content by the service."""

    kind = EnumRadioField(_l("What it is"), enum=MaterialKind, default=MaterialKind.slides.value)
    title = StringField(_l("Title"), validators=[InputRequired(), Length(max=200)])
    file = FileField(
        _l("File"),
        description=_l("PDF, slides (PPTX or ODP) or an image (PNG, JPEG, WebP, GIF), 7 MB at most."),
        render_kw={"accept": ".pdf,.pptx,.odp,image/png,image/jpeg,image/webp,image/gif"},
    )
    is_public = BooleanField(_l("Show it on the public programme"), default=True)

    def validate_file(self, field) -> None:
        if not field.data or not getattr(field.data, "filename", ""):
            raise ValidationError(_l("Choose a file."))


class MaterialRemoveForm(FlaskForm):
    """Removing a material (a POST with its CSRF token)."""
