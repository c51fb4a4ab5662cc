"""After the meetings: each party's outcome, and the partnerships that follow with their history.

Personal data held here: an outcome's amount.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db
from forum.registration.models import Area, Registration


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
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meeting.id", ondelete="CASCADE"))
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
