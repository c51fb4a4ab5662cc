"""Undoing a welcome and recording an exit: the two ways someone stops being inside a list."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from forum.checkin.models import Admission, CheckIn, CheckInList, Desk, Outcome
from forum.checkin.services._common import NothingToUndo, inside_of, live_admission, move
from forum.checkin.services.trail import Admitted, Person, ScanContext, ScanResult, record
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import Registration


def record_exit(facts: sa.Row, registration: Person, now: datetime) -> tuple[Outcome, str, Admitted | None, int]:
    """Record that a person went out: (outcome, reason, admission, how many are inside now)."""
    if not facts.records_exits:  # before looking for the person: the answer is the list's, not theirs
        return Outcome.refused, "exits_not_recorded", None, facts.inside
    found = live_admission(facts.id, registration.id)
    if found is None:
        return Outcome.refused, "not_inside", None, facts.inside
    admission, desk_name = found
    admitted = Admitted(admission.id, admission.admitted_at, desk_name)
    if not admission.is_inside:
        return Outcome.refused, "not_inside", admitted, facts.inside
    admission.is_inside, admission.moved_at = False, now
    return Outcome.exit, "exit", admitted, move(facts.id, -1, facts.desk_id)


def undo_last(
    forum: Forum, desk: Desk, *, agent: Any, checkin_list: CheckInList | None = None, now: datetime | None = None
) -> ScanResult:
    """Undo the last welcome given at this desk (on this list, if one is given: a desk moved to a
    workshop door does not undo the morning's last entrance): its admission is marked undone (kept),
    and the undo is one more row of the trail."""
    now = now or utcnow()
    query = sa.select(CheckIn).where(
        CheckIn.forum_id == forum.id, CheckIn.desk_id == desk.id, CheckIn.outcome.in_([Outcome.ok, Outcome.undone])
    )
    if checkin_list is not None:
        query = query.where(CheckIn.list_id == checkin_list.id)
    last = db.session.scalar(query.order_by(CheckIn.id.desc()).limit(1))
    if last is None or last.outcome != Outcome.ok or last.admission_id is None:
        raise NothingToUndo()
    admission = db.session.scalar(sa.select(Admission).where(Admission.id == last.admission_id).with_for_update())
    if not admission.is_live:
        raise NothingToUndo()
    admission.undone_at, admission.undone_by_id = now, getattr(agent, "id", None)
    # one fewer inside, unless the person had already gone out
    inside = move(admission.list_id, -1, desk.id) if admission.is_inside else inside_of(admission.list_id)
    checkin_list = db.session.get(CheckInList, admission.list_id)
    registration = db.session.get(Registration, admission.registration_id)
    ctx = ScanContext(forum, checkin_list, desk.id, getattr(agent, "id", None), None, None, now)
    admitted = Admitted(admission.id, admission.admitted_at)
    return record(ctx, Person.of(registration), admitted, Outcome.undone, "undone", inside=inside)
