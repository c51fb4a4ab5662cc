"""Organisations and people across the forums of the series: finding them, their history, the
suggestions offered while a person types their organisation's name."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from forum import geo, hooks
from forum.events.models import Forum
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor
from forum.extensions import db
from forum.programme.models import Session, Signup, SignupStatus
from forum.recommendations.models import Recommendation
from forum.registration.models import Organisation, Person, Registration
from forum.registration.names import name_key
from forum.series.models import OrganisationMerge

#: suggestions offered while typing
SUGGESTIONS = 8


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
class _Index:
    """Every organisation not merged, for the suggestions: (id, name key, name, province) rows and, for
    each two-letter beginning of a word of a name key, the rows holding such a word."""

    highest: int = 0
    #: when the organisation of id `highest` was created: another value means the rows were replaced
    highest_at: Any = None
    merges: int | None = None
    rows: list[tuple[int, str, str, str | None]] = field(default_factory=list)
    buckets: dict[str, list[int]] = field(default_factory=dict)

    def add(self, rows: list[tuple[int, str, str, str | None]]) -> None:
        """Index more organisations; each bucket stays in the order of the names."""
        touched = set()
        for row in rows:
            position = len(self.rows)
            self.rows.append(row)
            for start in {word[:2] for word in row[1].split()}:
                self.buckets.setdefault(start, []).append(position)
                touched.add(start)
            self.highest = max(self.highest, row[0])
        for start in touched:
            self.buckets[start].sort(key=lambda position: self.rows[position][2])


#: organisations are added (a higher id) and merged (a new merge), never renamed; the creation time of
#: the highest one known tells whether it is still the same row
_STAMP = sa.select(
    sa.select(sa.func.max(Organisation.id)).scalar_subquery(),
    sa.select(sa.func.max(OrganisationMerge.id)).scalar_subquery(),
    sa.select(Organisation.created_at).where(Organisation.id == sa.bindparam("known")).scalar_subquery(),
)
_CURRENT = sa.select(Organisation.id, Organisation.name_key, Organisation.name, Organisation.province).where(
    Organisation.merged_into_id.is_(None), Organisation.id > sa.bindparam("after")
)
_index = _Index()
_index_lock = threading.Lock()


def _organisations() -> _Index:
    """The suggestions' index, brought up to date: the organisations added since are read alone, a merge
    reads everything again (bench_series: 40,000 organisations; a LIKE over the table cost 80 ms at the
    95th percentile, the index well under a millisecond)."""
    global _index
    with _index_lock:
        index = _index
        highest, merges, known_at = db.session.execute(_STAMP, {"known": index.highest}).one()
        if index.merges != merges or (highest or 0) < index.highest or known_at != index.highest_at:
            index = _Index(merges=merges)
        if (highest or 0) > index.highest or not index.rows:
            index.add([tuple(row) for row in db.session.execute(_CURRENT, {"after": index.highest})])
            index.highest_at = db.session.scalar(
                sa.select(Organisation.created_at).where(Organisation.id == index.highest)
            )
        _index = index
    return index


def suggest(query: str, region: str | None) -> list[dict[str, Any]]:
    """Up to SUGGESTIONS organisations for what a person types: those of the forum's region first, then
    names that start with it before names holding a word that starts with it, then by name."""
    key = name_key(query)
    if len(key) < 2:
        return []
    try:
        provinces = {p.code for p in geo.region(region).provinces} if region else set()
    except KeyError:
        provinces = set()
    index, inside = _organisations(), " " + key
    # four ranks (the region's first, then names that start with the text), each in the order of the
    # names as its bucket is: a rank needs no more than SUGGESTIONS, and a full first rank ends the walk
    ranks: tuple[list, list, list, list] = ([], [], [], [])
    for position in index.buckets.get(key[:2], ()):
        org_id, name, label, province = index.rows[position]
        starts = name.startswith(key)
        if starts or inside in name:
            rank = ranks[2 * (province not in provinces) + (not starts)]
            if len(rank) < SUGGESTIONS:
                rank.append({"id": org_id, "name": label, "province": _province_name(province)})
            if len(ranks[0]) == SUGGESTIONS:
                break
    return [*ranks[0], *ranks[1], *ranks[2], *ranks[3]][:SUGGESTIONS]


def _province_name(code: str | None) -> str:
    try:
        return geo.province(code).name() if code else ""
    except KeyError:
        return ""


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
    """An organisation's people at every forum (with their workshops and recommendations) and its booths."""
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
    return OrganisationHistory(
        organisation, _visits(list(registrations), with_events=False), [tuple(b) for b in booths]
    )


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
