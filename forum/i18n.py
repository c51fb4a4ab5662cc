"""Locale choice, text direction, and locale-aware formatting helpers for templates."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates, lists
from flask import Flask, current_app, g, has_request_context, request, session
from flask_babel import format_decimal, get_locale
from flask_login import current_user

from forum import geo
from forum.audit import action_title
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
    """The timezone pages show times in: the current forum's, else Morocco's."""
    forum = g.get("forum")
    return forum.timezone if forum is not None else DEFAULT_TIMEZONE


def _zone() -> ZoneInfo:
    """The current forum's timezone, from the system's (tzdata) rules. The formatting helpers below
    call Babel with it rather than Flask-Babel's own helpers, which convert through pytz: pytz's
    Africa/Casablanca stops at its last listed change (2026) and puts later Moroccan times an hour
    early (UTC+0 instead of UTC+1)."""
    return ZoneInfo(select_timezone())


def _locale() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def text_direction(locale: str | None = None) -> str:
    """ "rtl" or "ltr": how a language (the current one by default) is written."""
    return Locale.parse(locale or str(get_locale())).text_direction


def person_name(name_ar: str | None, name_latin: str | None, locale: str | None = None) -> str:
    """A name given in both scripts, as the reader's language writes it: the Arabic-script form on
    Arabic pages and mail, the Latin-script form in French and English; the one given when only one is."""
    arabic = (locale or str(get_locale() or "ar")) == "ar"
    return (name_ar or name_latin or "") if arabic else (name_latin or name_ar or "")


def local_datetime(value: datetime | None, format: str = "medium") -> str:
    """A UTC datetime shown in the current forum's timezone, in the page's language. "long" is the
    date written out with the time in hours and minutes ("16 février 2027, 23:00"), not CLDR's long
    form, which adds seconds and the UTC offset."""
    if value is None:
        return ""
    if format != "long":
        return dates.format_datetime(value, format, tzinfo=_zone(), locale=_locale())
    # joined the way CLDR's pattern for the language says, as Babel itself joins its own forms
    pattern = Locale.parse(_locale()).datetime_formats["long"].replace("'", "")
    return pattern.replace("{0}", local_time(value)).replace("{1}", local_date(value, "long"))


def local_time(value: datetime | None, format: str = "short") -> str:
    """A UTC datetime's time of day in the current forum's timezone, in the page's language."""
    return "" if value is None else dates.format_time(value, format, tzinfo=_zone(), locale=_locale())


def local_date(value: date | datetime | None, format: str = "medium") -> str:
    """A date (or a UTC datetime's day in the current forum's timezone), in the page's language."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(_zone())
    return dates.format_date(value, format, locale=_locale())


def as_list(items: Iterable[str], locale: str | None = None) -> str:
    """Names joined as the language joins them: "A, B et C", "A وB وC"."""
    return lists.format_list([str(item) for item in items], locale=locale or _locale())


def number(value: float | int) -> str:
    """A number written as the page's language writes it."""
    return format_decimal(value)


def zone_name(name: str | None = None) -> str:
    """A timezone as people call it in the page's language ("توقيت المغرب", "Morocco Time"), not its
    tz database identifier; the current forum's by default."""
    return dates.get_timezone_location(ZoneInfo(name or select_timezone()), locale=_locale())


def region_name(code: str | None) -> str:
    """The name of a region from its code, in the current language (the code itself if unknown)."""
    try:
        return geo.region(code).name() if code else ""
    except KeyError:
        return code or ""


def province_name(code: str | None) -> str:
    """The name of a province from its code, in the current language (the code itself if unknown)."""
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
        region_name=region_name,
        province_name=province_name,
        person_name=person_name,
        zone_name=zone_name,
        action_title=action_title,
        now=utcnow,
    )
    app.add_template_filter(translated, "tr")
    app.add_template_filter(local_datetime, "datetime")
    app.add_template_filter(as_list, "as_list")
    app.add_template_filter(
        lambda someone, locale=None: person_name(someone.name_ar, someone.name_latin, locale), "person"
    )
    app.add_template_filter(local_time, "time")
    app.add_template_filter(local_date, "date")
    app.add_template_filter(number, "number")
