"""Check-in rules: reading a badge at a desk, welcoming once per list, exits, undo, desks, counts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import g
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import audit, hooks
from forum.badges.services import BadgeCodeError, check_badge_code, parse_badge_code
from forum.checkin.models import Admission, CheckIn, CheckInList, Desk, ListKind, Outcome
from forum.db import utcnow
from forum.errors import ForumError
from forum.events.models import Forum, ForumStatus
from forum.events.services import forum_or_404
from forum.extensions import db
from forum.i18n import local_time
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Category, Organisation, Registration, RegistrationStatus, badge_role_of

#: what a desk shows for each refusal reason (the API gives the reason itself)
REASONS = {
    "ok": _l("Welcome"),
    "reentry": _l("Welcome back"),
    "exit": _l("Exit recorded"),
    "already_checked_in": _l("Already checked in"),
    "unknown": _l("Not a valid badge"),
    "tampered": _l("Not valid: this badge code has been altered"),
    "revoked": _l("Not valid: this badge was replaced by a newer one"),
    "cancelled": _l("Cancelled registration"),
    "not_approved": _l("Registration not approved"),
    "wrong_forum": _l("Badge of another forum"),
    "wrong_day": _l("This list is not open today"),
    "not_signed_up": _l("Not signed up to this session"),
    "not_inside": _l("Not checked in on this list"),
    "undone": _l("Check-in undone"),
}


class CheckInError(ForumError):
    message = _l("Check-in is not possible here.")


class NothingToUndo(CheckInError):
    message = _l("There is no check-in to undo at this desk.")


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
        return str(REASONS.get(self.reason, self.reason))

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


# --- desks -------------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_desk(forum: Forum, name: str, *, actor: Any) -> tuple[Desk, str]:
    """A new desk and its device token (returned once; only its hash is kept)."""
    token = "mqd_" + secrets.token_urlsafe(32)
    desk = Desk(
        forum_id=forum.id, name=name.strip(), token_hash=hash_token(token), created_by_id=getattr(actor, "id", None)
    )
    db.session.add(desk)
    db.session.flush()
    audit.record("checkin.desk_create", actor=actor, forum=forum, target=desk, name=desk.name)
    return desk, token


def revoke_desk(desk: Desk, *, actor: Any, now: datetime | None = None) -> None:
    desk.revoked_at = now or utcnow()
    audit.record("checkin.desk_revoke", actor=actor, forum=db.session.get(Forum, desk.forum_id), target=desk)
    db.session.flush()


def desk_for_token(forum: Forum, token: str) -> Desk | None:
    """The active desk of this forum holding the token, or None."""
    desk = db.session.scalar(sa.select(Desk).where(Desk.token_hash == hash_token(token)))
    if desk is None or desk.forum_id != forum.id or not desk.is_active:
        return None
    return desk


def desks_of(forum: Forum) -> list[Desk]:
    return list(db.session.scalars(sa.select(Desk).where(Desk.forum_id == forum.id).order_by(Desk.id)))


# --- lists -------------------------------------------------------------------------------------


def ensure_lists(forum: Forum) -> list[CheckInList]:
    """The forum's lists: one entrance list per day, one per session (created when missing)."""
    existing = list(db.session.scalars(sa.select(CheckInList).where(CheckInList.forum_id == forum.id)))
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
    return list(
        db.session.scalars(
            sa.select(CheckInList)
            .where(CheckInList.forum_id == forum.id)
            .options(selectinload(CheckInList.session))
            .order_by(CheckInList.day, CheckInList.kind, CheckInList.id)
        )
    )


def list_label(checkin_list: CheckInList) -> str:
    from forum.i18n import local_date

    if checkin_list.kind == ListKind.entrance:
        return f"{ListKind.entrance.title} · {local_date(checkin_list.day, 'full')}"
    session = checkin_list.session
    return f"{session.name} · {local_time(session.starts_at)}" if session else str(ListKind.session.title)


