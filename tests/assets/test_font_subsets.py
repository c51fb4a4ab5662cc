"""The subset web fonts still draw every character of the catalogues, the demo data and the dates and numbers
Babel writes in Arabic, French and English: nothing the full fonts drew falls back to another font."""

from __future__ import annotations

import ast
import unicodedata
from datetime import datetime
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import read_po
from babel.numbers import format_decimal, format_percent

from forum.assets.fonts import cmap_of, ranges_for, web_fonts

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "fonts"
DEMO_FILES = [ROOT / "forum" / "seed.py", ROOT / "forum" / "geo.py", *sorted((ROOT / "forum").glob("*/seed.py"))]


def _texts() -> set[str]:
    texts: set[str] = set()
    for language in ("ar", "fr", "en"):
        path = ROOT / "forum" / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as catalogue:
            for message in read_po(catalogue):
                for text in (message.id, message.string):
                    texts.update([text] if isinstance(text, str) else text or [])
        locale = Locale.parse(language)
        for month in range(1, 13):
            moment = datetime(2026, month, 2 + month, 9, 30)
            texts.add(format_date(moment.date(), "full", locale=locale))
            texts.add(format_datetime(moment, "medium", locale=locale))
        texts.update({format_decimal(12345.5, locale=locale), format_percent(0.42, locale=locale)})
        texts.add(locale.get_display_name(language))
    for file in DEMO_FILES:
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.add(node.value)
    return texts


@pytest.fixture(scope="module")
def characters() -> set[str]:
    return {char for text in _texts() for char in text if unicodedata.category(char)[0] not in "C" or char == "\u200f"}


@pytest.fixture(scope="module")
def subsets() -> dict[str, set[int]]:
    return {name: cmap_of(data) for name, data in web_fonts(FONTS).items()}


def test_the_corpus_is_real(characters):
    assert {"ع", "ة", "é", "ç", "’", "«", "\u202f"} <= characters
    assert len(characters) > 120


@pytest.mark.parametrize("stack", [("NotoSans", "NotoSansArabic"), ("NotoSansArabic", "NotoSans")], ids=["ltr", "rtl"])
@pytest.mark.parametrize("weight", ["Regular", "Bold"])
def test_each_character_keeps_its_font_digits_and_punctuation_never_change_font(characters, subsets, stack, weight):
    fonts = [f"{family}-{weight}" for family in stack]
    full = [cmap_of(FONTS / f"{name}.ttf") for name in fonts]
    kept = [subsets[f"{name}.woff2"] for name in fonts]
    for char in sorted(characters):
        before = next((n for n, cmap in enumerate(full) if ord(char) in cmap), None)
        after = next((n for n, cmap in enumerate(kept) if ord(char) in cmap), None)
        if before is None:
            continue
        assert after is not None, f"U+{ord(char):04X} {char} is no longer drawn by {fonts}"
        if unicodedata.category(char)[0] not in "LM":
            assert after == before, f"U+{ord(char):04X} {char} moved from {fonts[before]} to {fonts[after]}"


def test_every_character_of_the_pages_is_drawn_by_a_web_font_of_its_script(characters, subsets):
    drawn = set().union(*subsets.values())
    # Characters no web font draws (emoji, symbols): the full fonts did not draw them either.
    full = set().union(*(cmap_of(path) for path in FONTS.glob("*.ttf")))
    missing = sorted(char for char in characters if ord(char) not in drawn and ord(char) in full)
    assert not missing


def test_a_font_without_a_subset_rule_is_refused():
    with pytest.raises(ValueError):
        ranges_for("Amiri-Regular")
