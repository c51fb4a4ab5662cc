"""Certificates as A4 PDF pages, laid out in two layers so that a batch draws what its pages share once.

The shared page of each variant (the languages, the days and the workshops attended, the issue date:
everything but the person) is laid out by WeasyPrint from HTML, with room left for the name, the QR code
and its number and address; the places of those rooms come back from WeasyPrint's anchors. Each person's
page holds only their own content (forum/messages/pdf_overlay.py: fpdf2, HarfBuzz shaping the Arabic).
pikepdf then lays each person's page over their variant's, which the PDF holds once as a form XObject
shared by all the pages that show it. One certificate downloaded alone goes the same way, so it is the
same page as in the batch.

Measured on 1,000 bilingual certificates (bench/bench_messages.py): WeasyPrint took ~29 ms of CPU for
each page it laid out; the shared pages now cost that once per variant, and a person's page ~3 ms, in
this process (worker processes cost more CPU to start, importing the app, than they saved)."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

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
from forum.messages.pdf_overlay import Box, Person, Slots, draw_overlays
from forum.programme.models import Session
from forum.registration.models import Registration

#: the languages a bilingual certificate is written in, in reading order on the page
BILINGUAL = ("ar", "fr")
#: CSS pixels (WeasyPrint's anchors) to millimetres (fpdf2's page)
MM_PER_PX = 25.4 / 96

#: one certificate to draw: the certificate, its holder and the address its QR code opens
Entry = tuple[Certificate, Registration, str]


def _data_uri(data: bytes, mime: str = "image/png") -> str:
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


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


@dataclass(frozen=True)
class Variant:
    """What the certificates of a group share beyond the forum's parts: one shared page each."""

    languages: tuple[str, ...]
    days: tuple[str, ...]
    sessions: tuple[int, ...]
    issued_on: date


def variant_of(batch: Batch, certificate: Certificate, registration: Registration) -> Variant:
    """The shared page a certificate lies on: its languages (both, or the person's), days, workshops, date."""
    if batch.settings.layout == CertificateLayout.bilingual:
        languages = BILINGUAL
    else:
        languages = (registration.locale if registration.locale in ("ar", "fr", "en") else batch.forum.default_locale,)
    sessions = tuple(s for s in certificate.attendance.get("sessions", []) if s in batch.sessions)
    return Variant(languages, tuple(certificate.attendance.get("days", [])), sessions, certificate.issued_at.date())


def _side(batch: Batch, variant: Variant, locale: str, index: int) -> Markup:
    forum = batch.forum
    sessions = sorted((batch.sessions[s] for s in variant.sessions), key=lambda s: s.starts_at)
    with force_locale(locale):
        html = render_template(
            "messages/certificate/_side.html",
            index=index,
            locale=locale,
            direction=text_direction(locale),
            forum_title=translated(forum.title, locale),
            city=translated(forum.city, locale),
            days=[dates.format_date(date.fromisoformat(day), "long", locale=locale) for day in variant.days],
            workshops=[translated(s.title, locale) for s in sessions],
            signatory=translated(batch.settings.signatory, locale),
            issued_on=dates.format_date(variant.issued_on, "long", locale=locale),
        )
    return Markup(html)  # noqa: S704  (an autoescaped template's output)


def page_html(batch: Batch, variant: Variant, index: int) -> Markup:
    """A variant's shared A4 page: each language's text, the logo and the signature, with room (anchors
    named after the index) for the person's name in each language, the QR code, its number and address."""
    return Markup(  # noqa: S704  (autoescaped templates' output)
        render_template(
            "messages/certificate/_page.html",
            sides=[_side(batch, variant, locale, index) for locale in variant.languages],
            logo=batch.logo,
            signature=batch.signature,
            index=index,
        )
    )


def write_pdf(batch: Batch, entries: list[Entry]) -> bytes:
    """The PDF of these certificates, in this order: each variant's shared page laid out once, each
    person's own content drawn over it."""
    fonts = str((Path(current_app.static_folder or "static") / "fonts").resolve())
    variants: dict[Variant, int] = {}
    people = []
    for certificate, registration, url in entries:
        variant = variant_of(batch, certificate, registration)
        index = variants.setdefault(variant, len(variants))
        names = tuple(
            (locale, person_name(registration.name_ar, registration.name_latin, locale)) for locale in variant.languages
        )
        people.append(Person(index, names, url, f"{certificate.id}-{certificate.version}"))
    html = render_template(
        "messages/certificate/document.html",
        pages=[page_html(batch, variant, index) for variant, index in variants.items()],
        font_dir=Path(fonts).as_uri(),
    )
    shared, slots = render_shared(html, fonts, [v.languages for v in variants])
    under = [slots[p.variant].first + page for p in people for page in range(slots[p.variant].pages)]
    return compose(shared, draw_overlays(fonts, slots, people), under)


def render_shared(html: str, font_dir: str, languages: list[tuple[str, ...]]) -> tuple[bytes, list[Slots]]:
    """The shared pages as a PDF (fonts embedded once, subset to what is written) and the places they
    leave for each person's content, read from WeasyPrint's anchors. A variant starts a page and takes
    one, or more when its text runs over (a very long list of workshops)."""
    from weasyprint import HTML  # here, not at the top: importing WeasyPrint takes a second or two

    fonts = Path(font_dir)
    document = HTML(string=html, base_url=fonts.as_uri() + "/", url_fetcher=_fetcher(fonts)).render()
    anchors: dict[str, tuple[int, float, float, float, float]] = {}
    firsts = []
    for number, page in enumerate(document.pages):
        for name, (x1, y1, x2, y2) in page.anchors.items():
            anchors[name] = (number, x1 * MM_PER_PX, y1 * MM_PER_PX, (x2 - x1) * MM_PER_PX, (y2 - y1) * MM_PER_PX)
        if f"start-{len(firsts)}" in page.anchors:
            firsts.append(number)
    ends = [*firsts[1:], len(document.pages)]
    slots = []
    for index, sides in enumerate(languages):
        first = firsts[index]

        def box(name: str, first: int = first) -> Box:
            page, *place = anchors[name]
            return (page - first, *place)

        names = tuple(box(f"name-{index}-{locale}") for locale in sides)
        places = [box(f"{name}-{index}") for name in ("qr", "number", "url")]
        slots.append(Slots(first, ends[index] - first, names, *places))
    return document.write_pdf(), slots


def compose(shared: bytes, own: bytes, under: list[int]) -> bytes:
    """Each page of `own` (a person's content) over the shared page `under` names for it, which the PDF
    holds once as a form XObject however many pages show it."""
    import pikepdf

    out = pikepdf.open(io.BytesIO(own))
    templates = pikepdf.open(io.BytesIO(shared))
    forms = [out.copy_foreign(page.as_form_xobject()) for page in templates.pages]
    for page, shared_page in zip(out.pages, under, strict=True):
        page.add_underlay(forms[shared_page], pikepdf.Rectangle(page.mediabox))
    buffer = io.BytesIO()
    out.save(buffer, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


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
