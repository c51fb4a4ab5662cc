"""Meeting requests: asking someone for a meeting with a message, accepting, declining with a reason."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from forum.db import utcnow
from forum.errors import NotAllowed
from forum.extensions import db
from forum.partnerships.models import MeetingRequest, PartnershipProfile, RequestStatus
from forum.partnerships.services._common import require_confirmed, require_open
from forum.partnerships.services.errors import AlreadyRequested, NotOpenToMeetings
from forum.registration.models import Registration


def between(a: Registration, b: Registration) -> MeetingRequest | None:
    """The request between two people, whichever asked."""
    return db.session.scalar(
        sa.select(MeetingRequest).where(
            sa.or_(
                sa.and_(MeetingRequest.requester_id == a.id, MeetingRequest.recipient_id == b.id),
                sa.and_(MeetingRequest.requester_id == b.id, MeetingRequest.recipient_id == a.id),
            )
        )
    )


def request_meeting(
    requester: Registration,
    profile: PartnershipProfile,
    *,
    message: str,
    is_important: bool = False,
    now: datetime | None = None,
) -> MeetingRequest:
    """Ask the owner of `profile` for a meeting; asking again after withdrawing reopens the request."""
    recipient = profile.registration
    require_confirmed(requester)
    require_open(requester.forum, now)
    if not profile.is_open_to_meetings or not recipient.is_confirmed or recipient.id == requester.id:
        raise NotOpenToMeetings(name=profile.public_name)
    existing = between(requester, recipient)
    if existing is not None and not (
        existing.status == RequestStatus.withdrawn and existing.requester_id == requester.id
    ):
        raise AlreadyRequested(name=profile.public_name)
    request = existing or MeetingRequest(
        forum_id=requester.forum_id, requester_id=requester.id, recipient_id=recipient.id
    )
    request.message, request.is_important = message.strip(), is_important
    request.status, request.decline_reason, request.answered_at = RequestStatus.pending, None, None
    request.created_at = now or utcnow()
    db.session.add(request)
    db.session.flush()
    return request


def _answer(request: MeetingRequest, by: Registration, now: datetime | None) -> None:
    if by.id != request.recipient_id:
        raise NotAllowed()
    if request.status != RequestStatus.pending:
        raise NotAllowed()
    request.answered_at = now or utcnow()


def accept(request: MeetingRequest, *, by: Registration, now: datetime | None = None) -> MeetingRequest:
    """The person asked agrees to meet; a slot is chosen next (by either of them, or the schedule)."""
    _answer(request, by, now)
    request.status = RequestStatus.accepted
    db.session.flush()
    return request


def decline(
    request: MeetingRequest, *, by: Registration, reason: str = "", now: datetime | None = None
) -> MeetingRequest:
    """The person asked does not wish to meet, optionally saying why (the requester sees the reason)."""
    _answer(request, by, now)
    request.status, request.decline_reason = RequestStatus.declined, reason.strip() or None
    db.session.flush()
    return request


def withdraw(request: MeetingRequest, *, by: Registration) -> MeetingRequest:
    """The requester takes the request back; a meeting already booked for it is cancelled."""
    if by.id != request.requester_id or request.status not in (RequestStatus.pending, RequestStatus.accepted):
        raise NotAllowed()
    if request.meeting is not None:
        db.session.delete(request.meeting)
    request.status = RequestStatus.withdrawn
    db.session.flush()
    return request


def request_of(registration: Registration, request_id: int) -> MeetingRequest | None:
    """One request the person is a party to (None for anyone else's)."""
    return db.session.scalar(
        sa.select(MeetingRequest).where(
            MeetingRequest.id == request_id,
            sa.or_(MeetingRequest.requester_id == registration.id, MeetingRequest.recipient_id == registration.id),
        )
    )
