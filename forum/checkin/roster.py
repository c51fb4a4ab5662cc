"""The roster an offline desk keeps: for one list, whom it may admit, with the least personal data its
answer needs (registration id, badge version, status, names, organisation, category, the session
seat where the list needs one), the people already admitted when it was built, the forum's public key
(version 2 badge codes), the list's rules and the answers' wording. Built in three statements (the
people, the admissions, the seats); no e-mail address, phone number or other detail leaves the server.
bench/bench_offline.py builds it for 5,000 confirmed registrations (budget 1 s, 300 KB gzipped)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa

from forum.badges import keys
from forum.badges.models import BadgeScheme
from forum.badges.services import scheme_of
from forum.checkin.models import Admission, CheckInList, Desk, ListKind
from forum.checkin.services import REASONS
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_time
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Category, Organisation, Registration, RegistrationStatus, badge_role_of

#: what a desk may answer offline for a status other than confirmed
_STATUS = {RegistrationStatus.confirmed: "ok", RegistrationStatus.cancelled: "cancelled"}


def _people(forum: Forum) -> dict[str, dict[str, Any]]:
    rows = db.session.execute(
        sa.select(
            Registration.id,
            Registration.badge_version,
            Registration.status,
            Registration.name_ar,
            Registration.name_latin,
            Registration.category,
            Organisation.name,
        )
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(Registration.forum_id == forum.id)
    ).all()
    people: dict[str, dict[str, Any]] = {}
    for rid, version, status, name_ar, name_latin, category, organisation in rows:
        state = _STATUS.get(status, "not_approved")
        entry: dict[str, Any] = {"v": version, "s": state}
        if state == "ok":  # names only for the people a desk may welcome
            entry.update(a=name_ar or "", l=name_latin or "", o=organisation or "", c=category.value)
        people[str(rid)] = entry
    return people


def _admitted(checkin_list: CheckInList) -> dict[str, dict[str, Any]]:
    rows = db.session.execute(
        sa.select(Admission.registration_id, Admission.admitted_at, Desk.name)
        .outerjoin(Desk, Desk.id == Admission.desk_id)
        .where(Admission.list_id == checkin_list.id, Admission.is_live)
    ).all()
    return {str(rid): {"at": local_time(at), "desk": desk or ""} for rid, at, desk in rows}


def _seats(checkin_list: CheckInList) -> list[int] | None:
    """The people holding a seat, for a session list that needs one (None: everyone may come in)."""
    if checkin_list.kind != ListKind.session:
        return None
    required = db.session.scalar(sa.select(Session.is_signup_required).where(Session.id == checkin_list.session_id))
    if not required:
        return None
    return list(
        db.session.scalars(
            sa.select(Signup.registration_id).where(
                Signup.session_id == checkin_list.session_id, Signup.status == SignupStatus.confirmed
            )
        )
    )


#: the roster's shape: a desk drops a kept roster of another shape and waits for a new one
FORMAT = 2
#: the step at which the zone's offsets are read (time zones change on the quarter hour at the finest)
_OFFSET_STEP = timedelta(minutes=15)


def _midnight(day: date, forum: Forum) -> datetime:
    return datetime.combine(day, time.min, tzinfo=forum.zone).astimezone(UTC)


def _epoch_ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


def _offsets(forum: Forum) -> list[list[int]]:
    """The forum's UTC offsets (minutes) from a day before its first day to a day after its last, as
    [from (ms since the epoch), minutes] rows: each holds from its instant to the next row's."""
    at, until = (
        _midnight(forum.starts_on - timedelta(days=1), forum),
        _midnight(forum.ends_on + timedelta(days=2), forum),
    )
    rows: list[list[int]] = []
    while at < until:
        minutes = int(at.astimezone(forum.zone).utcoffset().total_seconds() // 60)
        if not rows or rows[-1][1] != minutes:
            rows.append([_epoch_ms(at), minutes])
        at += _OFFSET_STEP
    return rows


def roster_of(forum: Forum, checkin_list: CheckInList, *, now: datetime | None = None) -> dict[str, Any]:
    """The roster of a list, as a desk downloads it (JSON-ready)."""
    now = now or utcnow()
    signed = scheme_of(forum.id) == BadgeScheme.ed25519
    last_day_ends = _midnight(forum.ends_on + timedelta(days=1), forum)
    return {
        "format": FORMAT,
        #: the desk judges the day and writes times from these, not from its browser's zone data (Chromium
        #: 156's has Morocco an hour behind from October 2026: its midnight hour read as the day before)
        "forum": {"id": forum.id, "slug": forum.slug, "timezone": forum.timezone, "offsets": _offsets(forum)},
        "list": {
            "id": checkin_list.id,
            "kind": checkin_list.kind.value,
            "day": checkin_list.day.isoformat(),
            "begins": _epoch_ms(_midnight(checkin_list.day, forum)),
            "ends": _epoch_ms(_midnight(checkin_list.day + timedelta(days=1), forum)),
            "is_rehearsal": checkin_list.is_rehearsal,
            "allows_reentry": checkin_list.allows_reentry,
            "records_exits": checkin_list.records_exits,
            "seats": _seats(checkin_list),
        },
        "scheme": "ed25519" if signed else "hmac",
        "public_key": keys.public_key(forum.id) if signed else None,
        "built_at": now.isoformat(),
        #: the desk wipes its roster and queue after this (the day after the forum's last day)
        "expires_at": last_day_ends.isoformat(),
        "roles": {c.value: str(badge_role_of(c).title) for c in Category},
        "messages": {reason: str(text) for reason, text in REASONS.items()},
        "people": _people(forum),
        "admitted": _admitted(checkin_list),
    }
