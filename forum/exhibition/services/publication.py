"""Publication: the proposal becomes final and every applicant is told by e-mail."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from forum import audit
from forum.auth.models import User
from forum.db import utcnow
from forum.events.models import Forum
from forum.exhibition.models import BoothAssignment
from forum.exhibition.services._common import mail_exhibitor
from forum.exhibition.services.allocation_runs import proposal
from forum.exhibition.services.floor_plan import get_exhibition
from forum.extensions import db


def publish_allocation(forum: Forum, *, actor: User, now: datetime | None = None) -> int:
    """Publish every assignment not yet published and tell the applicants by e-mail."""
    now = now or utcnow()
    exhibition = get_exhibition(forum)
    fresh = list(
        db.session.scalars(
            sa.select(BoothAssignment)
            .where(BoothAssignment.forum_id == forum.id, BoothAssignment.is_published.is_(False))
            .with_for_update()
        )
    )
    for assignment in fresh:
        assignment.is_published = True
    exhibition.published_at = now
    db.session.flush()
    told = {assignment.exhibitor_id for assignment in fresh}
    for assignment in fresh:
        mail_exhibitor(
            assignment.exhibitor,
            "Your booth at the exhibition",
            "exhibition_booth",
            locale=forum.default_locale,
            booth=assignment.booth,
        )
    for row in proposal(forum):
        if row.assignment is None and row.exhibitor.id not in told:
            mail_exhibitor(row.exhibitor, "Your booth application", "exhibition_no_booth", locale=forum.default_locale)
    audit.record("exhibition.publish", actor=actor, forum=forum, published=len(fresh))
    return len(fresh)
