"""Moderation by the organisers: accepting, rejecting, merging duplicates (and a rapporteur's merge of
what they enter into what is there already), the forum's list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session
from forum.recommendations.models import (
    Endorsement,
    Priority,
    Recommendation,
    RecommendationRevision,
    RecommendationStatus,
    RecommendationTally,
    TargetActor,
)
from forum.recommendations.services._common import require_organiser
from forum.recommendations.services.entry import add_recommendation, revisions
from forum.recommendations.services.errors import RecommendationError
from forum.recommendations.services.supports import Ranked, support_counts
from forum.recommendations.services.tally import tallied


def accept(recommendation: Recommendation, *, actor: User, now: datetime | None = None) -> None:
    """An organiser accepts a recommendation (a merged one is decided through its survivor)."""
    forum = _decide(recommendation, RecommendationStatus.accepted, actor=actor, now=now)
    audit.record("recommendation.accept", actor=actor, forum=forum, target=recommendation)


def reject(recommendation: Recommendation, reason: str, *, actor: User, now: datetime | None = None) -> None:
    """An organiser does not retain a recommendation, giving its author a reason."""
    reason = reason.strip()
    forum = _decide(recommendation, RecommendationStatus.rejected, reason=reason, actor=actor, now=now)
    audit.record("recommendation.reject", actor=actor, forum=forum, target=recommendation, reason=reason)


def _decide(
    recommendation: Recommendation,
    status: RecommendationStatus,
    *,
    reason: str | None = None,
    actor: User,
    now: datetime | None,
) -> Forum:
    """An organiser decides a recommendation that is not merged (a rejection with a reason); its forum."""
    forum = db.session.get(Forum, recommendation.forum_id)
    require_organiser(actor, forum)
    if status == RecommendationStatus.rejected and not reason:
        raise RecommendationError(_l("Give the author a reason."))
    if recommendation.status == RecommendationStatus.merged:
        raise RecommendationError(_l("A merged recommendation is decided through the one it was merged into."))
    recommendation.status, recommendation.rejection_reason = status, reason
    recommendation.decided_by_id, recommendation.decided_at = actor.id, now or utcnow()
    db.session.flush()
    return forum


def merge(
    duplicates: list[Recommendation], survivor: Recommendation, *, actor: User, now: datetime | None = None
) -> Recommendation:
    """Merge duplicates into the survivor: their supports are carried over (a person counted once),
    they point to the survivor, and their texts stay readable from it."""
    require_organiser(actor, db.session.get(Forum, survivor.forum_id))
    return _merge(duplicates, survivor, actor=actor, now=now or utcnow())


def add_merged_into(
    survivor: Recommendation,
    session: Session,
    *,
    text: str,
    target_actor: TargetActor,
    theme: str = "",
    priority: Priority = Priority.medium,
    actor: User,
    now: datetime | None = None,
) -> Recommendation:
    """The rapporteur (or an organiser) of a workshop enters a text that says what a recommendation
    of the forum already says: it is added to the workshop's list and merged at once into that one,
    its wording kept in the survivor's history, under the rules and audit of a merge."""
    now = now or utcnow()
    if survivor.forum_id != session.forum_id:
        raise NotAllowed()
    entered = add_recommendation(
        session, text=text, target_actor=target_actor, theme=theme, priority=priority, actor=actor, now=now
    )
    return _merge([entered], survivor, actor=actor, now=now)


