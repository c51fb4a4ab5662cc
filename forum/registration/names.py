"""Organisation names as compared: one key per name, the same for its Arabic and Latin spellings' variants."""

from __future__ import annotations

import re
import unicodedata

#: Arabic letters written several ways in names typed by hand (hamza forms, final yaa and taa marbuta)
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ئ": "ي", "ؤ": "و", "ة": "ه", "ـ": ""})
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """The comparable form of a name: lower-case, without accents, Arabic short vowels or tatweel, the
    Arabic letters typed several ways unified, punctuation as spaces ("Association Al-Amal" and
    "association al amal", "جمعيّة الأمل" and "جمعية الامل" give the same key)."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_ARABIC)
    return _NOT_WORD.sub(" ", bare).strip()
