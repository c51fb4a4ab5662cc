"""The scan trail: the answer of a scan (what a desk shows, what the API gives), kept as one row of
the append-only trail, and the trail read back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum.auth import services as accounts
from forum.checkin.models import CheckIn, CheckInList, Desk, Outcome
from forum.checkin.services._common import run
from forum.db import TitledEnum, translated
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_time
from forum.programme.services import seats_of_day
from forum.registration.models import Category, Registration, RegistrationStatus, badge_role_of

#: what a desk shows for each refusal reason (the API gives the reason itself)
REASONS = {
    "ok": _l("Welcome"),
    "reentry": _l("Welcome back"),
    "exit": _l("Exit recorded"),
    "already_checked_in": _l("Already checked in"),
    "no_reentry": _l("Already came in: this list does not allow re-entry"),
    "unknown": _l("Not a valid badge"),
    "tampered": _l("Not valid: this badge code has been altered"),
    "revoked": _l("Not valid: this badge was replaced by a newer one"),
    "cancelled": _l("Cancelled registration"),
    "not_approved": _l("Registration not approved"),
    "wrong_forum": _l("Badge of another forum"),
    "wrong_day": _l("This list is not open today"),
    "not_signed_up": _l("Not signed up to this session"),
    "not_inside": _l("Not checked in on this list"),
    "exits_not_recorded": _l("This list does not record exits"),
    "undone": _l("Check-in undone"),
    # given by a desk offline only: a version 1 code needs the server
    "online_only": _l("This badge can be checked online only"),
}


@dataclass
class ScanResult:
    """The answer of one scan, as the desk and the API show it."""

    outcome: str
    reason: str
    registration: dict[str, Any] | None = None
    when: str | None = None
    when_local: str | None = None
    desk: str | None = None
    agenda: list[dict[str, str]] = field(default_factory=list)
    inside: int | None = None
    replayed: bool = False

    @cached_property
    def message(self) -> str:  # translated once, though the answer is both stored and sent
        return _label(str(get_locale()), self.reason)

    def as_dict(self) -> dict[str, Any]:
        return {
            "outcome": self.outcome,
            "reason": self.reason,
            "message": self.message,
            "registration": self.registration,
            "when": self.when,
            "when_local": self.when_local,
            "desk": self.desk,
            "agenda": self.agenda,
            "inside": self.inside,
            "replayed": self.replayed,
        }

    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> ScanResult:
        return cls(**{k: v for k, v in data.items() if k not in ("message", "replayed")}, replayed=True)


@dataclass(frozen=True)
class Person:
    """The registration a scan is about, as the scan's reading statement gives it (no ORM object)."""

    id: int
    forum_id: int
    badge_secret: str
    badge_version: int
    status: RegistrationStatus
    name_ar: str
    name_latin: str
    category: Category
    organisation: str | None

    @classmethod
    def of(cls, registration: Registration) -> Person:
        organisation = registration.organisation.name if registration.organisation else None
        fields = {name: getattr(registration, name) for name in cls.__dataclass_fields__ if name != "organisation"}
        return cls(**fields, organisation=organisation)


#: an answer's labels by language and member (or reason), translated once per process (the
#: catalogues do not change while it runs): an answer looks its three labels up here
_LABELS: dict[tuple[str, type, Any], str] = {}


def _label(locale: str, key: TitledEnum | str) -> str:
    """The translation in `locale` of an enum member's title, or of a scan reason's text."""
    try:
        return _LABELS[locale, type(key), key]
    except KeyError:
        text = key.title if isinstance(key, TitledEnum) else str(REASONS.get(key, key))
        _LABELS[locale, type(key), key] = text
        return text


def _person(person: Person, locale: str) -> dict[str, Any]:
    role = badge_role_of(person.category)
    return {
        "id": person.id,
        "name_ar": person.name_ar,
        "name_latin": person.name_latin,
        "organisation": person.organisation,
        "role": role.value,
        "role_label": _label(locale, role),
        "category": _label(locale, person.category),
    }


def _agenda(seats: tuple[Any, ...], day: date, zone: ZoneInfo) -> list[dict[str, str]]:
    """The sessions the person holds a seat in that day (read with the scan's facts), in the order
    they start (the programme's rule)."""
    return [
        {
            "time": local_time(seat.starts_at),
            "title": translated(seat.title),
            "room": translated(seat.room) if seat.room else "",
        }
        for seat in seats_of_day(seats, day, zone)
    ]


@dataclass
class Admitted:
    """The live admission of a person on a list: just given (its desk is this one), or found."""

    id: int
    admitted_at: datetime
    desk_name: str | None = None


@dataclass
class ScanContext:
    """Where and by whom a scan happens, and what was scanned."""

    forum: Any  # the Forum, or the record of it a device's scan read
    checkin_list: Any  # the list's row as the scan's facts give it (id, kind, day, inside, ...)
    desk_id: int | None
    agent_id: int | None
    nonce: str | None
    code: str | None
    now: datetime
    #: the person's seats in sessions (rows with starts_at, title, room), read with the scan's facts
    seats: tuple[Any, ...] = ()


