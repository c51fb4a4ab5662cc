"""The filtered registration list as CSV (UTF-8 with a BOM, so Excel shows Arabic) and as XLSX, through
the one spreadsheet writer (forum/spreadsheets.py)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import lazy_gettext as _l

from forum import spreadsheets
from forum.i18n import local_datetime, province_name
from forum.registration.models import Registration


def columns() -> list[tuple[Any, Any]]:
    """(heading, value of a registration) for each exported column."""
    return [
        (_l("Number"), lambda r: r.id),
        (_l("Status"), lambda r: r.status.title),
        (_l("Full name in Arabic script"), lambda r: r.name_ar or ""),
        (_l("Full name in Latin script"), lambda r: r.name_latin or ""),
        (_l("E-mail"), lambda r: r.email),
        (_l("Phone"), lambda r: r.phone or ""),
        (_l("Organisation"), lambda r: r.organisation.name if r.organisation else ""),
        (_l("Organisation kind"), lambda r: r.organisation.kind.title if r.organisation else ""),
        (_l("Role or title"), lambda r: r.job_title or ""),
        (_l("Category"), lambda r: r.category.title),
        (_l("Gender"), lambda r: r.gender.title),
        (_l("Province"), lambda r: province_name(r.province)),
        (_l("Urban or rural"), lambda r: r.area.title if r.area else ""),
        (_l("Preferred language"), lambda r: r.locale),
        (_l("Person with a disability"), lambda r: _yes_no(r.has_disability)),
        (_l("Accessibility needs"), lambda r: ", ".join(r.accessibility_needs or [])),
        (_l("Other needs"), lambda r: r.accessibility_note or ""),
        (_l("Shares contact details with exhibitors"), lambda r: _yes_no(r.shares_contact)),
        (_l("E-mail confirmed"), lambda r: local_datetime(r.email_confirmed_at, "short")),
        (_l("Registered"), lambda r: local_datetime(r.created_at, "short")),
        (_l("Decided"), lambda r: local_datetime(r.decided_at, "short")),
    ]


def _yes_no(value: bool) -> str:
    return str(_l("Yes") if value else _l("No"))


def _table(registrations: Iterable[Registration]) -> tuple[list[str], Iterable[list[Any]]]:
    cols = columns()
    headings = [str(heading) for heading, _ in cols]
    return headings, ([value(r) for _, value in cols] for r in registrations)


def to_csv(registrations: Iterable[Registration]) -> bytes:
    """The registrations as CSV, through the one spreadsheet writer."""
    return spreadsheets.to_csv(*_table(registrations))


def to_xlsx(registrations: Iterable[Registration], *, right_to_left: bool = False) -> bytes:
    """The registrations as an XLSX sheet, through the one spreadsheet writer."""
    return spreadsheets.to_xlsx(*_table(registrations), title=_l("Registrations"), right_to_left=right_to_left)
