"""The series' figures, aggregated in SQL for every forum at once, or per region and year, or per region.

A participant is a confirmed registration outside the team (speakers, exhibitors' staff, organisers);
an association is an organisation of kind association or cooperative, counted once however many of its
members came. An association is new where it came to the series for the first time (its first forum by
date) and returning elsewhere."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum import geo
from forum.checkin.models import Admission, CheckInList
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session, SessionKind
from forum.recommendations.models import FollowUp, FollowUpStatus, Recommendation, RecommendationStatus
from forum.registration.models import (
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)

ASSOCIATION_KINDS = (OrganisationKind.association, OrganisationKind.cooperative)
PRIVATE_AND_DONORS = (Category.private_sector, Category.donor)

#: the three ways the series is cut: each forum, each region in each year, each region over the years
BY_FORUM, BY_REGION_YEAR, BY_REGION = "forum", "region_year", "region"

#: counts other modules add to the series (partnerships recorded, ...): name -> fn(keys, where) giving a
#: select of (*keys, count) grouped by the keys, where `keys` are columns of Forum and `where` conditions
#: on Forum to apply; see register_count
EXTRA_COUNTS: dict[str, Callable[[list[Any], list[Any]], sa.Select]] = {}


def register_count(name: str, source: Callable[[list[Any], list[Any]], sa.Select]) -> None:
    """Let another module add a count to the series' figures (shown when an indicator names it)."""
    EXTRA_COUNTS[name] = source


@dataclass
class Figures:
    """What the series counted for one forum, one region in one year, or one region."""

    registrations: int = 0
    women: int = 0
    rural: int = 0
    disability: int = 0
    private_and_donors: int = 0
    attendance: int = 0
    associations: int = 0
    associations_new: int = 0
    #: codes of the region's provinces its participants came from
    provinces: set[str] = field(default_factory=set)
    provinces_total: int = 0
    workshops: int = 0
    accepted: int = 0
    #: accepted recommendations by follow-up status (those without a follow-up are not started)
    follow_up: dict[str, int] = field(default_factory=dict)
    extra: dict[str, int] = field(default_factory=dict)

    @property
    def associations_returning(self) -> int:
        return self.associations - self.associations_new


def _keys(grouping: str) -> list[Any]:
    year = sa.extract("year", Forum.starts_on)
    return {
        BY_FORUM: [Forum.id.label("k0")],
        BY_REGION_YEAR: [Forum.region.label("k0"), year.label("k1")],
        BY_REGION: [Forum.region.label("k0")],
    }[grouping]


def _where(region: str | None, year: int | None) -> list[Any]:
    where = []
    if region:
        where.append(Forum.region == region)
    if year:
        where.append(sa.extract("year", Forum.starts_on) == year)
    return where


#: a confirmed registration outside the team
PARTICIPANT = sa.and_(Registration.status == RegistrationStatus.confirmed, sa.not_(Registration.is_team))


def _participants(keys: list[Any], where: list[Any]) -> sa.Select:
    def count_if(condition: Any) -> Any:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)

    return (
        sa.select(
            *keys,
            sa.func.count(),
            count_if(Registration.gender == Gender.female),
            count_if(Registration.area == Area.rural),
            count_if(Registration.has_disability.is_(True)),
            count_if(Registration.category.in_(PRIVATE_AND_DONORS)),
        )
        .join(Forum, Forum.id == Registration.forum_id)
        .where(PARTICIPANT, *where)
        .group_by(*keys)
    )


