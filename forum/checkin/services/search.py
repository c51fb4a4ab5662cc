"""Finding a person by name at the desk, when a badge will not scan."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Organisation, Registration


def search(forum: Forum, text: str, *, limit: int = 12) -> list[Registration]:
    """The fallback when a badge will not scan: registrations by name, e-mail or organisation."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    pattern = f"%{text.lower()}%"
    return list(
        db.session.scalars(
            sa.select(Registration)
            .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
            .where(
                Registration.forum_id == forum.id,
                sa.or_(
                    sa.func.lower(Registration.name_latin).like(pattern),
                    Registration.name_ar.like(f"%{text}%"),
                    Registration.email.like(pattern),
                    sa.func.lower(Organisation.name).like(pattern),
                ),
            )
            .options(selectinload(Registration.organisation))
            .order_by(Registration.name_latin)
            .limit(limit)
        )
    )