def entrance_list(forum: Forum, day: date) -> CheckInList | None:
    return db.session.scalar(
        sa.select(CheckInList).where(
            CheckInList.forum_id == forum.id, CheckInList.kind == ListKind.entrance, CheckInList.day == day
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


def _run(statement: sa.Executable, params: dict[str, Any]) -> sa.CursorResult:
    """A Core statement on the session's connection (its transaction), without the ORM's execution
    layer (nothing it returns is an ORM object; pending changes are flushed by the caller)."""
    return db.session.connection().execute(statement, params)


#: who is inside a list now (its live admissions, less those who went out), as the list keeps it
_INSIDE = sa.select(CheckInList.inside).where(CheckInList.id == sa.bindparam("list_id"))
#: one more (or one fewer) inside: run in the transaction that lets the person in (or out); the row
#: lock it takes orders concurrent desks, so each is told the count after its own change
_MOVE = (
    sa.update(CheckInList)
    .where(CheckInList.id == sa.bindparam("list_id"))
    .values(inside=CheckInList.inside + sa.bindparam("delta", type_=sa.Integer))
    .returning(CheckInList.inside)
)


def _move(list_id: int, delta: int) -> int:
    return _run(_MOVE, {"list_id": list_id, "delta": delta}).scalar_one()


def inside_count(checkin_list: CheckInList) -> int:
    return _run(_INSIDE, {"list_id": checkin_list.id}).scalar()


# --- scanning ----------------------------------------------------------------------------------


class DeskRefused(CheckInError):
    """The device's token is not that of an open desk of this forum."""


class NoSuchList(CheckInError):
    """The list asked for is not one of this forum's."""


@dataclass(frozen=True)
class _Person:
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
    def of(cls, registration: Registration) -> _Person:
        organisation = registration.organisation.name if registration.organisation else None
        fields = {name: getattr(registration, name) for name in cls.__dataclass_fields__ if name != "organisation"}
        return cls(**fields, organisation=organisation)


def _person(person: _Person) -> dict[str, Any]:
    role = badge_role_of(person.category)
    return {
        "id": person.id,
        "name_ar": person.name_ar,
        "name_latin": person.name_latin,
        "organisation": person.organisation,
        "role": role.value,
        "role_label": role.title,
        "category": person.category.title,
    }


@dataclass(frozen=True)
class _Attendee:
    """Whose agenda of the day a welcome shows: the registration's id and forum, and the forum's zone
    (so that no Forum needs loading for it)."""

    id: int
    forum_id: int
    forum_zone: ZoneInfo


def _agenda(registration: _Person, day: date, zone: ZoneInfo) -> list[dict[str, str]]:
    attendee = _Attendee(registration.id, registration.forum_id, zone)
    items = [item for answer in hooks.registration_agenda.collect(attendee, day) for item in answer]
    items.sort(key=lambda item: item.starts_at)
    return [{"time": local_time(item.starts_at), "title": str(item.title), "room": str(item.room)} for item in items]


@dataclass(frozen=True)
class _ForumOfScan:
    """The forum of a device's scan, as the scan's reading statement gives it: what the scan and its
    answer need of it (the same names as Forum's)."""

    id: int
    slug: str
    timezone: str
    default_locale: str
    starts_on: date
    ends_on: date

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_PERSON_COLUMNS = tuple(name for name in _Person.__dataclass_fields__ if name != "organisation")


def _facts_statement(*, device: bool, default_list: bool) -> sa.Select:
    """Everything a scan must know, read in one statement: the list and its settings (the session's
    sign-up rule, whether this person holds a seat), the desk and whether it is still open, the
    registration the code names and its organisation, and the answer already given to this nonce.

    Read afresh on every scan, so a closed desk, a changed list setting or a cancelled registration
    applies to the very next scan, in every worker process; nothing of it is cached.

    A device's scan finds its forum by the slug of the address (no ORM Forum loaded before), its desk
    by the token's hash, and today's entrance list among the forum's lists of the days `today` may be
    wherever the forum is (the UTC day and its neighbours, or the forum's first or last day): the
    caller picks the row of the forum's own today."""
    forum = Forum.slug == sa.bindparam("slug") if device else Forum.id == sa.bindparam("forum_id")
    desk = Desk.token_hash == sa.bindparam("token_hash") if device else Desk.id == sa.bindparam("desk_id")
    checkin_list = (
        sa.and_(
            CheckInList.kind == ListKind.entrance,
            sa.or_(
                CheckInList.day.in_(sa.bindparam("days", type_=sa.Date, expanding=True)),
                CheckInList.day.in_([Forum.starts_on, Forum.ends_on]),
            ),
        )
        if default_list
        else CheckInList.id == sa.bindparam("list_id")
    )
    replay = (
        sa.select(CheckIn.response)
        .where(CheckIn.forum_id == Forum.id, CheckIn.nonce == sa.bindparam("nonce"))
        .scalar_subquery()
    )
    signed_up = sa.exists().where(
        Signup.session_id == CheckInList.session_id,
        Signup.registration_id == Registration.id,
        Signup.status == SignupStatus.confirmed,
    )
    return (
        sa.select(
            CheckInList.id,
            CheckInList.kind,
            CheckInList.day,
            CheckInList.allows_reentry,
            CheckInList.records_exits,
            CheckInList.inside,
            Session.is_signup_required,
            signed_up.label("signed_up"),
            Desk.id.label("desk_id"),
            Desk.revoked_at.label("desk_revoked_at"),
            *(getattr(Registration, name).label(f"person_{name}") for name in _PERSON_COLUMNS),
            Organisation.name.label("person_organisation"),
            replay.label("replay"),
            *(getattr(Forum, name).label(f"forum_{name}") for name in _ForumOfScan.__dataclass_fields__),
            Forum.status.label("forum_status"),
        )
        .select_from(Forum)
        .join(CheckInList, CheckInList.forum_id == Forum.id)
        .outerjoin(Session, Session.id == CheckInList.session_id)
        .outerjoin(Desk, sa.and_(Desk.forum_id == CheckInList.forum_id, desk))
        .outerjoin(Registration, Registration.id == sa.bindparam("registration_id"))
        .outerjoin(Organisation, Organisation.id == Registration.organisation_id)
        .where(forum, checkin_list)
    )


#: built once: SQLAlchemy caches their compiled form, the scan only binds values
_FACTS = {
    (device, default): _facts_statement(device=device, default_list=default)
    for device, default in ((False, False), (True, False), (True, True))
}


def _insert_or_nothing(table: sa.Table, columns: tuple[str, ...], conflict: str) -> sa.TextClause:
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


#: the one statement that admits: the partial unique index (one live admission per list and person)
#: lets one INSERT through when two desks scan at once; the other does nothing (PostgreSQL waits
#: for the first to commit, SQLite's write lock queues them)
_ADMIT = _insert_or_nothing(
    Admission.__table__,
    ("list_id", "registration_id", "desk_id", "admitted_at", "is_inside"),
    '("list_id", "registration_id") WHERE undone_at IS NULL',
)
#: one row of the trail; a nonce already answered (a retry arriving at the same instant) adds nothing
_TRAIL = _insert_or_nothing(
    CheckIn.__table__,
    (
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
    ),
    '("forum_id", "nonce")',
)


def scan(
    forum: Forum,
    checkin_list: CheckInList,
    *,
    code: str | None = None,
    registration: Registration | None = None,
    desk: Desk | None = None,
    agent: Any = None,
    nonce: str | None = None,
    exit: bool = False,
    now: datetime | None = None,
) -> ScanResult:
    """Read a badge code (or take a registration found by name) at a desk, on a list, and answer.

    Exactly one welcome per person and list, also when two desks scan at the same instant: the live
    admission is guarded by a partial unique index. A repeated `nonce` returns the first answer and
    records nothing. Every scan leaves a CheckIn row.
    """
    if checkin_list.forum_id != forum.id:
        raise CheckInError()
    where = {"list_id": checkin_list.id, "desk_id": getattr(desk, "id", None)}
    return _scan(
        forum,
        where,
        code=code,
        registration=registration,
        desk_id=where["desk_id"],
        agent_id=getattr(agent, "id", None),
        nonce=nonce,
        exit=exit,
        now=now,
    )


def scan_with_token(
    forum_slug: str,
    token: str,
    *,
    list_id: int | None = None,
    code: str,
    nonce: str | None = None,
    exit: bool = False,
    now: datetime | None = None,
) -> ScanResult:
    """A scanning device's scan: its desk found by the device token, on a list (today's entrance
    unless one is given). The desk and the list are read in the scan's one reading statement, so a
    closed desk is refused from its very next scan on; so is the forum, found by its slug (404 for an
    unknown one, as for any page). DeskRefused, then NoSuchList, otherwise as scan()."""
    now = now or utcnow()
    where: dict[str, Any] = {"slug": forum_slug, "token_hash": hash_token(token)}
    if list_id is None:
        utc_day = now.astimezone(UTC).date()
        where["days"] = [utc_day - timedelta(days=1), utc_day, utc_day + timedelta(days=1)]
    else:
        where["list_id"] = list_id
    return _scan(
        None, where, code=code, registration=None, desk_id=None, agent_id=None, nonce=nonce, exit=exit, now=now
    )


def _read_facts(
    forum: Forum | None, where: dict[str, Any], registration_id: int | None, nonce: str | None, now: datetime
) -> tuple[sa.Row, Forum | _ForumOfScan]:
    """The scan's facts, and its forum (a device's, as the facts give it; g.forum is set to it, as
    for any page of the forum, for the answer's language and times)."""
    device, default = "token_hash" in where, "days" in where
    params = {"token_hash": None, "desk_id": None, "list_id": None, "days": [], "slug": None, **where}
    params.update(forum_id=getattr(forum, "id", None), registration_id=registration_id, nonce=nonce)
    facts = _pick(_run(_FACTS[device, default], params).all(), default, now)
    if device:
        if facts is None or facts.forum_status == ForumStatus.draft:
            # no such list (or desk, or forum), or a draft forum: as any page of the forum would
            forum = forum_or_404(where["slug"])
        else:
            forum = _ForumOfScan(
                **{name: facts._mapping[f"forum_{name}"] for name in _ForumOfScan.__dataclass_fields__}
            )
        g.forum = forum
    if facts is None and device and not _desk_is_open(forum, where["token_hash"]):
        raise DeskRefused()
    if facts is None and default:
        ensure_lists(forum)  # the first scan of a day may come before anyone opened the desk page
        facts = _pick(_run(_FACTS[device, default], params).all(), default, now)
    if facts is None:
        raise NoSuchList()
    if device and (facts.desk_id is None or facts.desk_revoked_at is not None):
        raise DeskRefused()
    return facts, forum


def _pick(rows: list[sa.Row], default: bool, now: datetime) -> sa.Row | None:
    """The row of the list asked for; for today's entrance, the row of the forum's own today (or of
    its first or last day, before or after it)."""
    if not default or not rows:
        return rows[0] if rows else None
    first = rows[0]
    today = now.astimezone(ZoneInfo(first.forum_timezone)).date()
    day = min(max(today, first.forum_starts_on), first.forum_ends_on)
    return next((row for row in rows if row.day == day), None)


def _desk_is_open(forum: Forum, token_hash: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Desk.id).where(
                Desk.token_hash == token_hash, Desk.forum_id == forum.id, Desk.revoked_at.is_(None)
            )
        )
        is not None
    )


