"""Placing an accepted request: the slots free for both, booking one at a free place, cancelling.

No double booking, ever: the database holds one meeting per (slot, place) and one per (slot, person).
A party on duty at their booth during the slot meets there only (services/duty.py).
A booking locks the slot row and then both people's rows (in id order, so two bookings never wait on
each other in a circle); the constraints are the backstop, and their error becomes `SlotTaken`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum.db import utcnow
from forum.errors import NotAllowed
from forum.exhibition.models import BoothAssignment, Exhibitor
from forum.extensions import db
from forum.i18n import person_name
from forum.partnerships.models import (
    Meeting,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSlot,
    RequestStatus,
)
from forum.partnerships.services._common import require_open, settings_of
from forum.partnerships.services.duty import duty_places, keepers
from forum.partnerships.services.errors import LimitReached, NoPlaceFree, OnBoothDuty, SlotClash, SlotTaken
from forum.partnerships.services.plan import places_of, slots_of
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Registration


def _sessions_of(registration_id: int) -> list[tuple[datetime, datetime]]:
    """When the person sits in a session they signed up to (a meeting cannot take them away)."""
    return list(
        db.session.execute(
            sa.select(Session.starts_at, Session.ends_at)
            .join(Signup, Signup.session_id == Session.id)
            .where(
                Signup.registration_id == registration_id,
                Signup.status == SignupStatus.confirmed,
                Session.is_cancelled.is_(False),
            )
        ).tuples()
    )


def _meeting_slots(registration_id: int) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(MeetingParticipant.slot_id).where(MeetingParticipant.registration_id == registration_id)
        )
    )


def busy_slots(registration: Registration, slots: list[MeetingSlot]) -> set[int]:
    """The slots in which the person already has a meeting or a session."""
    sessions = _sessions_of(registration.id)
    clashing = {s.id for s in slots if any(s.overlaps(start, end) for start, end in sessions)}
    return clashing | _meeting_slots(registration.id)


def meeting_count(registration: Registration) -> int:
    """How many meetings the person has at the forum."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(MeetingParticipant)
        .where(MeetingParticipant.registration_id == registration.id)
    )


def _taken_places(slot_id: int) -> set[int]:
    return set(db.session.scalars(sa.select(Meeting.place_id).where(Meeting.slot_id == slot_id)))


def _place_for(free: list[MeetingPlace], kept: dict[int, int | None], preferred: set[int]) -> MeetingPlace | None:
    """Where to meet among the free places: the booth of whoever is on duty (and no other), else a
    party's booth first."""
    if kept:
        booths = set(kept.values())
        return next((p for p in free if booths == {p.id}), None)
    return next((p for p in free if p.id in preferred), free[0] if free else None)


def free_slots(request: MeetingRequest, *, now: datetime | None = None) -> list[MeetingSlot]:
    """The future slots in which both people are free (a party on booth duty only where their booth is
    a free meeting place) and a place is left."""
    now = now or utcnow()
    forum = request.requester.forum
    slots = [s for s in slots_of(forum) if s.starts_at > now]
    busy = busy_slots(request.requester, slots) | busy_slots(request.recipient, slots)
    places = places_of(forum)
    rows = db.session.execute(sa.select(Meeting.slot_id, Meeting.place_id).where(Meeting.forum_id == forum.id))
    taken = {(slot_id, place_id) for slot_id, place_id in rows}
    pair = (request.requester_id, request.recipient_id)
    duty = duty_places(forum.id, slots, set(pair))
    return [
        s
        for s in slots
        if s.id not in busy
        and _place_for([p for p in places if (s.id, p.id) not in taken], keepers(duty, s.id, pair), set())
    ]


def _booth_places(request: MeetingRequest) -> set[int]:
    """The meeting places that are the booth of one party's organisation (met there first)."""
    organisations = [r.organisation_id for r in (request.requester, request.recipient) if r.organisation_id]
    if not organisations:
        return set()
    return set(
        db.session.scalars(
            sa.select(MeetingPlace.id)
            .join(BoothAssignment, BoothAssignment.booth_id == MeetingPlace.booth_id)
            .join(Exhibitor, Exhibitor.id == BoothAssignment.exhibitor_id)
            .where(Exhibitor.forum_id == request.forum_id, Exhibitor.organisation_id.in_(organisations))
        )
    )


def _lock(slot: MeetingSlot, request: MeetingRequest) -> None:
    db.session.execute(sa.select(MeetingSlot.id).where(MeetingSlot.id == slot.id).with_for_update(key_share=True))
    ids = sorted((request.requester_id, request.recipient_id))
    db.session.execute(
        sa.select(Registration.id)
        .where(Registration.id.in_(ids))
        .order_by(Registration.id)
        .with_for_update(key_share=True)
    )


