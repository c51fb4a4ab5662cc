"""The organisations suggested while a person types a name on the sign-up form: a fast path.

Each process keeps every organisation not merged in memory, and for each region two sorted lists searched
by prefix with `bisect`: the organisations by name key, and each word of a name key after the first by
the text from that word on. What a person typed is then one range in each list, walked only as far as
the suggestions need, whatever the number of organisations and however generic the text ("association",
"جمعية": every name starts so). Whether organisations were added or merged is asked of the database at
most every SUGGESTIONS_RECHECK_SECONDS (10 s) per process, so most keystrokes need no query. Measured on
bench_series (40,000 organisations, CPU time per call on the shared machine): 2 to 5 ms a suggestion with
the former two-letter buckets walked whole (23 ms for "جمعيه ار"), under 1 ms with the ranges; and the
query each keystroke made took 8 ms (21 ms at the 95th percentile) at a load of 23. The obvious version,
a filter over every organisation, is the reference in tests/series/test_suggestions.py.
"""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_left, insort
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask import current_app

from forum import geo
from forum.extensions import db
from forum.registration.models import Organisation
from forum.registration.names import name_key
from forum.series.models import OrganisationMerge

#: suggestions offered while typing
SUGGESTIONS = 8
#: a word's offset in its name key, packed with the organisation's position as position << _BITS | offset
_BITS = 16
#: more new rows than this are sorted in with the rest rather than inserted one by one
_BULK = 64


def _region_code(province: str | None) -> str:
    try:
        return geo.region_of(province).code if province else ""
    except KeyError:
        return ""


def _province_name(code: str | None) -> str:
    try:
        return geo.province(code).name() if code else ""
    except KeyError:
        return ""


def _sort_in(into: list[int], new: list[int], key: Callable[[int], str]) -> None:
    if len(new) > _BULK or not into:
        into.extend(new)
        into.sort(key=key)
    else:
        for item in new:
            insort(into, item, key=key)


@dataclass
class _Index:
    """Every organisation not merged, as (id, name key, name, province) rows, and per region code ("" for
    none) the rows' positions by name key and their later words (position << _BITS | offset) by the text
    from the word on."""

    highest: int = 0
    #: when the organisation of id `highest` was created: another value means the rows were replaced
    highest_at: Any = None
    merges: int | None = None
    #: when the database was last asked whether organisations were added or merged (time.monotonic())
    checked_at: float = 0.0
    rows: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    names: dict[str, list[int]] = field(default_factory=dict)
    words: dict[str, list[int]] = field(default_factory=dict)

    def name(self, position: int) -> str:
        return self.rows[position][1]

    def from_word(self, code: int) -> str:
        return self.rows[code >> _BITS][1][code & ((1 << _BITS) - 1) :]

    def add(self, rows: list[tuple[int, str, str, str | None]]) -> None:
        """Index more organisations."""
        names: dict[str, list[int]] = defaultdict(list)
        words: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            position, key = len(self.rows), row[1]
            self.rows.append(row)
            region = _region_code(row[3])
            names[region].append(position)
            offsets = [n + 1 for n, character in enumerate(key) if character == " "]
            words[region].extend(position << _BITS | offset for offset in offsets if offset < 1 << _BITS)
            self.highest = max(self.highest, row[0])
        for region, new in names.items():
            _sort_in(self.names.setdefault(region, []), new, self.name)
        for region, new in words.items():
            _sort_in(self.words.setdefault(region, []), new, self.from_word)

    def starting(self, items: list[int], key: Callable[[int], str], text: str, shift: int) -> Iterator[tuple[str, int]]:
        """(sort key, position) of the sorted items whose key starts with `text`, in order: one bisect,
        then a walk that stops at the first item past them (`shift`: _BITS for words, 0 for names)."""
        for n in range(bisect_left(items, text, key=key), len(items)):
            found = key(items[n])
            if not found.startswith(text):
                return
            yield found, items[n] >> shift


#: organisations are added (a higher id) and merged (a new merge), never renamed; the creation time of
#: the highest one known tells whether it is still the same row
_STAMP = sa.select(
    sa.select(sa.func.max(Organisation.id)).scalar_subquery(),
    sa.select(sa.func.max(OrganisationMerge.id)).scalar_subquery(),
    sa.select(Organisation.created_at).where(Organisation.id == sa.bindparam("known")).scalar_subquery(),
)
_CURRENT = sa.select(Organisation.id, Organisation.name_key, Organisation.name, Organisation.province).where(
    Organisation.merged_into_id.is_(None), Organisation.id > sa.bindparam("after")
)
_index = _Index()
_index_lock = threading.Lock()


def _organisations() -> _Index:
    """The suggestions' index, brought up to date (at most every SUGGESTIONS_RECHECK_SECONDS): the
    organisations added since are read alone, a merge reads everything again."""
    global _index
    with _index_lock:
        index = _index
        if index.rows and time.monotonic() - index.checked_at < current_app.config["SUGGESTIONS_RECHECK_SECONDS"]:
            return index
        highest, merges, known_at = db.session.execute(_STAMP, {"known": index.highest}).one()
        if index.merges != merges or (highest or 0) < index.highest or known_at != index.highest_at:
            index = _Index(merges=merges)
        if (highest or 0) > index.highest or not index.rows:
            index.add([tuple(row) for row in db.session.execute(_CURRENT, {"after": index.highest})])
            index.highest_at = db.session.scalar(
                sa.select(Organisation.created_at).where(Organisation.id == index.highest)
            )
        index.checked_at = time.monotonic()
        _index = index
    return index


def suggest(query: str, region: str | None) -> list[dict[str, Any]]:
    """Up to SUGGESTIONS organisations for what a person types: those of the forum's region first, then
    names that start with it before names holding a word that starts with it, then by name (its key)."""
    key = name_key(query)
    if len(key) < 2:
        return []
    index = _organisations()
    here = region if region in index.names or region in index.words else None
    others = [code for code in {*index.names, *index.words} if code != here]

    def names(regions: list[str]) -> Iterator[tuple[str, int]]:
        return heapq.merge(*(index.starting(index.names.get(code, []), index.name, key, 0) for code in regions))

    def words(regions: list[str]) -> Iterator[tuple[str, int]]:
        lists = (index.words.get(code, []) for code in regions)
        return heapq.merge(*(index.starting(items, index.from_word, key, _BITS) for items in lists))

    mine = [here] if here else []
    ranks = (names(mine), words(mine), names(others), words(others))
    chosen: list[int] = []
    for rank in ranks:
        for _found, position in rank:
            if position not in chosen:
                chosen.append(position)
            if len(chosen) == SUGGESTIONS:
                break
        if len(chosen) == SUGGESTIONS:
            break
    return [
        {"id": org_id, "name": label, "province": _province_name(province)}
        for org_id, _key, label, province in (index.rows[position] for position in chosen)
    ]
