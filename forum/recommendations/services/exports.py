"""Exports of a forum's recommendations with their supports, as rows (for JSON) and as CSV."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from forum import spreadsheets
from forum.events.models import Forum
from forum.extensions import db
from forum.recommendations.models import Endorsement, Recommendation


def export_rows(forum: Forum) -> list[dict[str, Any]]:
    """Every recommendation of the forum with its supports (registration ids and times)."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.forum_id == forum.id)
        .options(selectinload(Recommendation.session))
        .order_by(Recommendation.session_id, Recommendation.position, Recommendation.id)
    ).all()
    supports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for recommendation_id, registration_id, created_at in db.session.execute(
        sa.select(Endorsement.recommendation_id, Endorsement.registration_id, Endorsement.created_at)
        .join(Recommendation, Recommendation.id == Endorsement.recommendation_id)
        .where(Recommendation.forum_id == forum.id)
        .order_by(Endorsement.created_at, Endorsement.id)
    ):
        supports[recommendation_id].append({"registration_id": registration_id, "at": created_at.isoformat()})
    return [
        {
            "id": r.id,
            "workshop_id": r.session_id,
            "workshop": r.session.name,
            "text": r.text,
            "theme": r.theme,
            "target_actor": r.target_actor.value,
            "priority": r.priority.value,
            "status": r.status.value,
            "merged_into": r.merged_into_id,
            "rejection_reason": r.rejection_reason,
            "created_at": r.created_at.isoformat(),
            "supports": len(supports[r.id]),
            "supporters": supports[r.id],
        }
        for r in recommendations
    ]


def export_csv(forum: Forum) -> bytes:
    """The export rows as CSV for a spreadsheet, through the one writer, the supporters' ids last."""
    columns = ["id", "workshop", "text", "theme", "target_actor", "priority", "status", "merged_into", "supports"]
    rows = (
        [*(row[key] for key in columns), " ".join(str(s["registration_id"]) for s in row["supporters"])]
        for row in export_rows(forum)
    )
    return spreadsheets.to_csv([*columns, "supporters"], rows)