def _scan(
    forum: Forum | None,
    where: dict[str, Any],
    *,
    code: str | None,
    registration: Registration | None,
    desk_id: int | None,
    agent_id: int | None,
    nonce: str | None,
    exit: bool,
    now: datetime | None,
) -> ScanResult:
    now = now or utcnow()
    nonce = (nonce or "").strip()[:64] or None
    db.session.flush()  # the statements below run on the connection, past the ORM's autoflush
    parsed, refusal = None, None
    if registration is None:
        try:
            parsed = parse_badge_code(code or "")
        except BadgeCodeError as error:
            refusal = error.reason
    facts, forum = _read_facts(
        forum, where, registration.id if registration else getattr(parsed, "registration_id", None), nonce, now
    )
    if facts.replay is not None:
        return ScanResult.from_stored(facts.replay)
    ctx = _Scan(forum, facts, facts.desk_id if desk_id is None else desk_id, agent_id, nonce, code, now)
    if refusal is not None:
        return _record(ctx, None, None, Outcome.refused, refusal)
    person = None
    if facts.person_id is not None:
        person = _Person(**{name: facts._mapping[f"person_{name}"] for name in _Person.__dataclass_fields__})
    if registration is None:
        try:
            person = check_badge_code(parsed, person, forum_id=forum.id)
        except BadgeCodeError as error:
            return _record(ctx, None, None, Outcome.refused, error.reason)
    elif registration.forum_id != forum.id:
        return _record(ctx, None, None, Outcome.refused, "wrong_forum")
    person = person or _Person.of(registration)
    reason = _refusal(person, facts, now.astimezone(forum.zone).date())
    if reason is not None:
        return _record(ctx, person, None, Outcome.refused, reason)
    if exit:
        outcome, reason, admission, inside = _exit(facts, person, now)
    else:
        outcome, reason, admission, inside = _enter(facts, person, ctx.desk_id, now)
    return _record(ctx, person, admission, outcome, reason, inside=inside)