def _merge(duplicates: list[Recommendation], survivor: Recommendation, *, actor: User, now: datetime) -> Recommendation:
    forum = db.session.get(Forum, survivor.forum_id)
    ids = sorted({d.id for d in duplicates} | {survivor.id})
    # Lock every row involved, in id order (no deadlock with a concurrent merge or support).
    locked = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.id.in_(ids))
            .order_by(Recommendation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    survivor = locked[survivor.id]
    dupes = [locked[i] for i in ids if i != survivor.id]
    if not dupes:
        raise RecommendationError(_l("Choose at least one other recommendation to merge."))
    if not survivor.is_open:
        raise RecommendationError(_l("Merge into a recommendation that is still in play."))
    for dupe in dupes:
        if dupe.forum_id != survivor.forum_id:
            raise NotAllowed()
        if dupe.status == RecommendationStatus.merged:
            raise RecommendationError(_l("This recommendation has already been merged."))
    dupe_ids = [d.id for d in dupes]
    already = sa.select(Endorsement.registration_id).where(Endorsement.recommendation_id == survivor.id)
    carried = (
        sa.select(
            sa.literal(survivor.id),
            Endorsement.registration_id,
            sa.func.min(Endorsement.recommendation_id),
            sa.func.min(Endorsement.created_at),
        )
        .where(Endorsement.recommendation_id.in_(dupe_ids), Endorsement.registration_id.not_in(already))
        .group_by(Endorsement.registration_id)
    )
    db.session.execute(
        sa.insert(Endorsement).from_select(
            ["recommendation_id", "registration_id", "carried_from_id", "created_at"], carried
        )
    )
    # Earlier merges into a duplicate now point to the survivor too: one level, always readable.
    db.session.execute(
        sa.update(Recommendation)
        .where(Recommendation.merged_into_id.in_(dupe_ids))
        .values(merged_into_id=survivor.id)
        .execution_options(synchronize_session="fetch")
    )
    for dupe in dupes:
        dupe.status = RecommendationStatus.merged
        dupe.merged_into_id, dupe.merged_by_id, dupe.merged_at = survivor.id, actor.id, now
    survivor.updated_at = now
    db.session.flush()
    audit.record("recommendation.merge", actor=actor, forum=forum, target=survivor, merged=dupe_ids)
    return survivor


def merged_into(recommendation: Recommendation) -> list[Recommendation]:
    """The duplicates merged into this recommendation, oldest merge first."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.merged_into_id == recommendation.id)
            .options(selectinload(Recommendation.merged_by), selectinload(Recommendation.session))
            .order_by(Recommendation.merged_at, Recommendation.id)
        )
    )


def forum_recommendations(
    forum: Forum, *, session_id: int | None = None, status: RecommendationStatus | None = None
) -> list[Ranked]:
    """For organisers: a forum's recommendations (merged ones excluded), grouped later by theme."""
    query = sa.select(Recommendation).where(
        Recommendation.forum_id == forum.id, Recommendation.status != RecommendationStatus.merged
    )
    if session_id is not None:
        query = query.where(Recommendation.session_id == session_id)
    if status is not None:
        query = query.where(Recommendation.status == status)
    recommendations = db.session.scalars(
        query.options(selectinload(Recommendation.session)).order_by(Recommendation.theme, Recommendation.position)
    ).all()
    counts = support_counts([forum.id])
    return [Ranked(r, counts.get(r.id, 0)) for r in recommendations]


def merge_candidates(recommendation: Recommendation) -> list[Recommendation]:
    """What a recommendation can absorb: the forum's other ones still in play, those of its workshop first."""
    candidates = [
        row.recommendation
        for row in forum_recommendations(db.session.get(Forum, recommendation.forum_id))
        if row.recommendation.id != recommendation.id and row.recommendation.is_open
    ]
    candidates.sort(key=lambda r: (r.session_id != recommendation.session_id, r.session_id, r.position))
    return candidates


@dataclass
class Detail:
    """What an organiser reads about one recommendation: supports, history, merged duplicates, candidates."""

    supports: int
    revisions: list[RecommendationRevision]
    merged: list[Recommendation]
    merged_revisions: dict[int, list[RecommendationRevision]]
    merged_supports: dict[int, int]
    candidates: list[Recommendation]


def detail(recommendation: Recommendation) -> Detail:
    """A recommendation's page for organisers: its supports and revisions, and those of what was merged into it."""
    counts = support_counts([recommendation.forum_id])
    merged = merged_into(recommendation)
    return Detail(
        supports=counts.get(recommendation.id, 0),
        revisions=revisions(recommendation),
        merged=merged,
        merged_revisions={m.id: revisions(m) for m in merged},
        merged_supports={m.id: counts.get(m.id, 0) for m in merged},
        candidates=merge_candidates(recommendation),
    )


def status_counts(forum: Forum) -> dict[RecommendationStatus, int]:
    """{status: number of the forum's recommendations}, every status present (0 when none); read from
    the recommendations' tally (a few rows per workshop, not the forum's recommendations)."""
    counts = dict.fromkeys(RecommendationStatus, 0)
    counts.update(
        (status, count)
        for status, count, _ in tallied(RecommendationTally.status, where=[RecommendationTally.forum_id == forum.id])
    )
    return counts
