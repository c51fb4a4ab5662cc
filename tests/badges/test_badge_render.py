"""Badge images: the QR reads back to a valid token, Arabic is shaped, names fit, print files are lean."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from badge_checks import decode_all
from PIL import Image, ImageChops, ImageDraw, ImageFilter

from forum.badges import render
from forum.badges.pdf import write_badges
from forum.badges.render import BadgeRenderingError, badge_parts, badge_png, render_badge
from forum.badges.services import badge_code
from forum.registration.models import BadgeRole, Category


def test_a_badge_is_a6_at_300_dpi_and_its_qr_holds_the_signed_code(make_forum, make_registration, verify_badge):
    registration = make_registration(make_forum())
    image = render_badge(registration)
    assert image.size == (1240, 1748)
    assert verify_badge(image, registration) == badge_code(registration)
    png = Image.open(io.BytesIO(badge_png(registration)))
    assert png.format == "PNG" and round(png.info["dpi"][0]) == 300
    verify_badge(png, registration)


def test_the_qr_still_reads_when_printed_25_mm_wide(make_forum, make_registration):
    registration = make_registration(make_forum())
    qr = render.qr_image(badge_code(registration), module_px=1)
    # 25 mm at 300 dpi is 295 px for the symbol and its quiet zone: about 8 px a module.
    printed = qr.convert("L").resize((295, 295), Image.Resampling.BILINEAR)
    assert decode_all(printed) == [badge_code(registration)]
    modules = qr.width
    assert modules <= 37, "a longer code would need a larger QR than version 3"


@pytest.mark.parametrize("category", [Category.association, Category.speaker, Category.organiser, Category.media])
def test_each_role_gets_its_own_band_colour(make_forum, make_registration, verify_badge, category):
    registration = make_registration(make_forum(), category=category)
    image = render_badge(registration)
    verify_badge(image, registration)
    band_colour = image.getpixel((5, image.height - 5))
    assert band_colour == render.ROLE_INDEX[registration.badge_role]


def test_role_colours_differ():
    assert len({render.PALETTE_RGB[i] for i in render.ROLE_INDEX.values()}) == len(render.ROLE_INDEX)


def _ink(text: str, font, **options) -> Image.Image:
    image = Image.new("L", (700, 160), 255)
    ImageDraw.Draw(image).text((350, 80), text, font=font, fill=0, anchor="mm", **options)
    return image


def test_arabic_is_shaped_right_to_left():
    from PIL import ImageChops, ImageFont, ImageStat

    path = str(render.FONTS / "NotoSansArabic-Bold.ttf")
    raqm = ImageFont.truetype(path, 80, layout_engine=ImageFont.Layout.RAQM)
    basic = ImageFont.truetype(path, 80, layout_engine=ImageFont.Layout.BASIC)
    word = "محمد"
    shaped = _ink(word, raqm, direction="rtl", language="ar")
    # Without shaping the letters stay in their isolated forms, left to right: another picture.
    assert ImageChops.difference(shaped, _ink(word, basic)).getbbox() is not None
    # Right to left: "meem, space, alef" comes out as alef then meem from the left, exactly as the
    # unshaped engine draws the letters typed the other way round.
    right_to_left = _ink("م ا", raqm, direction="rtl", language="ar")

    def distance(other: Image.Image) -> float:
        return sum(ImageStat.Stat(ImageChops.difference(right_to_left, other)).sum)

    assert distance(_ink("ا م", basic)) * 3 < distance(_ink("م ا", basic))


def _drawn_as_missing(text: str, font) -> list[str]:
    """The characters of a text the font has no glyph for (drawn as the box of .notdef)."""
    box = _ink("\ue000", font).tobytes()
    return [ch for ch in text if not ch.isspace() and _ink(ch, font).tobytes() == box]


@pytest.mark.parametrize("role", list(BadgeRole))
def test_every_character_of_the_role_band_has_a_glyph(app, role):
    # The band reads "مشارك · Participant": its French half used to come out as empty boxes.
    label = render.role_label(role)
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    font = render.fitted_font(draw, label, bold=True, size=96, width=1100)
    assert _drawn_as_missing(label, font) == []


@pytest.mark.parametrize("name", ["جمعية الأمل (فرع الرشيدية) & ANDH", "Coopérative Tighmert — 2030"])
def test_an_organisation_name_mixing_scripts_has_every_glyph(name):
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    font = render.fitted_font(draw, name, bold=False, size=50, width=1100)
    assert _drawn_as_missing(name, font) == []


def test_long_names_shrink_to_fit(make_forum, make_registration):
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    short = render.fitted_font(draw, "Ali", bold=True, size=86, width=1100)
    long_name = "Abderrahim Mohamed Ait Baha El Hassani Zagouri Ouarzazi Tinghiri"
    small = render.fitted_font(draw, long_name, bold=True, size=86, width=1100)
    assert short.size == 86 and small.size < 86
    assert draw.textlength(long_name, font=small) <= 1100


def test_rendering_refuses_to_run_without_raqm(monkeypatch, make_forum, make_registration):
    registration = make_registration(make_forum())
    monkeypatch.setattr(render.features, "check", lambda feature: False)
    with pytest.raises(BadgeRenderingError, match="raqm"):
        render_badge(registration)


@pytest.mark.parametrize("processes", [1, 2])
@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_print_pdf_pages_decode_to_every_badge_in_order(tmp_path, make_forum, make_registration, layout, processes):
    # With 2 processes drawing 2 people at a time, the chunks come back into one file in their order.
    forum = make_forum()
    registrations = [make_registration(forum, category=c) for c in (Category.association, Category.speaker)] + [
        make_registration(forum, name_ar="عبد الرحيم أيت باها الإدريسي الحسني الزاكوري التنغيري") for _ in range(3)
    ]
    buffer = io.BytesIO()
    count = write_badges(buffer, [badge_parts(r) for r in registrations], layout=layout, processes=processes, chunk=2)
    assert count == 5
    assert len(buffer.getvalue()) <= 15_000 * count
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(buffer.getvalue())
    info = subprocess.run([shutil.which("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    assert f"Pages:           {5 if layout == 'a6' else 2}" in info
    assert ("297.638 x 419.528" if layout == "a6" else "595.276 x 841.89") in info
    subprocess.run(
        [shutil.which("pdftoppm"), "-r", "150", "-gray", "-png", str(pdf), str(tmp_path / "page")], check=True
    )
    pages = [sorted(decode_all(Image.open(page))) for page in sorted(tmp_path.glob("page*.png"))]
    per_page = 1 if layout == "a6" else 4
    codes = [badge_code(r) for r in registrations]
    assert pages == [sorted(codes[n : n + per_page]) for n in range(0, len(codes), per_page)]


def test_a_badge_in_the_print_file_looks_like_its_png(tmp_path, make_forum, make_registration):
    registration = make_registration(make_forum(), name_ar="فاطمة الزهراء بنعلي", name_latin="Fatima Zahra Benali")
    buffer = io.BytesIO()
    write_badges(buffer, [badge_parts(registration)], layout="a6")
    (tmp_path / "badge.pdf").write_bytes(buffer.getvalue())
    subprocess.run(
        [shutil.which("pdftoppm"), "-gray", "-png", "-scale-to-x", "1240", "-scale-to-y", "1748"]
        + [str(tmp_path / "badge.pdf"), str(tmp_path / "page")],
        check=True,
    )
    printed = Image.open(next(tmp_path.glob("page*.png"))).convert("L").point(lambda v: 255 if v >= 128 else 0)
    drawn = render_badge(registration).convert("L").point(lambda v: 255 if v >= 128 else 0)
    assert printed.size == drawn.size
    # The same names, organisation, QR and band at the same places: pixels differ only on the edges
    # of what is drawn (rasterised once by Pillow, once by poppler), none a pixel away from one.
    edges = ImageChops.difference(drawn.filter(ImageFilter.MaxFilter(3)), drawn.filter(ImageFilter.MinFilter(3)))
    away_from_edges = ImageChops.subtract(ImageChops.difference(printed, drawn), edges)
    assert away_from_edges.histogram()[255] < 100


def _logo_png(colour=(200, 20, 40)) -> bytes:
    """A logo of two colours on a transparent ground, as an organiser would upload it."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle([(0, 0), (599, 199)], fill=colour + (255,))
    draw.ellipse([(200, 20), (400, 180)], fill=(250, 200, 0, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("layout", ["a6", "a4"])
def test_the_forums_logo_is_printed_in_its_colours_on_png_and_pdf(
    tmp_path, db, make_forum, make_registration, make_user, verify_badge, layout
):
    from forum import images
    from forum.events.services import set_logo

    forum = make_forum()
    set_logo(forum, images.clean_logo(_logo_png()), actor=make_user())
    db.session.commit()
    registration = make_registration(forum)
    badge = render_badge(registration).convert("RGB")
    top = badge.crop((0, 0, badge.width, 200)).getcolors(maxcolors=10_000)
    assert max(count for count, rgb in top if abs(rgb[0] - 200) < 12 and rgb[1] < 40) > 20_000  # the red
    assert any(rgb[0] > 240 and 185 < rgb[1] < 215 and rgb[2] < 20 for _, rgb in top)  # the yellow disc
    verify_badge(badge, registration)
    buffer = io.BytesIO()
    write_badges(buffer, [badge_parts(registration)], layout=layout)
    pdf = tmp_path / "badges.pdf"
    pdf.write_bytes(buffer.getvalue())
    subprocess.run([shutil.which("pdftoppm"), "-r", "100", "-png", str(pdf), str(tmp_path / "page")], check=True)
    page = Image.open(next(tmp_path.glob("page*.png"))).convert("RGB")
    assert any(abs(r - 200) < 12 and g < 40 and b < 60 for _, (r, g, b) in page.getcolors(maxcolors=100_000))
    assert decode_all(page) == [badge_code(registration)]