def _refusal(registration: _Person, facts: sa.Row, today: date) -> str | None:
    """Why this person may not come in on this list, or None."""
    if registration.status == RegistrationStatus.cancelled:
        return "cancelled"
    if registration.status != RegistrationStatus.confirmed:
        return "not_approved"
    if facts.day != today:
        return "wrong_day"
    if facts.kind == ListKind.session and facts.is_signup_required and not facts.signed_up:
        return "not_signed_up"
    return None


def _replay(forum: Forum, nonce: str) -> ScanResult | None:
    stored = db.session.scalar(sa.select(CheckIn.response).where(CheckIn.forum_id == forum.id, CheckIn.nonce == nonce))
    return ScanResult.from_stored(stored) if stored is not None else None


@dataclass
class _Admitted:
    """The live admission of a person on a list: just given (its desk is this one), or found."""

    id: int
    admitted_at: datetime
    desk_name: str | None = None


def _live_admission(list_id: int, registration_id: int) -> tuple[Admission, str | None] | None:
    """The live admission (row locked until commit) and the name of the desk that gave it."""
    row = db.session.execute(
        sa.select(Admission, Desk.name)
        .outerjoin(Desk, Desk.id == Admission.desk_id)
        .where(
            Admission.list_id == list_id,
            Admission.registration_id == registration_id,
            Admission.undone_at.is_(None),
        )
        .with_for_update(of=Admission)
    ).first()
    return (row[0], row[1]) if row is not None else None