def book(request: MeetingRequest, slot: MeetingSlot, *, by: Registration, now: datetime | None = None) -> Meeting:
    """Place an accepted request in a slot that suits both, at a free place (a party's booth first)."""
    if by.id not in (request.requester_id, request.recipient_id) or slot.forum_id != request.forum_id:
        raise NotAllowed()
    forum = by.forum
    require_open(forum, now)
    _lock(slot, request)
    db.session.refresh(request)
    if request.status != RequestStatus.accepted or request.meeting is not None or slot.starts_at <= (now or utcnow()):
        raise SlotTaken()
    limit = settings_of(forum).max_meetings
    for person in (request.requester, request.recipient):
        if meeting_count(person) >= limit:
            raise LimitReached(name=_public(person), count=limit)
        if slot.id in busy_slots(person, [slot]):
            raise SlotClash(name=_public(person)) if person.id != by.id else SlotTaken()
    taken = _taken_places(slot.id)
    free = [p for p in places_of(forum) if p.id not in taken]
    pair = (request.requester_id, request.recipient_id)
    kept = keepers(duty_places(forum.id, [slot], set(pair)), slot.id, pair)
    place = _place_for(free, kept, _booth_places(request))
    if place is None and kept:
        keeper = request.requester if request.requester_id in kept else request.recipient
        raise OnBoothDuty(name=_public(keeper))
    if place is None:
        raise NoPlaceFree()
    meeting = Meeting(forum_id=forum.id, request_id=request.id, slot_id=slot.id, place_id=place.id)
    meeting.participants = [
        MeetingParticipant(slot_id=slot.id, registration_id=r) for r in (request.requester_id, request.recipient_id)
    ]
    try:
        with db.session.begin_nested():
            db.session.add(meeting)
    except IntegrityError as error:
        raise SlotTaken() from error
    return meeting


def _public(registration: Registration) -> str:
    return person_name(registration.name_ar, registration.name_latin) or "—"


#: a meeting's slot and place with it, its request and both parties (and their organisations) in a second
#: query: all in one, the ten tables' joins cost PostgreSQL about 5 ms to plan, on every agenda and feed
_WITH_PARTIES = (
    joinedload(Meeting.slot),
    joinedload(Meeting.place),
    selectinload(Meeting.request).options(
        joinedload(MeetingRequest.requester).joinedload(Registration.organisation),
        joinedload(MeetingRequest.recipient).joinedload(Registration.organisation),
    ),
)


def booth_meetings(exhibitor: Exhibitor) -> list[Meeting]:
    """The meetings at the exhibitor's booth or with its people, in time order."""
    organisation = exhibitor.organisation_id
    with_staff = (
        sa.select(MeetingParticipant.meeting_id)
        .join(Registration, Registration.id == MeetingParticipant.registration_id)
        .where(Registration.organisation_id == organisation, Registration.forum_id == exhibitor.forum_id)
    )
    booth = exhibitor.published_booth
    at_booth = Meeting.place.has(MeetingPlace.booth_id == booth.id) if booth is not None else sa.false()
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
            .where(Meeting.forum_id == exhibitor.forum_id, sa.or_(Meeting.id.in_(with_staff), at_booth))
            .options(*_WITH_PARTIES)
            .order_by(MeetingSlot.starts_at)
        ).unique()
    )


def cancel_meeting(meeting: Meeting, *, by: Registration) -> None:
    """Either party frees the slot; the request stays accepted, so another slot can be chosen."""
    if by.id not in (meeting.request.requester_id, meeting.request.recipient_id):
        raise NotAllowed()
    db.session.delete(meeting)
    db.session.flush()


def meetings_of(registration: Registration) -> list[Meeting]:
    """The person's meetings in time order, with slot, place and both parties loaded. Most people have
    none (every agenda and calendar feed asks): for them, one small query."""
    ids = db.session.scalars(
        sa.select(MeetingParticipant.meeting_id).where(MeetingParticipant.registration_id == registration.id)
    ).all()
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Meeting)
            .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
            .where(Meeting.id.in_(ids))
            .options(*_WITH_PARTIES)
            .order_by(MeetingSlot.starts_at)
        ).unique()
    )


def meeting_of(registration: Registration, meeting_id: int) -> Meeting | None:
    """One meeting the person takes part in (None for anyone else's)."""
    return next((m for m in meetings_of(registration) if m.id == meeting_id), None)
