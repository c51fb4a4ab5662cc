"""Registrations (one person at one forum) and the organisations they come from; the forum's registration
settings, from `settings_model`, and the organisations' list version, from `organisation_list_model`,
are re-exported here."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from forum.auth.models import User
from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import person_name
from forum.registration.names import name_key
from forum.registration.organisation_list_model import OrganisationListVersion as OrganisationListVersion
from forum.registration.settings_model import ApprovalMode as ApprovalMode
from forum.registration.settings_model import RegistrationSettings as RegistrationSettings
from forum.registration.settings_model import WaitlistMode as WaitlistMode


class OrganisationKind(TitledEnum):
    association = "association"
    cooperative = "cooperative"
    company = "company"
    public_institution = "public_institution"
    donor = "donor"
    academic = "academic"
    media = "media"
    elected_body = "elected_body"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.association: _l("Association"),
            cls.cooperative: _l("Cooperative"),
            cls.company: _l("Company"),
            cls.public_institution: _l("Public institution"),
            cls.donor: _l("Donor agency"),
            cls.academic: _l("University or research centre"),
            cls.media: _l("Media"),
            cls.elected_body: _l("Elected body"),
        }


class Area(TitledEnum):
    urban = "urban"
    rural = "rural"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.urban: _l("Urban"), cls.rural: _l("Rural")}


class Gender(TitledEnum):
    female = "female"
    male = "male"
    unspecified = "unspecified"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.female: _l("Woman"), cls.male: _l("Man"), cls.unspecified: _l("Prefer not to say")}


class Category(TitledEnum):
    """Why a person is at the forum; decides the badge's colour and label."""

    association = "association"
    cooperative = "cooperative"
    public_sector = "public_sector"
    private_sector = "private_sector"
    donor = "donor"
    expert = "expert"
    elected = "elected"
    media = "media"
    speaker = "speaker"
    exhibitor = "exhibitor"
    organiser = "organiser"
    guest = "guest"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.association: _l("Association"),
            cls.cooperative: _l("Cooperative"),
            cls.public_sector: _l("Public sector"),
            cls.private_sector: _l("Private company"),
            cls.donor: _l("Donor"),
            cls.expert: _l("Expert or researcher"),
            cls.elected: _l("Elected official"),
            cls.media: _l("Media"),
            cls.speaker: _l("Speaker"),
            cls.exhibitor: _l("Exhibitor"),
            cls.organiser: _l("Organiser"),
            cls.guest: _l("Guest"),
        }

    @classmethod
    def public_choices(cls) -> list[tuple[str, str]]:
        """The categories a person may pick on the public form (the others are given by organisers)."""
        given = {cls.speaker, cls.exhibitor, cls.organiser, cls.guest}
        return [(m.value, m.title) for m in cls if m not in given]


#: those who work the forum rather than attend it: they hold a registration (badge, check-in) but not
#: one of the participants' places the forum's capacity counts
TEAM_CATEGORIES = (Category.speaker, Category.exhibitor, Category.organiser)
#: a confirmed registration outside the team, in SQL (a partial index's condition)
PARTICIPANT_CONDITION = "status = 'confirmed' AND category NOT IN ('speaker', 'exhibitor', 'organiser')"
#: a sign-up (or a waiting-list entry) whose e-mail is not confirmed yet, in SQL: it expires unconfirmed
#: after the forum's confirmation hours (a partial index's condition, and the sign-up's question)
UNCONFIRMED_CONDITION = "email_confirmed_at IS NULL AND status IN ('pending', 'waitlisted')"
#: the categories that, from a rural area, count among the rural associations
RURAL_ASSOCIATION_CATEGORIES = (Category.association, Category.cooperative)


class BadgeRole(TitledEnum):
    participant = "participant"
    speaker = "speaker"
    exhibitor = "exhibitor"
    organiser = "organiser"
    press = "press"
    guest = "guest"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.participant: _l("Participant"),
            cls.speaker: _l("Speaker"),
            cls.exhibitor: _l("Exhibitor"),
            cls.organiser: _l("Organiser"),
            cls.press: _l("Press"),
            cls.guest: _l("Guest"),
        }


class RegistrationStatus(TitledEnum):
    pending = "pending"
    confirmed = "confirmed"
    waitlisted = "waitlisted"
    rejected = "rejected"
    cancelled = "cancelled"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.pending: _l("Pending"),
            cls.confirmed: _l("Confirmed"),
            cls.waitlisted: _l("Waiting list"),
            cls.rejected: _l("Rejected"),
            cls.cancelled: _l("Cancelled"),
        }


