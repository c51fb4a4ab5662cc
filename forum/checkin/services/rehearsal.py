"""Rehearsal: a desk opened in rehearsal mode scans on the twin of its list (same kind, day, session and
settings), so every answer is the one the real list would give on its day, while the admissions, the
count of who is inside and the trail stay apart from the real ones and the live dashboard. One click
clears them all (the twins go, and their admissions and scans with them)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.checkin.models import CheckIn, CheckInList
from forum.events.models import Forum
from forum.extensions import db


def _twin_of(checkin_list: CheckInList) -> CheckInList | None:
    return db.session.scalar(
        sa.select(CheckInList).where(
            CheckInList.forum_id == checkin_list.forum_id,
            CheckInList.kind == checkin_list.kind,
            CheckInList.day == checkin_list.day,
            CheckInList.session_id.is_(None)
            if checkin_list.session_id is None
            else CheckInList.session_id == checkin_list.session_id,
            CheckInList.is_rehearsal,
        )
    )


def rehearsal_twin(checkin_list: CheckInList) -> CheckInList:
    """The rehearsal twin of a real list (made when missing), with the real list's current settings."""
    if checkin_list.is_rehearsal:
        return checkin_list
    twin = _twin_of(checkin_list)
    if twin is None:
        twin = CheckInList(
            forum_id=checkin_list.forum_id,
            kind=checkin_list.kind,
            day=checkin_list.day,
            session_id=checkin_list.session_id,
            is_rehearsal=True,
        )
        try:
            with db.session.begin_nested():
                db.session.add(twin)
        except IntegrityError:  # another desk made it at the same moment
            twin = _twin_of(checkin_list)
    twin.allows_reentry, twin.records_exits = checkin_list.allows_reentry, checkin_list.records_exits
    db.session.flush()
    return twin


def real_list_of(twin: CheckInList) -> CheckInList | None:
    """The real list a rehearsal twin stands for."""
    return db.session.scalar(
        sa.select(CheckInList).where(
            CheckInList.forum_id == twin.forum_id,
            CheckInList.kind == twin.kind,
            CheckInList.day == twin.day,
            CheckInList.session_id.is_(None) if twin.session_id is None else CheckInList.session_id == twin.session_id,
            CheckInList.is_rehearsal.is_(False),
        )
    )


def rehearsal_scan_count(forum: Forum) -> int:
    """How many rehearsal scans the forum keeps (what clearing would remove)."""
    return db.session.scalar(
        sa.select(sa.func.count(CheckIn.id))
        .join(CheckInList, CheckInList.id == CheckIn.list_id)
        .where(CheckInList.forum_id == forum.id, CheckInList.is_rehearsal)
    )


def clear_rehearsal(forum: Forum, *, actor: Any) -> int:
    """Remove every rehearsal of the forum (its twins, and with them their admissions and scans); returns
    how many scans went. Kept in the audit log."""
    count = rehearsal_scan_count(forum)
    db.session.execute(sa.delete(CheckIn).where(CheckIn.list_id.in_(_twins(forum))))
    db.session.execute(sa.delete(CheckInList).where(CheckInList.id.in_(_twins(forum))))
    audit.record("checkin.rehearsal_clear", actor=actor, forum=forum, scans=count)
    db.session.flush()
    return count


def _twins(forum: Forum) -> sa.Select:
    return sa.select(CheckInList.id).where(CheckInList.forum_id == forum.id, CheckInList.is_rehearsal)
