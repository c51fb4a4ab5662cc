"""Morocco's 12 regions and 75 prefectures/provinces (2015 division), named in Arabic, French and English."""

from __future__ import annotations

from dataclasses import dataclass, field

LOCALES = ("ar", "fr", "en")
DEFAULT_LOCALE = "fr"


def _current_locale() -> str:
    """The language of the current Flask-Babel locale, or the default outside a request."""
    try:
        from flask_babel import get_locale

        current = get_locale()
    except (ImportError, RuntimeError, KeyError):
        return DEFAULT_LOCALE
    language = getattr(current, "language", None)
    return language or DEFAULT_LOCALE


@dataclass(frozen=True)
class Place:
    """An administrative unit: a stable ASCII code and its names by locale."""

    code: str
    names: dict[str, str] = field(hash=False)

    def name(self, locale: str | None = None) -> str:
        """The name in `locale` (default: the current Flask-Babel locale), falling back to French."""
        locale = locale or _current_locale()
        language = locale.replace("-", "_").split("_")[0].lower()
        return self.names.get(language) or self.names[DEFAULT_LOCALE]


@dataclass(frozen=True)
class Region(Place):
    """A region and its prefectures/provinces, in official order."""

    provinces: tuple[Place, ...] = ()


# (code, ar, fr, en) for each region, followed by its prefectures and provinces.
_DATA: tuple[tuple[tuple[str, str, str, str], tuple[tuple[str, str, str, str], ...]], ...] = (
    (
        ("tanger-tetouan-al-hoceima", "طنجة تطوان الحسيمة", "Tanger-Tétouan-Al Hoceïma", "Tangier-Tetouan-Al Hoceima"),
        (
            ("tanger-assilah", "طنجة أصيلة", "Tanger-Assilah", "Tangier-Assilah"),
            ("mdiq-fnideq", "المضيق الفنيدق", "M'diq-Fnideq", "M'diq-Fnideq"),
            ("tetouan", "تطوان", "Tétouan", "Tetouan"),
            ("fahs-anjra", "الفحص أنجرة", "Fahs-Anjra", "Fahs-Anjra"),
            ("larache", "العرائش", "Larache", "Larache"),
            ("al-hoceima", "الحسيمة", "Al Hoceïma", "Al Hoceima"),
            ("chefchaouen", "شفشاون", "Chefchaouen", "Chefchaouen"),
            ("ouezzane", "وزان", "Ouezzane", "Ouezzane"),
        ),
    ),
    (
        ("oriental", "الشرق", "L'Oriental", "Oriental"),
        (
            ("oujda-angad", "وجدة أنكاد", "Oujda-Angad", "Oujda-Angad"),
            ("nador", "الناظور", "Nador", "Nador"),
            ("driouch", "الدريوش", "Driouch", "Driouch"),
            ("jerada", "جرادة", "Jerada", "Jerada"),
            ("berkane", "بركان", "Berkane", "Berkane"),
            ("taourirt", "تاوريرت", "Taourirt", "Taourirt"),
            ("guercif", "جرسيف", "Guercif", "Guercif"),
            ("figuig", "فجيج", "Figuig", "Figuig"),
        ),
    ),
    (
        ("fes-meknes", "فاس مكناس", "Fès-Meknès", "Fez-Meknes"),
        (
            ("fes", "فاس", "Fès", "Fez"),
            ("meknes", "مكناس", "Meknès", "Meknes"),
            ("el-hajeb", "الحاجب", "El Hajeb", "El Hajeb"),
            ("ifrane", "إفران", "Ifrane", "Ifrane"),
            ("moulay-yacoub", "مولاي يعقوب", "Moulay Yacoub", "Moulay Yacoub"),
            ("sefrou", "صفرو", "Sefrou", "Sefrou"),
            ("boulemane", "بولمان", "Boulemane", "Boulemane"),
            ("taounate", "تاونات", "Taounate", "Taounate"),
            ("taza", "تازة", "Taza", "Taza"),
        ),
    ),
    (
        ("rabat-sale-kenitra", "الرباط سلا القنيطرة", "Rabat-Salé-Kénitra", "Rabat-Sale-Kenitra"),
        (
            ("rabat", "الرباط", "Rabat", "Rabat"),
            ("sale", "سلا", "Salé", "Sale"),
            ("skhirate-temara", "الصخيرات تمارة", "Skhirate-Témara", "Skhirate-Temara"),
            ("kenitra", "القنيطرة", "Kénitra", "Kenitra"),
            ("khemisset", "الخميسات", "Khémisset", "Khemisset"),
            ("sidi-kacem", "سيدي قاسم", "Sidi Kacem", "Sidi Kacem"),
            ("sidi-slimane", "سيدي سليمان", "Sidi Slimane", "Sidi Slimane"),
        ),
    ),
    (
        ("beni-mellal-khenifra", "بني ملال خنيفرة", "Béni Mellal-Khénifra", "Beni Mellal-Khenifra"),
        (
            ("beni-mellal", "بني ملال", "Béni Mellal", "Beni Mellal"),
            ("azilal", "أزيلال", "Azilal", "Azilal"),
            ("fquih-ben-salah", "الفقيه بن صالح", "Fquih Ben Salah", "Fquih Ben Salah"),
            ("khenifra", "خنيفرة", "Khénifra", "Khenifra"),
            ("khouribga", "خريبكة", "Khouribga", "Khouribga"),
        ),
    ),
    (
        ("casablanca-settat", "الدار البيضاء سطات", "Casablanca-Settat", "Casablanca-Settat"),
        (
            ("casablanca", "الدار البيضاء", "Casablanca", "Casablanca"),
            ("mohammedia", "المحمدية", "Mohammédia", "Mohammedia"),
            ("el-jadida", "الجديدة", "El Jadida", "El Jadida"),
            ("nouaceur", "النواصر", "Nouaceur", "Nouaceur"),
            ("mediouna", "مديونة", "Médiouna", "Mediouna"),
            ("benslimane", "بنسليمان", "Benslimane", "Benslimane"),
            ("berrechid", "برشيد", "Berrechid", "Berrechid"),
            ("settat", "سطات", "Settat", "Settat"),
            ("sidi-bennour", "سيدي بنور", "Sidi Bennour", "Sidi Bennour"),
        ),
    ),
    (
        ("marrakech-safi", "مراكش آسفي", "Marrakech-Safi", "Marrakesh-Safi"),
        (
            ("marrakech", "مراكش", "Marrakech", "Marrakesh"),
            ("chichaoua", "شيشاوة", "Chichaoua", "Chichaoua"),
            ("al-haouz", "الحوز", "Al Haouz", "Al Haouz"),
            ("el-kelaa-des-sraghna", "قلعة السراغنة", "El Kelâa des Sraghna", "El Kelaa des Sraghna"),
            ("essaouira", "الصويرة", "Essaouira", "Essaouira"),
            ("rehamna", "الرحامنة", "Rehamna", "Rehamna"),
            ("safi", "آسفي", "Safi", "Safi"),
            ("youssoufia", "اليوسفية", "Youssoufia", "Youssoufia"),
        ),
    ),
    (
        ("draa-tafilalet", "درعة تافيلالت", "Drâa-Tafilalet", "Draa-Tafilalet"),
        (
            ("errachidia", "الرشيدية", "Errachidia", "Errachidia"),
            ("ouarzazate", "ورزازات", "Ouarzazate", "Ouarzazate"),
            ("midelt", "ميدلت", "Midelt", "Midelt"),
            ("tinghir", "تنغير", "Tinghir", "Tinghir"),
            ("zagora", "زاكورة", "Zagora", "Zagora"),
        ),
    ),
    (
        ("souss-massa", "سوس ماسة", "Souss-Massa", "Souss-Massa"),
        (
            ("agadir-ida-outanane", "أكادير إداوتنان", "Agadir Ida-Outanane", "Agadir Ida-Outanane"),
            ("inezgane-ait-melloul", "إنزكان أيت ملول", "Inezgane-Aït Melloul", "Inezgane-Ait Melloul"),
            ("chtouka-ait-baha", "اشتوكة أيت باها", "Chtouka-Aït Baha", "Chtouka-Ait Baha"),
            ("taroudant", "تارودانت", "Taroudant", "Taroudant"),
            ("tiznit", "تيزنيت", "Tiznit", "Tiznit"),
            ("tata", "طاطا", "Tata", "Tata"),
        ),
    ),
    (
        ("guelmim-oued-noun", "كلميم واد نون", "Guelmim-Oued Noun", "Guelmim-Oued Noun"),
        (
            ("guelmim", "كلميم", "Guelmim", "Guelmim"),
            ("assa-zag", "أسا الزاك", "Assa-Zag", "Assa-Zag"),
            ("tan-tan", "طانطان", "Tan-Tan", "Tan-Tan"),
            ("sidi-ifni", "سيدي إفني", "Sidi Ifni", "Sidi Ifni"),
        ),
    ),
    (
        ("laayoune-sakia-el-hamra", "العيون الساقية الحمراء", "Laâyoune-Sakia El Hamra", "Laayoune-Sakia El Hamra"),
        (
            ("laayoune", "العيون", "Laâyoune", "Laayoune"),
            ("boujdour", "بوجدور", "Boujdour", "Boujdour"),
            ("tarfaya", "طرفاية", "Tarfaya", "Tarfaya"),
            ("es-semara", "السمارة", "Es-Semara", "Es-Semara"),
        ),
    ),
    (
        ("dakhla-oued-ed-dahab", "الداخلة وادي الذهب", "Dakhla-Oued Ed-Dahab", "Dakhla-Oued Ed-Dahab"),
        (
            ("oued-ed-dahab", "وادي الذهب", "Oued Ed-Dahab", "Oued Ed-Dahab"),
            ("aousserd", "أوسرد", "Aousserd", "Aousserd"),
        ),
    ),
)


