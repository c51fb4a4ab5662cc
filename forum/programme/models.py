"""The programme of a forum: rooms, sessions, speakers and who signed up to what."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import TitledEnum, UTCDateTime, translated, utcnow
from forum.extensions import db
from forum.i18n import person_name

if TYPE_CHECKING:
    from forum.auth.models import User
    from forum.registration.models import Registration


class SessionKind(TitledEnum):
    plenary = "plenary"
    workshop = "workshop"
    panel = "panel"
    ceremony = "ceremony"
    exhibition_hours = "exhibition_hours"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.plenary: _l("Plenary session"),
            cls.workshop: _l("Workshop"),
            cls.panel: _l("Panel"),
            cls.ceremony: _l("Ceremony"),
            cls.exhibition_hours: _l("Exhibition hours"),
        }


class SignupStatus(TitledEnum):
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    #: a freed seat held for a person in line who holds a seat in an overlapping session, until they
    #: take it or stay (services/signups.py)
    offered = "offered"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.confirmed: _l("Signed up"),
            cls.waitlisted: _l("On the waiting list"),
            cls.offered: _l("A seat is held for you"),
        }


class Room(db.Model):
    __tablename__ = "room"
    __table_args__ = (sa.CheckConstraint("capacity >= 0", name="capacity_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    name: Mapped[dict[str, str]] = mapped_column(default=dict)
    capacity: Mapped[int] = mapped_column(default=0)
    is_accessible: Mapped[bool] = mapped_column(default=True)
    #: order of the room's column in the timetable
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Room {self.id} {translated(self.name)}>"

    @property
    def label(self) -> str:
        return translated(self.name)


session_speaker = sa.Table(
    "session_speaker",
    db.metadata,
    sa.Column("session_id", sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("speaker_id", sa.ForeignKey("speaker.id", ondelete="CASCADE"), primary_key=True),
)


class Speaker(db.Model):
    __tablename__ = "speaker"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    #: the speaker's Registration at this forum (badge, check-in), once they have one
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"))
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    name_latin: Mapped[str | None] = mapped_column(sa.String(200))
    job_title: Mapped[str | None] = mapped_column(sa.String(200))
    organisation: Mapped[str | None] = mapped_column(sa.String(200))
    bio: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: storage key of the photo (forum.storage)
    photo_key: Mapped[str | None] = mapped_column(sa.String(200))

    registration: Mapped[Registration | None] = relationship()

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.display_name}>"

    @property
    def display_name(self) -> str:
        return person_name(self.name_ar, self.name_latin)


class Session(db.Model):
    """One slot of the programme: a plenary, a workshop, a ceremony, the exhibition's opening hours..."""

    __tablename__ = "session"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("signed_up >= 0", name="signed_up_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(sa.Enum(SessionKind, native_enum=False, length=20))
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: short theme label used for filtering and for grouping recommendations
    theme: Mapped[str | None] = mapped_column(sa.String(120))
    room_id: Mapped[int | None] = mapped_column(sa.ForeignKey("room.id", ondelete="SET NULL"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: seats; None means the room's capacity
    capacity: Mapped[int | None]
    is_signup_required: Mapped[bool] = mapped_column(default=False)
    moderator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("speaker.id", ondelete="SET NULL"))
    #: the account that collects this session's recommendations (holds the rapporteur role)
    rapporteur_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    #: when the session first appeared in a published version (None: a draft, not public yet)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: iCalendar SEQUENCE: raised each time a published version changes this session
    sequence: Mapped[int] = mapped_column(default=0, server_default="0")
    #: seats taken: confirmed sign-ups and seats held for an offer, kept by the sign-up services under the
    #: session's row lock (pages read it, no count)
    signed_up: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    room: Mapped[Room | None] = relationship()
    speakers: Mapped[list[Speaker]] = relationship(secondary=session_speaker, order_by=Speaker.id)
    moderator: Mapped[Speaker | None] = relationship(foreign_keys=[moderator_id])
    rapporteur: Mapped[User | None] = relationship()
    #: organisers' edits not yet published (a published session only)
    draft: Mapped[SessionDraft | None] = relationship(
        back_populates="session", cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"<Session {self.id} {self.kind} {translated(self.title)}>"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def seats(self) -> int | None:
        """The effective capacity: the session's own, else its room's, else unlimited (None)."""
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None and self.room.capacity else None

    @property
    def seats_left(self) -> int | None:
        seats = self.seats
        return None if seats is None else max(0, seats - self.signed_up)

    def overlaps(self, other: Session) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


class SessionDraft(db.Model):
    """Organisers' edits to a published session, kept out of the public programme, the feeds and the
    sign-up rules until the next publication applies them to the session (the published state)."""

    __tablename__ = "session_draft"

    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    #: the edited fields and their new values, JSON-encoded: {"starts_at": "2026-02-14T10:00:00+00:00", ...}
    changes: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[Session] = relationship(back_populates="draft")

    def __repr__(self) -> str:
        return f"<SessionDraft session={self.session_id} {sorted(self.changes)}>"


class Signup(db.Model):
    """A confirmed participant's place (or waiting-list spot) in a session that needs sign-up."""

    __tablename__ = "signup"
    __table_args__ = (sa.UniqueConstraint("session_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    status: Mapped[SignupStatus] = mapped_column(
        sa.Enum(SignupStatus, native_enum=False, length=12), default=SignupStatus.confirmed
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    session: Mapped[Session] = relationship()
    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<Signup session={self.session_id} registration={self.registration_id} {self.status}>"


class ProgrammeVersion(db.Model):
    """A published release of a forum's programme: its number, what moved, and who was told."""

    __tablename__ = "programme_version"
    __table_args__ = (sa.UniqueConstraint("forum_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    #: 1, 2, 3... per forum
    number: Mapped[int]
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: what changed since the previous version: [{"session_id", "kind": added|moved|retitled|cancelled, ...}]
    changes: Mapped[list[dict]] = mapped_column(sa.JSON, default=list)
    #: the public state of every published session at this version, {session_id: {...}}, to diff the next one
    snapshot: Mapped[dict[str, dict]] = mapped_column(sa.JSON, default=dict)
    #: when the organiser sent the change notifications (None: listed for review, not sent)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    published_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<ProgrammeVersion forum={self.forum_id} v{self.number}>"
