"""Capacity and quotas: the places taken, maximums per category and province, the minimum shares of
women and of rural associations kept as reserved places, and the quota check of an admission."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Gender, Registration, RegistrationSettings
from forum.registration.services._common import Status, value_of
from forum.registration.services.settings import settings_for


@dataclass
class Counts:
    """Who holds the forum's places (confirmed or held), by the dimensions quotas look at."""

    taken: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_province: Counter = field(default_factory=Counter)
    women: int = 0
    rural_associations: int = 0

    def add(self, registration: Registration | Any, n: int = 1) -> None:
        self.taken += n
        self.by_category[value_of(registration.category)] += n
        if registration.province:
            self.by_province[registration.province] += n
        if value_of(registration.gender) == Gender.female.value:
            self.women += n
        if registration.is_rural_association:
            self.rural_associations += n


@dataclass
class _Row:
    category: Any
    province: Any
    gender: Any
    is_rural_association: bool


# Statements run by every sign-up are built once, with bound parameters: building a select and its
# cache key cost SQLAlchemy more than the round trip to the database.
# The count is the forum's counter, kept by triggers in the same transaction as each change (see
# Forum.places_taken): one row read by its key, whatever the size of the forum. The recount it stands for
# is `sa.func.count()` of `Registration.takes_place` (tests/registration/test_places.py compares both).
_PLACES_TAKEN = sa.select(Forum.places_taken).where(Forum.id == sa.bindparam("forum_id"))


def places_taken(forum: Forum) -> int:
    """The places taken: confirmed participants and those holding a place (the team apart)."""
    return db.session.scalar(_PLACES_TAKEN, {"forum_id": forum.id})


def places_left(forum: Forum) -> int | None:
    """Free places, or None when the forum has no capacity limit."""
    if forum.capacity is None:
        return None
    return max(0, forum.capacity - places_taken(forum))


def place_counts(forum: Forum, *, exclude_id: int | None = None) -> Counts:
    """Who takes the forum's places, by the dimensions quotas look at (one grouped query)."""
    query = (
        sa.select(
            Registration.category,
            Registration.province,
            Registration.gender,
            Registration.is_rural_association,
            sa.func.count(),
        )
        .where(Registration.forum_id == forum.id, Registration.takes_place)
        .group_by(Registration.category, Registration.province, Registration.gender, Registration.area)
    )
    if exclude_id is not None:
        query = query.where(Registration.id != exclude_id)
    counts = Counts()
    for category, province, gender, rural, n in db.session.execute(query):
        counts.add(_Row(category, province, gender, bool(rural)), n)
    return counts


def quota_problems(
    settings: RegistrationSettings, capacity: int | None, counts: Counts, registration: Any
) -> list[str]:
    """What admitting `registration` on top of `counts` would break, as sentences for organisers.

    Minimum shares are kept as reserved places: with 40% for women and 100 places, at most 60 places
    go to others, so the forum can still reach its promise when it fills up.
    """
    problems = []
    category = value_of(registration.category)
    limit = (settings.category_quotas or {}).get(category)
    if limit is not None and counts.by_category[category] + 1 > limit:
        problems.append(_l("The quota for this category (%(limit)s) is reached.", limit=limit))
    province = registration.province
    limit = (settings.province_quotas or {}).get(province) if province else None
    if limit is not None and counts.by_province[province] + 1 > limit:
        problems.append(_l("The quota for this province (%(limit)s) is reached.", limit=limit))
    if capacity:
        others = counts.taken - counts.women
        if settings.min_women_percent and value_of(registration.gender) != Gender.female.value:
            kept = math.ceil(capacity * settings.min_women_percent / 100)
            if others + 1 > capacity - kept:
                problems.append(_l("The remaining places are kept for women."))
        others = counts.taken - counts.rural_associations
        if settings.min_rural_percent and not registration.is_rural_association:
            kept = math.ceil(capacity * settings.min_rural_percent / 100)
            if others + 1 > capacity - kept:
                problems.append(_l("The remaining places are kept for rural associations."))
    return [str(problem) for problem in problems]


def has_room(forum: Forum) -> bool:
    """Whether a place is free (always, without a capacity limit)."""
    left = places_left(forum)
    return left is None or left > 0


def has_quotas(settings: RegistrationSettings) -> bool:
    """Whether the forum sets any quota or minimum share."""
    return bool(
        settings.category_quotas or settings.province_quotas or settings.min_women_percent or settings.min_rural_percent
    )


def room_for(forum: Forum, settings: RegistrationSettings, registration: Registration) -> tuple[bool, list[str]]:
    """For an automatic admission: (is a place free, what admitting it would break); the team always fits."""
    if registration.is_team:
        return True, []
    if not has_room(forum):
        return False, []
    if not has_quotas(settings):
        return True, []
    return True, quota_problems(settings, forum.capacity, place_counts(forum), registration)


def approval_warnings(forum: Forum, registrations: Iterable[Registration]) -> dict[int, list[str]]:
    """The quota warnings an organiser sees before approving: for each registration awaiting a decision
    (pending or waitlisted), what confirming it on top of the places taken now would break.

    They only warn: an organiser's approval is bounded by capacity alone (see `approve`).
    """
    waiting = [r for r in registrations if r.status in (Status.pending, Status.waitlisted)]
    if not waiting:
        return {}
    settings = settings_for(forum)
    if not has_quotas(settings):
        return {r.id: [] for r in waiting}  # nothing to warn of: no need to count who holds the places
    counts = place_counts(forum)
    return {r.id: quota_problems(settings, forum.capacity, counts, r) for r in waiting}
