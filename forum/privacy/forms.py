"""The erasure request: a box that says the person understands it cannot be undone."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired


class ErasureForm(FlaskForm):
    understood = BooleanField(
        _l("I understand that my registration, badge and private link stop working and that this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))],
    )
    submit = SubmitField(_l("Erase my personal data"))
