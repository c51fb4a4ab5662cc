"""Check-in lists and their settings: one entrance list per day, one per session, made when missing."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import audit
from forum.checkin.models import CheckInList, ListKind
from forum.checkin.services._common import inside_of
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_date, local_time
from forum.programme.models import Session


def ensure_lists(forum: Forum) -> list[CheckInList]:
    """The forum's lists: one entrance list per day, one per session (created when missing)."""
    existing = list(
        db.session.scalars(sa.select(CheckInList).where(CheckInList.forum_id == forum.id, ~CheckInList.is_rehearsal))
    )
    days = {cl.day for cl in existing if cl.kind == ListKind.entrance}
    sessions = {cl.session_id for cl in existing if cl.kind == ListKind.session}
    missing = [CheckInList(forum_id=forum.id, kind=ListKind.entrance, day=d) for d in forum.days if d not in days]
    for session in db.session.scalars(
        sa.select(Session).where(Session.forum_id == forum.id, Session.is_cancelled.is_(False))
    ):
        if session.id not in sessions:
            day = session.starts_at.astimezone(forum.zone).date()
            missing.append(CheckInList(forum_id=forum.id, kind=ListKind.session, day=day, session_id=session.id))
    if missing:
        try:
            with db.session.begin_nested():
                db.session.add_all(missing)
        except IntegrityError:
            pass  # another request created them at the same moment
    return lists_of(forum)


def lists_of(forum: Forum) -> list[CheckInList]:
    """The forum's (real) lists, day by day, the entrance first."""
    return list(
        db.session.scalars(
            sa.select(CheckInList)
            .where(CheckInList.forum_id == forum.id, ~CheckInList.is_rehearsal)
            .options(selectinload(CheckInList.session))
            .order_by(CheckInList.day, CheckInList.kind, CheckInList.id)
        )
    )


def list_label(checkin_list: CheckInList) -> str:
    """How a list is named on the pages: the entrance and its day, or the session and its time."""
    if checkin_list.kind == ListKind.entrance:
        return f"{ListKind.entrance.title} · {local_date(checkin_list.day, 'full')}"
    session = checkin_list.session
    return f"{session.name} · {local_time(session.starts_at)}" if session else str(ListKind.session.title)


def entrance_list(forum: Forum, day: date) -> CheckInList | None:
    """The forum's (real) entrance list of a day, or None."""
    return db.session.scalar(
        sa.select(CheckInList).where(
            CheckInList.forum_id == forum.id,
            CheckInList.kind == ListKind.entrance,
            CheckInList.day == day,
            ~CheckInList.is_rehearsal,
        )
    )


def default_list(forum: Forum, now: datetime | None = None) -> CheckInList | None:
    """Today's entrance list (or the first day's, before the forum starts)."""
    today = (now or utcnow()).astimezone(forum.zone).date()
    day = min(max(today, forum.starts_on), forum.ends_on)
    found = entrance_list(forum, day)
    if found is None:
        ensure_lists(forum)
        found = entrance_list(forum, day)
    return found


def update_list(checkin_list: CheckInList, *, allows_reentry: bool, records_exits: bool, actor: Any) -> None:
    """Change a list's settings (re-entry after an exit, recording exits), kept in the audit log."""
    checkin_list.allows_reentry = allows_reentry
    checkin_list.records_exits = records_exits
    audit.record(
        "checkin.list_update",
        actor=actor,
        forum=db.session.get(Forum, checkin_list.forum_id),
        target=checkin_list,
        allows_reentry=allows_reentry,
        records_exits=records_exits,
    )
    db.session.flush()


def inside_count(checkin_list: CheckInList) -> int:
    """How many are inside the list now."""
    return inside_of(checkin_list.id)
