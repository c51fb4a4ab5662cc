"""Locale choice, text direction, and locale-aware formatting helpers for templates."""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from zoneinfo import ZoneInfo

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_date, format_datetime, format_decimal, format_time, get_locale
from flask_login import current_user

from forum import geo
from forum.db import translated, utcnow

DEFAULT_TIMEZONE = "Africa/Casablanca"


def select_locale() -> str:
    """Explicit choice (session) → the user's saved language → Accept-Language → forum → Arabic."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.cookies:  # without a cookie there is no session to read nor account to load (scanning devices)
        chosen = session.get("locale")
        if chosen in languages:
            return chosen
        if current_user and current_user.is_authenticated and current_user.locale in languages:
            return current_user.locale
    best = request.accept_languages.best_match(languages)
    if best:
        return best
    forum = g.get("forum")
    if forum is not None and forum.default_locale in languages:
        return forum.default_locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def select_timezone() -> str:
    forum = g.get("forum")
    return forum.timezone if forum is not None else DEFAULT_TIMEZONE


def text_direction(locale: str | None = None) -> str:
    return Locale.parse(locale or str(get_locale())).text_direction


def person_name(name_ar: str | None, name_latin: str | None, locale: str | None = None) -> str:
    """A name given in both scripts, as the reader's language writes it: the Arabic-script form on
    Arabic pages and mail, the Latin-script form in French and English; the one given when only one is."""
    arabic = (locale or str(get_locale() or "ar")) == "ar"
    return (name_ar or name_latin or "") if arabic else (name_latin or name_ar or "")


def to_zone(value: datetime, zone: str | tzinfo) -> datetime:
    return value.astimezone(ZoneInfo(zone) if isinstance(zone, str) else zone)


def local_datetime(value: datetime | None, format: str = "medium") -> str:
    """A UTC datetime shown in the current forum's timezone, in the page's language."""
    return "" if value is None else format_datetime(value, format)


def local_time(value: datetime | None, format: str = "short") -> str:
    return "" if value is None else format_time(value, format)


def local_date(value: date | datetime | None, format: str = "medium") -> str:
    if value is None:
        return ""
    return format_date(value, format)


def number(value: float | int) -> str:
    return format_decimal(value)


def region_name(code: str | None) -> str:
    try:
        return geo.region(code).name() if code else ""
    except KeyError:
        return code or ""


def province_name(code: str | None) -> str:
    try:
        return geo.province(code).name() if code else ""
    except KeyError:
        return code or ""


def register_i18n(app: Flask) -> None:
    """Template globals and filters; the CLI group `flask translate` lives in forum.cli."""

    @app.context_processor
    def locale_context() -> dict:
        locale = str(get_locale())
        return {
            "locale_tag": locale,
            "text_direction": text_direction(locale),
            "languages": [(code, Locale.parse(code).get_display_name(code)) for code in app.config["LANGUAGES"]],
        }

    app.jinja_env.globals.update(
        region_name=region_name, province_name=province_name, person_name=person_name, now=utcnow
    )
    app.add_template_filter(translated, "tr")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(local_time, "time")
    app.add_template_filter(local_date, "date")
    app.add_template_filter(number, "number")
