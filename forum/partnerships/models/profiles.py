"""Partnership profiles: what a participant offers and needs, published with their consent.

Personal data held here: a profile's pitch and project (published by the person, with their consent).
Names, e-mails and phones stay on the Registration.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.db import UTCDateTime, translated, utcnow
from forum.extensions import db
from forum.i18n import person_name
from forum.registration.models import Area, Category, Registration


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
    def category(self) -> Category:
        return self.registration.category

    @property
    def pitch_text(self) -> str:
        return translated(self.pitch)
