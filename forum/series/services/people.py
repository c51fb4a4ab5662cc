"""Organisations and people across the forums of the series: finding them and their history (the
suggestions offered while a person types their organisation's name are in `suggestions`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from forum import hooks
from forum.events.models import Forum
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor
from forum.extensions import db
from forum.programme.models import Session, Signup, SignupStatus
from forum.recommendations.models import Recommendation
from forum.registration.models import Organisation, Person, Registration
from forum.registration.names import name_key


def _like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_organisations(query: str, *, limit: int = 50) -> list[Organisation]:
    """Organisations whose name holds the words typed (however spelt), not merged ones, by name."""
    key = name_key(query)
    if not key:
        return []
    return list(
        db.session.scalars(
            sa.select(Organisation)
            .where(Organisation.name_key.like(f"%{_like(key)}%", escape="\\"), Organisation.merged_into_id.is_(None))
            .order_by(Organisation.name, Organisation.id)
            .limit(limit)
        )
    )


@dataclass
class ForumVisit:
    """What one registration did at one forum."""

    registration: Registration
    workshops: list[Session] = field(default_factory=list)
    recommendations: list[Recommendation] = field(default_factory=list)
    events: list[Any] = field(default_factory=list)


def _visits(registrations: list[Registration], *, with_events: bool) -> list[ForumVisit]:
    visits = {r.id: ForumVisit(r) for r in registrations}
    if not visits:
        return []
    signups = db.session.execute(
        sa.select(Signup.registration_id, Session)
        .join(Session, Session.id == Signup.session_id)
        .where(Signup.registration_id.in_(list(visits)), Signup.status == SignupStatus.confirmed)
        .order_by(Session.starts_at)
    ).all()
    for registration_id, session in signups:
        visits[registration_id].workshops.append(session)
    authored = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.author_registration_id.in_(list(visits)))
        .order_by(Recommendation.created_at)
    )
    for recommendation in authored:
        visits[recommendation.author_registration_id].recommendations.append(recommendation)
    if with_events:
        for visit in visits.values():
            visit.events = [e for found in hooks.personal_events.collect(visit.registration) for e in found]
    return sorted(visits.values(), key=lambda v: (v.registration.forum.starts_on, v.registration.id), reverse=True)


def person_history(person: Person) -> list[ForumVisit]:
    """A person's registrations at every forum, each with its workshops, recommendations and meetings."""
    registrations = db.session.scalars(
        sa.select(Registration)
        .join(Forum, Forum.id == Registration.forum_id)
        .where(Registration.person_id == person.id)
    ).all()
    return _visits(list(registrations), with_events=True)


@dataclass
class OrganisationHistory:
    organisation: Organisation
    visits: list[ForumVisit]
    #: (forum, exhibitor, booth code or None) of each forum it exhibited at
    booths: list[tuple[Forum, Exhibitor, str | None]]


def organisation_history(organisation: Organisation) -> OrganisationHistory:
    """An organisation's people at every forum (with their workshops, recommendations and meetings) and
    its booths."""
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.organisation_id == organisation.id)
    ).all()
    booths = db.session.execute(
        sa.select(Forum, Exhibitor, Booth.code)
        .join(Forum, Forum.id == Exhibitor.forum_id)
        .outerjoin(BoothAssignment, BoothAssignment.exhibitor_id == Exhibitor.id)
        .outerjoin(Booth, Booth.id == BoothAssignment.booth_id)
        .where(Exhibitor.organisation_id == organisation.id)
        .order_by(Forum.starts_on.desc())
    ).all()
    return OrganisationHistory(organisation, _visits(list(registrations), with_events=True), [tuple(b) for b in booths])


def own_history(registration: Registration) -> list[ForumVisit]:
    """What the person of this registration did at every forum (for their own self-service page)."""
    if registration.person_id is None:
        return _visits([registration], with_events=True)
    return person_history(db.session.get(Person, registration.person_id))


def forget_person(registration: Registration) -> None:
    """Erasure: the registration no longer names its person, and a person left with no registration goes
    (their e-mail is all a Person holds)."""
    person_id = registration.person_id
    if person_id is None:
        return
    registration.person_id = None
    db.session.flush()
    if not db.session.scalar(sa.select(sa.exists().where(Registration.person_id == person_id))):
        db.session.execute(sa.delete(Person).where(Person.id == person_id))


def find_person(email: str) -> Person | None:
    """The Person of an e-mail address, if any registration ever used it."""
    return db.session.scalar(sa.select(Person).where(Person.email == email.strip().lower()))


@dataclass
class DuplicatePair:
    first: Organisation
    second: Organisation
    score: int
    reason: str
    #: registrations of each (the one with more is proposed to be kept)
    first_count: int
    second_count: int


def pairs_of(job: Any) -> list[DuplicatePair]:
    """The pairs a duplicates job found that are still to decide (neither merged since), with the
    organisations and their number of registrations."""
    if job is None or not job.result.get("pairs"):
        return []
    ids = {org_id for pair in job.result["pairs"] for org_id in pair[:2]}
    organisations = {o.id: o for o in db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids)))}
    counts = dict(
        db.session.execute(
            sa.select(Registration.organisation_id, sa.func.count())
            .where(Registration.organisation_id.in_(ids))
            .group_by(Registration.organisation_id)
        ).all()
    )
    pairs = []
    for first_id, second_id, score, reason in job.result["pairs"]:
        first, second = organisations.get(first_id), organisations.get(second_id)
        if first is None or second is None or first.merged_into_id or second.merged_into_id:
            continue
        pairs.append(DuplicatePair(first, second, score, reason, counts.get(first_id, 0), counts.get(second_id, 0)))
    return pairs
