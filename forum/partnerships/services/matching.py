"""Suggestions: whom a person should meet, ranked by complementarity, each with its reason in words.

Deterministic: the same profiles give the same list (score, then the older profile first). People the
person has already asked, been asked by, met or declined are left out. The forum's profiles are read as
plain columns and scored as sets; only the few suggestions shown are loaded as rows and worded (wording
every candidate cost most of the page: 800 profiles took 400 ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload

from forum import geo
from forum.extensions import db
from forum.partnerships.models import MeetingRequest, PartnershipProfile, RequestStatus
from forum.partnerships.vocabulary import Support
from forum.registration.models import Category, Registration, RegistrationStatus

#: what each match is worth: what I need and they offer weighs most, then the reverse
WEIGHTS = {"they_offer": 3, "they_need": 2, "theme": 1, "province": 1, "kinds": 2}
#: those who mostly seek support, and those who mostly give it: a meeting across the two is worth more
SEEKERS = {Category.association, Category.cooperative}
PROVIDERS = {Category.private_sector, Category.donor, Category.public_sector, Category.expert}


@dataclass
class Suggestion:
    profile: PartnershipProfile
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
    return _words([member.title for member in Support if member.value in values])


def reasons(parts: dict, mine: Category, theirs: Category) -> list[str]:
    """What a match rests on, in sentences of the reader's language."""
    said = []
    if parts["they_offer"]:
        said.append(_("Offers %(what)s, which you need.", what=_supports(parts["they_offer"])))
    if parts["they_need"]:
        said.append(_("Needs %(what)s, which you offer.", what=_supports(parts["they_need"])))
    if parts.get("themes"):
        said.append(_("Works on %(themes)s, like you.", themes=_words(sorted(parts["themes"]))))
    if parts.get("provinces"):
        names = [geo.province(code).name() for code in sorted(parts["provinces"]) if geo.is_province(code)]
        said.append(_("Active in %(places)s, where you are too.", places=_words(names)))
    if parts.get("kinds"):
        said.append(_("A meeting between %(a)s and %(b)s.", a=mine.title, b=theirs.title))
    return said


def score(mine: PartnershipProfile, theirs: PartnershipProfile) -> Suggestion:
    """How well `theirs` complements `mine`, and why, in the reader's language."""
    points, parts = match(facts_of(mine), facts_of(theirs))
    said = reasons(parts, mine.registration.category, theirs.registration.category) if points else []
    return Suggestion(theirs, points, said)


_LISTED = (
    sa.select(
        PartnershipProfile.id,
        PartnershipProfile.registration_id,
        PartnershipProfile.offers,
        PartnershipProfile.needs,
        PartnershipProfile.themes,
        PartnershipProfile.provinces,
        Registration.category,
    )
    .join(Registration, Registration.id == PartnershipProfile.registration_id)
    .where(
        PartnershipProfile.forum_id == sa.bindparam("forum_id"),
        PartnershipProfile.is_open_to_meetings.is_(True),
        Registration.status == RegistrationStatus.confirmed,
    )
)
#: what changes the listed profiles: their number and their latest edit, or a registration's (a cancellation)
_STATE = (
    sa.select(sa.func.count(), sa.func.max(PartnershipProfile.updated_at), sa.func.max(Registration.updated_at))
    .join(Registration, Registration.id == PartnershipProfile.registration_id)
    .where(PartnershipProfile.forum_id == sa.bindparam("forum_id"))
)
#: forum id -> (state, facts): per process, one entry a forum, replaced when the state changes. Reading
#: and decoding 800 profiles' JSON columns took 60 ms of the page; the state query takes about 1 ms.
_cache: dict[int, tuple[tuple, list[Facts]]] = {}


def _listed_facts(forum_id: int) -> list[Facts]:
    state = tuple(db.session.execute(_STATE, {"forum_id": forum_id}).one())
    cached = _cache.get(forum_id)
    if cached is not None and cached[0] == state:
        return cached[1]
    rows = db.session.execute(_LISTED, {"forum_id": forum_id})
    facts = [Facts(r[0], r[1], frozenset(r[2]), frozenset(r[3]), frozenset(r[4]), frozenset(r[5]), r[6]) for r in rows]
    _cache[forum_id] = (state, facts)
    return facts


def _known_partners(registration_id: int) -> set[int]:
    """Everyone the person has a request with, either way (asked, met, declined; not withdrawn)."""
    rows = db.session.execute(
        sa.select(MeetingRequest.requester_id, MeetingRequest.recipient_id).where(
            sa.or_(MeetingRequest.requester_id == registration_id, MeetingRequest.recipient_id == registration_id),
            MeetingRequest.status != RequestStatus.withdrawn,
        )
    )
    return {a if b == registration_id else b for a, b in rows}


def suggestions(mine: PartnershipProfile, *, limit: int = 10) -> list[Suggestion]:
    """The best partners for this profile, best first, each with its reasons."""
    me = facts_of(mine)
    known = _known_partners(mine.registration_id) | {mine.registration_id}
    scored = [
        (points, theirs.id, parts, theirs)
        for theirs in _listed_facts(mine.forum_id)
        if theirs.registration_id not in known
        for points, parts in (match(me, theirs),)
        if points > 0
    ]
    top = sorted(scored, key=lambda item: (-item[0], item[1]))[:limit]
    profiles = {
        p.id: p
        for p in db.session.scalars(
            sa.select(PartnershipProfile)
            .where(PartnershipProfile.id.in_([item[1] for item in top]))
            .options(joinedload(PartnershipProfile.registration).joinedload(Registration.organisation))
        )
    }
    return [
        Suggestion(profiles[pid], points, reasons(parts, me.category, theirs.category))
        for points, pid, parts, theirs in top
    ]
