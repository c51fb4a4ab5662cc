"""Suggestions: whom a person should meet, ranked by complementarity, each with its reason in words.

Deterministic: the same profiles give the same list (score, then the older profile first). People the
person has already asked, been asked by, met or declined are left out. The forum's listed profiles are
read as plain columns, once per forum and state, and kept as bit masks (offers, needs, themes, provinces)
that are scored with bitwise ands, and as the cards everyone sees (name, organisation, category, offers,
needs, pitch, provinces); only the few suggestions shown are matched as sets and worded (wording every
candidate cost most of the page: 800 profiles took 400 ms), and none is read again from the database.
"""

from __future__ import annotations

import functools
import heapq
from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from forum import geo
from forum.db import translated
from forum.extensions import db
from forum.i18n import person_name
from forum.partnerships.models import MeetingRequest, PartnershipProfile, RequestStatus
from forum.partnerships.vocabulary import Support, support_title
from forum.registration.models import Category, Organisation, Registration, RegistrationStatus

#: what each match is worth: what I need and they offer weighs most, then the reverse
WEIGHTS = {"they_offer": 3, "they_need": 2, "theme": 1, "province": 1, "kinds": 2}
#: those who mostly seek support, and those who mostly give it: a meeting across the two is worth more
SEEKERS = {Category.association, Category.cooperative}
PROVIDERS = {Category.private_sector, Category.donor, Category.public_sector, Category.expert}


@dataclass(frozen=True)
class Card:
    """A listed profile as everyone sees it on a card (never an e-mail or a phone)."""

    id: int
    name_ar: str | None
    name_latin: str | None
    organisation_name: str
    category: Category
    offers: list[str]
    needs: list[str]
    pitch: dict[str, str]
    provinces: list[str]
    #: the card's body rendered once per language (the same for every reader; see views/cards.py)
    rendered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def public_name(self) -> str:
        return person_name(self.name_ar, self.name_latin) or "—"

    @property
    def pitch_text(self) -> str:
        return translated(self.pitch)


@dataclass
class Suggestion:
    card: Card
    score: int
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Facts:
    """What matching reads of a profile."""

    id: int
    registration_id: int
    offers: frozenset[str]
    needs: frozenset[str]
    themes: frozenset[str]
    provinces: frozenset[str]
    category: Category


def facts_of(profile: PartnershipProfile) -> Facts:
    """A loaded profile as matching reads it."""
    return Facts(
        profile.id,
        profile.registration_id,
        frozenset(profile.offers),
        frozenset(profile.needs),
        frozenset(profile.themes),
        frozenset(profile.provinces),
        profile.registration.category,
    )


def match(mine: Facts, theirs: Facts) -> tuple[int, dict[str, set[str] | bool]]:
    """The score of `theirs` for `mine`, and what it rests on (themes and places count only when
    something is exchanged)."""
    parts: dict[str, set[str] | bool] = {
        "they_offer": mine.needs & theirs.offers,
        "they_need": mine.offers & theirs.needs,
    }
    points = WEIGHTS["they_offer"] * len(parts["they_offer"]) + WEIGHTS["they_need"] * len(parts["they_need"])
    if not points:
        return 0, parts
    parts["themes"], parts["provinces"] = mine.themes & theirs.themes, mine.provinces & theirs.provinces
    kinds = {mine.category, theirs.category}
    parts["kinds"] = bool(kinds & SEEKERS and kinds & PROVIDERS)
    points += WEIGHTS["theme"] * len(parts["themes"]) + WEIGHTS["province"] * bool(parts["provinces"])
    return points + WEIGHTS["kinds"] * parts["kinds"], parts


def _words(values: list[str]) -> str:
    return format_list(values, locale=str(get_locale() or "ar"))


def _supports(values: set[str]) -> str:
    return _words([support_title(member.value) for member in Support if member.value in values])


