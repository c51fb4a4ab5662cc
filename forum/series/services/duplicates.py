"""Likely duplicates among the organisations of the series, proposed to a platform admin (never merged
by themselves): names alike once normalised (Arabic and Latin script, rapidfuzz's token sort ratio) in
the same province and carrying the same numbers, or the same registration number."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from rapidfuzz import fuzz, process

from forum.extensions import db
from forum.registration.models import Organisation

#: the lowest similarity (0-100) proposed as a likely duplicate
SCORE_CUTOFF = 90
#: words every other name carries ("association", "جمعية"...): left out of the comparison so that two
#: associations are not alike merely for being associations (after name_key: hamza and taa marbuta unified)
GENERIC_WORDS = frozenset(
    "association associations assoc cooperative cooperatives coop societe ste sarl sa club centre center "
    "de des du la le les l d al el pour et of the for and "
    "جمعيه الجمعيه تعاونيه التعاونيه مركز نادي شركه اتحاد لل ل و من اجل".split()
)
_NOT_ALNUM = re.compile(r"[\W_]+")


#: the Arabic article and the prepositions written joined to it ("الأمل", "للتنمية", "والتنمية")
_ARTICLE = re.compile(r"^(?:وال|بال|لل|ال)(?=\w{2})")


def comparable(key: str) -> str:
    """A name key without its generic words and Arabic articles (the whole key if nothing is left)."""
    words = [_ARTICLE.sub("", w) for w in key.split() if w not in GENERIC_WORDS]
    return " ".join(w for w in words if w not in GENERIC_WORDS) or key


_DIGITS = re.compile(r"\d+")


def _numbers_differ(first: str, second: str) -> bool:
    """Names that carry different numbers ("Amal 1", "Amal 2": two branches) are not the same one."""
    return set(_DIGITS.findall(first)) != set(_DIGITS.findall(second))


def _number(value: str | None) -> str:
    return _NOT_ALNUM.sub("", value or "").upper()


@dataclass(frozen=True)
class Pair:
    first_id: int
    second_id: int
    score: int
    #: "name" (alike in the same province) or "number" (same registration number)
    reason: str


def find_duplicates(progress: Callable[[int, int], None] | None = None) -> list[Pair]:
    """Every likely pair of duplicates among the organisations not merged yet, best first; `progress`
    is told (done, total) province by province."""
    rows = db.session.execute(
        sa.select(Organisation.id, Organisation.name_key, Organisation.province, Organisation.registration_number)
        .where(Organisation.merged_into_id.is_(None))
        .order_by(Organisation.id)
    ).all()
    pairs: dict[tuple[int, int], Pair] = {}
    by_number: dict[str, list[int]] = defaultdict(list)
    by_province: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for org_id, key, province, number in rows:
        if _number(number):
            by_number[_number(number)].append(org_id)
        by_province[province or ""].append((org_id, comparable(key)))
    for ids in by_number.values():
        for n, first in enumerate(ids):
            for second in ids[n + 1 :]:
                pairs[(first, second)] = Pair(first, second, 100, "number")
    provinces = list(by_province.values())
    for done, members in enumerate(provinces, start=1):
        names = [name for _id, name in members]
        if len(names) > 1:
            scores = process.cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=SCORE_CUTOFF, workers=-1)
            for i, j in zip(*scores.nonzero(), strict=True):
                if i < j and not _numbers_differ(names[i], names[j]):
                    first, second = members[i][0], members[j][0]
                    pairs.setdefault((first, second), Pair(first, second, int(scores[i, j]), "name"))
        if progress is not None:
            progress(done, len(provinces))
    return sorted(pairs.values(), key=lambda p: (-p.score, p.first_id, p.second_id))
