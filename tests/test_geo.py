"""Tests for forum.geo: Morocco's regions and prefectures/provinces."""

from __future__ import annotations

import re

import pytest

from forum import geo

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ARABIC = re.compile(r"[\u0600-\u06FF]")
ALL_PROVINCES = [p for r in geo.REGIONS for p in r.provinces]


def test_counts():
    assert len(geo.REGIONS) == 12
    assert len(ALL_PROVINCES) == 75
    assert len(geo.province_choices(locale="fr")) == 75
    assert len(geo.region_choices("fr")) == 12


def test_official_order():
    assert geo.REGIONS[0].code == "tanger-tetouan-al-hoceima"
    assert geo.REGIONS[7].code == "draa-tafilalet"
    assert geo.REGIONS[-1].code == "dakhla-oued-ed-dahab"


def test_codes_are_unique_ascii_slugs():
    codes = [r.code for r in geo.REGIONS] + [p.code for p in ALL_PROVINCES]
    assert len(codes) == len(set(codes))
    for code in codes:
        assert code.isascii() and SLUG.match(code), code


def test_every_name_in_every_locale():
    for place in [*geo.REGIONS, *ALL_PROVINCES]:
        assert set(place.names) == {"ar", "fr", "en"}, place.code
        assert all(name.strip() for name in place.names.values()), place.code
        assert ARABIC.search(place.names["ar"]), place.code
        assert not ARABIC.search(place.names["fr"]) and not ARABIC.search(place.names["en"]), place.code


def test_draa_tafilalet():
    region = geo.region("draa-tafilalet")
    assert region.name("fr") == "Drâa-Tafilalet"
    assert region.name("ar") == "درعة تافيلالت"
    assert region.name("en") == "Draa-Tafilalet"
    assert [p.code for p in region.provinces] == ["errachidia", "ouarzazate", "midelt", "tinghir", "zagora"]
    assert geo.province("errachidia").name("ar") == "الرشيدية"


def test_region_of():
    assert geo.region_of("zagora").code == "draa-tafilalet"
    assert geo.region_of("tanger-assilah").code == "tanger-tetouan-al-hoceima"
    for region in geo.REGIONS:
        for place in region.provinces:
            assert geo.region_of(place.code) is region


def test_province_choices_for_region():
    assert geo.province_choices("guelmim-oued-noun", "fr") == [
        ("guelmim", "Guelmim"),
        ("assa-zag", "Assa-Zag"),
        ("tan-tan", "Tan-Tan"),
        ("sidi-ifni", "Sidi Ifni"),
    ]


def test_province_choices_all_in_region_order():
    expected = [p.code for r in geo.REGIONS for p in r.provinces]
    assert [code for code, _ in geo.province_choices(locale="en")] == expected


def test_region_choices():
    choices = geo.region_choices("ar")
    assert choices[0] == ("tanger-tetouan-al-hoceima", "طنجة تطوان الحسيمة")
    assert ("guelmim-oued-noun", "كلميم واد نون") in choices


def test_is_province():
    assert geo.is_province("zagora")
    assert geo.is_province("casablanca")
    assert not geo.is_province("casablanca-settat")
    assert not geo.is_province("atlantis")


@pytest.mark.parametrize("call", [geo.region, geo.province, geo.region_of, geo.province_choices])
def test_unknown_code_raises_key_error(call):
    with pytest.raises(KeyError):
        call("atlantis")


def test_name_locale_fallbacks():
    place = geo.province("fes")
    assert place.name("fr_FR") == "Fès"
    assert place.name("en-GB") == "Fez"
    assert place.name("de") == "Fès"
    # Without a request the app's default language (Arabic) is used.
    assert place.name() == "فاس"


def test_places_are_hashable():
    assert len({*geo.REGIONS, *ALL_PROVINCES}) == 87
