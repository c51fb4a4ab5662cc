"""The web fonts cut down (subset) to the characters of Arabic, French and English pages, with fontTools."""

from __future__ import annotations

import io
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

#: Latin: ASCII, Latin-1 (French accents, « », ·, ², ×, no-break space), œ Œ Ÿ, the
#: transliteration apostrophes (ʼ ʾ ʿ), the joiners and direction marks, dashes, quotes, bullet and
#: ellipsis, the narrow no-break space of French numbers and times, ‹ ›, the euro sign, arrows, minus.
LATIN = [
    (0x0020, 0x007E),
    (0x00A0, 0x00FF),
    (0x0152, 0x0153),
    (0x0178, 0x0178),
    (0x02BC, 0x02BF),
    (0x200B, 0x200F),
    (0x2010, 0x2027),
    (0x202F, 0x202F),
    (0x2039, 0x203A),
    (0x20AC, 0x20AC),
    (0x2190, 0x2193),
    (0x2212, 0x2212),
]
#: Arabic: the digits, punctuation and symbols of ASCII and Latin-1 (an RTL page sets Noto Sans
#: Arabic first, so it draws them there; Latin letters go to Noto Sans), ، ؛ ؟ and the Arabic letter
#: mark, the letters and harakat, Arabic-Indic digits and ٪ ٫ ٬, superscript alef and alef wasla, the
#: letters Moroccan writing adds (پ چ ژ ڤ ک ڭ گ ی ݣ), the joiners and direction marks.
ARABIC = [
    (0x0020, 0x0040),
    (0x005B, 0x0060),
    (0x007B, 0x007E),
    (0x00A0, 0x00BF),
    (0x00D7, 0x00D7),
    (0x00F7, 0x00F7),
    (0x2010, 0x2027),
    (0x202F, 0x202F),
    (0x2039, 0x203A),
    (0x060C, 0x060C),
    (0x061B, 0x061C),
    (0x061F, 0x065F),
    (0x0660, 0x066D),
    (0x0670, 0x0671),
    (0x067E, 0x067E),
    (0x0686, 0x0686),
    (0x0698, 0x0698),
    (0x06A4, 0x06A4),
    (0x06A9, 0x06A9),
    (0x06AD, 0x06AD),
    (0x06AF, 0x06AF),
    (0x06CC, 0x06CC),
    (0x0763, 0x0763),
    (0x200C, 0x200F),
]
#: Which characters each font of static/fonts keeps, by the start of its file name.
FAMILIES = {"NotoSansArabic": ARABIC, "NotoSans": LATIN}


def codepoints(ranges: list[tuple[int, int]]) -> set[int]:
    """Every code point of the inclusive ranges."""
    return {point for start, end in ranges for point in range(start, end + 1)}


def ranges_for(font_name: str) -> list[tuple[int, int]]:
    """The ranges kept for a font file of static/fonts (the longest matching family name wins)."""
    family = max((name for name in FAMILIES if font_name.startswith(name)), key=len, default=None)
    if family is None:
        raise ValueError(f"no subset is defined for the font {font_name}")
    return FAMILIES[family]


def subset_font(source: Path, ranges: list[tuple[int, int]]) -> bytes:
    """The font at `source` cut down to `ranges`, as WOFF2, keeping every shaping feature (Arabic joins)."""
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.hinting = False
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.notdef_outline = True
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints(ranges))
    subsetter.subset(font)
    out = io.BytesIO()
    font.flavor = "woff2"
    font.save(out)
    return out.getvalue()


def web_fonts(fonts_dir: Path) -> dict[str, bytes]:
    """Each web font of `fonts_dir` (a .woff2 beside its .ttf source) rebuilt as a subset, by file name."""
    return {
        woff2.name: subset_font(woff2.with_suffix(".ttf"), ranges_for(woff2.stem))
        for woff2 in sorted(fonts_dir.glob("*.woff2"))
        if woff2.with_suffix(".ttf").exists()
    }


def cmap_of(font: bytes | Path) -> set[int]:
    """The code points a font (file or bytes) draws."""
    source = io.BytesIO(font) if isinstance(font, bytes) else font
    return set(TTFont(source).getBestCmap())
