"""The series' figures, aggregated in SQL, against the same counts made here row by row in Python."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from forum import geo
from forum.checkin.models import Admission, CheckInList
from forum.events.models import Forum
from forum.programme.models import Session, SessionKind
from forum.recommendations.models import FollowUp, Recommendation, RecommendationStatus
from forum.registration.models import (
    PARTICIPANT_CONDITION,
    TEAM_CATEGORIES,
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)
from forum.series.services import INDICATORS, SeriesError, set_target, targets_of
from forum.series.services.figures import BY_FORUM, BY_REGION, BY_REGION_YEAR, PARTICIPANT, compute


def independent_counts(db, group_of):
    """Every figure counted from plain rows, for the groups `group_of(forum)` puts each forum in."""
    forums = {f.id: f for f in db.session.scalars(sa.select(Forum))}
    kinds = {o.id: o.kind for o in db.session.scalars(sa.select(Organisation))}
    registrations = db.session.scalars(sa.select(Registration)).all()
    participants = [
        r for r in registrations if r.status == RegistrationStatus.confirmed and r.category not in TEAM_CATEGORIES
    ]
    associations = [
        r
        for r in participants
        if kinds.get(r.organisation_id) in (OrganisationKind.association, OrganisationKind.cooperative)
    ]
    first_forum = {}
    for r in sorted(associations, key=lambda r: (forums[r.forum_id].starts_on, r.forum_id)):
        first_forum.setdefault(r.organisation_id, r.forum_id)
    counts = defaultdict(lambda: defaultdict(int))
    seen = defaultdict(lambda: defaultdict(set))
    for r in participants:
        group = counts[group_of(forums[r.forum_id])]
        group["registrations"] += 1
        group["women"] += r.gender == Gender.female
        group["rural"] += r.area == Area.rural
        group["disability"] += r.has_disability
        group["private_and_donors"] += r.category in (Category.private_sector, Category.donor)
        if r.province in {p.code for p in geo.region(forums[r.forum_id].region).provinces}:
            seen[group_of(forums[r.forum_id])]["provinces"].add(r.province)
    for r in associations:
        key = group_of(forums[r.forum_id])
        seen[key]["associations"].add(r.organisation_id)
        if group_of(forums[first_forum[r.organisation_id]]) == key:
            seen[key]["new"].add(r.organisation_id)
    lists = {c.id: c.forum_id for c in db.session.scalars(sa.select(CheckInList))}
    for a in db.session.scalars(sa.select(Admission)):
        if a.undone_at is None:
            seen[group_of(forums[lists[a.list_id]])]["attended"].add(a.registration_id)
    now = datetime.now(UTC)
    for s in db.session.scalars(sa.select(Session)):
        if s.kind == SessionKind.workshop and s.published_at and not s.is_cancelled and s.starts_at <= now:
            counts[group_of(forums[s.forum_id])]["workshops"] += 1
    follow_ups = {f.recommendation_id: f.status.value for f in db.session.scalars(sa.select(FollowUp))}
    for rec in db.session.scalars(sa.select(Recommendation)):
        if rec.status == RecommendationStatus.accepted:
            counts[group_of(forums[rec.forum_id])]["accepted"] += 1
            counts[group_of(forums[rec.forum_id])]["fu:" + follow_ups.get(rec.id, "not_started")] += 1
    for key, sets in seen.items():
        counts[key]["associations"] = len(sets["associations"])
        counts[key]["associations_new"] = len(sets["new"])
        counts[key]["attendance"] = len(sets["attended"])
        counts[key]["provinces"] = len(sets["provinces"])
    return counts


def as_counts(figures):
    found = {
        "registrations": figures.registrations,
        "women": figures.women,
        "rural": figures.rural,
        "disability": figures.disability,
        "private_and_donors": figures.private_and_donors,
        "associations": figures.associations,
        "associations_new": figures.associations_new,
        "attendance": figures.attendance,
        "provinces": len(figures.provinces),
        "workshops": figures.workshops,
        "accepted": figures.accepted,
    }
    found.update({"fu:" + status: count for status, count in figures.follow_up.items()})
    return {name: value for name, value in found.items() if value}


def test_the_figures_of_each_forum_region_and_year_match_a_count_row_by_row(db, series):
    groupings = {
        BY_FORUM: lambda f: f.id,
        BY_REGION_YEAR: lambda f: (f.region, f.starts_on.year),
        BY_REGION: lambda f: f.region,
    }
    for grouping, group_of in groupings.items():
        expected = {key: {n: v for n, v in c.items() if v} for key, c in independent_counts(db, group_of).items()}
        computed = {key: as_counts(figures) for key, figures in compute(grouping).items()}
        assert computed == {key: c for key, c in expected.items() if c}, grouping
    # the data is not trivial: associations came back, some of them across regions
    by_region = compute(BY_REGION)
    assert by_region["draa-tafilalet"].associations_returning > 0
    assert sum(f.associations_new for f in compute(BY_FORUM).values()) == len(
        {o.id for o in series.organisations if o.kind != OrganisationKind.company}
        & {
            r.organisation_id
            for r in db.session.scalars(sa.select(Registration))
            if r.status == RegistrationStatus.confirmed and r.category not in TEAM_CATEGORIES
        }
    )


def test_one_region_or_one_year_only(db, series):
    draa_2026 = compute(BY_REGION_YEAR, region="draa-tafilalet", year=2026)
    assert list(draa_2026) == [("draa-tafilalet", 2026)]
    assert draa_2026[("draa-tafilalet", 2026)] == compute(BY_REGION_YEAR)[("draa-tafilalet", 2026)]
    assert draa_2026[("draa-tafilalet", 2026)].provinces_total == len(geo.region("draa-tafilalet").provinces)


def test_a_target_over_several_years_counts_each_association_once_across_them(db, series, make_user):
    admin = make_user(is_admin=True)
    for indicator in ("associations", "associations_new", "women_share", "registrations"):
        set_target("draa-tafilalet", 2026, indicator, 10, from_year=2025, actor=admin)
    set_target("draa-tafilalet", 2026, "attendance", 10, actor=admin)
    db.session.commit()
    over_years = independent_counts(db, lambda f: f.region == "draa-tafilalet" and f.starts_on.year in (2025, 2026))
    in_2026 = independent_counts(db, lambda f: (f.region, f.starts_on.year))[("draa-tafilalet", 2026)]
    expected = over_years[True]
    progress = targets_of("draa-tafilalet", compute(BY_REGION_YEAR), INDICATORS)
    progress = {p.target.indicator: p.reached for p in progress}
    assert progress == {
        "associations": expected["associations"],
        "associations_new": expected["associations_new"],
        "women_share": round(100 * expected["women"] / expected["registrations"], 1),
        "registrations": expected["registrations"],
        "attendance": in_2026["attendance"],
    }
    # an association that came in 2025 and again in 2026 is reached once over the two years
    by_year = compute(BY_REGION_YEAR)
    assert (
        expected["associations"]
        < by_year[("draa-tafilalet", 2025)].associations + by_year[("draa-tafilalet", 2026)].associations
    )
    with pytest.raises(SeriesError):
        set_target("draa-tafilalet", 2025, "associations", 10, from_year=2026, actor=admin)


def test_the_participants_index_holds_the_participants_the_figures_count(db, series):
    counted = db.session.scalar(sa.select(sa.func.count()).select_from(Registration).where(PARTICIPANT))
    indexed = db.session.scalar(sa.text(f"SELECT count(*) FROM registration WHERE {PARTICIPANT_CONDITION}"))
    assert counted == indexed > 0
    assert counted < db.session.scalar(sa.select(sa.func.count()).select_from(Registration))
