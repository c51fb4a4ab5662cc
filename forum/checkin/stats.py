"""Attendance figures for the live dashboard and the outcomes report."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from forum.checkin.models import Admission, CheckInList, ListKind
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import province_name
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Area, Category, Gender, Registration, RegistrationStatus


@dataclass
class Bar:
    label: str
    present: int
    total: int

    @property
    def share(self) -> float:
        return self.present / self.total if self.total else 0.0


def _present_ids(forum: Forum, day: date | None) -> set[int]:
    """Registrations with a live admission on the entrance list of the day (any day if None)."""
    query = (
        sa.select(Admission.registration_id)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .where(
            CheckInList.forum_id == forum.id,
            CheckInList.kind == ListKind.entrance,
            ~CheckInList.is_rehearsal,
            Admission.is_live,
        )
    )
    if day is not None:
        query = query.where(CheckInList.day == day)
    return set(db.session.scalars(query))


def breakdowns(forum: Forum, *, day: date | None = None) -> dict[str, list[Bar]]:
    """Present vs confirmed by category, gender, province and urban/rural."""
    present = _present_ids(forum, day)
    rows = db.session.execute(
        sa.select(
            Registration.id, Registration.category, Registration.gender, Registration.province, Registration.area
        ).where(Registration.forum_id == forum.id, Registration.status == RegistrationStatus.confirmed)
    ).all()
    result: dict[str, list[Bar]] = {}
    for key, index, label in (
        ("category", 1, lambda v: Category(v).title),
        ("gender", 2, lambda v: Gender(v).title),
        ("province", 3, lambda v: province_name(v) if v else "—"),
        ("area", 4, lambda v: Area(v).title if v else "—"),
    ):
        totals: Counter = Counter(row[index] for row in rows)
        here: Counter = Counter(row[index] for row in rows if row[0] in present)
        result[key] = [
            Bar(str(label(value)), here[value], total) for value, total in sorted(totals.items(), key=lambda i: -i[1])
        ]
    return result


def totals(forum: Forum, *, day: date | None = None) -> tuple[int, int]:
    """(present, confirmed) for the day (any day if None)."""
    confirmed = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.forum_id == forum.id, Registration.status == RegistrationStatus.confirmed
        )
    )
    return len(_present_ids(forum, day)), confirmed


def arrivals(forum: Forum, day: date) -> list[tuple[str, int]]:
    """Arrivals at the entrance per quarter hour of the day (local time), from the first to the last."""
    times = db.session.scalars(
        sa.select(Admission.admitted_at)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .where(
            CheckInList.forum_id == forum.id,
            CheckInList.kind == ListKind.entrance,
            CheckInList.day == day,
            ~CheckInList.is_rehearsal,
            Admission.is_live,
        )
    ).all()
    if not times:
        return []
    buckets: Counter = Counter()
    for at in times:
        local = at.astimezone(forum.zone)
        buckets[local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0)] += 1
    first, last = min(buckets), max(buckets)
    out: list[tuple[str, int]] = []
    slot: datetime = first
    while slot <= last:
        out.append((slot.strftime("%H:%M"), buckets.get(slot, 0)))
        slot += timedelta(minutes=15)
    return out


def sessions(forum: Forum) -> list[Bar]:
    """Attendance per session: people welcomed at the room vs signed up (or seats without sign-up)."""
    lists = db.session.execute(
        sa.select(CheckInList, Session)
        .join(Session, Session.id == CheckInList.session_id)
        .where(CheckInList.forum_id == forum.id, ~CheckInList.is_rehearsal)
        .order_by(Session.starts_at)
    ).all()
    present = dict(
        db.session.execute(
            sa.select(Admission.list_id, sa.func.count(Admission.id))
            .where(Admission.list_id.in_([cl.id for cl, _ in lists]), Admission.is_live)
            .group_by(Admission.list_id)
        ).all()
    )
    signed = dict(
        db.session.execute(
            sa.select(Signup.session_id, sa.func.count(Signup.id))
            .where(Signup.session_id.in_([s.id for _, s in lists]), Signup.status == SignupStatus.confirmed)
            .group_by(Signup.session_id)
        ).all()
    )
    return [
        Bar(session.name, present.get(cl.id, 0), signed.get(session.id) or session.seats or 0) for cl, session in lists
    ]


def live_figures(forum: Forum, day: date | None = None, *, now: datetime | None = None) -> dict:
    """The live dashboard's figures of a day (today by the forum's clock if none is given), the day
    kept within the forum's days."""
    now = now or utcnow()
    day = min(max(day or now.astimezone(forum.zone).date(), forum.starts_on), forum.ends_on)
    present, confirmed = totals(forum, day=day)
    return {
        "day": day,
        "present": present,
        "confirmed": confirmed,
        "arrivals": arrivals(forum, day),
        "breakdowns": breakdowns(forum, day=day),
        "sessions": sessions(forum),
        "updated_at": now,
    }
