"""Recommendations of a forum's workshops, their supports, history, and what became of them."""

from __future__ import annotations

import re
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from forum.auth.models import User
from forum.db import TitledEnum, UTCDateTime, utcnow
from forum.extensions import db
from forum.programme.models import Session
from forum.registration.models import Registration

_ARABIC = re.compile(r"[\u0600-\u06FF]")


class TargetActor(TitledEnum):
    """Who a recommendation asks to act."""

    government = "government"
    local_authorities = "local_authorities"
    associations = "associations"
    private_sector = "private_sector"
    donors = "donors"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.government: _l("Government"),
            cls.local_authorities: _l("Local authorities"),
            cls.associations: _l("Associations"),
            cls.private_sector: _l("Private sector"),
            cls.donors: _l("Donors"),
        }


class Priority(TitledEnum):
    high = "high"
    medium = "medium"
    low = "low"

    @classmethod
    def __titles__(cls) -> dict:
        return {cls.high: _l("High priority"), cls.medium: _l("Medium priority"), cls.low: _l("Low priority")}


class RecommendationStatus(TitledEnum):
    submitted = "submitted"
    accepted = "accepted"
    rejected = "rejected"
    merged = "merged"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.submitted: _l("Submitted"),
            cls.accepted: _l("Accepted"),
            cls.rejected: _l("Not retained"),
            cls.merged: _l("Merged"),
        }


class FollowUpStatus(TitledEnum):
    not_started = "not_started"
    in_progress = "in_progress"
    done = "done"
    dropped = "dropped"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.not_started: _l("Not started"),
            cls.in_progress: _l("In progress"),
            cls.done: _l("Done"),
            cls.dropped: _l("Dropped"),
        }


class RecommendationSettings(db.Model):
    """Per-forum settings of the module: when participants may submit and support recommendations."""

    __tablename__ = "recommendation_settings"
    __table_args__ = (
        sa.CheckConstraint(
            "input_opens_at IS NULL OR input_closes_at IS NULL OR input_closes_at > input_opens_at",
            name="window_in_order",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), unique=True)
    #: participants' input window; without a row it spans the forum's days (local time)
    input_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    input_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecommendationSettings forum={self.forum_id}>"


class Recommendation(db.Model):
    __tablename__ = "recommendation"
    __table_args__ = (
        sa.CheckConstraint("(status = 'merged') = (merged_into_id IS NOT NULL)", name="merged_has_survivor"),
        sa.CheckConstraint("merged_into_id IS NULL OR merged_into_id <> id", name="not_merged_into_itself"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"))
    #: the workshop (a programme Session of kind workshop) where it was formulated
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.Text)
    #: short label used to group recommendations in the report (defaults to the workshop's theme)
    theme: Mapped[str] = mapped_column(sa.String(120), default="")
    target_actor: Mapped[TargetActor] = mapped_column(sa.Enum(TargetActor, native_enum=False, length=20))
    priority: Mapped[Priority] = mapped_column(sa.Enum(Priority, native_enum=False, length=10), default=Priority.medium)
    status: Mapped[RecommendationStatus] = mapped_column(
        sa.Enum(RecommendationStatus, native_enum=False, length=12), default=RecommendationStatus.submitted
    )
    #: order in the rapporteur's list for the workshop (smaller first)
    position: Mapped[int] = mapped_column(default=0)
    #: how many supports it has, kept by triggers on `endorsement` in the same transaction as each one
    #: given or taken away (migration e6a6b06c94a8): the compilation reads it instead of counting them;
    #: read it in a query, not from a loaded row (the trigger does not refresh the session's copy)
    support_count: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the account that entered it (rapporteur or organiser), or None when a participant submitted it
    author_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    #: the participant who submitted it, if one did
    author_registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    #: shown to the author when organisers do not retain it
    rejection_reason: Mapped[str | None] = mapped_column(sa.Text)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the recommendation this duplicate was merged into (the survivor)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recommendation.id", ondelete="CASCADE"), index=True
    )
    merged_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    merged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    session: Mapped[Session] = relationship()
    author_user: Mapped[User | None] = relationship(foreign_keys=[author_user_id])
    author_registration: Mapped[Registration | None] = relationship()
    merged_into: Mapped[Recommendation | None] = relationship(remote_side=[id], foreign_keys=[merged_into_id])
    merged_by: Mapped[User | None] = relationship(foreign_keys=[merged_by_id])

    def __repr__(self) -> str:
        return f"<Recommendation {self.id} {self.status}>"

    @property
    def is_open(self) -> bool:
        """Still in play: shown on the wall and open to support."""
        return self.status in (RecommendationStatus.submitted, RecommendationStatus.accepted)

    @property
    def direction(self) -> str:
        return "rtl" if _ARABIC.search(self.text or "") else "ltr"


