"""Check-in rules: reading a badge at a desk, welcoming once per list, exits, undo, desks, counts."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import audit, hooks
from forum.badges.services import BadgeCodeError, read_badge_code
from forum.checkin.models import Admission, CheckIn, CheckInList, Desk, ListKind, Outcome
from forum.db import utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_time
from forum.programme.models import Session, Signup, SignupStatus
from forum.registration.models import Registration, RegistrationStatus

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

    @property
    def message(self) -> str:
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


def inside_count(checkin_list: CheckInList) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Admission.id)).where(
            Admission.list_id == checkin_list.id, Admission.undone_at.is_(None), Admission.is_inside.is_(True)
        )
    )


# --- scanning ----------------------------------------------------------------------------------


def _person(registration: Registration) -> dict[str, Any]:
    return {
        "id": registration.id,
        "name_ar": registration.name_ar,
        "name_latin": registration.name_latin,
        "organisation": registration.organisation.name if registration.organisation else None,
        "role": registration.badge_role.value,
        "role_label": registration.badge_role.title,
        "category": registration.category.title,
    }


def _agenda(registration: Registration, day: date) -> list[dict[str, str]]:
    items = [item for answer in hooks.registration_agenda.collect(registration, day) for item in answer]
    items.sort(key=lambda item: item.starts_at)
    return [{"time": local_time(item.starts_at), "title": str(item.title), "room": str(item.room)} for item in items]


def _refusal(registration: Registration, checkin_list: CheckInList, today: date) -> str | None:
    """Why this person may not come in on this list, or None."""
    if registration.status == RegistrationStatus.cancelled:
        return "cancelled"
    if registration.status != RegistrationStatus.confirmed:
        return "not_approved"
    if checkin_list.day != today:
        return "wrong_day"
    if checkin_list.kind == ListKind.session and checkin_list.session.is_signup_required:
        signed_up = db.session.scalar(
            sa.select(Signup.id).where(
                Signup.session_id == checkin_list.session_id,
                Signup.registration_id == registration.id,
                Signup.status == SignupStatus.confirmed,
            )
        )
        if signed_up is None:
            return "not_signed_up"
    return None


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
    now = now or utcnow()
    nonce = (nonce or "").strip()[:64] or None
    if nonce is not None:
        replay = _replay(forum, nonce)
        if replay is not None:
            return replay
    if checkin_list.forum_id != forum.id:
        raise CheckInError()
    ctx = _Scan(forum, checkin_list, desk, agent, nonce, code, now)
    if registration is None:
        try:
            registration = read_badge_code(code or "", forum_id=forum.id)
        except BadgeCodeError as error:
            return _record(ctx, None, None, Outcome.refused, error.reason)
    elif registration.forum_id != forum.id:
        return _record(ctx, None, None, Outcome.refused, "wrong_forum")
    today = now.astimezone(forum.zone).date()
    reason = _refusal(registration, checkin_list, today)
    if reason is not None:
        return _record(ctx, registration, None, Outcome.refused, reason)
    if exit:
        outcome, reason, admission = _exit(checkin_list, registration, now)
    else:
        outcome, reason, admission = _enter(checkin_list, registration, desk, now)
    return _record(ctx, registration, admission, outcome, reason)


def _insert(model: type) -> Any:
    """INSERT for the session's database, with its ON CONFLICT DO NOTHING (PostgreSQL, SQLite)."""
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def _replay(forum: Forum, nonce: str) -> ScanResult | None:
    stored = db.session.scalar(sa.select(CheckIn.response).where(CheckIn.forum_id == forum.id, CheckIn.nonce == nonce))
    return ScanResult.from_stored(stored) if stored is not None else None


