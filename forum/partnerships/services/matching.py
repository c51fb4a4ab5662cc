"""Suggestions: whom a person should meet, ranked by complementarity, each with its reason in words.

Deterministic: the same profiles give the same list (score, then the older profile first). People the
person has already asked, been asked by, met or declined are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import get_locale
from flask_babel import gettext as _

from forum import geo
from forum.extensions import db
from forum.partnerships.models import MeetingRequest, PartnershipProfile, RequestStatus
from forum.partnerships.services.profiles import listed_profiles
from forum.partnerships.vocabulary import Support
from forum.registration.models import Category

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


def _words(values: list[str]) -> str:
    return format_list(values, locale=str(get_locale() or "ar"))


def _supports(values: set[str]) -> str:
    return _words([member.title for member in Support if member.value in values])


def score(mine: PartnershipProfile, theirs: PartnershipProfile) -> Suggestion:
    """How well `theirs` complements `mine`, and why, in the reader's language."""
    suggestion = Suggestion(theirs, 0)
    if they_offer := set(mine.needs) & set(theirs.offers):
        suggestion.score += WEIGHTS["they_offer"] * len(they_offer)
        suggestion.reasons.append(_("Offers %(what)s, which you need.", what=_supports(they_offer)))
    if they_need := set(mine.offers) & set(theirs.needs):
        suggestion.score += WEIGHTS["they_need"] * len(they_need)
        suggestion.reasons.append(_("Needs %(what)s, which you offer.", what=_supports(they_need)))
    if not suggestion.score:
        return suggestion  # themes and places alone make no partnership
    if themes := sorted(set(mine.themes) & set(theirs.themes)):
        suggestion.score += WEIGHTS["theme"] * len(themes)
        suggestion.reasons.append(_("Works on %(themes)s, like you.", themes=_words(themes)))
    if provinces := sorted(set(mine.provinces) & set(theirs.provinces)):
        suggestion.score += WEIGHTS["province"]
        names = [geo.province(code).name() for code in provinces if geo.is_province(code)]
        suggestion.reasons.append(_("Active in %(places)s, where you are too.", places=_words(names)))
    kinds = {mine.registration.category, theirs.registration.category}
    if kinds & SEEKERS and kinds & PROVIDERS:
        suggestion.score += WEIGHTS["kinds"]
        suggestion.reasons.append(
            _(
                "A meeting between %(a)s and %(b)s.",
                a=mine.registration.category.title,
                b=theirs.registration.category.title,
            )
        )
    return suggestion


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
    known = _known_partners(mine.registration_id)
    scored = [
        score(mine, theirs)
        for theirs in listed_profiles(mine.registration.forum)
        if theirs.registration_id != mine.registration_id and theirs.registration_id not in known
    ]
    ranked = sorted((s for s in scored if s.score > 0), key=lambda s: (-s.score, s.profile.id))
    return ranked[:limit]
