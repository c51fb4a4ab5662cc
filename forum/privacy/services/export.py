"""Everything Multaqa holds about a person at a forum, as JSON and as a readable PDF in their language."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from forum import hooks
from forum.db import utcnow
from forum.extensions import db
from forum.i18n import province_name
from forum.privacy.models import ConsentText
from forum.registration.models import Registration

REGISTRATION_LABELS = {
    "id": _l("Number"),
    "status": _l("Status"),
    "name_ar": _l("Full name in Arabic script"),
    "name_latin": _l("Full name in Latin script"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "organisation": _l("Organisation"),
    "job_title": _l("Role or title"),
    "category": _l("Category"),
    "gender": _l("Gender"),
    "province": _l("Province"),
    "area": _l("Urban or rural"),
    "locale": _l("Preferred language"),
    "has_disability": _l("Person with a disability"),
    "accessibility_needs": _l("Accessibility needs"),
    "accessibility_note": _l("Other needs"),
    "shares_contact": _l("Shares contact details with exhibitors"),
    "consent_at": _l("Consent given"),
    "consent_text": _l("Consent wording accepted"),
    "created_at": _l("Registered"),
    "email_confirmed_at": _l("E-mail confirmed"),
}


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def registration_section(registration: Registration) -> hooks.PersonalDataSection:
    """The registration itself: every field the person gave or that was decided about them."""
    consent = db.session.get(ConsentText, registration.consent_text_id) if registration.consent_text_id else None
    record = {
        "id": registration.id,
        "status": str(registration.status.title),
        "name_ar": registration.name_ar,
        "name_latin": registration.name_latin,
        "email": registration.email,
        "phone": registration.phone,
        "organisation": registration.organisation.name if registration.organisation else None,
        "job_title": registration.job_title,
        "category": str(registration.category.title),
        "gender": str(registration.gender.title),
        "province": province_name(registration.province) if registration.province else None,
        "area": str(registration.area.title) if registration.area else None,
        "locale": registration.locale,
        "has_disability": registration.has_disability,
        "accessibility_needs": list(registration.accessibility_needs or []),
        "accessibility_note": registration.accessibility_note,
        "shares_contact": registration.shares_contact,
        "consent_at": _when(registration.consent_at),
        "consent_text": consent.texts.get(registration.locale) if consent else None,
        "created_at": _when(registration.created_at),
        "email_confirmed_at": _when(registration.email_confirmed_at),
    }
    return hooks.PersonalDataSection("registration", _l("Your registration"), [record], REGISTRATION_LABELS)


def personal_sections(registration: Registration) -> list[hooks.PersonalDataSection]:
    """The registration, then what every module holds about the person (the `personal_data` hook)."""
    return [registration_section(registration), *hooks.personal_data.collect(registration)]


def export_data(registration: Registration, *, now: datetime | None = None) -> dict[str, Any]:
    """The whole export as JSON-ready data, its titles in the person's language."""
    with force_locale(registration.locale):
        return {
            "forum": {"slug": registration.forum.slug, "title": registration.forum.title},
            "generated_at": (now or utcnow()).isoformat(),
            "sections": [
                {"key": section.key, "title": str(section.title), "records": section.records}
                for section in personal_sections(registration)
            ],
        }


def export_json(registration: Registration, *, now: datetime | None = None) -> bytes:
    """The export as a UTF-8 JSON file."""
    return json.dumps(export_data(registration, now=now), ensure_ascii=False, indent=2).encode()


def _shown(value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_l("Yes") if value else _l("No"))
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


def export_html(registration: Registration, *, now: datetime | None = None) -> str:
    """The export as a print document in the person's language (the PDF's source)."""
    fonts = (Path(current_app.static_folder or "static") / "fonts").resolve().as_uri()
    with force_locale(registration.locale):
        sections = personal_sections(registration)
        return render_template(
            "privacy/export_pdf.html",
            registration=registration,
            forum=registration.forum,
            sections=sections,
            shown=_shown,
            font_dir=fonts,
            generated_at=now or utcnow(),
        )


def export_pdf(registration: Registration, *, now: datetime | None = None) -> bytes:
    """The export as a PDF (a few pages: rendered in the request, rate-limited by the view)."""
    from weasyprint import HTML  # here, not at the top: importing WeasyPrint takes seconds

    from forum.recommendations.report import _static_only_fetcher  # the one fetcher that reads static/ only

    static = Path(current_app.static_folder or "static").resolve()
    html = export_html(registration, now=now)
    return HTML(string=html, base_url="http://multaqa.invalid/", url_fetcher=_static_only_fetcher(static)).write_pdf()
