"""Meetings: the forum's settings, slots and places, requests, meetings and their parties, booth duty
and the automatic schedule's proposal.

Personal data held here: a request's message and a decline's reason.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.exhibition.models import Booth, ExhibitorStaff
from forum.extensions import db
from forum.registration.models import Registration


class MeetingSettings(db.Model):
    """A forum's one-to-one meetings: when requests and bookings are open, how many meetings a person may have."""

    __tablename__ = "meeting_settings"

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    #: requests and bookings are accepted in this window (None: no bound on that side)
    booking_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    booking_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: meetings one person may hold at the forum
    max_meetings: Mapped[int] = mapped_column(default=8)

    def __repr__(self) -> str:
        return f"<MeetingSettings forum={self.forum_id}>"


class MeetingSchedule(db.Model):
    """The last automatic schedule the organisers ran, for review before they publish it."""

    __tablename__ = "meeting_schedule"

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: [[request id, slot id, place id], ...]: the meetings proposed
    placed: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: [[request id, reason, registration id or null], ...]: the accepted requests left out, and why
    unplaced: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: the solver's upper bound on the meetings that could be placed
    bound: Mapped[int] = mapped_column(default=0)
    #: meetings with the private sector and donors were put first
    favours_sectors: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<MeetingSchedule forum={self.forum_id} placed={len(self.placed)}>"


class MeetingSlot(db.Model):
    """A time in which one-to-one meetings take place, all at once, at the forum's tables and booths."""

    __tablename__ = "meeting_slot"
    __table_args__ = (
        sa.UniqueConstraint("forum_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<MeetingSlot {self.id} {self.starts_at:%Y-%m-%d %H:%M}>"

    def overlaps(self, starts_at: datetime, ends_at: datetime) -> bool:
        return self.starts_at < ends_at and starts_at < self.ends_at


class PlaceKind(TitledEnum):
    table = "table"
    booth = "booth"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.table: _l("Table"), cls.booth: _l("Booth")}


class MeetingPlace(db.Model):
    """A table of the meeting area or an exhibitor's booth: one meeting at a time."""

    __tablename__ = "meeting_place"
    __table_args__ = (sa.UniqueConstraint("forum_id", "kind", "label"), sa.UniqueConstraint("booth_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    kind: Mapped[PlaceKind] = mapped_column(sa.Enum(PlaceKind, native_enum=False, length=10))
    #: what people look for on site: "Table 12", "A3"
    label: Mapped[str] = mapped_column(sa.String(40))
    booth_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"))

    booth: Mapped[Booth | None] = relationship()

    def __repr__(self) -> str:
        return f"<MeetingPlace {self.kind} {self.label}>"

    @property
    def name(self) -> str:
        """As people look for it on site: "Table 12", "Booth A3"."""
        return f"{self.kind.title} {self.label}"


class RequestStatus(TitledEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.pending: _l("Awaiting an answer"),
            cls.accepted: _l("Accepted"),
            cls.declined: _l("Declined"),
            cls.withdrawn: _l("Withdrawn"),
        }


class MeetingRequest(db.Model):
    """One participant asks another for a one-to-one meeting; the other accepts or declines."""

    __tablename__ = "meeting_request"
    __table_args__ = (
        #: one request per pair and direction; asking again reopens it
        sa.UniqueConstraint("requester_id", "recipient_id"),
        sa.CheckConstraint("requester_id <> recipient_id", name="not_oneself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[RequestStatus] = mapped_column(
        sa.Enum(RequestStatus, native_enum=False, length=12), default=RequestStatus.pending, index=True
    )
    #: the requester marked it important (the automatic schedule places these first)
    is_important: Mapped[bool] = mapped_column(default=False)
    decline_reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester: Mapped[Registration] = relationship(foreign_keys=[requester_id])
    recipient: Mapped[Registration] = relationship(foreign_keys=[recipient_id])
    meeting: Mapped[Meeting | None] = relationship(back_populates="request", uselist=False)

    def __repr__(self) -> str:
        return f"<MeetingRequest {self.id} {self.requester_id}->{self.recipient_id} {self.status}>"

    def other(self, registration: Registration) -> Registration:
        """The party of the request who is not `registration`."""
        return self.recipient if registration.id == self.requester_id else self.requester


class Meeting(db.Model):
    """An accepted request placed in a slot at a place; at most one meeting per place and slot."""

    __tablename__ = "meeting"
    __table_args__ = (
        #: a table or booth holds one meeting at a time
        sa.UniqueConstraint("slot_id", "place_id"),
        #: the target of the participants' (meeting, slot) foreign key
        sa.UniqueConstraint("id", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_request.id", ondelete="CASCADE"), unique=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_slot.id", ondelete="CASCADE"))
    place_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_place.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: set when one party scanned the other's badge or ticked the meeting as held
    held_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    request: Mapped[MeetingRequest] = relationship(back_populates="meeting")
    slot: Mapped[MeetingSlot] = relationship()
    place: Mapped[MeetingPlace] = relationship()
    participants: Mapped[list[MeetingParticipant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Meeting {self.id} slot={self.slot_id} place={self.place_id}>"

    def is_no_show(self, now: datetime) -> bool:
        """The slot is over and nobody marked the meeting held."""
        return self.held_at is None and self.slot.ends_at <= now


class MeetingParticipant(db.Model):
    """One party of a meeting, with the meeting's slot: nobody is in two meetings in one slot."""

    __tablename__ = "meeting_participant"
    __table_args__ = (
        #: one person, one meeting per slot (the database refuses a double booking)
        sa.UniqueConstraint("slot_id", "registration_id"),
        #: the slot is the meeting's own (a participant cannot be put in another slot than its meeting)
        sa.ForeignKeyConstraint(
            ["meeting_id", "slot_id"],
            ["meeting.id", "meeting.slot_id"],
            ondelete="CASCADE",
            name="fk_participant_meeting",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(index=True)
    slot_id: Mapped[int] = mapped_column()
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<MeetingParticipant meeting={self.meeting_id} registration={self.registration_id}>"


class BoothDuty(db.Model):
    """A time an exhibitor's staff member keeps its booth: meanwhile they meet people at the booth only."""

    __tablename__ = "booth_duty"
    __table_args__ = (sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    #: the duty ends with the person's place in the exhibitor's staff
    staff_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitor_staff.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    staff: Mapped[ExhibitorStaff] = relationship()

    def __repr__(self) -> str:
        return f"<BoothDuty staff={self.staff_id} {self.starts_at:%Y-%m-%d %H:%M}>"
