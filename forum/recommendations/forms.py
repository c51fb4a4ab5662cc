"""The shapes of input: a recommendation, a rejection, a merge, a follow-up, the input window."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forum.forms import EnumSelectField
from forum.recommendations.models import FollowUpStatus, Priority, TargetActor


def submit_anyway_field() -> BooleanField:
    """Ticked when the form came back with similar recommendations and the text is a new one all the same."""
    return BooleanField(_l("Submit anyway: this text says something the similar ones do not"))


class RecommendationForm(FlaskForm):
    text = TextAreaField(_l("Recommendation"), validators=[DataRequired(), Length(max=2000)])
    theme = StringField(
        _l("Theme"),
        validators=[Optional(), Length(max=120)],
        description=_l("Recommendations are grouped by theme in the report."),
        render_kw={"list": "rec-themes", "autocomplete": "off"},
    )
    target_actor = EnumSelectField(_l("Addressed to"), validators=[DataRequired()], enum=TargetActor)
    priority = EnumSelectField(_l("Priority"), enum=Priority, default=Priority.medium)


class NewRecommendationForm(RecommendationForm):
    """A recommendation entered in a workshop's list, which may repeat one entered already."""

    submit_anyway = submit_anyway_field()


class ParticipantRecommendationForm(FlaskForm):
    workshop = SelectField(_l("Workshop"), coerce=int, validators=[DataRequired()])
    text = TextAreaField(_l("Your recommendation"), validators=[DataRequired(), Length(max=2000)])
    theme = StringField(_l("Theme"), validators=[Optional(), Length(max=120)])
    target_actor = EnumSelectField(_l("Addressed to"), validators=[DataRequired()], enum=TargetActor)
    submit_anyway = submit_anyway_field()

    def __init__(self, *args, workshops: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.workshop.choices = [(session.id, session.name) for session in workshops]


class RejectForm(FlaskForm):
    reason = TextAreaField(_l("Reason given to the author"), validators=[DataRequired(), Length(max=1000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MergeForm(FlaskForm):
    duplicates = MultiCheckboxField(
        _l("Duplicates to merge into this recommendation"), coerce=int, validators=[DataRequired()]
    )

    def __init__(self, *args, candidates: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.duplicates.choices = [(r.id, f"#{r.id} · {r.text[:160]}") for r in candidates]


class FollowUpForm(FlaskForm):
    responsible = StringField(_l("Actor responsible"), validators=[Optional(), Length(max=200)])
    status = EnumSelectField(_l("Status"), enum=FollowUpStatus, default=FollowUpStatus.not_started)
    noted_on = DateField(_l("Date of the progress"), validators=[Optional()])
    note = TextAreaField(_l("Progress note"), validators=[Optional(), Length(max=2000)])


class WindowForm(FlaskForm):
    opens_at = DateTimeLocalField(_l("Participants' input opens"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    closes_at = DateTimeLocalField(_l("Participants' input closes"), validators=[Optional()], format="%Y-%m-%dT%H:%M")

    def validate_closes_at(self, field) -> None:
        if self.opens_at.data and field.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The input window must close after it opens."))
