"""The partnerships' tables: profiles (offers and needs), meeting slots and places, requests and meetings.

Personal data held here: a profile's pitch and project (published by the person, with their consent),
a request's message and a decline's reason. Names, e-mails and phones stay on the Registration.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import TitledEnum, UTCDateTime, translated, utcnow
from forum.exhibition.models import Booth
from forum.extensions import db
from forum.i18n import person_name
from forum.registration.models import Area, Registration


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


class PartnershipProfile(db.Model):
    """What one registered participant offers and needs, published (with consent) to find partners."""

    __tablename__ = "partnership_profile"
    __table_args__ = (sa.UniqueConstraint("registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"))
    #: vocabulary.Support values
    offers: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: themes of the forum's programme (Session.theme labels)
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    #: province codes (forum.geo) the organisation serves
    provinces: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    pitch: Mapped[dict[str, str]] = mapped_column(default=dict)
    is_open_to_meetings: Mapped[bool] = mapped_column(default=True)
    #: when the person agreed (law 09-08) to show this profile to the forum's participants
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    project_title: Mapped[str | None] = mapped_column(sa.String(200))
    project_summary: Mapped[str | None] = mapped_column(sa.Text)
    #: amount sought, in dirhams
    project_amount: Mapped[int | None]
    project_beneficiaries: Mapped[int | None]
    project_province: Mapped[str | None] = mapped_column(sa.String(40))
    project_area: Mapped[Area | None] = mapped_column(sa.Enum(Area, native_enum=False, length=10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<PartnershipProfile {self.id} registration={self.registration_id}>"

    @property
    def public_name(self) -> str:
        """The person's name as others see it (never their e-mail)."""
        return person_name(self.registration.name_ar, self.registration.name_latin) or "—"

    @property
    def organisation_name(self) -> str:
        organisation = self.registration.organisation
        return organisation.name if organisation is not None else ""

    @property
    def pitch_text(self) -> str:
        return translated(self.pitch)


class MeetingSlot(db.Model):
    """A time in which one-to-one meetings take place, all at once, at the forum's tables and booths."""

    __tablename__ = "meeting_slot"
    __table_args__ = (
        sa.UniqueConstraint("forum_id", "starts_at"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
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
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
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
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
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
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting_slot.id", ondelete="CASCADE"), index=True)
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


class Outcome(TitledEnum):
    """What one party says came of a meeting."""

    none = "none"
    keep_in_touch = "keep_in_touch"
    intended = "intended"
    signed = "signed"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.none: _l("No follow-up"),
            cls.keep_in_touch: _l("Keep in touch"),
            cls.intended: _l("Partnership intended"),
            cls.signed: _l("Agreement signed"),
        }


class MeetingOutcome(db.Model):
    """One party's account of what came of a meeting: the outcome, its kind and the help it brings."""

    __tablename__ = "meeting_outcome"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    outcome: Mapped[Outcome] = mapped_column(sa.Enum(Outcome, native_enum=False, length=16))
    #: vocabulary.Support value
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    #: the amount of the help, in dirhams (optional)
    amount: Mapped[int | None]
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<MeetingOutcome meeting={self.meeting_id} {self.outcome}>"


class PartnershipStatus(TitledEnum):
    intended = "intended"
    signed = "signed"
    active = "active"
    ended = "ended"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.intended: _l("Intended"),
            cls.signed: _l("Signed"),
            cls.active: _l("Under way"),
            cls.ended: _l("Ended"),
        }


class Partnership(db.Model):
    """A partnership that came out of a meeting: its parties, kind, status and amount, with its history."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    #: one partnership per meeting
    meeting_id: Mapped[int | None] = mapped_column(sa.ForeignKey("meeting.id", ondelete="SET NULL"), unique=True)
    first_party_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    second_party_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    status: Mapped[PartnershipStatus] = mapped_column(sa.Enum(PartnershipStatus, native_enum=False, length=12))
    kind: Mapped[str | None] = mapped_column(sa.String(20))
    amount: Mapped[int | None]
    #: where the help goes (the province and area of the association or cooperative side, when there is one)
    province: Mapped[str | None] = mapped_column(sa.String(40))
    area: Mapped[Area | None] = mapped_column(sa.Enum(Area, native_enum=False, length=10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    #: when both parties were sent the link to update the status (three months after the forum)
    follow_up_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    first_party: Mapped[Registration] = relationship(foreign_keys=[first_party_id])
    second_party: Mapped[Registration] = relationship(foreign_keys=[second_party_id])
    history: Mapped[list[PartnershipChange]] = relationship(
        back_populates="partnership", order_by="PartnershipChange.at", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Partnership {self.id} {self.status}>"


class PartnershipChange(db.Model):
    """One step of a partnership's history: its status (and amount) as a party or the meeting set it."""

    __tablename__ = "partnership_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(sa.ForeignKey("partnership.id", ondelete="CASCADE"), index=True)
    status: Mapped[PartnershipStatus] = mapped_column(sa.Enum(PartnershipStatus, native_enum=False, length=12))
    amount: Mapped[int | None]
    #: the party who made the change (None once erased)
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    partnership: Mapped[Partnership] = relationship(back_populates="history")
    by: Mapped[Registration | None] = relationship()

    def __repr__(self) -> str:
        return f"<PartnershipChange {self.partnership_id} {self.status}>"


class Invitation(db.Model):
    """A company or donor the organisers invite to register: sent, opened, registered or declined.

    Personal data: the contact's name and e-mail, kept for the campaign; erased with the registration
    made through it (see services/privacy.py)."""

    __tablename__ = "invitation"
    __table_args__ = (sa.UniqueConstraint("forum_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    sector: Mapped[str] = mapped_column(sa.String(100), default="")
    language: Mapped[str] = mapped_column(sa.String(2))
    #: the signed link carries it; a new nonce voids the old links
    nonce: Mapped[str] = mapped_column(sa.String(32))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"))
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def status(self) -> str:
        """to_send, sent, opened, registered or declined (the furthest step reached)."""
        if self.registration_id:
            return "registered"
        if self.declined_at:
            return "declined"
        if self.opened_at:
            return "opened"
        return "sent" if self.sent_at else "to_send"

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.status}>"
