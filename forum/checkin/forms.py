"""Forms of the check-in module: desks and list settings."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length


class DeskForm(FlaskForm):
    name = StringField(
        _l("Desk name"), validators=[DataRequired(), Length(max=80)], description=_l("e.g. Entrance desk 2")
    )


class ListSettingsForm(FlaskForm):
    allows_reentry = BooleanField(_l("Allow re-entry after an exit"))
    records_exits = BooleanField(_l("Record exits (count who is inside now)"))
