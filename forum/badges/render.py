"""Badge images with Pillow + qrcode: A6 portrait at 300 dpi, Arabic shaped right to left by raqm.

The badge is drawn on a small fixed palette (print colours, no anti-aliasing at 300 dpi), so a page
compresses to a few tens of kilobytes and the QR stays crisp 1-bit black on white.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import qrcode
from flask_babel import force_locale
from fontTools.merge import Merger
from PIL import Image, ImageDraw, ImageFont, ImageOps, features
from qrcode.constants import ERROR_CORRECT_M

from forum import storage
from forum.badges.services import badge_code
from forum.db import translated
from forum.registration.models import BadgeRole, Registration

DPI = 300
#: A6 portrait, 105 x 148 mm, in pixels at 300 dpi
WIDTH, HEIGHT = 1240, 1748
MARGIN = 70
#: where the person's lines begin, and the QR: version 3 (37 modules with the quiet zone) at 14 px a
#: module is 518 px, 44 mm wide; the code still reads printed at 25 mm (3 px a module at 300 dpi).
PERSON_TOP = 380
QR_MODULE_PX = 14
BAND_TOP = HEIGHT - 250
QR_MASK = 4
FONTS = Path(__file__).resolve().parents[2] / "static" / "fonts"

WHITE, INK, MUTED, BRAND = 0, 1, 2, 3
#: palette index of each role's band; colours chosen to stay distinct in print and for colour-blind agents
ROLE_INDEX = {
    BadgeRole.participant: 4,
    BadgeRole.speaker: 5,
    BadgeRole.exhibitor: 6,
    BadgeRole.organiser: 7,
    BadgeRole.press: 8,
    BadgeRole.guest: 9,
}
PALETTE_RGB = [
    (255, 255, 255),
    (20, 30, 30),
    (95, 105, 105),
    (15, 92, 77),
    (31, 96, 170),  # participant: blue
    (176, 40, 40),  # speaker: red
    (196, 104, 0),  # exhibitor: orange
    (15, 92, 77),  # organiser: green
    (110, 50, 150),  # press: purple
    (70, 70, 70),  # guest: dark grey
]
PALETTE = [channel for rgb in PALETTE_RGB for channel in rgb]
#: a forum's logo is printed in at most this many colours, in the palette entries after the fixed ones
LOGO_COLOURS = 24
#: the box the logo is fitted in, centred at the top of the badge (about 42 x 11 mm)
LOGO_BOX = (500, 130)


class BadgeRenderingError(RuntimeError):
    """The server cannot draw badges correctly (e.g. Pillow built without raqm: Arabic would be broken)."""


def require_raqm() -> None:
    if not features.check("raqm"):
        raise BadgeRenderingError(
            "Pillow has no raqm layout support: Arabic names would be printed unshaped and left to right. "
            "Install libraqm0 and libfribidi0 (scripts/system-deps.sh)."
        )


def is_arabic(text: str) -> bool:
    return any("ARABIC" in unicodedata.name(ch, "") for ch in text)


# fontTools reports every table it merges at INFO, which the app's log would show.
logging.getLogger("fontTools").setLevel(logging.WARNING)


#: where the merged fonts are kept once built: the app's instance folder, beside the project
FONT_CACHE = Path(__file__).resolve().parents[2] / "instance" / "fonts"


@lru_cache(maxsize=2)
def _font_file(bold: bool) -> bytes:
    """Noto Sans and Noto Sans Arabic merged into one font: a line mixing the scripts, as the role
    label "مشارك · Participant" or an Arabic organisation name with Latin initials or brackets, finds a
    glyph for every character, and raqm still shapes and orders it in one run. The Latin font comes
    first, so Latin text keeps its own spaces, digits and signs.

    The merge costs about 1.5 s of CPU a weight: it is done once and kept in FONT_CACHE under the
    sources' digest, so each new process (web worker, job worker) reads it instead."""
    weight = "Bold" if bold else "Regular"
    sources = [FONTS / f"NotoSans-{weight}.ttf", FONTS / f"NotoSansArabic-{weight}.ttf"]
    digest = hashlib.sha256(b"".join(source.read_bytes() for source in sources)).hexdigest()[:16]
    cached = FONT_CACHE / f"badge-{weight}-{digest}.ttf"
    if cached.exists():
        return cached.read_bytes()
    buffer = io.BytesIO()
    Merger().merge([str(source) for source in sources]).save(buffer)
    FONT_CACHE.mkdir(parents=True, exist_ok=True)
    partial = cached.with_name(f"{cached.name}.{os.getpid()}")
    partial.write_bytes(buffer.getvalue())
    partial.replace(cached)  # whole or not at all, should two processes build it at once
    return buffer.getvalue()


def warm_fonts() -> None:
    """Load both merged fonts now (before forking the processes that draw a batch, which share them)."""
    _font_file(True)
    _font_file(False)


