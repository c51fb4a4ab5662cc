"""A participant's partners page in two statements: its facts, then its requests with their meetings.

The page is the one a participant opens most (its budget: 20 a second, p95 ≤ 30 ms on the benchmark's
forum of 800 profiles). Beyond the forum and the registration that every private page reads, it costs:

1. the facts, one row: the person's profile (as plain columns), the forum's booking window, and the state
   of the forum's listed profiles (their count and latest edits), which keys the suggestions' cache
   (`matching.listed_profiles`) — so the cache is checked without a round trip of its own;
2. the person's requests either way (withdrawn ones aside), each with the other party, their
   organisation, the meeting, its slot and place, and the outcome the person recorded for it — as plain
   rows (loading them as ORM objects with their relationships took three times as long).

The suggestions are scored and their cards taken from the cache: no statement of their own. Before, the
page ran eight statements (profile, requests, meetings, outcomes, settings, the cache's state, the ten
suggested profiles, besides forum and registration).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import (
    Meeting,
    MeetingOutcome,
    MeetingPlace,
    MeetingRequest,
    MeetingSettings,
    MeetingSlot,
    Outcome,
    PartnershipProfile,
    RequestStatus,
)
from forum.partnerships.services._common import window_is_open
from forum.partnerships.services.matching import STATE, Facts, Suggestion, listed_profiles, suggest
from forum.registration.models import Organisation, Registration

_STATE = STATE.subquery()
_FACTS = (
    sa.select(
        PartnershipProfile.id,
        PartnershipProfile.offers,
        PartnershipProfile.needs,
        PartnershipProfile.themes,
        PartnershipProfile.provinces,
        MeetingSettings.booking_opens_at,
        MeetingSettings.booking_closes_at,
        *_STATE.c,
    )
    .select_from(Registration)
    .outerjoin(PartnershipProfile, PartnershipProfile.registration_id == Registration.id)
    .outerjoin(MeetingSettings, MeetingSettings.forum_id == Registration.forum_id)
    .join(_STATE, sa.true())
    .where(Registration.id == sa.bindparam("registration_id"))
)


_ME = sa.bindparam("registration_id")
_OTHER = aliased(Registration)
_OTHER_ID = sa.case(
    (MeetingRequest.requester_id == _ME, MeetingRequest.recipient_id), else_=MeetingRequest.requester_id
)
#: one row per request of the person (withdrawn ones aside): the other party, the meeting, its outcome
_REQUESTS = (
    sa.select(
        MeetingRequest.id,
        MeetingRequest.recipient_id,
        MeetingRequest.status,
        MeetingRequest.message,
        MeetingRequest.decline_reason,
        _OTHER.id,
        _OTHER.name_ar,
        _OTHER.name_latin,
        Organisation.name,
        Meeting.id,
        Meeting.held_at,
        MeetingSlot.starts_at,
        MeetingSlot.ends_at,
        MeetingPlace.kind,
        MeetingPlace.label,
        MeetingOutcome.outcome,
        MeetingOutcome.kind,
        MeetingOutcome.amount,
    )  # fmt: skip
    .join(_OTHER, _OTHER.id == _OTHER_ID)
    .outerjoin(Organisation, Organisation.id == _OTHER.organisation_id)
    .outerjoin(Meeting, Meeting.request_id == MeetingRequest.id)
    .outerjoin(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
    .outerjoin(MeetingPlace, MeetingPlace.id == Meeting.place_id)
    .outerjoin(MeetingOutcome, sa.and_(MeetingOutcome.meeting_id == Meeting.id, MeetingOutcome.registration_id == _ME))
    .where(
        sa.or_(MeetingRequest.requester_id == _ME, MeetingRequest.recipient_id == _ME),
        MeetingRequest.status != RequestStatus.withdrawn,
    )
    .order_by(MeetingRequest.created_at.desc(), MeetingRequest.id.desc())
)


@dataclass(frozen=True)
class Party:
    """The other party of a request, as the page names them (`person` filter)."""

    id: int
    name_ar: str | None
    name_latin: str | None
    organisation_name: str | None


@dataclass(frozen=True)
class Recorded:
    """What the person recorded as a meeting's outcome."""

    outcome: Outcome
    kind: str | None
    amount: int | None


@dataclass(frozen=True)
class PlannedMeeting:
    id: int
    starts_at: datetime
    ends_at: datetime
    #: "Table 12", "Booth A3"
    place: str
    held_at: datetime | None
    other: Party
    recorded: Recorded | None


@dataclass(frozen=True)
class RequestLine:
    id: int
    status: RequestStatus
    message: str
    decline_reason: str | None
    other: Party
    meeting: PlannedMeeting | None


def _line(row) -> RequestLine:
    (rid, _, status, message, reason, other_id, name_ar, name_latin, organisation, meeting_id, held_at, starts_at,
     ends_at, place_kind, place_label, outcome, kind, amount) = row  # fmt: skip
    other = Party(other_id, name_ar, name_latin, organisation)
    meeting = None
    if meeting_id is not None:
        recorded = Recorded(outcome, kind, amount) if outcome is not None else None
        place = f"{place_kind.title} {place_label}"
        meeting = PlannedMeeting(meeting_id, starts_at, ends_at, place, held_at, other, recorded)
    return RequestLine(rid, status, message, reason, other, meeting)


@dataclass
class PartnersPage:
    """What the partners page shows."""

    #: the person's published profile (None: not published)
    profile: Facts | None
    received: list[RequestLine]
    sent: list[RequestLine]
    #: the person's meetings in time order
    meetings: list[PlannedMeeting]
    is_open: bool
    suggestions: list[Suggestion]


def partners_page(registration: Registration, forum: Forum, *, now: datetime | None = None) -> PartnersPage:
    """A participant's partners page: profile, requests received and sent, meetings with their outcomes,
    whether bookings are open, and suggested partners (see the module's docstring for its cost)."""
    facts = db.session.execute(_FACTS, {"registration_id": registration.id, "forum_id": forum.id}).one()
    me = registration.id
    lines = [(row[1] == me, _line(row)) for row in db.session.execute(_REQUESTS, {"registration_id": me})]
    profile = None
    if facts.id is not None:
        themes, provinces = frozenset(facts.themes), frozenset(facts.provinces)
        profile = Facts(
            facts.id, me, frozenset(facts.offers), frozenset(facts.needs), themes, provinces, registration.category
        )
    state = (facts.profiles, facts.profile_edit, facts.registration_edit)
    known = {line.other.id for _, line in lines}
    return PartnersPage(
        profile=profile,
        received=[line for received, line in lines if received],
        sent=[line for received, line in lines if not received],
        meetings=sorted((line.meeting for _, line in lines if line.meeting), key=lambda m: m.starts_at),
        is_open=window_is_open(forum, facts.booking_opens_at, facts.booking_closes_at, now),
        suggestions=suggest(listed_profiles(forum.id, state), profile, known=known) if profile else [],
    )