def _associations(keys: list[Any], where: list[Any]) -> sa.Select:
    is_association = sa.and_(PARTICIPANT, Organisation.kind.in_(ASSOCIATION_KINDS))
    order = sa.func.row_number().over(partition_by=Registration.organisation_id, order_by=(Forum.starts_on, Forum.id))
    ranked = (
        sa.select(Registration.organisation_id.label("organisation_id"), Forum.id.label("forum_id"), order.label("n"))
        .join(Forum, Forum.id == Registration.forum_id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(is_association)
        .subquery()
    )
    first = sa.select(ranked.c.organisation_id, ranked.c.forum_id).where(ranked.c.n == 1).subquery()
    new = sa.case((Registration.forum_id == first.c.forum_id, Registration.organisation_id))
    return (
        sa.select(*keys, sa.func.count(sa.distinct(Registration.organisation_id)), sa.func.count(sa.distinct(new)))
        .join(Forum, Forum.id == Registration.forum_id)
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .join(first, first.c.organisation_id == Registration.organisation_id)
        .where(is_association, *where)
        .group_by(*keys)
    )


def _provinces(keys: list[Any], where: list[Any]) -> sa.Select:
    return (
        sa.select(*keys, Forum.region, Registration.province)
        .join(Forum, Forum.id == Registration.forum_id)
        .where(PARTICIPANT, Registration.province.is_not(None), *where)
        .group_by(*keys, Forum.region, Registration.province)
    )


def _attendance(keys: list[Any], where: list[Any]) -> sa.Select:
    return (
        sa.select(*keys, sa.func.count(sa.distinct(Admission.registration_id)))
        .select_from(Admission)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .join(Forum, Forum.id == CheckInList.forum_id)
        .where(Admission.undone_at.is_(None), *where)
        .group_by(*keys)
    )


def _workshops(keys: list[Any], where: list[Any], now: datetime) -> sa.Select:
    return (
        sa.select(*keys, sa.func.count())
        .select_from(Session)
        .join(Forum, Forum.id == Session.forum_id)
        .where(
            Session.kind == SessionKind.workshop,
            Session.published_at.is_not(None),
            Session.is_cancelled.is_(False),
            Session.starts_at <= now,
            *where,
        )
        .group_by(*keys)
    )


def _recommendations(keys: list[Any], where: list[Any]) -> sa.Select:
    status = sa.func.coalesce(FollowUp.status, FollowUpStatus.not_started.value)
    return (
        sa.select(*keys, status, sa.func.count())
        .select_from(Recommendation)
        .join(Forum, Forum.id == Recommendation.forum_id)
        .outerjoin(FollowUp, FollowUp.recommendation_id == Recommendation.id)
        .where(Recommendation.status == RecommendationStatus.accepted, *where)
        .group_by(*keys, status)
    )


def compute(
    grouping: str, *, region: str | None = None, year: int | None = None, now: datetime | None = None
) -> dict[Hashable, Figures]:
    """The figures of every forum (grouping BY_FORUM, keyed by forum id), of every region in every year
    (BY_REGION_YEAR, keyed by (region, year)) or of every region (BY_REGION), optionally of one region
    or year only: a handful of grouped queries, whatever the number of forums and rows."""
    now = now or utcnow()
    keys, where = _keys(grouping), _where(region, year)
    width = len(keys)
    result: dict[Hashable, Figures] = defaultdict(Figures)

    def key_of(row: Any) -> Hashable:
        return row[0] if width == 1 else (row[0], int(row[1]))

    for row in db.session.execute(_participants(keys, where)):
        figures = result[key_of(row)]
        (figures.registrations, figures.women, figures.rural, figures.disability, figures.private_and_donors) = (
            int(v) for v in row[width:]
        )
    for row in db.session.execute(_associations(keys, where)):
        result[key_of(row)].associations, result[key_of(row)].associations_new = int(row[width]), int(row[width + 1])
    for row in db.session.execute(_attendance(keys, where)):
        result[key_of(row)].attendance = int(row[width])
    for row in db.session.execute(_workshops(keys, where, now)):
        result[key_of(row)].workshops = int(row[width])
    for row in db.session.execute(_recommendations(keys, where)):
        figures, count = result[key_of(row)], int(row[width + 1])
        figures.accepted += count
        figures.follow_up[str(row[width])] = figures.follow_up.get(str(row[width]), 0) + count
    for row in db.session.execute(_provinces(keys, where)):
        if row[width + 1] in {p.code for p in _provinces_of(row[width])}:
            result[key_of(row)].provinces.add(row[width + 1])
    for name, source in EXTRA_COUNTS.items():
        for row in db.session.execute(source(keys, where)):
            result[key_of(row)].extra[name] = int(row[width])
    _count_provinces(grouping, result)
    return dict(result)


def _provinces_of(region_code: str) -> tuple[geo.Place, ...]:
    try:
        return geo.region(region_code).provinces
    except KeyError:
        return ()


def _count_provinces(grouping: str, result: dict[Hashable, Figures]) -> None:
    regions: dict[Hashable, str] = {}
    if grouping == BY_FORUM and result:
        regions = dict(db.session.execute(sa.select(Forum.id, Forum.region).where(Forum.id.in_(list(result)))).all())
    for key, figures in result.items():
        code = regions.get(key) if grouping == BY_FORUM else (key[0] if isinstance(key, tuple) else key)
        figures.provinces_total = len(_provinces_of(code or ""))
