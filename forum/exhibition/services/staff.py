"""An exhibitor's staff: the people who run its booth, each with an account, a role and a badge."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit
from forum.auth import services as accounts
from forum.auth.models import Membership, Role, User
from forum.db import utcnow
from forum.exhibition.models import Exhibitor, ExhibitorStaff
from forum.exhibition.services._common import forum_of
from forum.exhibition.services.errors import ExhibitionError
from forum.extensions import db
from forum.registration import services as registration_services
from forum.registration.models import Category


def add_staff(
    exhibitor: Exhibitor,
    email: str,
    name: str | None,
    *,
    actor: User | None,
    locale: str,
    now: datetime | None = None,
) -> ExhibitorStaff:
    """A person runs the booth: an account (invited if new), the exhibitor-staff role, a badge."""
    now = now or utcnow()
    forum = forum_of(exhibitor.forum_id)
    user = accounts.find_user(email)
    if user is not None:
        existing = db.session.scalar(
            sa.select(ExhibitorStaff).where(ExhibitorStaff.forum_id == forum.id, ExhibitorStaff.user_id == user.id)
        )
        if existing is not None:
            if existing.exhibitor_id == exhibitor.id:
                return existing
            raise ExhibitionError(_l("%(email)s already works for another exhibitor of this forum.", email=user.email))
    accounts.invite(email, name, forum, Role.exhibitor_staff, actor=actor, locale=locale)
    user = accounts.find_user(email)
    registration = registration_services.register_team_member(
        forum, user, Category.exhibitor, organisation=exhibitor.organisation, now=now
    )
    staff = ExhibitorStaff(forum_id=forum.id, exhibitor=exhibitor, user_id=user.id, registration_id=registration.id)
    db.session.add(staff)
    db.session.flush()
    audit.record("exhibition.staff_add", actor=actor, forum=forum, target=exhibitor, user=user.id)
    return staff


def remove_staff(staff: ExhibitorStaff, *, actor: User) -> None:
    """The person no longer runs the booth; they keep their account and their registration."""
    forum = forum_of(staff.forum_id)
    if len(staff.exhibitor.staff) <= 1:
        raise ExhibitionError(_l("An exhibitor keeps at least one staff member."))
    if staff.user_id == actor.id:
        raise ExhibitionError(_l("You cannot remove yourself."))
    membership = db.session.scalar(
        sa.select(Membership).filter_by(user_id=staff.user_id, forum_id=forum.id, role=Role.exhibitor_staff)
    )
    if membership is not None:
        accounts.dismiss(membership, actor=actor)
    audit.record("exhibition.staff_remove", actor=actor, forum=forum, target=staff.exhibitor, user=staff.user_id)
    db.session.delete(staff)
    db.session.flush()