@lru_cache(maxsize=256)
def _font(bold: bool, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(io.BytesIO(_font_file(bold)), size, layout_engine=ImageFont.Layout.RAQM)


def _text_options(text: str) -> dict:
    return {"direction": "rtl", "language": "ar"} if is_arabic(text) else {"direction": "ltr"}


def fitted_font(draw: ImageDraw.ImageDraw, text: str, *, bold: bool, size: int, width: int, minimum: int = 28):
    """The largest font (from `size` down) in which the text fits `width`; long names shrink."""
    while True:
        font = _font(bold, size)
        if size <= minimum or draw.textlength(text, font=font, **_text_options(text)) <= width:
            return font
        size = max(minimum, int(size * 0.92))


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, *, bold: bool, size: int, fill: int) -> int:
    """Draw one line centred at height y (its top); return the y below it."""
    if not text:
        return y
    font = fitted_font(draw, text, bold=bold, size=size, width=WIDTH - 2 * MARGIN)
    options = _text_options(text)
    draw.text((WIDTH // 2, y), text, font=font, fill=fill, anchor="ma", **options)
    bottom = draw.textbbox((WIDTH // 2, y), text, font=font, anchor="ma", **options)[3]
    return _below(y, bottom, font)


def _below(y: int, bottom: int, font: ImageFont.FreeTypeFont) -> int:
    """Where the next line starts, below a line at y whose ink ends at `bottom`."""
    return max(bottom, y + font.size) + int(font.size * 0.3)


@dataclass(frozen=True)
class Stencil:
    """One piece of a badge in one colour: a 1-bit picture (set bits take the ink), the box it fills on
    the badge (pixels from the top left corner; a QR's mask has a bit a module, scaled up to the box)
    and the palette index of its ink. Print files keep it as an image mask, a few hundred bytes."""

    mask: Image.Image
    box: tuple[int, int, int, int]
    ink: int


_measure = ImageDraw.Draw(Image.new("1", (1, 1)))


def _line_stencil(y: int, text: str, *, bold: bool, size: int, ink: int) -> tuple[Stencil, int]:
    """A line centred at height y (its top), shrunk to the badge's width; and the y below it."""
    font = fitted_font(_measure, text, bold=bold, size=size, width=WIDTH - 2 * MARGIN)
    options = _text_options(text)
    left, top, right, bottom = font.getbbox(text, anchor="ma", **options)
    mask = Image.new("1", (max(1, right - left), max(1, bottom - top)), 0)
    draw = ImageDraw.Draw(mask)
    draw.fontmode = "1"
    draw.text((-left, -top), text, font=font, fill=1, anchor="ma", **options)
    box = (WIDTH // 2 + left, y + top, mask.width, mask.height)
    return Stencil(mask, box, ink), _below(y, y + bottom, font)


def qr_matrix(code: str) -> list[list[bool]]:
    """The modules of a code's QR (True is dark), error correction M, with its 4-module quiet zone.

    The mask pattern is fixed instead of searched: ISO 18004 lets any of the eight be used, readers
    handle them all, and the search costs 20 ms a badge (a fifth of a 1,000-badge batch's time).
    Every badge the test suite renders is decoded back with zxing-cpp.
    """
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=4, mask_pattern=QR_MASK)
    qr.add_data(code)
    qr.make(fit=True)
    return qr.get_matrix()


def qr_module_px(modules: int) -> int:
    """Pixels a module on the badge: a version 1 code's QR (37 modules with its quiet zone) gets
    QR_MODULE_PX, a longer (version 2, signed) code's QR keeps about the same printed size."""
    return max(8, QR_MODULE_PX * 37 // modules)


def qr_mask(code: str) -> Image.Image:
    """The QR of a code as a 1-bit image, one bit a module, set where the module is dark."""
    matrix = qr_matrix(code)
    size = len(matrix)
    return Image.frombytes("L", (size, size), bytes(255 if dark else 0 for row in matrix for dark in row)).convert("1")


def qr_image(code: str, *, module_px: int) -> Image.Image:
    """The QR of a code as a 1-bit image (black on white), `module_px` pixels a module."""
    qr = ImageOps.invert(qr_mask(code).convert("L")).convert("1")
    return qr.resize((qr.width * module_px, qr.height * module_px), Image.Resampling.NEAREST)


def _logo(draw: ImageDraw.ImageDraw, x: int, y: int, size: int) -> None:
    """Multaqa's mark, for a forum without a logo: a diamond within a diamond, in the brand colour."""
    half = size // 2
    draw.polygon([(x, y - half), (x + half, y), (x, y + half), (x - half, y)], fill=BRAND)
    inner = half // 2
    draw.polygon([(x, y - inner), (x + inner, y), (x, y + inner), (x - inner, y)], fill=WHITE)


def role_label(role: BadgeRole) -> str:
    """The role printed in Arabic and French (the two languages of Moroccan signage)."""
    labels = []
    for locale in ("ar", "fr"):
        with force_locale(locale):
            labels.append(str(role.title))
    return "  ·  ".join(labels)


@dataclass(frozen=True)
class Person:
    """What differs from one badge to the next, as plain text: it crosses to the processes that draw
    a print batch, which need no database."""

    name_ar: str
    name_latin: str
    organisation: str
    code: str


@dataclass
class BadgeParts:
    """A badge in two layers: the background shared by a forum's badges of one role, drawn once, and
    the person's stencils (names, organisation, the QR of their code); print files place them without
    merging them."""

    background: Image.Image
    person: Person


def _forum_logo(logo_key: str) -> tuple[Image.Image, list[int]]:
    """The forum's logo fitted in LOGO_BOX on white, as palette indices after the fixed colours, and
    the colours those indices stand for (a few, so that a page stays small and prints flat)."""
    with Image.open(io.BytesIO(storage.read(logo_key))) as uploaded:
        logo = uploaded.convert("RGBA")
    logo.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    flat = Image.new("RGB", logo.size, PALETTE_RGB[WHITE])
    flat.paste(logo, mask=logo.getchannel("A"))
    quantised = flat.quantize(colors=LOGO_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    first = len(PALETTE_RGB)
    indices = Image.frombytes("P", quantised.size, bytes(first + index for index in quantised.tobytes()))
    colours = (quantised.getpalette() or [])[: 3 * LOGO_COLOURS]
    return indices, colours


def _background(forum, role: BadgeRole) -> Image.Image:
    key = (forum.id, role, forum.updated_at, forum.logo_key, tuple(sorted(forum.title.items())))
    image = _backgrounds.get(key)
    if image is None:
        image = _draw_background(forum, role)
        if len(_backgrounds) > 64:
            _backgrounds.clear()
        _backgrounds[key] = image
    return image


_backgrounds: dict[tuple, Image.Image] = {}


def _draw_background(forum, role: BadgeRole) -> Image.Image:
    """The forum's logo (or Multaqa's mark), its title (Arabic, then French or English) and the
    role's colour band."""
    image = Image.new("P", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.fontmode = "1"
    if forum.logo_key:
        logo, colours = _forum_logo(forum.logo_key)
        image.putpalette(PALETTE + colours)
        image.paste(logo, ((WIDTH - logo.width) // 2, MARGIN + 45 - logo.height // 2 - 10))
    else:
        image.putpalette(PALETTE)
        _logo(draw, WIDTH // 2, MARGIN + 45, 90)
    y = _centred(draw, MARGIN + 115, forum.title.get("ar", "") or translated(forum.title), bold=True, size=44, fill=INK)
    other = forum.title.get("fr") or forum.title.get("en")
    if other:
        _centred(draw, y, other, bold=False, size=34, fill=MUTED)
    draw.line([(MARGIN, PERSON_TOP - 30), (WIDTH - MARGIN, PERSON_TOP - 30)], fill=MUTED, width=3)
    draw.rectangle([(0, BAND_TOP), (WIDTH, HEIGHT)], fill=ROLE_INDEX[role])
    label = role_label(role)
    font = fitted_font(draw, label, bold=True, size=96, width=WIDTH - 2 * MARGIN)
    draw.text((WIDTH // 2, BAND_TOP + 125), label, font=font, fill=WHITE, anchor="mm", direction="rtl", language="ar")
    return image


def person_stencils(person: Person) -> list[Stencil]:
    """Names in Arabic and Latin script and the organisation, each shrunk to the badge's width, and the
    QR of the code above the role's band."""
    stencils, y = [], PERSON_TOP + 10
    for text, bold, size, ink in (
        (person.name_ar, True, 104, INK),
        (person.name_latin, True, 86, INK),
        (person.organisation, False, 50, MUTED),
    ):
        if text:
            stencil, y = _line_stencil(y, text, bold=bold, size=size, ink=ink)
            stencils.append(stencil)
    qr = qr_mask(person.code)
    side = qr.width * qr_module_px(qr.width)
    stencils.append(Stencil(qr, ((WIDTH - side) // 2, BAND_TOP - 20 - side, side, side), INK))
    return stencils


def badge_parts(registration: Registration) -> BadgeParts:
    """The registration's badge as its role's background and the person's text and code."""
    require_raqm()
    organisation = registration.organisation.name if registration.organisation else (registration.job_title or "")
    person = Person(registration.name_ar or "", registration.name_latin or "", organisation, badge_code(registration))
    return BadgeParts(background=_background(registration.forum, registration.badge_role), person=person)


def render_badge(registration: Registration) -> Image.Image:
    """The registration's whole badge: a palette image of A6 at 300 dpi."""
    parts = badge_parts(registration)
    image = parts.background.copy()
    for stencil in person_stencils(parts.person):
        x, y, width, height = stencil.box
        image.paste(stencil.ink, (x, y), stencil.mask.resize((width, height), Image.Resampling.NEAREST))
    return image


def badge_png(registration: Registration) -> bytes:
    """One badge as a PNG (self-service, e-mail, printing at the desk)."""
    buffer = io.BytesIO()
    render_badge(registration).save(buffer, "PNG", dpi=(DPI, DPI))
    return buffer.getvalue()
