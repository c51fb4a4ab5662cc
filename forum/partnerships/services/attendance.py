"""At the forum: a meeting is held when one party scans the other's badge or ticks it; the organisers' board."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from forum.badges.services import read_badge_code
from forum.db import utcnow
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import Meeting, MeetingParticipant, MeetingRequest, MeetingSlot
from forum.partnerships.services.errors import NotYourMeeting
from forum.registration.models import Registration


def mark_held(meeting: Meeting, *, by: Registration, now: datetime | None = None) -> Meeting:
    """One party says the meeting took place (from its start on; the first mark counts)."""
    now = now or utcnow()
    if by.id not in {p.registration_id for p in meeting.participants} or now < meeting.slot.starts_at:
        raise NotAllowed()
    if meeting.held_at is None:
        meeting.held_at = now
        db.session.flush()
    return meeting


def held_by_scan(registration: Registration, code: str, *, now: datetime | None = None) -> Meeting:
    """The person scanned the badge of someone they meet (the one badge reader): that meeting is held.

    Among several meetings with the same person (rare), the one whose slot is nearest to now.
    """
    now = now or utcnow()
    other = read_badge_code(code, forum_id=registration.forum_id)
    mine = sa.select(MeetingParticipant.meeting_id).where(MeetingParticipant.registration_id == registration.id)
    theirs = sa.select(MeetingParticipant.meeting_id).where(MeetingParticipant.registration_id == other.id)
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .where(Meeting.id.in_(mine), Meeting.id.in_(theirs))
            .options(joinedload(Meeting.slot), joinedload(Meeting.participants))
        ).unique()
    )
    if other.id == registration.id or not meetings:
        raise NotYourMeeting()
    meeting = min(meetings, key=lambda m: abs((m.slot.starts_at - now).total_seconds()))
    return mark_held(meeting, by=registration, now=now)


@dataclass
class Board:
    """The organisers' live view: every meeting with its state, and the counts."""

    meetings: list[Meeting]
    held: int
    no_show: int
    to_come: int


def board(forum: Forum, *, now: datetime | None = None) -> Board:
    """Every meeting of the forum by slot, with how many were held, missed and are still to come."""
    now = now or utcnow()
    meetings = list(
        db.session.scalars(
            sa.select(Meeting)
            .join(MeetingSlot, MeetingSlot.id == Meeting.slot_id)
            .where(Meeting.forum_id == forum.id)
            .options(
                joinedload(Meeting.slot),
                joinedload(Meeting.place),
                joinedload(Meeting.request).joinedload(MeetingRequest.requester),
                joinedload(Meeting.request).joinedload(MeetingRequest.recipient),
            )
            .order_by(MeetingSlot.starts_at, Meeting.place_id)
        ).unique()
    )
    held = sum(1 for m in meetings if m.held_at is not None)
    no_show = sum(1 for m in meetings if m.is_no_show(now))
    return Board(meetings, held, no_show, len(meetings) - held - no_show)
