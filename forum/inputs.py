"""What every request may carry, made storable in one place, before any view or form reads it.

- Text: the control characters no person types (C0 but tab, line feed and carriage return; DEL) and
  lone UTF-16 surrogates (which a JSON body may spell as `\\ud800`) are removed from every form
  field, query argument and JSON string. PostgreSQL cannot store U+0000 at all and XML (XLSX, PDFs,
  e-mails) refuses the others; stripping them once here keeps every form, page and API whole. A page
  whose form lost such characters says so, and the form comes back with the rest of the text.
- Addresses: a path segment holding a control character matches no route (404), and an `<int:…>`
  larger than the database's integer is not a number of ours either (404), so no view sees them.
- WTForms' own messages (Flask-WTF reads them from the request) are loaded once per process and
  language, not parsed again for every form.
- The database's own refusal of a value (a number out of range, a text it cannot hold) is a bad
  request (400), never a server error: the safety net behind the form validators.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any

import sqlalchemy as sa
from babel.support import Translations
from flask import Flask, Request, flash, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter, UnicodeConverter
from werkzeug.utils import cached_property
from wtforms.i18n import messages_path

from forum.extensions import db

logger = logging.getLogger(__name__)

#: the characters removed from every input (see the module's docstring)
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: the largest id of a row (PostgreSQL's `integer`)
MAX_ID = 2**31 - 1


def clean_text(value: str) -> str:
    """The text without the control characters and lone surrogates that cannot be stored."""
    return CONTROL_CHARACTERS.sub("", value)


def clean_data(value: Any) -> Any:
    """A decoded JSON value with every string in it (keys too) cleaned by clean_text."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, list):
        return [clean_data(item) for item in value]
    if isinstance(value, dict):
        return {clean_data(key): clean_data(item) for key, item in value.items()}
    return value


def _cleaned(values: ImmutableMultiDict) -> tuple[ImmutableMultiDict, bool]:
    items = list(values.items(multi=True))
    if not any(CONTROL_CHARACTERS.search(value) for _key, value in items if isinstance(value, str)):
        return values, False
    return ImmutableMultiDict([(clean_text(key), clean_text(value)) for key, value in items]), True


class CleanRequest(Request):
    """The request every view reads: its form, query and JSON strings already cleaned."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form, changed = _cleaned(self.__dict__["form"])
        if changed:
            self.__dict__["form"] = form
            flash(_("Invisible control characters were removed from what you sent; please check the text."), "info")

    @cached_property
    def args(self) -> ImmutableMultiDict:  # type: ignore[override]
        return _cleaned(super().args)[0]

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:  # type: ignore[override]
        return clean_data(super().get_json(force=force, silent=silent, cache=cache))

    @cached_property
    def wtforms_translations(self) -> Translations:
        """WTForms' own messages in the request's language, where Flask-WTF looks for them first: loaded
        once per process and language (Flask-WTF would read and parse the catalogue for every request
        with a form)."""
        return _wtforms_translations(str(get_locale()))


@cache
def _wtforms_translations(locale: str) -> Translations:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class SegmentConverter(UnicodeConverter):
    """A path segment (the default converter) that holds no control character."""

    def __init__(self, map: Any, minlength: int = 1, maxlength: int | None = None, length: int | None = None):
        super().__init__(map, minlength, maxlength, length)
        self.regex = self.regex.replace("[^/]", r"[^/\x00-\x1f\x7f]", 1)


class IdConverter(IntegerConverter):
    """`<int:…>` bounded by the database's integer: a larger number names no row (404)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID, signed=False):
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_input_hygiene(app: Flask) -> None:
    """Clean every request's text, bound the addresses' ids and answer the database's refusals with 400.

    Called before any blueprint is registered: routes take their converters when they are added."""
    app.request_class = CleanRequest
    app.url_map.converters.update(default=SegmentConverter, string=SegmentConverter, int=IdConverter)

    @app.errorhandler(sa.exc.DataError)
    @app.errorhandler(OverflowError)
    def value_refused(error: Exception):
        db.session.rollback()
        logger.info("value refused by the database at %s: %s", request.endpoint, type(error).__name__)
        message = _("A value sent is outside what can be stored (a number too large, or a text too long).")
        if request.path.startswith("/api/") or request.is_json:
            return jsonify(error=400, message=message), 400
        return render_template("errors/error.html", code=400, description=message), 400