class Organisation(db.Model):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), index=True)
    kind: Mapped[OrganisationKind] = mapped_column(sa.Enum(OrganisationKind, native_enum=False, length=30))
    #: a province code of forum.geo
    province: Mapped[str | None] = mapped_column(sa.String(40))
    area: Mapped[Area | None] = mapped_column(sa.Enum(Area, native_enum=False, length=10))
    #: official registration number (associations' receipt, company RC), where it has one
    registration_number: Mapped[str | None] = mapped_column(sa.String(60))
    #: the name as compared (forum.registration.names.name_key), kept with the name
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True, default="")
    #: set when a platform admin merged this organisation into another (series.services.merge): it is
    #: kept, with nothing left pointing to it, so the merge can be told apart later
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Organisation {self.name}>"

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = name_key(name or "")[:200]
        return name


class Person(db.Model):
    """One person across the forums of the series: their lower-cased e-mail and nothing more (what
    they said of themselves stays on each Registration, where erasure finds it)."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Person {self.id}>"


#: the sections of the organisers' list: awaiting a decision, the waiting list, the others (written as
#: PostgreSQL prints it back, line breaks included, so that comparing the models with the database
#: finds the index unchanged)
QUEUE_RANK = "(\nCASE status\n    WHEN 'pending' THEN 0\n    WHEN 'waitlisted' THEN 1\n    ELSE 2\nEND)"
#: the order within a section: when the person joined the waiting list, else when they registered
QUEUE_JOINED = "(COALESCE(waitlisted_at, created_at))"


def _new_key() -> str:
    return secrets.token_urlsafe(24)


class Registration(db.Model):
    """One person at one forum. Everyone on site (speakers, staff, press) is a Registration."""

    __tablename__ = "registration"
    __table_args__ = (
        sa.UniqueConstraint("forum_id", "email"),
        sa.CheckConstraint("name_ar IS NOT NULL OR name_latin IS NOT NULL", name="has_a_name"),
        sa.CheckConstraint("offer_expires_at IS NULL OR status = 'waitlisted'", name="offers_are_waitlisted"),
        sa.Index("ix_registration_forum_status_created", "forum_id", "status", "created_at"),
        #: the organisations of each forum's participants, read without the table's wide rows (the series'
        #: associations reached, bench_series: its scan 10 times faster); the series' PARTICIPANT in SQL
        sa.Index(
            "ix_registration_participant_organisation",
            "organisation_id",
            "forum_id",
            postgresql_where=sa.text(PARTICIPANT_CONDITION),
            sqlite_where=sa.text(PARTICIPANT_CONDITION),
        ),
        #: the organisers' list in its order (registration.services.queue), read a page at a time from
        #: where the last one ended: the index walk costs the same on page 1 and 20, at 5,000 or 50,000
        sa.Index("ix_registration_queue", "forum_id", sa.text(QUEUE_RANK), sa.text(QUEUE_JOINED), "id"),
        #: each sign-up asks for the oldest unconfirmed one of its forum and the first offer to lapse:
        #: one index entry each, where the forum's index read every pending registration of the forum
        sa.Index(
            "ix_registration_unconfirmed",
            "forum_id",
            "created_at",
            postgresql_where=sa.text(UNCONFIRMED_CONDITION),
            sqlite_where=sa.text(UNCONFIRMED_CONDITION),
        ),
        sa.Index(
            "ix_registration_offer",
            "forum_id",
            "offer_expires_at",
            postgresql_where=sa.text("offer_expires_at IS NOT NULL"),
            sqlite_where=sa.text("offer_expires_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )
    #: the same person's registrations at every forum; set on insert from the e-mail (link_person)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", ondelete="SET NULL"), index=True)
    #: full name in Arabic script
    name_ar: Mapped[str | None] = mapped_column(sa.String(200))
    #: full name in Latin script
    name_latin: Mapped[str | None] = mapped_column(sa.String(200))
    #: stored lower-cased; with forum_id, identifies the person at this forum
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    #: E.164, e.g. +212612345678
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    job_title: Mapped[str | None] = mapped_column(sa.String(200))
    category: Mapped[Category] = mapped_column(sa.Enum(Category, native_enum=False, length=20), index=True)
    gender: Mapped[Gender] = mapped_column(sa.Enum(Gender, native_enum=False, length=12))
    #: where the person comes from (a province code of forum.geo)
    province: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    area: Mapped[Area | None] = mapped_column(sa.Enum(Area, native_enum=False, length=10))
    locale: Mapped[str] = mapped_column(sa.String(5), default="ar")
    #: chosen from common needs: wheelchair, sign_language, large_print
    accessibility_needs: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    accessibility_note: Mapped[str | None] = mapped_column(sa.Text)
    has_disability: Mapped[bool] = mapped_column(default=False)
    #: when the person accepted the processing of their data (law 09-08)
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the wording they accepted (privacy's ConsentText); a later wording never rewrites it
    consent_text_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consent_text.id", ondelete="RESTRICT"))
    #: when the personal data was erased (at the person's request or at the end of the retention period);
    #: the row stays, anonymised, so counts and check-ins stay right
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the person agreed that exhibitors who scan their badge keep their contact details
    shares_contact: Mapped[bool] = mapped_column(default=False)
    status: Mapped[RegistrationStatus] = mapped_column(
        sa.Enum(RegistrationStatus, native_enum=False, length=12), default=RegistrationStatus.pending, index=True
    )
    #: when the e-mail address was confirmed through the double opt-in link
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a registration that is not (yet) confirmed but keeps one of the forum's places: admitted and
    #: awaiting its e-mail confirmation, or offered a freed place from the waiting list
    holds_place: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: when the person joined the waiting list (its order)
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a freed place is held for this waitlisted person until then
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the reason given to the person when rejected
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: why it was cancelled: by the person, unconfirmed e-mail expired, place offer lapsed
    cancel_reason: Mapped[str | None] = mapped_column(sa.String(20))
    #: unguessable key in the person's private links (self-service page, personal calendar)
    access_key: Mapped[str] = mapped_column(sa.String(64), unique=True, default=_new_key)
    #: unguessable secret of the badge code, separate from the primary key
    badge_secret: Mapped[str] = mapped_column(sa.String(64), unique=True, default=_new_key)
    #: raised when a badge is reissued; codes of older versions are refused
    badge_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    forum: Mapped[Forum] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.email} {self.status}>"

    @property
    def display_name(self) -> str:
        return person_name(self.name_ar, self.name_latin) or self.email

    @property
    def is_confirmed(self) -> bool:
        return self.status == RegistrationStatus.confirmed

    @hybrid_property
    def takes_place(self) -> bool:
        """Whether this registration counts against the forum's capacity (the team's do not)."""
        return (self.status == RegistrationStatus.confirmed or self.holds_place) and not self.is_team

    @takes_place.inplace.expression
    @classmethod
    def _takes_place_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(
            sa.or_(cls.status == RegistrationStatus.confirmed, cls.holds_place.is_(True)),
            cls.category.not_in(TEAM_CATEGORIES),
        )

    @hybrid_property
    def is_team(self) -> bool:
        """A speaker, exhibitor or organiser: outside the participants' places."""
        return self.category in TEAM_CATEGORIES

    @is_team.inplace.expression
    @classmethod
    def _is_team_expression(cls) -> sa.ColumnElement[bool]:
        return cls.category.in_(TEAM_CATEGORIES)

    @property
    def has_offer(self) -> bool:
        return self.status == RegistrationStatus.waitlisted and self.offer_expires_at is not None

    @hybrid_property
    def is_rural_association(self) -> bool:
        """A rural association or cooperative (the share a forum may promise places to)."""
        return self.area == Area.rural and self.category in RURAL_ASSOCIATION_CATEGORIES

    @is_rural_association.inplace.expression
    @classmethod
    def _is_rural_association_expression(cls) -> sa.ColumnElement[bool]:
        return sa.and_(cls.area == Area.rural, cls.category.in_(RURAL_ASSOCIATION_CATEGORIES))

    @property
    def badge_role(self) -> BadgeRole:
        return badge_role_of(self.category)


