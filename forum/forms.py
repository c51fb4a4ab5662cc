"""Form pieces shared by every module: per-language texts, fields over enums, a bare CSRF form for buttons."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form, FormField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from forum.db import TitledEnum

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


class _EnumChoices:
    """Choices drawn from a TitledEnum; `.data` is a member (None for the empty answer)."""

    def __init__(self, label: Any = None, validators: Any = None, *, enum: type[TitledEnum], **kwargs: Any) -> None:
        self.enum = enum
        kwargs.setdefault("choices", enum.choices)
        super().__init__(label, validators, coerce=self._member, **kwargs)  # type: ignore[call-arg]

    def _member(self, value: Any) -> TitledEnum | Any:
        if value is None or value == "":
            return None
        try:
            return self.enum(value)
        except ValueError:
            return value  # not a member: the choice check answers "Not a valid choice."

    def offer(self, members: Iterable[TitledEnum], *, blank: Any = None) -> None:
        """Offer only these members (in this order), after an empty choice labelled `blank` if given."""
        self.choices = ([("", blank)] if blank is not None else []) + [(m.value, m.title) for m in members]


class EnumSelectField(_EnumChoices, SelectField):
    """A select over a TitledEnum: filled from a member, its data a member."""


class EnumRadioField(_EnumChoices, RadioField):
    """Radio buttons over a TitledEnum: filled from a member, its data a member."""
