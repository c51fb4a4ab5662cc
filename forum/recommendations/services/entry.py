"""Entering recommendations: adding to a workshop's list, editing (keeping revisions), ordering."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import (
    Priority,
    Recommendation,
    RecommendationRevision,
    RecommendationStatus,
    TargetActor,
)
from forum.recommendations.services._common import require_editor, require_participant
from forum.recommendations.services.access import workshops
from forum.recommendations.services.errors import RecommendationError
from forum.registration.models import Registration


def add_recommendation(
    session: Session,
    *,
    text: str,
    target_actor: TargetActor,
    theme: str = "",
    priority: Priority = Priority.medium,
    actor: User | None = None,
    registration: Registration | None = None,
    now: datetime | None = None,
) -> Recommendation:
    """A rapporteur or organiser (actor) adds to a workshop's list, or a confirmed participant submits one."""
    now = now or utcnow()
    forum = db.session.get(Forum, session.forum_id)
    text = text.strip()
    if not text:
        raise RecommendationError(_l("Write the recommendation."))
    if registration is not None:
        require_participant(registration, forum, now)
    else:
        require_editor(actor, session)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Recommendation.position), 0)).where(
            Recommendation.session_id == session.id
        )
    )
    recommendation = Recommendation(
        forum_id=forum.id,
        session_id=session.id,
        text=text,
        theme=(theme or session.theme or "").strip()[:120],
        target_actor=TargetActor(target_actor),
        priority=Priority(priority),
        position=position + 1,
        author_user_id=actor.id if actor is not None and registration is None else None,
        author_registration_id=registration.id if registration is not None else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(recommendation)
    db.session.flush()
    audit.record("recommendation.add", actor=actor, forum=forum, target=recommendation, session=session.id)
    return recommendation


def edit_recommendation(
    recommendation: Recommendation,
    *,
    text: str,
    target_actor: TargetActor,
    theme: str,
    priority: Priority,
    actor: User,
    now: datetime | None = None,
) -> Recommendation:
    """Change the wording (the previous wording is kept as a revision)."""
    now = now or utcnow()
    require_editor(actor, recommendation.session)
    if recommendation.status == RecommendationStatus.merged:
        raise RecommendationError(_l("A merged recommendation is read through the one it was merged into."))
    text, theme = text.strip(), theme.strip()[:120]
    if not text:
        raise RecommendationError(_l("Write the recommendation."))
    changed = (text, theme, TargetActor(target_actor)) != (
        recommendation.text,
        recommendation.theme,
        recommendation.target_actor,
    )
    if changed:
        db.session.add(
            RecommendationRevision(
                recommendation_id=recommendation.id,
                text=recommendation.text,
                theme=recommendation.theme,
                target_actor=recommendation.target_actor,
                edited_by_id=actor.id,
                edited_at=now,
            )
        )
    recommendation.text, recommendation.theme = text, theme
    recommendation.target_actor, recommendation.priority = TargetActor(target_actor), Priority(priority)
    recommendation.updated_at = now
    db.session.flush()
    if changed:
        forum = db.session.get(Forum, recommendation.forum_id)
        audit.record("recommendation.edit", actor=actor, forum=forum, target=recommendation)
    return recommendation


def move(recommendation: Recommendation, offset: int, *, actor: User) -> None:
    """Move one place up (offset -1) or down (+1) in the workshop's list."""
    require_editor(actor, recommendation.session)
    siblings = list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(
                Recommendation.session_id == recommendation.session_id,
                Recommendation.status != RecommendationStatus.merged,
            )
            .order_by(Recommendation.position, Recommendation.id)
            .with_for_update()
        )
    )
    index = siblings.index(recommendation)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, item in enumerate(siblings, start=1):
        item.position = position
    db.session.flush()


def revisions(recommendation: Recommendation) -> list[RecommendationRevision]:
    """The earlier wordings of a recommendation, latest first, with who changed them."""
    return list(
        db.session.scalars(
            sa.select(RecommendationRevision)
            .where(RecommendationRevision.recommendation_id == recommendation.id)
            .options(selectinload(RecommendationRevision.edited_by))
            .order_by(RecommendationRevision.edited_at.desc(), RecommendationRevision.id.desc())
        )
    )


def by_participant(registration: Registration) -> list[Recommendation]:
    """The recommendations this participant submitted, latest first (with their status and reason)."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.author_registration_id == registration.id)
            .order_by(Recommendation.created_at.desc())
        )
    )


def themes_in_use(forum: Forum) -> list[str]:
    """Themes already in use in the forum (its workshops' and its recommendations'), offered as suggestions."""
    names = {s.theme for s in workshops(forum) if s.theme}
    names |= set(
        db.session.scalars(
            sa.select(Recommendation.theme).where(
                Recommendation.forum_id == forum.id,
                Recommendation.status != RecommendationStatus.merged,
                Recommendation.theme != "",
            )
        )
    )
    return sorted(names, key=str.casefold)
