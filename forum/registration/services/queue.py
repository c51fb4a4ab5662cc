"""The organisers' list of registrations: its filters, its order and the waiting list's positions."""

from __future__ import annotations

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Organisation, Registration
from forum.registration.services._common import Status, joined_waitlist


def search(forum: Forum, filters: dict[str, str]) -> sa.Select:
    """The forum's registrations matching the queue's filters: waiting for a decision first, then the
    waiting list in its order, then the others, newest first."""
    query = (
        sa.select(Registration)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.forum_id == forum.id)
        .options(sa.orm.contains_eager(Registration.organisation))
    )
    for key in ("status", "category", "province", "area", "gender"):
        if filters.get(key):
            query = query.where(getattr(Registration, key) == filters[key])
    if filters.get("kind"):
        query = query.where(Organisation.kind == filters["kind"])
    text = (filters.get("q") or "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.name_latin).like(pattern),
                Registration.name_ar.like(f"%{text}%"),
                Registration.email.like(pattern),
                Registration.phone.like(f"%{text.replace(' ', '')}%"),
                sa.func.lower(Organisation.name).like(pattern),
            )
        )
    rank = sa.case((Registration.status == Status.pending, 0), (Registration.status == Status.waitlisted, 1), else_=2)
    return query.order_by(rank, joined_waitlist(), Registration.created_at.desc(), Registration.id)


def waitlist_positions(forum: Forum) -> dict[int, int]:
    """{registration id: position} for everyone waiting without an offer (one query)."""
    ids = db.session.scalars(
        sa.select(Registration.id)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == Status.waitlisted,
            Registration.offer_expires_at.is_(None),
        )
        .order_by(joined_waitlist(), Registration.id)
    )
    return {registration_id: n for n, registration_id in enumerate(ids, start=1)}
