"""The exhibition's tables: zones and booths of the floor plan, exhibitors and their staff,
booth applications, assignments and the leads exhibitors collect by scanning badges."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.db import TitledEnum, UTCDateTime, translated, utcnow
from forum.extensions import db
from forum.registration.models import Organisation, Registration


class BoothTier(TitledEnum):
    standard = "standard"
    premium = "premium"
    corner = "corner"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.standard: _l("Standard"), cls.premium: _l("Premium"), cls.corner: _l("Corner")}


class BoothStatus(TitledEnum):
    free = "free"
    offered = "offered"
    assigned = "assigned"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.free: _l("Free"), cls.offered: _l("Offered"), cls.assigned: _l("Assigned")}


class ExhibitorStatus(TitledEnum):
    pending = "pending"
    approved = "approved"
    rejected = "rejected"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.pending: _l("Awaiting approval"), cls.approved: _l("Approved"), cls.rejected: _l("Declined")}


class ExhibitorTier(TitledEnum):
    """Set by the organisers; the allocation serves higher tiers first."""

    standard = "standard"
    partner = "partner"
    sponsor = "sponsor"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.standard: _l("Standard"), cls.partner: _l("Institutional partner"), cls.sponsor: _l("Sponsor")}

    @property
    def priority(self) -> int:
        return {ExhibitorTier.standard: 0, ExhibitorTier.partner: 1, ExhibitorTier.sponsor: 2}[self]


class Sector(TitledEnum):
    agriculture = "agriculture"
    crafts = "crafts"
    finance = "finance"
    education = "education"
    health = "health"
    environment = "environment"
    digital = "digital"
    social_economy = "social_economy"
    tourism = "tourism"
    culture = "culture"
    public_service = "public_service"
    other = "other"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.agriculture: _l("Agriculture and oases"),
            cls.crafts: _l("Crafts and local products"),
            cls.finance: _l("Finance and micro-finance"),
            cls.education: _l("Education and training"),
            cls.health: _l("Health and disability"),
            cls.environment: _l("Environment and water"),
            cls.digital: _l("Digital"),
            cls.social_economy: _l("Social and solidarity economy"),
            cls.tourism: _l("Tourism"),
            cls.culture: _l("Culture and heritage"),
            cls.public_service: _l("Public services"),
            cls.other: _l("Other"),
        }


class Exhibition(db.Model):
    """The exhibition settings of one forum."""

    __tablename__ = "exhibition"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), unique=True)
    #: booth applications are accepted until then (None: until the organisers publish the allocation)
    applications_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when the allocation was last published to the exhibitors
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Exhibition forum={self.forum_id}>"

    def accepts_applications(self, now: datetime | None = None) -> bool:
        return self.applications_close_at is None or (now or utcnow()) < self.applications_close_at


class Zone(db.Model):
    """A hall or an area of the floor plan."""

    __tablename__ = "booth_zone"
    __table_args__ = (sa.UniqueConstraint("forum_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    #: short code shown on the map and used as the booths' prefix, e.g. "A"
    code: Mapped[str] = mapped_column(sa.String(10))
    name: Mapped[dict[str, str]] = mapped_column(default=dict)

    booths: Mapped[list[Booth]] = relationship(back_populates="zone", order_by="Booth.code")

    def __repr__(self) -> str:
        return f"<Zone {self.code}>"

    @property
    def label(self) -> str:
        return translated(self.name) or self.code


class Booth(db.Model):
    __tablename__ = "booth"
    __table_args__ = (
        sa.UniqueConstraint("forum_id", "code"),
        sa.CheckConstraint("area_m2 > 0", name="area_positive"),
        sa.CheckConstraint("x >= 0 AND y >= 0 AND width > 0 AND height > 0", name="on_the_grid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    zone_id: Mapped[int] = mapped_column(sa.ForeignKey("booth_zone.id", ondelete="RESTRICT"), index=True)
    #: e.g. "A12", unique in the forum
    code: Mapped[str] = mapped_column(sa.String(12))
    area_m2: Mapped[int]
    #: position and size on the floor-plan grid (one unit is one metre)
    x: Mapped[int] = mapped_column(default=0)
    y: Mapped[int] = mapped_column(default=0)
    width: Mapped[int] = mapped_column(default=3)
    height: Mapped[int] = mapped_column(default=3)
    tier: Mapped[BoothTier] = mapped_column(
        sa.Enum(BoothTier, native_enum=False, length=12), default=BoothTier.standard
    )
    has_power: Mapped[bool] = mapped_column(default=False)
    has_water: Mapped[bool] = mapped_column(default=False)
    has_wall: Mapped[bool] = mapped_column(default=False)

    zone: Mapped[Zone] = relationship(back_populates="booths")
    assignment: Mapped[BoothAssignment | None] = relationship(back_populates="booth", uselist=False)

    def __repr__(self) -> str:
        return f"<Booth {self.code}>"

    @property
    def status(self) -> BoothStatus:
        if self.assignment is None:
            return BoothStatus.free
        return BoothStatus.assigned if self.assignment.is_published else BoothStatus.offered

    def fits(self, *, needs_power: bool, needs_water: bool, needs_wall: bool, min_area_m2: int) -> bool:
        """Does this booth meet an exhibitor's needs?"""
        return (
            (self.has_power or not needs_power)
            and (self.has_water or not needs_water)
            and (self.has_wall or not needs_wall)
            and self.area_m2 >= (min_area_m2 or 0)
        )


