"""The balance shown to organisers: counts by status, the shares of women, rural associations and people
with disabilities among confirmed participants, by category and province, and how an approval moves them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Gender, Registration
from forum.registration.services._common import Status, value_of
from forum.registration.services.settings import settings_for


@dataclass
class Share:
    count: int
    total: int
    #: the minimum share promised (percent), if any
    target: int | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0

    @property
    def meets_target(self) -> bool:
        return self.target is None or self.percent >= self.target


@dataclass
class Balance:
    capacity: int | None
    by_status: Counter
    awaiting_email: int
    held: int
    #: confirmed speakers, exhibitors and organisers: they hold no participant's place
    team: int
    women: Share
    rural_associations: Share
    disability: Share
    by_category: Counter
    by_province: Counter
    category_quotas: dict[str, int]
    province_quotas: dict[str, int]
    #: {category: its share of confirmed participants against the minimum the organisers set}
    category_targets: dict[str, Share]

    @property
    def below_target(self) -> list[str]:
        """The categories below their minimum share."""
        return [category for category, share in self.category_targets.items() if not share.meets_target]

    @property
    def confirmed(self) -> int:
        """Confirmed participants (the team apart)."""
        return self.by_status[Status.confirmed.value] - self.team

    @property
    def taken(self) -> int:
        return self.confirmed + self.held

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


@dataclass
class Shares:
    """The shares of women, rural associations and people with disabilities among confirmed
    participants, as the forum's counters keep them (no registration read)."""

    confirmed: int
    women: Share
    rural_associations: Share
    disability: Share

    def after(self, registration: Registration) -> dict[str, tuple[float, float]]:
        """How confirming `registration` moves each share: {name: (percent now, percent after)}."""
        n = self.confirmed
        moves = {}
        for key, share, hit in (
            ("women", self.women, registration.gender == Gender.female),
            ("rural", self.rural_associations, registration.is_rural_association),
            ("disability", self.disability, registration.has_disability),
        ):
            moves[key] = (share.percent, 100.0 * (share.count + hit) / (n + 1))
        return moves


# The counters are kept by triggers in the same transaction as each change (Forum.confirmed_*): one row
# read by its key. The recount they stand for is `balance` (tests/registration/test_places.py compares).
_SHARES = sa.select(
    Forum.confirmed_participants, Forum.confirmed_women, Forum.confirmed_rural_associations, Forum.confirmed_disabled
).where(Forum.id == sa.bindparam("forum_id"))


def shares(forum: Forum) -> Shares:
    """The shares among confirmed participants, from the forum's counters (one row by its key)."""
    confirmed, women, rural, disabled = db.session.execute(_SHARES, {"forum_id": forum.id}).one()
    return Shares(confirmed, Share(women, confirmed), Share(rural, confirmed), Share(disabled, confirmed))


def balance(forum: Forum) -> Balance:
    """Counts by status and the shares of women, rural associations and people with disabilities
    among confirmed participants, by category and province; one grouped query."""
    settings = settings_for(forum)
    columns = (
        Registration.status,
        Registration.holds_place,
        Registration.email_confirmed_at.is_(None),
        Registration.category,
        Registration.is_team,
        Registration.province,
        Registration.gender,
        Registration.is_rural_association,
        Registration.has_disability,
    )
    rows = db.session.execute(
        sa.select(*columns, sa.func.count()).where(Registration.forum_id == forum.id).group_by(*columns)
    ).all()
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    by_province: Counter = Counter()
    awaiting = held = team = women = rural = disability = 0
    for status, holds, unconfirmed, category, is_team, province, gender, is_rural, has_disability, n in rows:
        by_status[value_of(status)] += n
        if status == Status.pending and unconfirmed:
            awaiting += n
        if is_team:
            team += n if status == Status.confirmed else 0
            continue
        if status != Status.confirmed:
            held += n if holds else 0
            continue
        by_category[value_of(category)] += n
        if province:
            by_province[province] += n
        women += n if gender == Gender.female else 0
        rural += n if is_rural else 0
        disability += n if has_disability else 0
    confirmed = by_status[Status.confirmed.value] - team
    return Balance(
        capacity=forum.capacity,
        by_status=by_status,
        awaiting_email=awaiting,
        held=held,
        team=team,
        women=Share(women, confirmed, settings.min_women_percent),
        rural_associations=Share(rural, confirmed, settings.min_rural_percent),
        disability=Share(disability, confirmed),
        by_category=by_category,
        by_province=by_province,
        category_quotas=dict(settings.category_quotas or {}),
        province_quotas=dict(settings.province_quotas or {}),
        category_targets={
            category: Share(by_category[category], confirmed, minimum)
            for category, minimum in (settings.category_minimums or {}).items()
        },
    )
