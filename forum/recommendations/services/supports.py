"""Supports (endorsements): one per participant per recommendation, counted and ranked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import Endorsement, Recommendation, RecommendationStatus
from forum.recommendations.services._common import require_participant
from forum.recommendations.services.errors import RecommendationError
from forum.registration.models import Registration


def _locked(recommendation: Recommendation) -> Recommendation:
    """Re-read the recommendation under a row lock (serialises supports with merges)."""
    return db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.id == recommendation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def endorse(recommendation: Recommendation, registration: Registration, *, now: datetime | None = None) -> Endorsement:
    """Support a recommendation; supporting twice (a double click) leaves one support."""
    now = now or utcnow()
    require_participant(registration, db.session.get(Forum, recommendation.forum_id), now)
    recommendation = _locked(recommendation)
    if not recommendation.is_open:
        raise RecommendationError(_l("This recommendation no longer takes supports."))
    existing = _endorsement(recommendation.id, registration.id)
    if existing is not None:
        return existing
    endorsement = Endorsement(recommendation_id=recommendation.id, registration_id=registration.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(endorsement)
    except IntegrityError:
        # The same person's other click won the race: one support, as asked.
        existing = _endorsement(recommendation.id, registration.id)
        if existing is None:
            raise
        return existing
    return endorsement


def withdraw(recommendation: Recommendation, registration: Registration, *, now: datetime | None = None) -> bool:
    """Take one's support back; True when there was one."""
    now = now or utcnow()
    require_participant(registration, db.session.get(Forum, recommendation.forum_id), now)
    result = db.session.execute(
        sa.delete(Endorsement).where(
            Endorsement.recommendation_id == recommendation.id, Endorsement.registration_id == registration.id
        )
    )
    return bool(result.rowcount)


def _endorsement(recommendation_id: int, registration_id: int) -> Endorsement | None:
    return db.session.scalar(
        sa.select(Endorsement).where(
            Endorsement.recommendation_id == recommendation_id, Endorsement.registration_id == registration_id
        )
    )


def supported_by(registration: Registration) -> set[int]:
    """Ids of the recommendations this participant supports."""
    return set(
        db.session.scalars(
            sa.select(Endorsement.recommendation_id).where(Endorsement.registration_id == registration.id)
        )
    )


def support_counts(forum_ids: list[int] | None = None, *, session_id: int | None = None) -> dict[int, int]:
    """{recommendation id: number of supports}, for some forums or one workshop."""
    query = sa.select(Endorsement.recommendation_id, sa.func.count()).join(
        Recommendation, Recommendation.id == Endorsement.recommendation_id
    )
    if forum_ids is not None:
        query = query.where(Recommendation.forum_id.in_(forum_ids))
    if session_id is not None:
        query = query.where(Recommendation.session_id == session_id)
    return dict(db.session.execute(query.group_by(Endorsement.recommendation_id)).tuples().all())


def accepted_support_counts(forum_ids: list[int]) -> dict[int, int]:
    """{recommendation id: number of supports}, for the accepted recommendations of these forums."""
    return dict(
        db.session.execute(
            sa.select(Endorsement.recommendation_id, sa.func.count())
            .join(Recommendation, Recommendation.id == Endorsement.recommendation_id)
            .where(Recommendation.forum_id.in_(forum_ids), Recommendation.status == RecommendationStatus.accepted)
            .group_by(Endorsement.recommendation_id)
        )
        .tuples()
        .all()
    )


@dataclass
class Ranked:
    """A recommendation with its number of supports."""

    recommendation: Recommendation
    supports: int


def ranked(session: Session, *, statuses: tuple[RecommendationStatus, ...] | None = None) -> list[Ranked]:
    """A workshop's recommendations still in play (or of `statuses`), most supported first."""
    statuses = statuses or (RecommendationStatus.submitted, RecommendationStatus.accepted)
    recommendations = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.session_id == session.id, Recommendation.status.in_(statuses))
    ).all()
    counts = support_counts(session_id=session.id)
    rows = [Ranked(r, counts.get(r.id, 0)) for r in recommendations]
    rows.sort(key=lambda row: (-row.supports, row.recommendation.position, row.recommendation.id))
    return rows


def workshop_list(session: Session) -> list[Ranked]:
    """The rapporteur's list for a workshop, in the rapporteur's order (merged ones left out)."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.session_id == session.id, Recommendation.status != RecommendationStatus.merged)
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    counts = support_counts(session_id=session.id)
    return [Ranked(r, counts.get(r.id, 0)) for r in recommendations]


def ranked_workshops(sessions: list[Session]) -> list[tuple[Session, list[Ranked]]]:
    """Each of these workshops with its recommendations in play, most supported first."""
    return [(session, ranked(session)) for session in sessions]


def list_sizes(sessions: list[Session]) -> dict[int, int]:
    """{workshop id: length of its rapporteur's list}."""
    return {session.id: len(workshop_list(session)) for session in sessions}
