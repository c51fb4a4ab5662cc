"""The automatic schedule: gather the accepted requests and everyone's free slots, solve, review, publish.

`schedule.solve` does the optimisation; here the problem is read from the database (sessions signed up
to, meetings already booked, exhibitor staff's booth duty, free tables and booths, each person's
remaining allowance) and the answer
is stored as a proposal that the organisers review, trim and publish.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition.models import BoothAssignment, Exhibitor
from forum.extensions import db
from forum.partnerships import schedule
from forum.partnerships.models import (
    Meeting,
    MeetingParticipant,
    MeetingPlace,
    MeetingRequest,
    MeetingSchedule,
    MeetingSlot,
    PlaceKind,
    RequestStatus,
)
from forum.partnerships.services._common import settings_of
from forum.partnerships.services.duty import duty_places
from forum.partnerships.services.plan import places_of, slots_of
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Category, Registration

#: why an accepted request was left out, as the review page says it
REASONS = {
    "no_common_slot": _l("No slot where both are free (sessions they signed up to, other meetings)."),
    "limit": _l("%(name)s already has all the meetings allowed."),
    "on_duty": _l("%(name)s is on duty at their booth whenever both are free, and the meeting cannot be held there."),
    "no_place": _l("Every slot free for both is full, or taken by their other meetings in this schedule."),
}
#: categories whose meetings go first when the organisers ask for it
FAVOURED = {Category.private_sector, Category.donor}


def _open_requests(forum: Forum) -> list[MeetingRequest]:
    return list(
        db.session.scalars(
            sa.select(MeetingRequest)
            .outerjoin(Meeting, Meeting.request_id == MeetingRequest.id)
            .where(
                MeetingRequest.forum_id == forum.id,
                MeetingRequest.status == RequestStatus.accepted,
                Meeting.id.is_(None),
            )
            .order_by(MeetingRequest.id)
        )
    )


def _people(requests: list[MeetingRequest]) -> dict[int, tuple[Category, int | None]]:
    ids = {i for r in requests for i in (r.requester_id, r.recipient_id)}
    rows = db.session.execute(
        sa.select(Registration.id, Registration.category, Registration.organisation_id).where(Registration.id.in_(ids))
    )
    return {row.id: (row.category, row.organisation_id) for row in rows}


def _busy(
    forum: Forum, slots: list[MeetingSlot], people: set[int], booked: list[tuple[int, int]]
) -> set[tuple[int, int]]:
    """(person, slot) pairs in which the person sits in a session or has a meeting already."""
    busy = set(booked)
    sessions = db.session.execute(
        sa.select(Signup.registration_id, Session.starts_at, Session.ends_at)
        .join(Session, Session.id == Signup.session_id)
        .where(Session.forum_id == forum.id, Signup.status == SignupStatus.confirmed, Session.is_cancelled.is_(False))
    )
    for person, starts_at, ends_at in sessions:
        if person in people:
            busy.update((person, s.id) for s in slots if s.overlaps(starts_at, ends_at))
    return busy


@dataclass
class _Plan:
    problem: schedule.Problem
    free_tables: dict[int, list[int]]


def _problem(forum: Forum, *, favour_sectors: bool) -> _Plan:
    requests = _open_requests(forum)
    people = _people(requests)
    slots = slots_of(forum)
    places = places_of(forum)
    taken = set(
        db.session.execute(sa.select(Meeting.slot_id, Meeting.place_id).where(Meeting.forum_id == forum.id)).tuples()
    )
    tables = [p.id for p in places if p.kind == PlaceKind.table]
    free_tables = {s.id: [t for t in tables if (s.id, t) not in taken] for s in slots}
    booth_of_org: dict[int, list[int]] = defaultdict(list)
    for place_id, organisation_id in db.session.execute(
        sa.select(MeetingPlace.id, Exhibitor.organisation_id)
        .join(BoothAssignment, BoothAssignment.booth_id == MeetingPlace.booth_id)
        .join(Exhibitor, Exhibitor.id == BoothAssignment.exhibitor_id)
        .where(MeetingPlace.forum_id == forum.id)
    ):
        booth_of_org[organisation_id].append(place_id)
    limit = settings_of(forum).max_meetings
    booked = _busy_meetings(forum)
    counts = defaultdict(int)
    for person, _slot in booked:
        counts[person] += 1
    asks = []
    for r in requests:
        pair = (r.requester_id, r.recipient_id)
        favoured = favour_sectors and any(people[p][0] in FAVOURED for p in pair)
        booths = sorted({b for p in pair if people[p][1] for b in booth_of_org.get(people[p][1], [])})
        asks.append(schedule.Ask(r.id, pair, 2 * r.is_important + favoured, tuple(booths)))
    problem = schedule.Problem(
        asks,
        [s.id for s in slots],
        {s: len(free) for s, free in free_tables.items()},
        {(place, slot) for slot, place in taken},
        _busy(forum, slots, set(people), booked),
        {p: limit - counts[p] for p in people},
        duty_places(forum.id, slots),
    )
    return _Plan(problem, free_tables)


def _busy_meetings(forum: Forum) -> list[tuple[int, int]]:
    return list(
        db.session.execute(
            sa.select(MeetingParticipant.registration_id, MeetingParticipant.slot_id)
            .join(Meeting, Meeting.id == MeetingParticipant.meeting_id)
            .where(Meeting.forum_id == forum.id)
        ).tuples()
    )


def run_schedule(forum: Forum, *, favour_sectors: bool = False, now: datetime | None = None) -> MeetingSchedule:
    """Place every accepted request still without a meeting as well as possible; keep it for review."""
    plan = _problem(forum, favour_sectors=favour_sectors)
    solution = schedule.solve(plan.problem)
    placed = []
    for request_id, (slot, booth) in sorted(solution.placed.items()):
        placed.append([request_id, slot, booth if booth is not None else plan.free_tables[slot].pop(0)])
    unplaced = [
        [request_id, *reason] for request_id, reason in sorted(schedule.why_not(plan.problem, solution).items())
    ]
    proposal = db.session.get(MeetingSchedule, forum.id) or MeetingSchedule(forum_id=forum.id)
    proposal.created_at, proposal.published_at = now or utcnow(), None
    proposal.placed, proposal.unplaced, proposal.bound = placed, unplaced, solution.bound
    proposal.favours_sectors = favour_sectors
    db.session.add(proposal)
    db.session.flush()
    return proposal


@dataclass
class ProposalView:
    """The stored proposal with its rows loaded: what the review page shows."""

    schedule: MeetingSchedule
    placed: list[tuple[MeetingRequest, MeetingSlot, MeetingPlace]]
    unplaced: list[tuple[MeetingRequest, str, Registration | None]]


def proposal_of(forum: Forum) -> ProposalView | None:
    """The last schedule run at this forum, with its requests, slots, places and people."""
    proposal = db.session.get(MeetingSchedule, forum.id)
    if proposal is None:
        return None
    ids = {row[0] for row in proposal.placed} | {row[0] for row in proposal.unplaced}
    requests = {r.id: r for r in db.session.scalars(sa.select(MeetingRequest).where(MeetingRequest.id.in_(ids)))}
    slots = {s.id: s for s in slots_of(forum)}
    places = {p.id: p for p in places_of(forum)}
    placed = [
        (requests[r], slots[s], places[p])
        for r, s, p in proposal.placed
        if r in requests and s in slots and p in places
    ]
    unplaced = [
        (requests[r], reason, db.session.get(Registration, person) if person else None)
        for r, reason, person in proposal.unplaced
        if r in requests
    ]
    return ProposalView(proposal, placed, unplaced)


def publish_schedule(forum: Forum, keep: set[int], *, now: datetime | None = None) -> int:
    """Book the proposed meetings the organisers kept; one that a booking since made impossible is skipped.

    Returns how many meetings were booked.
    """
    proposal = db.session.get(MeetingSchedule, forum.id)
    if proposal is None:
        return 0
    booked = 0
    for request_id, slot_id, place_id in proposal.placed:
        request = db.session.get(MeetingRequest, request_id)
        if request_id not in keep or request is None or request.status != RequestStatus.accepted:
            continue
        meeting = Meeting(forum_id=forum.id, request_id=request_id, slot_id=slot_id, place_id=place_id)
        meeting.participants = [
            MeetingParticipant(slot_id=slot_id, registration_id=person)
            for person in (request.requester_id, request.recipient_id)
        ]
        try:
            with db.session.begin_nested():
                db.session.add(meeting)
            booked += 1
        except IntegrityError:
            continue
    proposal.published_at = now or utcnow()
    db.session.flush()
    return booked
