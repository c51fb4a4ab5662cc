"""The series' figures, aggregated in SQL for every forum at once, then for every region in every year
and every region over the years.

A participant is a confirmed registration outside the team (speakers, exhibitors' staff, organisers);
an association is an organisation of kind association or cooperative, counted once however many of its
members came. An association is new where it came to the series for the first time (its first forum by
date) and returning elsewhere. Forums still in draft are left out, as the dashboard and the open data
do not show them.

Five statements count everything (measured on 200,000 registrations and 1,000,000 scans, bench_series):
the participants per forum and province (their sums give each forum, region and year), the attendance
per forum, the associations (distinct per forum, per region and year and per region, in one statement
over their (forum, organisation) pairs), the workshops held and the accepted recommendations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from forum import geo
from forum.checkin.models import Admission, CheckInList
from forum.db import utcnow
from forum.events.models import Forum, ForumStatus
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

#: counts other modules add to the series (partnerships recorded, ...): name -> fn() giving a select of
#: (forum id, count) grouped by forum; a forum's counts add up to its region's; see register_count
EXTRA_COUNTS: dict[str, Callable[[], sa.Select]] = {}


def register_count(name: str, source: Callable[[], sa.Select]) -> None:
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

    def add(self, other: Figures) -> None:
        """Add another forum's counts to these (all but the associations, which are counted distinct)."""
        for name in ("registrations", "women", "rural", "disability", "private_and_donors", "attendance"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.workshops += other.workshops
        self.accepted += other.accepted
        self.provinces |= other.provinces
        for target, source in ((self.follow_up, other.follow_up), (self.extra, other.extra)):
            for key, value in source.items():
                target[key] = target.get(key, 0) + value


#: the forums counted: those announced (a draft, still being prepared, is not yet part of the series)
ANNOUNCED = Forum.status != ForumStatus.draft
#: a confirmed registration outside the team
PARTICIPANT = sa.and_(Registration.status == RegistrationStatus.confirmed, sa.not_(Registration.is_team))


def _count_if(condition: Any) -> Any:
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


_PARTICIPANTS = (
    sa.select(
        Registration.forum_id,
        Registration.province,
        sa.func.count(),
        _count_if(Registration.gender == Gender.female),
        _count_if(Registration.area == Area.rural),
        _count_if(Registration.has_disability.is_(True)),
        _count_if(Registration.category.in_(PRIVATE_AND_DONORS)),
    )
    .where(PARTICIPANT)
    .group_by(Registration.forum_id, Registration.province)
)


_ATTENDANCE = (
    sa.select(CheckInList.forum_id, sa.func.count(sa.distinct(Admission.registration_id)))
    .select_from(Admission)
    .join(CheckInList, CheckInList.id == Admission.list_id)
    .where(Admission.undone_at.is_(None))
    .group_by(CheckInList.forum_id)
)


def _workshops(now: datetime) -> sa.Select:
    return (
        sa.select(Session.forum_id, sa.func.count())
        .where(
            Session.kind == SessionKind.workshop,
            Session.published_at.is_not(None),
            Session.is_cancelled.is_(False),
            Session.starts_at <= now,
        )
        .group_by(Session.forum_id)
    )


_FOLLOW_UP = sa.func.coalesce(FollowUp.status, FollowUpStatus.not_started.value)
_RECOMMENDATIONS = (
    sa.select(Recommendation.forum_id, _FOLLOW_UP, sa.func.count())
    .outerjoin(FollowUp, FollowUp.recommendation_id == Recommendation.id)
    .where(Recommendation.status == RecommendationStatus.accepted)
    .group_by(Recommendation.forum_id, _FOLLOW_UP)
)


def _associations_statement() -> sa.Select:
    """One statement: the distinct associations (and the new ones) of every forum, region and year, and
    region, from the (forum, organisation) pairs of the participants, each pair read once. Every count
    is of rows already made distinct by a hash aggregate (no COUNT(DISTINCT), which sorts)."""
    pairs = (
        sa.select(Registration.forum_id.label("forum_id"), Registration.organisation_id.label("organisation_id"))
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .where(PARTICIPANT, Organisation.kind.in_(ASSOCIATION_KINDS))
        .group_by(Registration.forum_id, Registration.organisation_id)
        .cte("pairs")
    )
    order = sa.func.row_number().over(partition_by=pairs.c.organisation_id, order_by=(Forum.starts_on, Forum.id))
    seen = (
        sa.select(
            pairs.c.organisation_id,
            pairs.c.forum_id,
            Forum.region.label("region"),
            sa.cast(sa.extract("year", Forum.starts_on), sa.Integer()).label("year"),
            sa.case((order == 1, 1), else_=0).label("is_new"),
        )
        .join(Forum, Forum.id == pairs.c.forum_id)
        .where(ANNOUNCED)
        .cte("seen")
    )
    per_region_year = (
        sa.select(seen.c.region, seen.c.year, seen.c.organisation_id, sa.func.max(seen.c.is_new).label("is_new"))
        .group_by(seen.c.region, seen.c.year, seen.c.organisation_id)
        .subquery()
    )
    per_region = (
        sa.select(seen.c.region, seen.c.organisation_id, sa.func.max(seen.c.is_new).label("is_new"))
        .group_by(seen.c.region, seen.c.organisation_id)
        .subquery()
    )
    text, number = sa.String(), sa.Integer()

    def counts(table: Any) -> tuple:
        return sa.func.count(), sa.func.coalesce(sa.func.sum(table.c.is_new), 0)

    return sa.union_all(
        sa.select(sa.literal(BY_FORUM), sa.cast(seen.c.forum_id, text), sa.cast(None, number), *counts(seen)).group_by(
            seen.c.forum_id
        ),
        sa.select(
            sa.literal(BY_REGION_YEAR), per_region_year.c.region, per_region_year.c.year, *counts(per_region_year)
        ).group_by(per_region_year.c.region, per_region_year.c.year),
        sa.select(sa.literal(BY_REGION), per_region.c.region, sa.cast(None, number), *counts(per_region)).group_by(
            per_region.c.region
        ),
    )


_ASSOCIATIONS = _associations_statement()


def associations_between(region: str, first_year: int, last_year: int) -> int:
    """The distinct associations whose participants came to the region's forums from `first_year` to
    `last_year` (each counted once, however many of those years it came)."""
    return db.session.scalar(
        sa.select(sa.func.count(sa.distinct(Registration.organisation_id)))
        .join(Organisation, Organisation.id == Registration.organisation_id)
        .join(Forum, Forum.id == Registration.forum_id)
        .where(
            PARTICIPANT,
            Organisation.kind.in_(ASSOCIATION_KINDS),
            Forum.region == region,
            ANNOUNCED,
            Forum.starts_on >= date(first_year, 1, 1),
            Forum.starts_on <= date(last_year, 12, 31),
        )
    )


def provinces_of(region_code: str) -> set[str]:
    """The province codes of a region (none for an unknown code)."""
    try:
        return {p.code for p in geo.region(region_code).provinces}
    except KeyError:
        return set()


def compute_all(*, now: datetime | None = None) -> dict[str, dict[Hashable, Figures]]:
    """The figures of every forum (keyed by id), every region in every year (keyed by (region, year))
    and every region (keyed by code), from five grouped statements whatever the size of the series."""
    now = now or utcnow()
    if db.session.get_bind().dialect.name == "postgresql":
        # the associations' pairs are sorted once (by organisation, for their first forum): in memory
        db.session.execute(sa.text("SET LOCAL work_mem = '32MB'"))
    columns = (Forum.id, Forum.region, Forum.starts_on)
    forums = {row.id: row for row in db.session.execute(sa.select(*columns).where(ANNOUNCED))}
    by_forum: dict[Hashable, Figures] = defaultdict(Figures)
    own = {forum_id: provinces_of(row.region) for forum_id, row in forums.items()}
    for forum_id, province, *counts in db.session.execute(_PARTICIPANTS):
        figures = by_forum[forum_id]
        for name, value in zip(
            ("registrations", "women", "rural", "disability", "private_and_donors"), counts, strict=True
        ):
            setattr(figures, name, getattr(figures, name) + int(value))
        if province in own.get(forum_id, ()):
            figures.provinces.add(province)
    for forum_id, count in db.session.execute(_ATTENDANCE):
        by_forum[forum_id].attendance = int(count)
    for forum_id, count in db.session.execute(_workshops(now)):
        by_forum[forum_id].workshops = int(count)
    for forum_id, status, count in db.session.execute(_RECOMMENDATIONS):
        figures = by_forum[forum_id]
        figures.accepted += int(count)
        figures.follow_up[str(status)] = figures.follow_up.get(str(status), 0) + int(count)
    for name, source in EXTRA_COUNTS.items():
        for forum_id, count in db.session.execute(source()):
            by_forum[forum_id].extra[name] = int(count)
    by_forum = defaultdict(Figures, {forum_id: f for forum_id, f in by_forum.items() if forum_id in forums})
    by_region_year: dict[Hashable, Figures] = defaultdict(Figures)
    by_region: dict[Hashable, Figures] = defaultdict(Figures)
    for forum_id, figures in list(by_forum.items()):
        forum = forums[forum_id]
        figures.provinces_total = len(own[forum_id])
        for key, group in (((forum.region, forum.starts_on.year), by_region_year), (forum.region, by_region)):
            group[key].add(figures)
            group[key].provinces_total = len(own[forum_id])
    result = {BY_FORUM: by_forum, BY_REGION_YEAR: by_region_year, BY_REGION: by_region}
    for grouping, key, year, distinct, new in db.session.execute(_ASSOCIATIONS):
        unit = int(key) if grouping == BY_FORUM else (key, int(year)) if grouping == BY_REGION_YEAR else key
        figures = result[grouping][unit]
        figures.associations, figures.associations_new = int(distinct), int(new)
        if grouping != BY_FORUM:
            figures.provinces_total = len(provinces_of(key))
    return {grouping: dict(figures) for grouping, figures in result.items()}


def compute(
    grouping: str, *, region: str | None = None, year: int | None = None, now: datetime | None = None
) -> dict[Hashable, Figures]:
    """The figures of one grouping (BY_FORUM, BY_REGION_YEAR or BY_REGION), of one region or year only
    when given (a forum's figures do not depend on which others are shown: new associations are new to
    the whole series)."""
    figures = compute_all(now=now)[grouping]
    if region is None and year is None:
        return figures
    forums = dict(db.session.execute(sa.select(Forum.id, Forum.region)).all())
    years = dict(db.session.execute(sa.select(Forum.id, Forum.starts_on)).all())

    def keep(key: Hashable) -> bool:
        of_region = forums.get(key) if grouping == BY_FORUM else key[0] if isinstance(key, tuple) else key
        of_year = years[key].year if grouping == BY_FORUM else key[1] if isinstance(key, tuple) else None
        return (region is None or of_region == region) and (year is None or of_year in (year, None))

    return {key: value for key, value in figures.items() if keep(key)}
