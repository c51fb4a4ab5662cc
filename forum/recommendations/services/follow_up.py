"""Following up accepted recommendations: who is in charge, where it stands, dated notes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.recommendations.models import FollowUp, FollowUpNote, FollowUpStatus, Recommendation, RecommendationStatus
from forum.recommendations.services._common import require_organiser
from forum.recommendations.services.errors import RecommendationError
from forum.recommendations.services.national import series_forums
from forum.recommendations.services.supports import accepted_support_counts


def update_follow_up(
    recommendation: Recommendation,
    *,
    responsible: str,
    status: FollowUpStatus,
    note: str = "",
    noted_on: date | None = None,
    actor: User,
    now: datetime | None = None,
) -> FollowUp:
    """Record who is in charge of an accepted recommendation, where it stands, and a dated note."""
    now = now or utcnow()
    forum = db.session.get(Forum, recommendation.forum_id)
    require_organiser(actor, forum)
    if recommendation.status != RecommendationStatus.accepted:
        raise RecommendationError(_l("Only accepted recommendations are followed up."))
    follow_up = recommendation.follow_up
    if follow_up is None:
        follow_up = FollowUp(recommendation=recommendation)
        db.session.add(follow_up)
    follow_up.responsible = responsible.strip()[:200]
    follow_up.status = FollowUpStatus(status)
    follow_up.updated_at = now
    if note.strip():
        follow_up.notes.append(
            FollowUpNote(
                noted_on=noted_on or now.astimezone(forum.zone).date(),
                text=note.strip(),
                status=follow_up.status,
                author_id=actor.id,
                created_at=now,
            )
        )
    db.session.flush()
    db.session.expire(follow_up, ["notes"])  # reloaded in date order
    audit.record("recommendation.follow_up", actor=actor, forum=forum, target=recommendation, status=status)
    return follow_up


@dataclass
class FollowUpRow:
    """An accepted recommendation, its supports and its follow-up (if any yet)."""

    recommendation: Recommendation
    supports: int
    follow_up: FollowUp | None

    @property
    def status(self) -> FollowUpStatus:
        """Where it stands (not started while no follow-up is recorded)."""
        return self.follow_up.status if self.follow_up else FollowUpStatus.not_started


def follow_up_rows(forum: Forum) -> list[FollowUpRow]:
    """A forum's accepted recommendations with what became of them."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.forum_id == forum.id, Recommendation.status == RecommendationStatus.accepted)
        .options(
            selectinload(Recommendation.follow_up).selectinload(FollowUp.notes),
            selectinload(Recommendation.session),
        )
    ).all()
    counts = accepted_support_counts([forum.id])
    rows = [FollowUpRow(r, counts.get(r.id, 0), r.follow_up) for r in recommendations]
    rows.sort(key=lambda row: (row.recommendation.session.starts_at, -row.supports, row.recommendation.id))
    return rows


def follow_up_summary(forum_ids: list[int]) -> dict[int, dict[FollowUpStatus, int]]:
    """{forum id: {follow-up status: number of accepted recommendations}}."""
    rows = db.session.execute(
        sa.select(Recommendation.forum_id, FollowUp.status, sa.func.count())
        .select_from(Recommendation)
        .outerjoin(FollowUp, FollowUp.recommendation_id == Recommendation.id)
        .where(Recommendation.forum_id.in_(forum_ids), Recommendation.status == RecommendationStatus.accepted)
        .group_by(Recommendation.forum_id, FollowUp.status)
    ).tuples()
    summary: dict[int, dict[FollowUpStatus, int]] = {i: dict.fromkeys(FollowUpStatus, 0) for i in forum_ids}
    for forum_id, status, count in rows:
        summary[forum_id][status or FollowUpStatus.not_started] += count
    return summary


def series_follow_up() -> list[tuple[Forum, dict[FollowUpStatus, int]]]:
    """The public forums of the series that have accepted recommendations, each with its follow-up summary."""
    forums = series_forums()
    summary = follow_up_summary([forum.id for forum in forums])
    return [(forum, summary[forum.id]) for forum in forums if sum(summary[forum.id].values())]
