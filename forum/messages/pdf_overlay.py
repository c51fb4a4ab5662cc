"""What each certificate adds to its forum's shared page: the person's name in each language of the
page, shaped by HarfBuzz (fpdf2 with uharfbuzz) and written right to left in Arabic, the QR code of the
signed verification page, its number and address. Plain data in, PDF bytes out."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: a box on one of a certificate's pages: the page (0: its first), then in millimetres from the page's
#: top-left corner x, y, width and height
Box = tuple[int, float, float, float, float]

#: the fonts (family, style, file in the fonts folder) the overlays write with
FONTS = (
    ("NotoSans", "", "NotoSans-Regular.ttf"),
    ("NotoSans", "B", "NotoSans-Bold.ttf"),
    ("NotoSansArabic", "B", "NotoSansArabic-Bold.ttf"),
)
#: the name's size in points (as `.name` in the certificate's style sheet) and the note's (`.verify`)
NAME_PT, NOTE_PT = 15, 8
NOTE_COLOUR = (93, 103, 108)


@dataclass(frozen=True)
class Slots:
    """Where a variant's shared page (or pages, when its text runs over) leaves room for what each
    person's page adds."""

    #: the variant's first page among the shared pages, and how many it takes (almost always one)
    first: int
    pages: int
    #: one box per language of the page, in the page's order
    names: tuple[Box, ...]
    qr: Box
    number: Box
    url: Box


@dataclass(frozen=True)
class Person:
    """One page's own content: which shared page it lies on, the name per language, the QR's address."""

    variant: int
    #: (locale, name) per language of the page
    names: tuple[tuple[str, str], ...]
    url: str
    number: str


def draw_overlays(font_dir: str, slots: list[Slots], people: list[Person]) -> bytes:
    """A PDF of one A4 page per person (one per shared page of their variant) holding only their own
    content, at the places their shared page leaves for it; fonts embedded once, subset to the names."""
    from fpdf import FPDF  # here, not at the top: only the certificate batches need it

    fonts = Path(font_dir)
    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margin(0)
    for family, style, file in FONTS:
        pdf.add_font(family, style, str(fonts / file))
    for person in people:
        place = slots[person.variant]
        for page in range(place.pages):
            pdf.add_page()
            for (locale, name), box in zip(person.names, place.names, strict=True):
                if box[0] == page:
                    _name(pdf, locale, name, box)
            pdf.set_text_shaping(False)
            pdf.set_font("NotoSans", "", NOTE_PT)
            pdf.set_text_color(*NOTE_COLOUR)
            if place.number[0] == page:
                _line(pdf, person.number, place.number, align="L")
            if place.url[0] == page:
                _line(pdf, person.url, place.url, align="L")
            if place.qr[0] == page:
                _page, x, y, width, height = place.qr
                pdf.image(qr_image(person.url), x=x, y=y, w=width, h=height)
    return bytes(pdf.output())


def _name(pdf, locale: str, name: str, box: Box) -> None:
    arabic = locale == "ar"
    # HarfBuzz shapes (joining forms, ligatures, marks) and the bidi algorithm orders each run;
    # the paragraph's direction is the page side's, so an Arabic name on the French side reads right
    pdf.set_text_shaping(True, direction="rtl" if arabic else "ltr")
    pdf.set_font("NotoSansArabic" if arabic else "NotoSans", "B", NAME_PT)
    pdf.set_fallback_fonts(["NotoSans" if arabic else "NotoSansArabic"], exact_match=False)
    pdf.set_text_color(31, 42, 48)
    _line(pdf, name, box, align="C")


def _line(pdf, text: str, box: Box, *, align: str) -> None:
    """One line in the box, in a smaller size when it would not fit its width (a very long name)."""
    _page, x, y, width, height = box
    size = pdf.font_size_pt
    if len(text) * size * 0.2 > width:  # about 0.55 em a character, in mm: long enough to measure
        measured = pdf.get_string_width(text)
        if measured > width:
            pdf.set_font_size(size * width / measured)
    pdf.set_xy(x, y)
    pdf.cell(width, height, text, align=align)
    pdf.set_font_size(size)


def qr_image(text: str):
    """A QR code of the text (error correction M, the standard quiet zone of four modules) as a
    grey-scale image of one pixel per module, drawn at 28 mm without smoothing (zxing-cpp encodes it in
    C++: a tenth of the time of a pure-Python encoder)."""
    import numpy
    import zxingcpp
    from PIL import Image

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    return Image.fromarray(numpy.asarray(code.to_image(scale=1, add_quiet_zones=True)))
