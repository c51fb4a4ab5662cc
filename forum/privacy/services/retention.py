"""Retention: a forum's personal data is erased once its retention period after the last day has passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from forum import audit
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.privacy.services.erasure import erase
from forum.registration.models import Registration


@dataclass
class PurgePlan:
    """A forum past its retention period, and how many registrations still hold personal data."""

    forum: Forum
    due_on: date
    registrations: int


def retention_days(forum: Forum) -> int:
    """The forum's retention period in days (its own, else PRIVACY_RETENTION_DAYS)."""
    days = forum.retention_days
    return days if days is not None else current_app.config["PRIVACY_RETENTION_DAYS"]


def due_on(forum: Forum) -> date:
    """The day the forum's personal data is to be erased."""
    return forum.ends_on + timedelta(days=retention_days(forum))


def _to_erase(forum: Forum) -> sa.Select:
    return sa.select(Registration).where(Registration.forum_id == forum.id, Registration.erased_at.is_(None))


def purge_plan(*, now: datetime | None = None) -> list[PurgePlan]:
    """The forums whose retention period is over and that still hold personal data, oldest first."""
    today = (now or utcnow()).date()
    plans = []
    for forum in db.session.scalars(sa.select(Forum).order_by(Forum.ends_on, Forum.id)):
        if due_on(forum) > today:
            continue
        count = db.session.scalar(sa.select(sa.func.count()).select_from(_to_erase(forum).subquery()))
        if count:
            plans.append(PurgePlan(forum, due_on(forum), count))
    return plans


def purge(plan: PurgePlan, *, now: datetime | None = None) -> int:
    """Erase the personal data of every registration of the plan's forum; how many were erased."""
    now = now or utcnow()
    erased = 0
    for registration in db.session.scalars(_to_erase(plan.forum)).all():
        erase(registration, reason="retention", now=now)
        erased += 1
    plan.forum.personal_data_purged_at = now
    audit.record("privacy.purge", forum=plan.forum, target=plan.forum, registrations=erased)
    db.session.flush()
    return erased
