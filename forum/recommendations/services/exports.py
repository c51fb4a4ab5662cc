"""Exports of a forum's recommendations with their supports, as rows (for JSON) and as CSV."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

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


def _spreadsheet_safe(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(forum: Forum) -> str:
    """The export rows as CSV for a spreadsheet: a BOM first, formula-like texts kept as text, supporters' ids."""
    buffer = io.StringIO()
    columns = ["id", "workshop", "text", "theme", "target_actor", "priority", "status", "merged_into", "supports"]
    writer = csv.DictWriter(buffer, fieldnames=columns + ["supporters"], extrasaction="ignore")
    writer.writeheader()
    for row in export_rows(forum):
        cells = {key: _spreadsheet_safe(value) for key, value in row.items()}
        writer.writerow({**cells, "supporters": " ".join(str(s["registration_id"]) for s in row["supporters"])})
    return "\ufeff" + buffer.getvalue()
