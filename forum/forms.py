"""Form pieces shared by every module: per-language texts, a bare CSRF form for buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, StringField, TextAreaField
from wtforms.validators import Length, Optional

LANGUAGE_LABELS = {"ar": _l("Arabic"), "fr": _l("French"), "en": _l("English")}


def _translated_form(field_class: type, max_length: int, required: bool) -> type[Form]:
    class TranslatedTextForm(Form):
        ar = field_class(LANGUAGE_LABELS["ar"], validators=[Optional(), Length(max=max_length)])
        fr = field_class(LANGUAGE_LABELS["fr"], validators=[Optional(), Length(max=max_length)])
        en = field_class(LANGUAGE_LABELS["en"], validators=[Optional(), Length(max=max_length)])

        def validate(self, extra_validators=None) -> bool:
            valid = super().validate(extra_validators)
            if required and not any((value or "").strip() for value in self.data.values()):
                self.form_errors.append(_l("Give this text in at least one language."))
                return False
            return valid

    return TranslatedTextForm


def TranslatedField(label: Any, *, required: bool = True, long: bool = False, max_length: int = 300) -> FormField:
    """A text given per language; .data is {"ar": ..., "fr": ..., "en": ...} (see clean_translations)."""
    field = FormField(_translated_form(TextAreaField if long else StringField, max_length, required), label=label)
    return field


def clean_translations(data: dict[str, str | None]) -> dict[str, str]:
    return {lang: text.strip() for lang, text in data.items() if lang in LANGUAGE_LABELS and text and text.strip()}


class ConfirmForm(FlaskForm):
    """A form with nothing but its CSRF token, for POST-only buttons (delete, approve, ...)."""
