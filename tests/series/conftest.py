"""A small series built directly with the models: forums in two regions over two years, people from
several organisations, admissions, workshops and accepted recommendations with their follow-up."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from forum.checkin.models import Admission, CheckInList, ListKind
from forum.events.models import Forum
from forum.programme.models import Session, SessionKind
from forum.recommendations.models import (
    FollowUp,
    FollowUpStatus,
    Recommendation,
    RecommendationStatus,
    TargetActor,
)
from forum.registration.models import (
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)


@dataclass
class Series:
    forums: list[Forum]
    organisations: list[Organisation]


@pytest.fixture
def series(db, make_forum, make_organisation) -> Series:
    rng = random.Random(17)
    past = datetime.now(UTC) - timedelta(days=3)
    forums = [
        make_forum(region="draa-tafilalet", edition=1, starts_on=date(2025, 5, 3), ends_on=date(2025, 5, 4)),
        make_forum(region="draa-tafilalet", edition=2, starts_on=date(2026, 4, 10), ends_on=date(2026, 4, 11)),
        make_forum(region="draa-tafilalet", edition=3, starts_on=date(2026, 10, 2), ends_on=date(2026, 10, 3)),
        make_forum(region="oriental", edition=1, starts_on=date(2026, 3, 1), ends_on=date(2026, 3, 2)),
    ]
    kinds = [OrganisationKind.association] * 5 + [OrganisationKind.cooperative] * 2 + [OrganisationKind.company]
    provinces = ["errachidia", "ouarzazate", "midelt", "tinghir", "zagora", "oujda-angad", "nador"]
    organisations = [
        make_organisation(name=f"Organisation {n}", kind=kind, province=rng.choice(provinces))
        for n, kind in enumerate(kinds)
    ]
    statuses = [RegistrationStatus.confirmed] * 6 + [RegistrationStatus.cancelled, RegistrationStatus.waitlisted]
    categories = [Category.association] * 4 + [
        Category.private_sector,
        Category.donor,
        Category.speaker,
        Category.expert,
    ]
    for forum in forums:
        entrance = CheckInList(forum_id=forum.id, kind=ListKind.entrance, day=forum.starts_on)
        db.session.add(entrance)
        db.session.flush()
        for n in range(rng.randint(12, 20)):
            registration = Registration(
                forum_id=forum.id,
                email=f"p{rng.randint(1, 40)}-{forum.id}-{n}@example.ma",
                name_latin=f"Person {n}",
                organisation_id=rng.choice([None, *(o.id for o in organisations)]),
                category=rng.choice(categories),
                gender=rng.choice(list(Gender)),
                province=rng.choice([None, *provinces]),
                area=rng.choice([None, Area.urban, Area.rural]),
                has_disability=rng.random() < 0.2,
                status=rng.choice(statuses),
            )
            db.session.add(registration)
            db.session.flush()
            if rng.random() < 0.6:
                undone = past if rng.random() < 0.2 else None
                db.session.add(Admission(list_id=entrance.id, registration_id=registration.id, undone_at=undone))
        for n in range(rng.randint(1, 4)):
            workshop = Session(
                forum_id=forum.id,
                kind=SessionKind.workshop,
                title={"fr": f"Atelier {n}"},
                starts_at=past if n else datetime.now(UTC) + timedelta(days=5),
                ends_at=(past if n else datetime.now(UTC) + timedelta(days=5)) + timedelta(hours=2),
                published_at=past if n != 2 else None,
                is_cancelled=n == 3,
            )
            db.session.add(workshop)
            db.session.flush()
            for k in range(rng.randint(0, 5)):
                recommendation = Recommendation(
                    forum_id=forum.id,
                    session_id=workshop.id,
                    text=f"Recommandation {k}",
                    target_actor=TargetActor.government,
                    status=rng.choice(
                        [RecommendationStatus.submitted, RecommendationStatus.accepted, RecommendationStatus.rejected]
                    ),
                )
                db.session.add(recommendation)
                db.session.flush()
                if rng.random() < 0.6:
                    db.session.add(
                        FollowUp(recommendation_id=recommendation.id, status=rng.choice(list(FollowUpStatus)))
                    )
    db.session.commit()
    return Series(forums, organisations)
