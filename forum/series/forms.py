"""The series' forms: a target of the strategy, an analyst's account."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange

from forum.series.services import INDICATORS


class TargetForm(FlaskForm):
    year = IntegerField(
        _l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)], default=lambda: date.today().year
    )
    indicator = SelectField(_l("Indicator"), validators=[DataRequired()], choices=[])
    value = IntegerField(_l("Target"), validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])
    submit = SubmitField(_l("Save the target"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.choices = [(i.key, i.title) for i in INDICATORS.values()]


class AnalystForm(FlaskForm):
    email = EmailField(_l("E-mail of the account"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Make series analyst"))