def _enter(facts: sa.Row, registration: _Person, desk_id: int | None, now: datetime):
    """Welcome (or welcome back) a person: (outcome, reason, admission, how many are inside now)."""
    admitted_id = _run(
        _ADMIT,
        {
            "list_id": facts.id,
            "registration_id": registration.id,
            "desk_id": desk_id,
            "admitted_at": now,
            "is_inside": True,
        },
    ).scalar()
    if admitted_id is not None:
        return Outcome.ok, "ok", _Admitted(admitted_id, now), _move(facts.id, +1)
    admission, desk_name = _live_admission(facts.id, registration.id)
    admitted = _Admitted(admission.id, admission.admitted_at, desk_name)
    if facts.allows_reentry and not admission.is_inside:
        admission.is_inside, admission.moved_at = True, now
        return Outcome.ok, "reentry", admitted, _move(facts.id, +1)
    # nothing changed, but the count may have since the scan's facts were read (a concurrent welcome)
    return Outcome.duplicate, "already_checked_in", admitted, _run(_INSIDE, {"list_id": facts.id}).scalar()


def _exit(facts: sa.Row, registration: _Person, now: datetime):
    """Record that a person went out: (outcome, reason, admission, how many are inside now)."""
    found = _live_admission(facts.id, registration.id)
    if found is None:
        return Outcome.refused, "not_inside", None, facts.inside
    admission, desk_name = found
    admitted = _Admitted(admission.id, admission.admitted_at, desk_name)
    if not facts.records_exits or not admission.is_inside:
        return Outcome.refused, "not_inside", admitted, facts.inside
    admission.is_inside, admission.moved_at = False, now
    return Outcome.exit, "exit", admitted, _move(facts.id, -1)