def reasons(parts: dict, mine: Category, theirs: Category) -> list[str]:
    """What a match rests on, in sentences of the reader's language."""
    said = (
        frozenset(parts["they_offer"]),
        frozenset(parts["they_need"]),
        frozenset(parts.get("themes") or ()),
        frozenset(parts.get("provinces") or ()),
        bool(parts.get("kinds")),
    )
    return list(_sentences(said, mine, theirs, str(get_locale() or "ar")))


@functools.lru_cache(maxsize=4096)
def _sentences(
    said: tuple[frozenset, frozenset, frozenset, frozenset, bool], mine: Category, theirs: Category, locale: str
) -> tuple[str, ...]:
    """The sentences of what a match rests on, in `locale` (the current language: it is part of the key,
    so that the ten shown on a page are mostly worded once per language, not once per page)."""
    they_offer, they_need, themes, provinces, kinds = said
    sentences = []
    if they_offer:
        sentences.append(_("Offers %(what)s, which you need.", what=_supports(they_offer)))
    if they_need:
        sentences.append(_("Needs %(what)s, which you offer.", what=_supports(they_need)))
    if themes:
        sentences.append(_("Works on %(themes)s, like you.", themes=_words(sorted(themes))))
    if provinces:
        names = [geo.province(code).name() for code in sorted(provinces) if geo.is_province(code)]
        sentences.append(_("Active in %(places)s, where you are too.", places=_words(names)))
    if kinds:
        sentences.append(_("A meeting between %(a)s and %(b)s.", a=mine.title, b=theirs.title))
    return tuple(sentences)


_LISTED = (
    sa.select(
        PartnershipProfile.id,
        PartnershipProfile.registration_id,
        PartnershipProfile.offers,
        PartnershipProfile.needs,
        PartnershipProfile.themes,
        PartnershipProfile.provinces,
        Registration.category,
        Registration.name_ar,
        Registration.name_latin,
        Organisation.name,
        PartnershipProfile.pitch,
    )
    .join(Registration, Registration.id == PartnershipProfile.registration_id)
    .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
    .where(
        PartnershipProfile.forum_id == sa.bindparam("forum_id"),
        PartnershipProfile.is_open_to_meetings.is_(True),
        Registration.status == RegistrationStatus.confirmed,
    )
)
#: what changes the listed profiles and their cards: their number and their latest edit, or a registration's
#: (a cancellation, a name, an organisation: organisations are never renamed, a merge re-points the
#: registration and so changes its `updated_at`)
STATE = (
    sa.select(
        sa.func.count().label("profiles"),
        sa.func.max(PartnershipProfile.updated_at).label("profile_edit"),
        sa.func.max(Registration.updated_at).label("registration_edit"),
    )
    .join(Registration, Registration.id == PartnershipProfile.registration_id)
    .where(PartnershipProfile.forum_id == sa.bindparam("forum_id"))
)
#: each kind of support as one bit, so that what two profiles share is a bitwise and
_SUPPORT_BIT = {member.value: 1 << n for n, member in enumerate(Support)}


def _mask(values: frozenset[str], bits: dict[str, int]) -> int:
    mask = 0
    for value in values:
        mask |= bits.get(value, 0)
    return mask


@dataclass(frozen=True)
class Vector:
    """A listed profile precomputed for scoring: its sets as bit masks, its side (seeker or provider)."""

    facts: Facts
    offers: int
    needs: int
    themes: int
    provinces: int
    seeker: bool
    provider: bool


@dataclass(frozen=True)
class Listed:
    """A forum's listed profiles as vectors, and the bit of each theme and province they name."""

    vectors: list[Vector]
    theme_bits: dict[str, int]
    province_bits: dict[str, int]
    #: profile id -> its card
    cards: dict[int, Card] = field(default_factory=dict)

    def vector(self, facts: Facts) -> Vector:
        """Any profile's facts (listed or not) as a vector on this forum's bits."""
        return Vector(
            facts, _mask(facts.offers, _SUPPORT_BIT), _mask(facts.needs, _SUPPORT_BIT),
            _mask(facts.themes, self.theme_bits), _mask(facts.provinces, self.province_bits),
            facts.category in SEEKERS, facts.category in PROVIDERS,
        )  # fmt: skip