class Exhibitor(db.Model):
    """An organisation exhibiting at one forum, with its public profile."""

    __tablename__ = "exhibitor"
    __table_args__ = (sa.UniqueConstraint("forum_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    status: Mapped[ExhibitorStatus] = mapped_column(
        sa.Enum(ExhibitorStatus, native_enum=False, length=12), default=ExhibitorStatus.pending, index=True
    )
    tier: Mapped[ExhibitorTier] = mapped_column(
        sa.Enum(ExhibitorTier, native_enum=False, length=12), default=ExhibitorTier.standard
    )
    #: where the organisers write to the exhibitor (besides its staff)
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_name: Mapped[str | None] = mapped_column(sa.String(200))
    #: public profile, per language
    description: Mapped[dict[str, str]] = mapped_column(default=dict)
    sector: Mapped[Sector | None] = mapped_column(sa.Enum(Sector, native_enum=False, length=20), index=True)
    website: Mapped[str | None] = mapped_column(sa.String(300))
    #: storage key of the re-encoded logo (served by a view)
    logo_key: Mapped[str | None] = mapped_column(sa.String(200))
    #: partnerships.vocabulary.Support values (the one list of offers and needs)
    offers: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    seeks: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    assignment: Mapped[BoothAssignment | None] = relationship(back_populates="exhibitor", uselist=False)
    application: Mapped[BoothApplication | None] = relationship(back_populates="exhibitor", uselist=False)
    staff: Mapped[list[ExhibitorStaff]] = relationship(back_populates="exhibitor", order_by="ExhibitorStaff.id")

    def __repr__(self) -> str:
        return f"<Exhibitor {self.id} org={self.organisation_id}>"

    @property
    def name(self) -> str:
        return self.organisation.name

    @property
    def published_booth(self) -> Booth | None:
        return self.assignment.booth if self.assignment is not None and self.assignment.is_published else None


class ExhibitorStaff(db.Model):
    """A user who runs an exhibitor's booth; they hold a Registration (badge) at the forum."""

    __tablename__ = "exhibitor_staff"
    __table_args__ = (sa.UniqueConstraint("forum_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    exhibitor_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitor.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exhibitor: Mapped[Exhibitor] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()
    registration: Mapped[Registration | None] = relationship()

    def __repr__(self) -> str:
        return f"<ExhibitorStaff user={self.user_id} exhibitor={self.exhibitor_id}>"


class BoothApplication(db.Model):
    """An exhibitor's request for a booth: ranked choices and needs."""

    __tablename__ = "booth_application"
    __table_args__ = (sa.CheckConstraint("min_area_m2 >= 0", name="area_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    exhibitor_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitor.id", ondelete="CASCADE"), unique=True)
    needs_power: Mapped[bool] = mapped_column(default=False)
    needs_water: Mapped[bool] = mapped_column(default=False)
    needs_wall: Mapped[bool] = mapped_column(default=False)
    min_area_m2: Mapped[int] = mapped_column(default=0)
    #: what the organisation will show at its booth
    showcase: Mapped[str] = mapped_column(sa.Text, default="")
    #: the application time breaks ties in the allocation (earlier first)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    exhibitor: Mapped[Exhibitor] = relationship(back_populates="application")
    choices: Mapped[list[ApplicationChoice]] = relationship(
        back_populates="application", order_by="ApplicationChoice.rank", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<BoothApplication {self.id} exhibitor={self.exhibitor_id}>"

    @property
    def needs(self) -> dict:
        return dict(
            needs_power=self.needs_power,
            needs_water=self.needs_water,
            needs_wall=self.needs_wall,
            min_area_m2=self.min_area_m2,
        )


class ApplicationChoice(db.Model):
    """One ranked choice of an application: a booth, or any booth of a zone."""

    __tablename__ = "booth_application_choice"
    __table_args__ = (
        sa.UniqueConstraint("application_id", "rank"),
        sa.CheckConstraint("rank BETWEEN 1 AND 3", name="rank_1_to_3"),
        sa.CheckConstraint("(booth_id IS NULL) <> (zone_id IS NULL)", name="booth_or_zone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(sa.ForeignKey("booth_application.id", ondelete="CASCADE"))
    rank: Mapped[int]
    booth_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"))
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("booth_zone.id", ondelete="CASCADE"))

    application: Mapped[BoothApplication] = relationship(back_populates="choices")
    booth: Mapped[Booth | None] = relationship()
    zone: Mapped[Zone | None] = relationship()

    def __repr__(self) -> str:
        return f"<ApplicationChoice {self.rank} booth={self.booth_id} zone={self.zone_id}>"

    @property
    def label(self) -> str:
        if self.booth is not None:
            return self.booth.code
        return str(_l("Zone %(zone)s (any booth)", zone=self.zone.label))


class BoothAssignment(db.Model):
    """Which exhibitor holds which booth. One exhibitor per booth, one booth per exhibitor."""

    __tablename__ = "booth_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    booth_id: Mapped[int] = mapped_column(sa.ForeignKey("booth.id", ondelete="CASCADE"), unique=True)
    exhibitor_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitor.id", ondelete="CASCADE"), unique=True)
    #: the rank of the application choice this booth satisfies (None: outside the choices)
    choice_rank: Mapped[int | None]
    #: proposed by the automatic allocation (replaced when it runs again) rather than set by hand
    is_automatic: Mapped[bool] = mapped_column(default=False)
    #: shown to the exhibitor and the public once published
    is_published: Mapped[bool] = mapped_column(default=False)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    booth: Mapped[Booth] = relationship(back_populates="assignment")
    exhibitor: Mapped[Exhibitor] = relationship(back_populates="assignment")

    def __repr__(self) -> str:
        return f"<BoothAssignment booth={self.booth_id} exhibitor={self.exhibitor_id}>"


class Lead(db.Model):
    """A visitor whose badge an exhibitor's staff scanned (kept only with the visitor's consent)."""

    __tablename__ = "exhibitor_lead"
    __table_args__ = (sa.UniqueConstraint("exhibitor_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exhibitor_id: Mapped[int] = mapped_column(sa.ForeignKey("exhibitor.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    scanned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    exhibitor: Mapped[Exhibitor] = relationship()
    registration: Mapped[Registration] = relationship()

    def __repr__(self) -> str:
        return f"<Lead exhibitor={self.exhibitor_id} registration={self.registration_id}>"
