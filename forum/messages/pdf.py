"""Certificates as A4 PDF pages (WeasyPrint, the Noto fonts of the static folder), one person's or a
whole batch in one document; the QR code (qrcode, PNG) opens the signed verification page."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import qrcode
import sqlalchemy as sa
from babel import dates
from flask import current_app, render_template
from flask_babel import force_locale
from markupsafe import Markup

from forum import storage
from forum.db import translated
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import person_name, text_direction
from forum.messages.models import Certificate, CertificateLayout, CertificateSettings
from forum.programme.models import Session
from forum.registration.models import Registration

#: the languages a bilingual certificate is written in, in reading order on the page
BILINGUAL = ("ar", "fr")


def _data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def qr_png(text: str) -> bytes:
    """A QR code of the text (error correction M), small enough to print at 3 cm."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=4, border=2)
    code.add_data(text)
    out = io.BytesIO()
    code.make_image().save(out, "PNG")
    return out.getvalue()


@dataclass
class Batch:
    """What every certificate of a forum shares, read once for a batch."""

    forum: Forum
    settings: CertificateSettings
    logo: str | None
    signature: str | None
    sessions: dict[int, Session]


def batch_of(forum: Forum, settings: CertificateSettings) -> Batch:
    """The shared parts of a forum's certificates: logo, signature image and the sessions' titles."""
    sessions = {s.id: s for s in db.session.scalars(sa.select(Session).where(Session.forum_id == forum.id))}
    logo = _data_uri(storage.read(forum.logo_key)) if forum.logo_key else None
    signature = _data_uri(storage.read(settings.signature_key)) if settings.signature_key else None
    return Batch(forum, settings, logo, signature, sessions)


def _languages(batch: Batch, registration: Registration) -> tuple[str, ...]:
    if batch.settings.layout == CertificateLayout.bilingual:
        return BILINGUAL
    return (registration.locale if registration.locale in ("ar", "fr", "en") else batch.forum.default_locale,)


def _side(batch: Batch, certificate: Certificate, registration: Registration, locale: str) -> Markup:
    forum = batch.forum
    days = [date.fromisoformat(day) for day in certificate.attendance.get("days", [])]
    sessions = [batch.sessions[s] for s in certificate.attendance.get("sessions", []) if s in batch.sessions]
    with force_locale(locale):
        html = render_template(
            "messages/certificate/_side.html",
            locale=locale,
            direction=text_direction(locale),
            forum_title=translated(forum.title, locale),
            city=translated(forum.city, locale),
            name=person_name(registration.name_ar, registration.name_latin, locale),
            days=[dates.format_date(day, "long", locale=locale) for day in days],
            workshops=[translated(s.title, locale) for s in sorted(sessions, key=lambda s: s.starts_at)],
            signatory=translated(batch.settings.signatory, locale),
            issued_on=dates.format_date(certificate.issued_at.date(), "long", locale=locale),
        )
    return Markup(html)  # noqa: S704  (an autoescaped template's output)


def page_html(batch: Batch, certificate: Certificate, registration: Registration, verify_url: str) -> Markup:
    """One certificate's A4 page: each language's text, the logo, the signature and the QR code."""
    sides = [_side(batch, certificate, registration, locale) for locale in _languages(batch, registration)]
    return Markup(  # noqa: S704  (autoescaped templates' output)
        render_template(
            "messages/certificate/_page.html",
            sides=sides,
            logo=batch.logo,
            signature=batch.signature,
            qr=_data_uri(qr_png(verify_url)),
            verify_url=verify_url,
            number=f"{certificate.id}-{certificate.version}",
        )
    )


def write_pdf(pages: list[Markup]) -> bytes:
    """The PDF of these pages (one document: fonts embedded once, subset to what is written)."""
    from weasyprint import HTML  # here, not at the top: importing WeasyPrint takes a second or two

    fonts = (Path(current_app.static_folder or "static") / "fonts").resolve()
    html = render_template("messages/certificate/document.html", pages=pages, font_dir=fonts.as_uri())
    return HTML(string=html, base_url=fonts.as_uri() + "/", url_fetcher=_fetcher(fonts)).write_pdf()


def _fetcher(fonts: Path) -> Any:
    """Reads the font files and the data: images of the page, nothing else (no network, no other file)."""
    from weasyprint.urls import URLFetcher

    class FontsAndDataOnly(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file://") and Path(url.removeprefix("file://")).resolve().parent == fonts:
                return super().fetch(url, headers)
            raise ValueError(f"refused to fetch {url!r}")

    return FontsAndDataOnly()