def _listed(facts: list[Facts]) -> Listed:
    themes = sorted({theme for f in facts for theme in f.themes})
    provinces = sorted({code for f in facts for code in f.provinces})
    listed = Listed([], {t: 1 << n for n, t in enumerate(themes)}, {c: 1 << n for n, c in enumerate(provinces)})
    listed.vectors.extend(listed.vector(f) for f in facts)
    return listed


#: forum id -> (state, listed profiles): per process, one entry a forum, replaced when the state changes.
#: Reading and decoding 800 profiles' JSON columns took 60 ms of the page; the state is read with the
#: partners page's own facts (services/hub.py), or alone in about 1 ms.
_cache: dict[int, tuple[tuple, Listed]] = {}


def listed_profiles(forum_id: int, state: tuple | None = None) -> Listed:
    """The forum's listed profiles as vectors and cards, read again only when `state` (read here when
    not given) differs from the one they were read in."""
    if state is None:
        state = tuple(db.session.execute(STATE, {"forum_id": forum_id}).one())
    cached = _cache.get(forum_id)
    if cached is not None and cached[0] == state:
        return cached[1]
    rows = db.session.execute(_LISTED, {"forum_id": forum_id}).all()
    facts = [Facts(r[0], r[1], frozenset(r[2]), frozenset(r[3]), frozenset(r[4]), frozenset(r[5]), r[6]) for r in rows]
    listed = _listed(facts)
    listed.cards.update((r[0], Card(r[0], r[7], r[8], r[9] or "", r[6], r[2], r[3], r[10], r[5])) for r in rows)
    _cache[forum_id] = (state, listed)
    return listed


def _known_partners(registration_id: int) -> set[int]:
    """Everyone the person has a request with, either way (asked, met, declined; not withdrawn)."""
    rows = db.session.execute(
        sa.select(MeetingRequest.requester_id, MeetingRequest.recipient_id).where(
            sa.or_(MeetingRequest.requester_id == registration_id, MeetingRequest.recipient_id == registration_id),
            MeetingRequest.status != RequestStatus.withdrawn,
        )
    )
    return {a if b == registration_id else b for a, b in rows}


def _points(me: Vector, theirs: Vector) -> int:
    """`match`'s score on the precomputed vectors (the same figure, without building the sets)."""
    points = WEIGHTS["they_offer"] * (me.needs & theirs.offers).bit_count()
    points += WEIGHTS["they_need"] * (me.offers & theirs.needs).bit_count()
    if not points:
        return 0
    points += WEIGHTS["theme"] * (me.themes & theirs.themes).bit_count()
    points += WEIGHTS["province"] * bool(me.provinces & theirs.provinces)
    sides = (me.seeker and theirs.provider) or (me.provider and theirs.seeker)
    return points + WEIGHTS["kinds"] * sides


def suggestions(mine: PartnershipProfile, *, limit: int = 10) -> list[Suggestion]:
    """The best partners for this profile, best first, each with its reasons."""
    listed = listed_profiles(mine.forum_id)
    return suggest(listed, facts_of(mine), known=_known_partners(mine.registration_id), limit=limit)


def suggest(listed: Listed, mine: Facts, *, known: set[int], limit: int = 10) -> list[Suggestion]:
    """The best partners among the listed profiles for a profile's facts, best first, with their cards
    and reasons (`known`: the registrations the person already has a request with, left out)."""
    me = listed.vector(mine)
    known = known | {mine.registration_id}
    scored = (
        (points, theirs.facts.id, theirs.facts)
        for theirs in listed.vectors
        for points in (_points(me, theirs),)
        if points > 0 and theirs.facts.registration_id not in known
    )
    top = heapq.nsmallest(limit, scored, key=lambda item: (-item[0], item[1]))
    worded = []
    for points, pid, theirs in top:
        _, parts = match(me.facts, theirs)
        worded.append(Suggestion(listed.cards[pid], points, reasons(parts, me.facts.category, theirs.category)))
    return worded
