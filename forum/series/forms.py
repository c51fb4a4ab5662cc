"""The series' forms: a target of the strategy, an analyst's account, a copy from an earlier edition."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, ValidationError

from forum.db import translated
from forum.i18n import region_name
from forum.registration.forms.fields import MultiCheckboxField
from forum.series.services import INDICATORS
from forum.series.services.edition import ITEMS


class TargetForm(FlaskForm):
    year = IntegerField(
        _l("Year"), validators=[InputRequired(), NumberRange(min=2000, max=2100)], default=lambda: date.today().year
    )
    indicator = SelectField(_l("Indicator"), validators=[DataRequired()], choices=[])
    value = IntegerField(_l("Target"), validators=[InputRequired(), NumberRange(min=0, max=10_000_000)])
    from_year = IntegerField(
        _l("Counted from (year)"),
        validators=[Optional(), NumberRange(min=2000, max=2100)],
        description=_l("For a target reached over several years (650 associations from 2022 to 2026), the first "
                       "year; empty: the target's year alone."),
    )  # fmt: skip
    submit = SubmitField(_l("Save the target"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.indicator.choices = [(i.key, i.title) for i in INDICATORS.values()]

    def validate_from_year(self, field: IntegerField) -> None:
        if field.data is not None and self.year.data is not None and field.data > self.year.data:
            raise ValidationError(_l("The first year counted cannot come after the target's year."))


class AnalystForm(FlaskForm):
    email = EmailField(_l("E-mail of the account"), validators=[DataRequired(), Email(), Length(max=254)])
    submit = SubmitField(_l("Make series analyst"))


class CopyEditionForm(FlaskForm):
    source = SelectField(_l("Copy from"), validators=[DataRequired()], coerce=int, choices=[])
    items = MultiCheckboxField(_l("What to copy"), choices=[(key, title) for key, title in ITEMS.items()])
    submit = SubmitField(_l("Copy into this forum"))

    def __init__(self, sources, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.source.choices = [
            (f.id, f"{region_name(f.region)} · {translated(f.title)} · {f.starts_on.year}") for f in sources
        ]
