"""A forum is one edition of the regional series."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from forum.db import TitledEnum, UTCDateTime, translated, utcnow
from forum.extensions import db


class ForumStatus(TitledEnum):
    draft = "draft"
    open = "open"
    closed = "closed"
    archived = "archived"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.draft: _l("Draft"), cls.open: _l("Open"), cls.closed: _l("Closed"), cls.archived: _l("Archived")}


def day_bounds(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The instants at which a calendar day starts and ends in a timezone."""
    start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
    return start, start + timedelta(days=1)


class Forum(db.Model):
    __tablename__ = "forum"
    __table_args__ = (
        sa.CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: used in URLs: /f/<slug>/
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    #: ordinal of the edition in the series (6 for "the 6th regional forum")
    edition: Mapped[int | None]
    #: per-language texts: {"ar": ..., "fr": ..., "en": ...}
    title: Mapped[dict[str, str]] = mapped_column(default=dict)
    theme: Mapped[dict[str, str]] = mapped_column(default=dict)
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    venue: Mapped[dict[str, str]] = mapped_column(default=dict)
    #: a region code of forum.geo
    region: Mapped[str] = mapped_column(sa.String(40))
    #: per language too: "الرشيدية" on Arabic pages, "Errachidia" in French and English
    city: Mapped[dict[str, str]] = mapped_column(default=dict)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Africa/Casablanca")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: seats for participants at the venue; None means no limit
    capacity: Mapped[int | None]
    #: the participants' places taken now (Registration.takes_place), kept by triggers on `registration`
    #: in the same transaction as each change (migration 2b76ddeba204): a sign-up reads it instead of
    #: counting the forum; read it with `registration.services.places_taken`, never from a loaded row
    places_taken: Mapped[int] = mapped_column(default=0, server_default="0")
    #: confirmed participants (the team apart), and among them the women, the rural associations and
    #: cooperatives, and the people with a disability: kept by triggers like places_taken (migration
    #: d8b3a6c1e5f4), for the moves an approval makes; read them with `registration.services.shares`
    confirmed_participants: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_women: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_rural_associations: Mapped[int] = mapped_column(default=0, server_default="0")
    confirmed_disabled: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[ForumStatus] = mapped_column(
        sa.Enum(ForumStatus, native_enum=False, length=20), default=ForumStatus.draft, index=True
    )
    default_locale: Mapped[str] = mapped_column(sa.String(5), default="ar")
    #: storage key of the forum's logo (a PNG re-encoded on upload), shown on its page and its badges
    logo_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: days after the forum's last day when its participants' personal data is erased (None: the default)
    retention_days: Mapped[int | None]
    #: when `flask privacy purge` anonymised the forum's personal data
    personal_data_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Forum {self.slug}>"

    @property
    def name(self) -> str:
        return translated(self.title)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def is_public(self) -> bool:
        return self.status != ForumStatus.draft

    @property
    def days(self) -> list[date]:
        return [self.starts_on + timedelta(days=n) for n in range((self.ends_on - self.starts_on).days + 1)]

    def local_day_bounds(self, day: date) -> tuple[datetime, datetime]:
        """The UTC instants at which a local calendar day of the forum starts and ends."""
        return day_bounds(day, self.zone)

    def is_past(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return now.astimezone(self.zone).date() > self.ends_on

    def registration_is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        if self.status != ForumStatus.open:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        return not (self.registration_closes_at and now >= self.registration_closes_at)