def _live_admission(checkin_list: CheckInList, registration: Registration, *, lock: bool = False) -> Admission | None:
    query = sa.select(Admission).where(
        Admission.list_id == checkin_list.id,
        Admission.registration_id == registration.id,
        Admission.undone_at.is_(None),
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalar(query)


@dataclass
class _Admitted:
    """A welcome just given (its id, when, where), without loading the row back."""

    id: int
    admitted_at: datetime
    desk: Desk | None


def _enter(checkin_list: CheckInList, registration: Registration, desk: Desk | None, now: datetime):
    # One statement decides between two desks scanning at the same instant: the partial unique index
    # lets one INSERT through; the other does nothing (PostgreSQL waits for the first to commit).
    admitted_id = db.session.scalar(
        _insert(Admission)
        .values(
            list_id=checkin_list.id,
            registration_id=registration.id,
            desk_id=getattr(desk, "id", None),
            admitted_at=now,
            is_inside=True,
        )
        .on_conflict_do_nothing(
            index_elements=["list_id", "registration_id"], index_where=Admission.undone_at.is_(None)
        )
        .returning(Admission.id)
    )
    if admitted_id is not None:
        return Outcome.ok, "ok", _Admitted(admitted_id, now, desk)
    admission = _live_admission(checkin_list, registration, lock=True)
    if checkin_list.allows_reentry and not admission.is_inside:
        admission.is_inside, admission.moved_at = True, now
        return Outcome.ok, "reentry", admission
    return Outcome.duplicate, "already_checked_in", admission


def _exit(checkin_list: CheckInList, registration: Registration, now: datetime):
    admission = _live_admission(checkin_list, registration, lock=True)
    if not checkin_list.records_exits or admission is None or not admission.is_inside:
        return Outcome.refused, "not_inside", admission
    admission.is_inside, admission.moved_at = False, now
    return Outcome.exit, "exit", admission


@dataclass
class _Scan:
    """Where and by whom a scan happens, and what was scanned."""

    forum: Forum
    checkin_list: CheckInList
    desk: Desk | None
    agent: Any
    nonce: str | None
    code: str | None
    now: datetime


def _record(
    ctx: _Scan, registration: Registration | None, admission: Admission | None, outcome: Outcome, reason: str
) -> ScanResult:
    forum, checkin_list, desk, agent, nonce, code, now = (
        ctx.forum,
        ctx.checkin_list,
        ctx.desk,
        ctx.agent,
        ctx.nonce,
        ctx.code,
        ctx.now,
    )
    result = ScanResult(outcome=outcome.value, reason=reason)
    if registration is not None:
        result.registration = _person(registration)
        if outcome == Outcome.ok:
            result.agenda = _agenda(registration, now.astimezone(forum.zone).date())
    if outcome == Outcome.duplicate and admission is not None:
        result.when = admission.admitted_at.isoformat()
        result.when_local = local_time(admission.admitted_at)
        result.desk = admission.desk.name if admission.desk else None
    db.session.flush()  # an exit or re-entry changed the admission: count it
    result.inside = inside_count(checkin_list)
    values = dict(
        forum_id=forum.id,
        list_id=checkin_list.id,
        desk_id=getattr(desk, "id", None),
        agent_id=getattr(agent, "id", None),
        registration_id=registration.id if registration else None,
        admission_id=admission.id if admission else None,
        outcome=outcome,
        reason=reason,
        scanned=(code or "")[:80] or None,
        nonce=nonce,
        response=result.as_dict(),
        at=now,
    )
    statement = _insert(CheckIn).values(**values)
    if nonce is not None:
        statement = statement.on_conflict_do_nothing(index_elements=["forum_id", "nonce"])
    if db.session.scalar(statement.returning(CheckIn.id)) is None:
        # The same request is being answered at this instant (a client retry): give its answer, and
        # keep nothing of this one.
        db.session.rollback()
        return _replay(forum, nonce) or result
    return result


def undo_last(forum: Forum, desk: Desk, *, agent: Any, now: datetime | None = None) -> ScanResult:
    """Undo the last welcome given at this desk: its admission is marked undone (kept), and the undo
    is one more row of the trail."""
    now = now or utcnow()
    last = db.session.scalar(
        sa.select(CheckIn)
        .where(
            CheckIn.forum_id == forum.id, CheckIn.desk_id == desk.id, CheckIn.outcome.in_([Outcome.ok, Outcome.undone])
        )
        .order_by(CheckIn.id.desc())
        .limit(1)
    )
    if last is None or last.outcome != Outcome.ok or last.admission_id is None:
        raise NothingToUndo()
    admission = db.session.scalar(sa.select(Admission).where(Admission.id == last.admission_id).with_for_update())
    if admission.undone_at is not None:
        raise NothingToUndo()
    admission.undone_at, admission.undone_by_id = now, getattr(agent, "id", None)
    checkin_list = db.session.get(CheckInList, admission.list_id)
    registration = db.session.get(Registration, admission.registration_id)
    ctx = _Scan(forum, checkin_list, desk, agent, None, None, now)
    return _record(ctx, registration, admission, Outcome.undone, "undone")


def search(forum: Forum, text: str, *, limit: int = 12) -> list[Registration]:
    """The fallback when a badge will not scan: registrations by name, e-mail or organisation."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    pattern = f"%{text.lower()}%"
    from forum.registration.models import Organisation

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
