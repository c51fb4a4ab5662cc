"""The partnerships section of the outcomes report: meetings requested and held, partnerships by kind,
province and urban/rural share."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import Meeting, MeetingRequest, Partnership, PartnershipStatus
from forum.registration.models import Area


def report_figures(forum: Forum) -> dict[str, Any] | None:
    """The section's figures (None when the forum had no meeting request)."""
    requested = db.session.scalar(sa.select(sa.func.count()).where(MeetingRequest.forum_id == forum.id))
    if not requested:
        return None
    meetings = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(Meeting.held_at)).where(Meeting.forum_id == forum.id)
    ).one()
    partnerships = list(db.session.scalars(sa.select(Partnership).where(Partnership.forum_id == forum.id)))
    statuses = Counter(p.status for p in partnerships)
    by_kind = Counter(p.kind for p in partnerships).most_common()
    with_area = [p for p in partnerships if p.area is not None]
    return {
        "requested": requested,
        "booked": meetings[0],
        "held": meetings[1],
        "intended": statuses[PartnershipStatus.intended],
        "signed": statuses[PartnershipStatus.signed] + statuses[PartnershipStatus.active],
        "by_kind": by_kind,
        "top": max((count for _, count in by_kind), default=1),
        "by_province": Counter(p.province for p in partnerships).most_common(),
        "rural_share": round(100 * sum(p.area == Area.rural for p in with_area) / len(with_area))
        if with_area
        else None,
    }
