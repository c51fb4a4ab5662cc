"""Similar recommendations: what was already entered that reads like the text being typed, so the same
idea is supported or merged rather than entered twice (as Decidim's compare step does).

Texts are compared once normalised (case, French accents, Arabic diacritics, tatweel, hamza and
alef/ya/ta-marbuta variants, punctuation): the score is the mean of the characters' likeness (difflib's
ratio, high for the same wording with typos) and the words' overlap (Jaccard on stems, high for the
same words in another order). Only the forum's recommendations that share most words with the text are compared in
full, so a keystroke costs milliseconds on a forum's few thousand.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Recommendation, RecommendationStatus
from forum.recommendations.services.supports import support_counts

#: from this score a recommendation is shown as similar while typing
SIMILAR_SCORE = 0.5
#: from this score the form comes back once before the text is added ("Submit anyway")
DUPLICATE_SCORE = 0.75
#: below this many characters nothing is compared (too little to tell)
MIN_LENGTH = 12
#: how many of the recommendations sharing the most words with the text are compared in full
SCORED = 40

#: alef wasla, alef maqsura, ta marbuta as alef, ya, ha; the tatweel dropped (hamzas go with the diacritics)
_LETTERS = str.maketrans({"ٱ": "ا", "ى": "ي", "ة": "ه", "\u0640": None})
#: "and the", "with the", "so the", "like the", "for the", "the", before three letters at least
_ARABIC_PREFIX = re.compile(r"^(?:وال|بال|فال|كال|لل|ال)(?=\w{3})")
_FUNCTION_WORDS = frozenset(
    "les des une pour dans sur par avec aux que qui est ses leur leurs son ces cette entre plus "
    "the and for with from that this are their into "
    "في من على الى إلى عن مع التي الذي هذه هذا ذلك بين او أو كل عبر".split()
)


@dataclass
class Similar:
    """A recommendation that reads like the typed text: its score (0 to 1) and supports."""

    recommendation: Recommendation
    score: float
    supports: int

    @property
    def close(self) -> bool:
        """So close that it is probably the same recommendation."""
        return self.score >= DUPLICATE_SCORE


def normalise(text: str) -> str:
    """The text reduced to what tells two wordings apart: lower case, no accents or Arabic diacritics,
    one form of each Arabic letter, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())  # é → e + ́, أ → ا + ٔ
    return " ".join(decomposed.translate(_table()).split())


@cache
def _table() -> dict[int, str | None]:
    """str.translate's table: combining marks (accents, harakat, shadda, hamza above or below) dropped,
    punctuation, symbols and controls made spaces, the Arabic letters of _LETTERS made one."""
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category == "Mn":
            table[code] = None
        elif category[0] in "PSZC":
            table[code] = " "
    return table | _LETTERS


def _stem(word: str) -> str:
    """A word cut to what its variants share: an Arabic one without its article and the conjunction or
    preposition before it, then five letters at most (formation/formations, rural/rurale)."""
    return _ARABIC_PREFIX.sub("", word, count=1)[:5]


@lru_cache(maxsize=8192)
def _prepared(text: str) -> tuple[str, frozenset[str]]:
    """A text normalised, with its words: kept between keystrokes, as the forum's texts change little."""
    normalised = normalise(text)
    return normalised, words(normalised)


def words(normalised: str) -> frozenset[str]:
    """The stems of the text's words that carry meaning (three letters or more, not a function word)."""
    return frozenset(_stem(w) for w in normalised.split() if len(w) >= 3 and w not in _FUNCTION_WORDS)


def _score(typed: str, typed_words: frozenset[str], other: str, other_words: frozenset[str]) -> float:
    """How much a normalised text reads like another one, from 0 to 1: the mean of the characters'
    likeness and the words' overlap; a text whose every word (three at least) is in the other one, as
    when the beginning of a longer one is typed, scores 0.7 at least (shown, not counted as the same).
    Under SIMILAR_SCORE the answer is 0, found without the full comparison."""
    shared = len(typed_words & other_words)
    overlap = shared / len(typed_words | other_words)
    contained = 0.7 if len(typed_words) >= 3 and shared == len(typed_words) else 0.0
    matcher = SequenceMatcher(None, typed, other, autojunk=False)
    for bound in (matcher.real_quick_ratio, matcher.quick_ratio, matcher.ratio):  # cheap upper bounds first
        likeness = bound()
        if (likeness + overlap) / 2 < SIMILAR_SCORE:
            return contained
    return max((likeness + overlap) / 2, contained)


def similar_to(workshop_or_forum: Session | Forum, text: str, *, limit: int = 5) -> list[Similar]:
    """The forum's recommendations still in play (submitted or accepted) that read like `text`, best
    first; given a workshop, those of that workshop come first. Of those sharing a word with the text,
    the SCORED that share the most are compared in full."""
    typed = normalise(text or "")
    typed_words = words(typed)
    if len(typed) < MIN_LENGTH or not typed_words:
        return []
    workshop = workshop_or_forum if isinstance(workshop_or_forum, Session) else None
    forum_id = workshop.forum_id if workshop is not None else workshop_or_forum.id
    rows = db.session.execute(
        sa.select(Recommendation.id, Recommendation.text).where(
            Recommendation.forum_id == forum_id,
            Recommendation.status.in_((RecommendationStatus.submitted, RecommendationStatus.accepted)),
        )
    ).all()
    candidates = []
    for row_id, row_text in rows:
        other, other_words = _prepared(row_text)
        shared = len(typed_words & other_words)
        if shared:
            candidates.append((shared / len(typed_words | other_words), row_id, other, other_words))
    candidates = heapq.nlargest(SCORED, candidates, key=lambda c: c[0])
    scored = {row_id: _score(typed, typed_words, other, other_words) for _, row_id, other, other_words in candidates}
    scored = {row_id: value for row_id, value in scored.items() if value >= SIMILAR_SCORE}
    if not scored:
        return []
    found = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.id.in_(scored)).options(selectinload(Recommendation.session))
    ).all()
    same_workshop_id = workshop.id if workshop is not None else None
    found = sorted(found, key=lambda r: (r.session_id != same_workshop_id, -scored[r.id], r.id))[:limit]
    counts = support_counts([forum_id])
    return [Similar(r, round(scored[r.id], 2), counts.get(r.id, 0)) for r in found]


def likely_duplicates(workshop_or_forum: Session | Forum, text: str) -> list[Similar]:
    """The similar recommendations, when one of them is probably the same as `text` (else none)."""
    matches = similar_to(workshop_or_forum, text)
    return matches if any(m.close for m in matches) else []
