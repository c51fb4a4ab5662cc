"""Segments: who a message reaches, kept as a filter (read again at each sending) and turned into SQL.

Within one criterion the values are alternatives (confirmed or waitlisted); criteria combine (confirmed
AND in workshop 2). An empty criterion does not restrict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa

from forum.checkin.models import Admission, CheckInList, ListKind
from forum.events.models import Forum
from forum.exhibition.models import ExhibitorStaff
from forum.extensions import db
from forum.messages.models import Channel, OptOut, SmsConsent
from forum.programme.models import Session, Signup, SignupStatus, Speaker
from forum.registration.models import Registration, RegistrationStatus

#: the people an organiser may pick besides the usual criteria
GROUPS = ("exhibitors", "speakers")
ATTENDANCE = ("present", "absent")


@dataclass
class Segment:
    statuses: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    provinces: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)
    #: workshops (sessions) the person holds a confirmed seat in
    sessions: list[int] = field(default_factory=list)
    #: "present" (welcomed at the entrance at least once), "absent", or "" for both
    attendance: str = ""
    #: "exhibitors" (exhibitor staff), "speakers" (a speaker of the programme)
    groups: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, data: dict[str, Any] | None) -> Segment:
        """The segment stored as `data` (unknown keys ignored)."""
        data = data or {}
        return cls(
            statuses=[str(v) for v in data.get("statuses", [])],
            categories=[str(v) for v in data.get("categories", [])],
            provinces=[str(v) for v in data.get("provinces", [])],
            areas=[str(v) for v in data.get("areas", [])],
            sessions=[int(v) for v in data.get("sessions", [])],
            attendance=str(data.get("attendance") or ""),
            groups=[str(v) for v in data.get("groups", []) if v in GROUPS],
        )

    def as_dict(self) -> dict[str, Any]:
        """The filter as stored on the message."""
        return asdict(self)


def _present(forum_id: int) -> sa.Exists:
    return (
        sa.select(Admission.id)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .where(
            Admission.registration_id == Registration.id,
            CheckInList.forum_id == forum_id,
            CheckInList.kind == ListKind.entrance,
            Admission.undone_at.is_(None),
        )
        .exists()
    )


def recipients_query(forum: Forum, segment: Segment, *, essential: bool, channel: Channel = Channel.email) -> sa.Select:
    """The registrations of the forum the segment names (ids only), without those who opted out unless
    the message is essential, and for SMS only those who gave a mobile number and agreed; by id."""
    query = sa.select(Registration.id).where(Registration.forum_id == forum.id)
    if channel == Channel.sms:
        consented = sa.select(SmsConsent.registration_id).where(SmsConsent.registration_id == Registration.id)
        query = query.where(Registration.phone.is_not(None), Registration.phone != "", consented.exists())
    if segment.statuses:
        query = query.where(Registration.status.in_([RegistrationStatus(s) for s in segment.statuses]))
    if segment.categories:
        query = query.where(Registration.category.in_(segment.categories))
    if segment.provinces:
        query = query.where(Registration.province.in_(segment.provinces))
    if segment.areas:
        query = query.where(Registration.area.in_(segment.areas))
    if segment.sessions:
        seated = sa.select(Signup.id).where(
            Signup.registration_id == Registration.id,
            Signup.session_id.in_(segment.sessions),
            Signup.status == SignupStatus.confirmed,
        )
        query = query.where(seated.exists())
    if segment.attendance == "present":
        query = query.where(_present(forum.id))
    elif segment.attendance == "absent":
        query = query.where(~_present(forum.id))
    groups = []
    if "exhibitors" in segment.groups:
        groups.append(
            sa.select(ExhibitorStaff.id)
            .where(ExhibitorStaff.registration_id == Registration.id, ExhibitorStaff.forum_id == forum.id)
            .exists()
        )
    if "speakers" in segment.groups:
        groups.append(sa.select(Speaker.id).where(Speaker.registration_id == Registration.id).exists())
    if groups:
        query = query.where(sa.or_(*groups))
    if not essential:
        query = query.where(
            ~sa.select(OptOut.registration_id).where(OptOut.registration_id == Registration.id).exists()
        )
    return query.order_by(Registration.id)


def count_recipients(forum: Forum, segment: Segment, *, essential: bool, channel: Channel = Channel.email) -> int:
    """How many people the segment reaches now (on this channel)."""
    inner = recipients_query(forum, segment, essential=essential, channel=channel).order_by(None).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(inner)) or 0


def workshop_choices(forum: Forum) -> list[tuple[int, str]]:
    """(id, title) of the forum's workshops that take sign-ups, in programme order, for the segment form."""
    rows = db.session.scalars(
        sa.select(Session)
        .where(Session.forum_id == forum.id, Session.is_signup_required.is_(True), Session.is_cancelled.is_(False))
        .order_by(Session.starts_at, Session.id)
    )
    return [(session.id, session.name) for session in rows]


def recipients_of(message: Any, forum: Forum) -> sa.Select:
    """The people a message reaches now: its segment, its channel, and the opt-outs unless essential."""
    return recipients_query(forum, Segment.of(message.segment), essential=message.is_essential, channel=message.channel)


def reach_of(message: Any, forum: Forum) -> int:
    """How many people a message reaches now."""
    segment = Segment.of(message.segment)
    return count_recipients(forum, segment, essential=message.is_essential, channel=message.channel)