#: each forum's recommendations of one status, theme and target actor in their national order (most
#: supported first): the compilation reads the first few of each group, not the series
sa.Index(
    "ix_recommendation_forum_ranking",
    Recommendation.forum_id,
    Recommendation.status,
    Recommendation.theme,
    Recommendation.target_actor,
    Recommendation.support_count.desc(),
    Recommendation.id,
)
#: the same in each workshop, in the report's order: its page reads the first few of each group
sa.Index(
    "ix_recommendation_workshop_ranking",
    Recommendation.session_id,
    Recommendation.status,
    Recommendation.theme,
    Recommendation.target_actor,
    Recommendation.support_count.desc(),
    Recommendation.position,
    Recommendation.id,
)


class RecommendationTally(db.Model):
    """How many recommendations, and how many supports they hold, in each workshop, theme, target actor
    and status: kept by triggers on `recommendation` in the same transaction as every change of one
    (migration 98ad23be3315), so the report and the compilation read their figures from a few rows
    instead of counting the recommendations. A group's row is there while it holds one."""

    __tablename__ = "recommendation_tally"

    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("session.id", ondelete="CASCADE"), primary_key=True)
    theme: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    target_actor: Mapped[TargetActor] = mapped_column(
        sa.Enum(TargetActor, native_enum=False, length=20), primary_key=True
    )
    status: Mapped[RecommendationStatus] = mapped_column(
        sa.Enum(RecommendationStatus, native_enum=False, length=12), primary_key=True
    )
    #: the group's recommendations
    recommendations: Mapped[int]
    #: the sum of their `support_count`
    supports: Mapped[int]

    def __repr__(self) -> str:
        return f"<RecommendationTally {self.session_id} {self.theme!r} {self.target_actor} {self.status}>"


class RecommendationRevision(db.Model):
    """The wording a recommendation had before an edit (history kept)."""

    __tablename__ = "recommendation_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    #: the text as it was before the edit
    text: Mapped[str] = mapped_column(sa.Text)
    theme: Mapped[str] = mapped_column(sa.String(120), default="")
    target_actor: Mapped[TargetActor] = mapped_column(sa.Enum(TargetActor, native_enum=False, length=20))
    edited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    edited_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RecommendationRevision of {self.recommendation_id} at {self.edited_at}>"


class Endorsement(db.Model):
    """One participant's support for one recommendation; at most one per person (database-enforced)."""

    __tablename__ = "endorsement"
    __table_args__ = (sa.UniqueConstraint("recommendation_id", "registration_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id", ondelete="CASCADE"))
    registration_id: Mapped[int] = mapped_column(sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True)
    #: set when the support was carried over from a duplicate merged into this recommendation
    carried_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("recommendation.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Endorsement {self.recommendation_id} by {self.registration_id}>"


class FollowUp(db.Model):
    """What became of an accepted recommendation after the forum."""

    __tablename__ = "recommendation_follow_up"

    id: Mapped[int] = mapped_column(primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(sa.ForeignKey("recommendation.id", ondelete="CASCADE"), unique=True)
    #: the body in charge, e.g. "Conseil régional Drâa-Tafilalet"
    responsible: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[FollowUpStatus] = mapped_column(
        sa.Enum(FollowUpStatus, native_enum=False, length=12), default=FollowUpStatus.not_started
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    recommendation: Mapped[Recommendation] = relationship(
        backref=sa.orm.backref("follow_up", uselist=False, cascade="all, delete-orphan")
    )
    notes: Mapped[list[FollowUpNote]] = relationship(
        order_by="FollowUpNote.noted_on.desc(), FollowUpNote.id.desc()", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<FollowUp {self.recommendation_id} {self.status}>"


class FollowUpNote(db.Model):
    """A dated progress note on a follow-up."""

    __tablename__ = "recommendation_follow_up_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(
        sa.ForeignKey("recommendation_follow_up.id", ondelete="CASCADE"), index=True
    )
    #: the day the progress happened (not necessarily when it was written down)
    noted_on: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    #: the follow-up status recorded with this note
    status: Mapped[FollowUpStatus] = mapped_column(sa.Enum(FollowUpStatus, native_enum=False, length=12))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<FollowUpNote {self.follow_up_id} {self.noted_on}>"
