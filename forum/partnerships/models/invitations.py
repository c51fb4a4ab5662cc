"""Invitation campaigns: the companies and donors the organisers invite to register."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import UTCDateTime
from forum.extensions import db


class Invitation(db.Model):
    """A company or donor the organisers invite to register: sent, opened, registered or declined.

    Personal data: the contact's name and e-mail, kept for the campaign; erased with the registration
    made through it (see services/privacy.py)."""

    __tablename__ = "invitation"
    __table_args__ = (sa.UniqueConstraint("forum_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
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