def insert_or_nothing(table: sa.Table, columns: tuple[str, ...], conflict: str) -> sa.TextClause:
    """INSERT … ON CONFLICT … DO NOTHING RETURNING id, the same text on PostgreSQL and SQLite (3.35+).

    Written as text because SQLAlchemy never caches a statement built with the dialects'
    on_conflict_do_nothing(): it would be compiled again on every scan (milliseconds of CPU)."""
    names = ", ".join(f'"{name}"' for name in columns)
    values = ", ".join(f":{name}" for name in columns)
    return (
        sa.text(
            f'INSERT INTO "{table.name}" ({names}) VALUES ({values}) ON CONFLICT {conflict} DO NOTHING RETURNING id'
        )
        .bindparams(*(sa.bindparam(name, type_=table.c[name].type) for name in columns))
        .columns(table.c.id)
    )


#: the columns of a trail row
TRAIL_COLUMNS = (
    "forum_id",
    "list_id",
    "desk_id",
    "agent_id",
    "registration_id",
    "admission_id",
    "outcome",
    "reason",
    "scanned",
    "nonce",
    "response",
    "at",
)
#: one row of the trail; a nonce already answered (a retry arriving at the same instant) adds nothing
_TRAIL = insert_or_nothing(CheckIn.__table__, TRAIL_COLUMNS, '("forum_id", "nonce")')


def stored_answer(forum: Forum, nonce: str) -> ScanResult | None:
    """The answer given to a scan of the forum sent with this (scoped) nonce, as it was given."""
    stored = db.session.scalar(sa.select(CheckIn.response).where(CheckIn.forum_id == forum.id, CheckIn.nonce == nonce))
    return ScanResult.from_stored(stored) if stored is not None else None


def answer(
    ctx: ScanContext,
    registration: Person | None,
    admission: Admitted | None,
    outcome: Outcome,
    reason: str,
    *,
    inside: int | None = None,
) -> ScanResult:
    """The answer to a scan, as the desk shows it (a welcome with the person's sessions of the day).
    `inside` is the count after the change; a refusal changed nothing and answers with the count read
    in the scan's facts."""
    locale = str(get_locale())
    result = ScanResult(
        outcome=outcome.value, reason=reason, inside=ctx.checkin_list.inside if inside is None else inside
    )
    if registration is not None:
        result.registration = _person(registration, locale)
        if outcome == Outcome.ok:
            zone, rehearsal = ctx.forum.zone, getattr(ctx.checkin_list, "is_rehearsal", False)
            day = ctx.checkin_list.day if rehearsal else ctx.now.astimezone(zone).date()
            result.agenda = _agenda(ctx.seats, day, zone)
    if outcome == Outcome.duplicate and admission is not None:
        result.when = admission.admitted_at.isoformat()
        result.when_local = local_time(admission.admitted_at)
        result.desk = admission.desk_name
    return result


def trail_values(
    ctx: ScanContext, registration: Person | None, admission_id: int | None, outcome: Outcome, result: ScanResult
) -> dict[str, Any]:
    """The trail row of a scan and its answer, as the bound values of its INSERT."""
    return dict(
        forum_id=ctx.forum.id,
        list_id=ctx.checkin_list.id,
        desk_id=ctx.desk_id,
        agent_id=ctx.agent_id,
        registration_id=registration.id if registration else None,
        admission_id=admission_id,
        outcome=outcome,
        reason=result.reason,
        scanned=(ctx.code or "")[:80] or None,
        nonce=ctx.nonce,
        response=result.as_dict(),
        at=ctx.now,
    )


def replayed(forum: Any, nonce: str | None) -> ScanResult | None:
    """After a scan's writing statement found its nonce taken (the same request answered at this
    instant: a client retry), the first answer; this one's statements are rolled back, nothing kept."""
    db.session.rollback()
    return stored_answer(forum, nonce) if nonce is not None else None


def record(
    ctx: ScanContext,
    registration: Person | None,
    admission: Admitted | None,
    outcome: Outcome,
    reason: str,
    *,
    inside: int | None = None,
) -> ScanResult:
    """The answer (see `answer`), kept in the trail."""
    result = answer(ctx, registration, admission, outcome, reason, inside=inside)
    values = trail_values(ctx, registration, admission.id if admission else None, outcome, result)
    if run(_TRAIL, values).scalar() is None:
        return replayed(ctx.forum, ctx.nonce) or result
    return result


def recent_scans(forum: Forum, *, desk: Desk | None = None, limit: int = 100) -> list[CheckIn]:
    """The latest real scans of the forum (of one desk, if given), newest first; rehearsals are apart."""
    rehearsals = sa.select(CheckInList.id).where(CheckInList.forum_id == forum.id, CheckInList.is_rehearsal)
    query = sa.select(CheckIn).where(
        CheckIn.forum_id == forum.id, sa.or_(CheckIn.list_id.is_(None), CheckIn.list_id.not_in(rehearsals))
    )
    if desk is not None:
        query = query.where(CheckIn.desk_id == desk.id)
    return list(db.session.scalars(query.options(selectinload(CheckIn.desk)).order_by(CheckIn.id.desc()).limit(limit)))


def trail_of(forum: Forum, *, limit: int = 300) -> tuple[list[CheckIn], dict[int, Registration], dict[int, str]]:
    """The trail page: the latest scans, the registrations they name (by id) and their agents' names."""
    scans = recent_scans(forum, limit=limit)
    ids = {s.registration_id for s in scans if s.registration_id}
    people = {r.id: r for r in db.session.scalars(sa.select(Registration).where(Registration.id.in_(ids)))}
    return scans, people, accounts.names_by_id({s.agent_id for s in scans if s.agent_id})