@sa.event.listens_for(Registration, "before_insert")
def link_person(_mapper: sa.orm.Mapper, connection: sa.Connection, registration: Registration) -> None:
    """Every new registration joins the Person of its e-mail (created on first sight), whichever service
    writes it: one upsert statement, safe when two forums register the same e-mail at once."""
    if registration.person_id is None and registration.email:
        registration.person_id = person_id_for(connection, registration.email)


#: The Person of an e-mail, new or existing, as text: SQLAlchemy never caches the dialects' INSERT …
#: ON CONFLICT constructs (it compiled this one again for every sign-up), a text it does. The same on
#: PostgreSQL and SQLite; PostgreSQL's can also run within another statement (a sign-up reads its
#: state with it).
UPSERT_PERSON = (
    sa.text(
        "INSERT INTO person (email, created_at) VALUES (:email, :at) "
        "ON CONFLICT (email) DO UPDATE SET email = excluded.email RETURNING person.id"
    )
    .bindparams(sa.bindparam("at", type_=UTCDateTime))
    .columns(id=sa.Integer)
)


def person_id_for(connection: sa.Connection, email: str) -> int:
    """The id of the Person of this e-mail, created if new (INSERT … ON CONFLICT … RETURNING)."""
    return connection.execute(UPSERT_PERSON, {"email": email.strip().lower(), "at": utcnow()}).scalar_one()


def badge_role_of(category: Category) -> BadgeRole:
    """The role a badge shows (its colour band and label) for a category."""
    return {
        Category.speaker: BadgeRole.speaker,
        Category.exhibitor: BadgeRole.exhibitor,
        Category.organiser: BadgeRole.organiser,
        Category.media: BadgeRole.press,
        Category.guest: BadgeRole.guest,
    }.get(category, BadgeRole.participant)