@dataclass
class _Scan:
    """Where and by whom a scan happens, and what was scanned."""

    forum: Forum
    checkin_list: Any  # the list's row as _read_facts gives it (id, kind, day, ...)
    desk_id: int | None
    agent_id: int | None
    nonce: str | None
    code: str | None
    now: datetime


def _record(
    ctx: _Scan,
    registration: _Person | None,
    admission: _Admitted | None,
    outcome: Outcome,
    reason: str,
    *,
    inside: int | None = None,
) -> ScanResult:
    """The answer, kept in the trail. `inside` is the count after the change; a refusal changed
    nothing and answers with the count read in the scan's facts."""
    forum, now = ctx.forum, ctx.now
    result = ScanResult(
        outcome=outcome.value, reason=reason, inside=ctx.checkin_list.inside if inside is None else inside
    )
    if registration is not None:
        result.registration = _person(registration)
        if outcome == Outcome.ok:
            zone = forum.zone
            result.agenda = _agenda(registration, now.astimezone(zone).date(), zone)
    if outcome == Outcome.duplicate and admission is not None:
        result.when = admission.admitted_at.isoformat()
        result.when_local = local_time(admission.admitted_at)
        result.desk = admission.desk_name
    values = dict(
        forum_id=forum.id,
        list_id=ctx.checkin_list.id,
        desk_id=ctx.desk_id,
        agent_id=ctx.agent_id,
        registration_id=registration.id if registration else None,
        admission_id=admission.id if admission else None,
        outcome=outcome,
        reason=reason,
        scanned=(ctx.code or "")[:80] or None,
        nonce=ctx.nonce,
        response=result.as_dict(),
        at=now,
    )
    if _run(_TRAIL, values).scalar() is None:
        # The same request is being answered at this instant (a client retry): give its answer, and
        # keep nothing of this one.
        db.session.rollback()
        return _replay(forum, ctx.nonce) or result
    return result


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
    if admission.undone_at is not None:
        raise NothingToUndo()
    admission.undone_at, admission.undone_by_id = now, getattr(agent, "id", None)
    # one fewer inside, unless the person had already gone out
    inside = (
        _move(admission.list_id, -1) if admission.is_inside else _run(_INSIDE, {"list_id": admission.list_id}).scalar()
    )
    checkin_list = db.session.get(CheckInList, admission.list_id)
    registration = db.session.get(Registration, admission.registration_id)
    ctx = _Scan(forum, checkin_list, desk.id, getattr(agent, "id", None), None, None, now)
    admitted = _Admitted(admission.id, admission.admitted_at)
    return _record(ctx, _Person.of(registration), admitted, Outcome.undone, "undone", inside=inside)


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


def recent_scans(forum: Forum, *, desk: Desk | None = None, limit: int = 100) -> list[CheckIn]:
    query = sa.select(CheckIn).where(CheckIn.forum_id == forum.id)
    if desk is not None:
        query = query.where(CheckIn.desk_id == desk.id)
    return list(db.session.scalars(query.options(selectinload(CheckIn.desk)).order_by(CheckIn.id.desc()).limit(limit)))