def _names(ar: str, fr: str, en: str) -> dict[str, str]:
    return {"ar": ar, "fr": fr, "en": en}


REGIONS: tuple[Region, ...] = tuple(
    Region(code, _names(ar, fr, en), tuple(Place(p_code, _names(*p_names)) for p_code, *p_names in provinces))
    for (code, ar, fr, en), provinces in _DATA
)

_REGIONS_BY_CODE: dict[str, Region] = {r.code: r for r in REGIONS}
_PROVINCES_BY_CODE: dict[str, Place] = {p.code: p for r in REGIONS for p in r.provinces}
_REGION_OF: dict[str, Region] = {p.code: r for r in REGIONS for p in r.provinces}


def region(code: str) -> Region:
    """The region with this code; KeyError if unknown."""
    return _REGIONS_BY_CODE[code]


def province(code: str) -> Place:
    """The prefecture or province with this code; KeyError if unknown."""
    return _PROVINCES_BY_CODE[code]


def region_of(province_code: str) -> Region:
    """The region containing this prefecture or province; KeyError if unknown."""
    return _REGION_OF[province_code]


def region_choices(locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for all regions in official order, for a WTForms SelectField."""
    locale = locale or _current_locale()
    return [(r.code, r.name(locale)) for r in REGIONS]


def province_choices(region_code: str | None = None, locale: str | None = None) -> list[tuple[str, str]]:
    """(code, name) pairs for one region's provinces, or all of them in region order."""
    locale = locale or _current_locale()
    regions = REGIONS if region_code is None else (region(region_code),)
    return [(p.code, p.name(locale)) for r in regions for p in r.provinces]


def is_province(code: str) -> bool:
    """Whether this code names a known prefecture or province."""
    return code in _PROVINCES_BY_CODE
