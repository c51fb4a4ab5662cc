"""Certificates as A4 PDF pages (WeasyPrint, the Noto fonts of the static folder), one person's or a
whole batch in chunks laid out by worker processes and joined (pypdf); the QR code (qrcode, a PNG of one
pixel per module) opens the signed verification page."""

from __future__ import annotations

import base64
import io
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
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
    """A QR code of the text (error correction M) as a PNG of one pixel per module (a few hundred bytes),
    drawn at 28 mm without smoothing: nothing to build, decode or re-encode beyond the code itself."""
    # one fixed mask (any of the eight is valid): choosing the best one builds the code nine times over
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=1, border=2, mask_pattern=2)
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


#: pages per document a worker process lays out: enough that the fonts and the CSS are read rarely
PAGES_PER_PROCESS = 100


def write_pdf(pages: list[Markup], per_process: int = PAGES_PER_PROCESS) -> bytes:
    """The PDF of these pages: a small batch as one document; a large one in chunks, one per core, laid
    out by worker processes (WeasyPrint lays out one page at a time in Python) and joined in order."""
    fonts = (Path(current_app.static_folder or "static") / "fonts").resolve()
    chunks = min(os.cpu_count() or 1, -(-len(pages) // per_process)) or 1
    size = max(1, -(-len(pages) // chunks))
    documents = [
        render_template("messages/certificate/document.html", pages=pages[i : i + size], font_dir=fonts.as_uri())
        for i in range(0, max(len(pages), 1), size)
    ]
    if len(documents) == 1:
        return render_document(documents[0], str(fonts))
    # spawned, not forked: a worker shares no database connection nor any other state of this process
    with ProcessPoolExecutor(len(documents), mp_context=multiprocessing.get_context("spawn")) as pool:
        parts = list(pool.map(render_document, documents, [str(fonts)] * len(documents)))
    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render_document(html: str, font_dir: str) -> bytes:
    """One HTML document as a PDF (fonts embedded once, subset to what is written); runs in a worker too."""
    from weasyprint import HTML  # here, not at the top: importing WeasyPrint takes a second or two

    fonts = Path(font_dir)
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
