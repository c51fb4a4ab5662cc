"""The programme's rules: rooms, speakers, sessions without clashes, publication, workshop sign-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from babel.dates import format_datetime as babel_datetime
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from forum import audit, mail
from forum.auth.models import Membership, Role, User
from forum.db import UTCDateTime, translated, utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import (
    ProgrammeVersion,
    Room,
    Session,
    SessionKind,
    Signup,
    SignupStatus,
    Speaker,
    session_speaker,
)
from forum.registration.models import Registration, RegistrationStatus


class ProgrammeError(ForumError):
    message = _l("The programme could not be changed.")


class ScheduleConflict(ProgrammeError):
    """Hard conflicts refuse the change; `conflicts` explains each one."""

    message = _l("This session clashes with the programme.")

    def __init__(self, conflicts: list[Conflict]) -> None:
        super().__init__()
        self.conflicts = conflicts

    def __str__(self) -> str:
        return " ".join(conflict.message for conflict in self.conflicts)


class SignupError(ForumError):
    message = _l("You cannot sign up to this session.")


@dataclass
class Conflict:
    """One problem of a session's place in the programme; hard ones are refused, soft ones warned."""

    message: str
    is_hard: bool = True


def _when(value: datetime, forum: Forum) -> str:
    return babel_datetime(value, "EEE HH:mm", tzinfo=forum.zone, locale=str(get_locale() or "ar"))


# --- rooms and speakers -----------------------------------------------------------------------------


def rooms_of(forum: Forum) -> list[Room]:
    return list(db.session.scalars(sa.select(Room).where(Room.forum_id == forum.id).order_by(Room.position, Room.id)))


def speakers_of(forum: Forum) -> list[Speaker]:
    return list(db.session.scalars(sa.select(Speaker).where(Speaker.forum_id == forum.id).order_by(Speaker.name_latin)))


def rapporteurs_of(forum: Forum) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.forum_id == forum.id, Membership.role == Role.rapporteur)
            .order_by(User.name)
        )
    )


def save_room(forum: Forum, room: Room | None, data: dict[str, Any], *, actor: User | None) -> Room:
    """Create (room None) or update a room."""
    creating = room is None
    if room is None:
        room = Room(forum_id=forum.id)
        db.session.add(room)
    for key, value in data.items():
        setattr(room, key, value)
    db.session.flush()
    audit.record("room.create" if creating else "room.update", actor=actor, forum=forum, target=room)
    return room


def save_speaker(forum: Forum, speaker: Speaker | None, data: dict[str, Any], *, actor: User | None) -> Speaker:
    """Create (speaker None) or update a speaker; `photo` (bytes, suffix) replaces the photo."""
    from forum import storage

    if not (data.get("name_ar") or data.get("name_latin")):
        raise ProgrammeError(_l("Give the speaker's name in Arabic or Latin script."))
    creating = speaker is None
    if speaker is None:
        speaker = Speaker(forum_id=forum.id)
        db.session.add(speaker)
    photo = data.pop("photo", None)
    for key, value in data.items():
        setattr(speaker, key, value)
    if photo is not None:
        storage.delete(speaker.photo_key)
        speaker.photo_key = storage.save(f"speakers/{forum.id}", photo[0], photo[1])
    db.session.flush()
    audit.record("speaker.create" if creating else "speaker.update", actor=actor, forum=forum, target=speaker)
    return speaker


# --- sessions and their conflicts ---------------------------------------------------------------------


def conflicts_of(forum: Forum, session: Session, *, speaker_ids: set[int]) -> list[Conflict]:
    """Everything wrong with the session's place: room taken, people in two places, outside the
    forum's days (hard); a room smaller than the session's capacity (soft)."""
    found: list[Conflict] = []
    zone = forum.zone
    if session.ends_at <= session.starts_at:
        return [Conflict(str(_l("A session must end after it starts.")))]
    first, last = session.starts_at.astimezone(zone).date(), (session.ends_at - timedelta(seconds=1)).astimezone(zone)
    if first < forum.starts_on or last.date() > forum.ends_on:
        found.append(Conflict(str(_l("The session is outside the forum's days."))))
    if session.is_cancelled:
        return found
    overlapping = (
        sa.select(Session)
        .where(
            Session.forum_id == forum.id,
            Session.is_cancelled.is_(False),
            Session.starts_at < session.ends_at,
            Session.ends_at > session.starts_at,
        )
        .options(selectinload(Session.speakers))
    )
    if session.id is not None:
        overlapping = overlapping.where(Session.id != session.id)
    people = set(speaker_ids) | ({session.moderator_id} if session.moderator_id else set())
    names = {s.id: s.display_name for s in db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(people)))}
    for other in db.session.scalars(overlapping):
        when = f"{_when(other.starts_at, forum)}–{_when(other.ends_at, forum)[-5:]}"
        if session.room_id is not None and other.room_id == session.room_id:
            found.append(
                Conflict(
                    str(_l("The room is already taken by “%(title)s” (%(when)s)."))
                    % {"title": other.name, "when": when}
                )
            )
        busy = people & ({s.id for s in other.speakers} | ({other.moderator_id} if other.moderator_id else set()))
        for person in sorted(busy):
            found.append(
                Conflict(
                    str(_l("%(name)s is already in “%(title)s” at that time (%(when)s)."))
                    % {"name": names.get(person, ""), "title": other.name, "when": when}
                )
            )
    room = db.session.get(Room, session.room_id) if session.room_id else None
    if room is not None and session.capacity and room.capacity and session.capacity > room.capacity:
        found.append(
            Conflict(
                str(_l("The room seats %(room)s people, fewer than the session's capacity of %(seats)s."))
                % {"room": room.capacity, "seats": session.capacity},
                is_hard=False,
            )
        )
    return found


#: what calendars show of a session: changing one of them raises its iCalendar SEQUENCE
CALENDAR_FIELDS = ("title", "description", "room_id", "starts_at", "ends_at", "is_cancelled")

SESSION_FIELDS = (
    "kind",
    "title",
    "description",
    "theme",
    "room_id",
    "starts_at",
    "ends_at",
    "capacity",
    "is_signup_required",
    "moderator_id",
    "rapporteur_id",
    "is_cancelled",
)


def save_session(
    forum: Forum, session: Session | None, data: dict[str, Any], *, actor: User | None, now: datetime | None = None
) -> tuple[Session, list[Conflict]]:
    """Create (session None) or update a session; refuses hard conflicts, returns the soft ones.

    `data` holds SESSION_FIELDS (any subset when updating) and optionally `speaker_ids`.
    """
    creating = session is None
    speaker_ids = data.pop("speaker_ids", None)
    if session is None:
        session = Session(forum_id=forum.id, kind=SessionKind.workshop)
    # Nothing reaches the database before the checks (an end before the start would break a constraint).
    with db.session.no_autoflush:
        for key, value in data.items():
            if key not in SESSION_FIELDS:
                raise ValueError(f"not a session field: {key}")
            setattr(session, key, value)
        state = sa.inspect(session)
        calendar_changed = session.published_at is not None and any(
            state.attrs[name].history.has_changes() for name in CALENDAR_FIELDS
        )
        if speaker_ids is None:
            speaker_ids = [s.id for s in session.speakers]
        speakers = list(
            db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(speaker_ids), Speaker.forum_id == forum.id))
        )
        for owned_id, model in ((session.room_id, Room), (session.moderator_id, Speaker)):
            if owned_id is not None:
                owned = db.session.get(model, owned_id)
                if owned is None or owned.forum_id != forum.id:
                    raise ProgrammeError()
        found = conflicts_of(forum, session, speaker_ids={s.id for s in speakers})
    hard = [c for c in found if c.is_hard]
    if hard:
        raise ScheduleConflict(hard)
    if creating:
        db.session.add(session)
    session.speakers = speakers
    if calendar_changed:
        # Published sessions are live in the feeds at once: calendars must see a new SEQUENCE now.
        session.sequence += 1
    db.session.flush()
    _promote(session, now=now)
    audit.record("session.create" if creating else "session.update", actor=actor, forum=forum, target=session)
    return session, [c for c in found if not c.is_hard]


def delete_session(session: Session, *, actor: User | None) -> None:
    """Only a draft session can be deleted; a published one is cancelled instead (calendars follow)."""
    if session.published_at is not None:
        raise ProgrammeError(_l("This session has been published: cancel it instead of deleting it."))
    audit.record("session.delete", actor=actor, forum=db.session.get(Forum, session.forum_id), target=session)
    db.session.delete(session)
    db.session.flush()


def sessions_of(forum: Forum, *, published_only: bool = False) -> list[Session]:
    query = (
        sa.select(Session)
        .where(Session.forum_id == forum.id)
        .options(joinedload(Session.room), selectinload(Session.speakers), joinedload(Session.moderator))
        .order_by(Session.starts_at, Session.id)
    )
    if published_only:
        query = query.where(Session.published_at.is_not(None))
    return list(db.session.scalars(query).unique())


@dataclass
class GridCell:
    """One cell of the timetable editor: a session spanning rows, a free slot, or covered by a span."""

    kind: str  # "session" | "free" | "covered"
    starts_at: datetime
    room: Room
    session: Session | None = None
    rows: int = 1


@dataclass
class Grid:
    day: date
    rooms: list[Room]
    times: list[datetime]
    rows: list[list[GridCell]]
    unplaced: list[Session] = field(default_factory=list)


SLOT = timedelta(minutes=15)


def timetable(forum: Forum, day: date) -> Grid:
    """The editor's grid of one day: rooms × 15-minute slots, sessions spanning their duration."""
    rooms = rooms_of(forum)
    start_of_day, end_of_day = forum.local_day_bounds(day)
    sessions = [s for s in sessions_of(forum) if start_of_day <= s.starts_at < end_of_day]
    local = [s.starts_at.astimezone(forum.zone) for s in sessions]
    first_hour = min([8] + [t.hour for t in local])
    last_end = max([19 * 60] + [_minutes(s.ends_at, forum, day) for s in sessions])
    opens = datetime.combine(day, time(first_hour), tzinfo=forum.zone)
    count = -(-(last_end - first_hour * 60) // 15)
    times = [opens + SLOT * n for n in range(count)]
    placed: dict[tuple[int, int], Session] = {}
    unplaced: list[Session] = []
    column = {room.id: n for n, room in enumerate(rooms)}
    for s in sessions:
        if s.room_id not in column or s.is_cancelled:
            unplaced.append(s)
            continue
        row = max(0, int((s.starts_at - opens) / SLOT))
        if (row, column[s.room_id]) in placed:
            unplaced.append(s)
        else:
            placed[(row, column[s.room_id])] = s
    rows: list[list[GridCell]] = []
    covered: set[tuple[int, int]] = set()
    for r, at in enumerate(times):
        cells = []
        for c, room in enumerate(rooms):
            if (r, c) in covered:
                cells.append(GridCell("covered", at, room))
                continue
            session = placed.get((r, c))
            if session is None:
                cells.append(GridCell("free", at, room))
                continue
            span = max(1, min(len(times) - r, -(-(session.ends_at - max(session.starts_at, at)) // SLOT)))
            covered.update((r + n, c) for n in range(1, span))
            cells.append(GridCell("session", at, room, session, span))
        rows.append(cells)
    return Grid(day, rooms, times, rows, unplaced)


def _minutes(value: datetime, forum: Forum, day: date) -> int:
    local = value.astimezone(forum.zone)
    return 24 * 60 if local.date() > day else local.hour * 60 + local.minute


# --- publication -------------------------------------------------------------------------------------


def _public_state(session: Session, rooms: dict[int, Room]) -> dict[str, Any]:
    room = rooms.get(session.room_id) if session.room_id else None
    return {
        "title": dict(session.title),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room_id": session.room_id,
        "room": dict(room.name) if room else {},
        "is_cancelled": session.is_cancelled,
        "speaker_ids": sorted(s.id for s in session.speakers),
        "description": dict(session.description),
    }


def latest_version(forum: Forum) -> ProgrammeVersion | None:
    return db.session.scalar(
        sa.select(ProgrammeVersion)
        .where(ProgrammeVersion.forum_id == forum.id)
        .order_by(ProgrammeVersion.number.desc())
        .limit(1)
    )


def versions_of(forum: Forum) -> list[ProgrammeVersion]:
    return list(
        db.session.scalars(
            sa.select(ProgrammeVersion)
            .where(ProgrammeVersion.forum_id == forum.id)
            .order_by(ProgrammeVersion.number.desc())
        )
    )


def pending_changes(forum: Forum) -> list[dict[str, Any]]:
    """What publishing now would release, compared with the last published version."""
    previous = latest_version(forum)
    before = previous.snapshot if previous else {}
    changes: list[dict[str, Any]] = []
    sessions = sessions_of(forum)
    rooms = {room.id: room for room in rooms_of(forum)}
    for session in sessions:
        now_state = _public_state(session, rooms)
        old = before.get(str(session.id))
        entry = {"session_id": session.id, "title": now_state["title"], "before": old, "after": now_state}
        if old is None:
            if not session.is_cancelled:
                changes.append({**entry, "kind": "added"})
        elif old["is_cancelled"] != session.is_cancelled:
            changes.append({**entry, "kind": "cancelled" if session.is_cancelled else "reinstated"})
        elif (old["starts_at"], old["ends_at"], old["room_id"]) != (
            now_state["starts_at"],
            now_state["ends_at"],
            now_state["room_id"],
        ):
            changes.append({**entry, "kind": "moved"})
        elif old != now_state:
            changes.append({**entry, "kind": "updated"})
    current = {str(s.id) for s in sessions}
    for session_id, old in before.items():
        if session_id not in current:
            changes.append(
                {"session_id": int(session_id), "title": old["title"], "before": old, "after": None, "kind": "removed"}
            )
    return changes


def publish(forum: Forum, *, actor: User | None, now: datetime | None = None) -> ProgrammeVersion:
    """Release the draft as the next numbered version: new sessions become public, and the changelog of
    what moved since the previous version is recorded for the organisers and the notifications."""
    now = now or utcnow()
    changes = pending_changes(forum)
    previous = latest_version(forum)
    if previous is not None and not changes:
        raise ProgrammeError(_l("Nothing has changed since version %(number)s.", number=previous.number))
    sessions = {s.id: s for s in sessions_of(forum)}
    rooms = {room.id: room for room in rooms_of(forum)}
    for change in changes:
        session = sessions.get(change["session_id"])
        if session is None:
            continue
        if session.published_at is None:
            session.published_at = now
    version = ProgrammeVersion(
        forum_id=forum.id,
        number=(previous.number + 1) if previous else 1,
        published_at=now,
        published_by_id=getattr(actor, "id", None),
        changes=changes,
        snapshot={str(s.id): _public_state(s, rooms) for s in sessions.values() if s.published_at is not None},
    )
    db.session.add(version)
    try:
        db.session.flush()
    except IntegrityError as error:
        raise ProgrammeError(_l("Someone else published at the same moment; please try again.")) from error
    audit.record("programme.publish", actor=actor, forum=forum, target=version, number=version.number)
    return version


@dataclass
class Notice:
    """The message one person will receive about a version: the sessions of theirs that changed."""

    registration: Registration
    changes: list[dict[str, Any]]
    as_speaker: bool = False


NOTIFIED_KINDS = ("moved", "cancelled", "reinstated")


def notices_for(version: ProgrammeVersion) -> list[Notice]:
    """Signed-up participants and speakers (with a registration) of the sessions that moved or were cancelled."""
    changes = {c["session_id"]: c for c in version.changes if c["kind"] in NOTIFIED_KINDS}
    if not changes:
        return []
    by_registration: dict[int, Notice] = {}
    signed = db.session.execute(
        sa.select(Signup.session_id, Registration)
        .join(Registration, Registration.id == Signup.registration_id)
        .where(Signup.session_id.in_(changes))
    ).all()
    speaking = db.session.execute(
        sa.select(session_speaker.c.session_id, Registration)
        .join(Speaker, Speaker.id == session_speaker.c.speaker_id)
        .join(Registration, Registration.id == Speaker.registration_id)
        .where(session_speaker.c.session_id.in_(changes))
    ).all()
    for rows, as_speaker in ((speaking, True), (signed, False)):
        for session_id, registration in rows:
            notice = by_registration.setdefault(registration.id, Notice(registration, [], as_speaker))
            if changes[session_id] not in notice.changes:
                notice.changes.append(changes[session_id])
    return sorted(by_registration.values(), key=lambda n: n.registration.display_name)


def send_notices(version: ProgrammeVersion, *, actor: User | None, now: datetime | None = None) -> int:
    """Send the reviewed notifications of a version (once); returns how many e-mails were queued."""
    if version.notified_at is not None:
        raise ProgrammeError(_l("These notifications have already been sent."))
    forum = db.session.get(Forum, version.forum_id)
    notices = notices_for(version)
    for notice in notices:
        registration = notice.registration
        mail.send(
            registration.email,
            _l("The programme of %(forum)s has changed"),
            "programme_changes",
            locale=registration.locale,
            forum=forum,
            notice=notice,
            agenda_url=mail.external_url("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        )
    version.notified_at = now or utcnow()
    audit.record("programme.notify", actor=actor, forum=forum, target=version, count=len(notices))
    db.session.flush()
    return len(notices)


# --- public programme and agendas --------------------------------------------------------------------


@dataclass
class Slot:
    """Sessions of a day that start at the same time, shown side by side."""

    starts_at: datetime
    sessions: list[Session]


@dataclass
class ProgrammeDay:
    day: date
    slots: list[Slot]


def public_programme(forum: Forum, *, theme: str | None = None, kind: str | None = None) -> list[ProgrammeDay]:
    """The published programme by day and starting time; a fixed number of queries whatever its size."""
    sessions = [
        s
        for s in sessions_of(forum, published_only=True)
        if (not theme or s.theme == theme) and (not kind or s.kind.value == kind)
    ]
    return by_day(forum, sessions)


def by_day(forum: Forum, sessions: list[Session]) -> list[ProgrammeDay]:
    """Sessions grouped by local day, then by starting time (parallel sessions together)."""
    days: dict[date, dict[datetime, list[Session]]] = defaultdict(lambda: defaultdict(list))
    for session in sessions:
        days[session.starts_at.astimezone(forum.zone).date()][session.starts_at].append(session)
    return [ProgrammeDay(day, [Slot(at, slot) for at, slot in sorted(days[day].items())]) for day in sorted(days)]


def programme_fingerprint(forum: Forum) -> tuple:
    """Changes whenever a published session (its times, texts, seats taken...) changes: one query."""
    return tuple(
        db.session.execute(
            sa.select(sa.func.max(Session.updated_at), sa.func.count(Session.id), sa.func.sum(Session.signed_up)).where(
                Session.forum_id == forum.id, Session.published_at.is_not(None)
            )
        ).one()
    )


def themes_of(forum: Forum) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(Session.theme)
            .where(Session.forum_id == forum.id, Session.theme.is_not(None), Session.published_at.is_not(None))
            .distinct()
            .order_by(Session.theme)
        )
    )


def published_session(forum: Forum, session_id: int) -> Session | None:
    return db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.forum_id == forum.id, Session.published_at.is_not(None))
        .options(joinedload(Session.room), selectinload(Session.speakers), joinedload(Session.moderator))
    )


@dataclass
class AgendaEntry:
    session: Session
    signup: Signup | None


def personal_agenda(registration: Registration, forum: Forum, *, with_speakers: bool = False) -> list[AgendaEntry]:
    """What the person attends: the published sessions open to all and the ones they signed up to
    (or wait for), with their sign-up, in one query (two with the speakers, for calendars)."""
    query = (
        sa.select(Session, Signup)
        .outerjoin(Signup, sa.and_(Signup.session_id == Session.id, Signup.registration_id == registration.id))
        .where(
            Session.forum_id == forum.id,
            Session.published_at.is_not(None),
            sa.or_(Signup.id.is_not(None), Session.is_signup_required.is_(False)),
        )
        .options(joinedload(Session.room))
        .order_by(Session.starts_at, Session.id)
    )
    if with_speakers:
        query = query.options(selectinload(Session.speakers))
    return [AgendaEntry(session, signup) for session, signup in db.session.execute(query).all()]


# --- workshop sign-up ---------------------------------------------------------------------------------


def _lock_session(session: Session) -> Session:
    return db.session.scalars(
        sa.select(Session).where(Session.id == session.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def sign_up(registration: Registration, session: Session, *, now: datetime | None = None) -> Signup:
    """A seat for a confirmed participant, or a place on the waiting list when the session is full.

    Never two overlapping sessions for one person; the session row is locked while seats are counted.
    """
    if registration.status != RegistrationStatus.confirmed:
        raise SignupError(_l("Only confirmed participants can sign up to workshops."))
    if session.forum_id != registration.forum_id or session.published_at is None:
        raise SignupError()
    # The person first (two tabs must not book two overlapping sessions), then the session.
    db.session.execute(sa.select(Registration.id).where(Registration.id == registration.id).with_for_update())
    session = _lock_session(session)
    if session.is_cancelled:
        raise SignupError(_l("This session has been cancelled."))
    if not session.is_signup_required:
        raise SignupError(_l("This session is open to all participants: no sign-up is needed."))
    if db.session.scalar(
        sa.select(Signup.id).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    ):
        raise SignupError(_l("You are already signed up to this session."))
    clash = db.session.scalar(
        sa.select(Session)
        .join(Signup, Signup.session_id == Session.id)
        .where(
            Signup.registration_id == registration.id,
            Session.is_cancelled.is_(False),
            Session.starts_at < session.ends_at,
            Session.ends_at > session.starts_at,
        )
        .limit(1)
    )
    if clash is not None:
        forum = db.session.get(Forum, session.forum_id)
        raise SignupError(
            _l("This session overlaps with “%(title)s” (%(when)s), which you have already chosen."),
            title=clash.name,
            when=f"{_when(clash.starts_at, forum)}–{_when(clash.ends_at, forum)[-5:]}",
        )
    seats = session.seats
    status = SignupStatus.confirmed if seats is None or session.signed_up < seats else SignupStatus.waitlisted
    signup = Signup(session_id=session.id, registration_id=registration.id, status=status, created_at=now or utcnow())
    db.session.add(signup)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError as error:
        raise SignupError(_l("You are already signed up to this session.")) from error
    if status == SignupStatus.confirmed:
        session.signed_up += 1
        db.session.flush()
    return signup


def cancel_signup(registration: Registration, session: Session, *, now: datetime | None = None) -> list[Signup]:
    """Give the seat (or waiting-list place) back; the first people waiting are promoted and told."""
    session = _lock_session(session)
    signup = db.session.scalar(
        sa.select(Signup).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    )
    if signup is None:
        raise SignupError(_l("You are not signed up to this session."))
    if signup.status == SignupStatus.confirmed:
        session.signed_up -= 1
    db.session.delete(signup)
    db.session.flush()
    return _promote(session, now=now)


def _promote(session: Session, *, now: datetime | None = None) -> list[Signup]:
    """Fill free seats from the waiting list, first come first served, and tell the people promoted."""
    session = _lock_session(session)
    seats = session.seats
    free = None if seats is None else seats - session.signed_up
    if free is not None and free <= 0:
        return []
    query = (
        sa.select(Signup)
        .where(Signup.session_id == session.id, Signup.status == SignupStatus.waitlisted)
        .order_by(Signup.created_at, Signup.id)
        .options(joinedload(Signup.registration))
    )
    if free is not None:
        query = query.limit(free)
    promoted = list(db.session.scalars(query))
    forum = db.session.get(Forum, session.forum_id) if promoted else None
    session.signed_up += len(promoted)
    for signup in promoted:
        signup.status = SignupStatus.confirmed
        registration = signup.registration
        mail.send(
            registration.email,
            _l("You have a seat in “%(title)s”"),
            "programme_promoted",
            locale=registration.locale,
            forum=forum,
            registration=registration,
            session=session,
            title=translated(session.title, registration.locale),
            agenda_url=mail.external_url("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        )
    db.session.flush()
    return promoted


#: the sessions of one person on one local day: when, title and room (columns, no objects loaded; the
#: check-in desk asks this on every welcome)
_AGENDA = (
    sa.select(Session.starts_at, Session.ends_at, Session.title, Room.name.label("room"))
    .join(Signup, Signup.session_id == Session.id)
    .outerjoin(Room, Room.id == Session.room_id)
    .where(
        Signup.registration_id == sa.bindparam("registration_id"),
        Signup.status == SignupStatus.confirmed,
        Session.is_cancelled.is_(False),
        Session.starts_at >= sa.bindparam("start", type_=UTCDateTime),
        Session.starts_at < sa.bindparam("end", type_=UTCDateTime),
    )
    .order_by(Session.starts_at)
)


def agenda_of_day(registration: Registration, day: date) -> list[sa.Row]:
    """The sessions a person holds a confirmed seat in on a local day of their forum: rows of
    (starts_at, ends_at, title, room), room being the room's names or None. `registration` may be
    a record of one with its id and forum_id (the check-in desk reads no Registration object)."""
    start, end = db.session.get(Forum, registration.forum_id).local_day_bounds(day)
    params = {"registration_id": registration.id, "start": start, "end": end}
    return list(db.session.connection().execute(_AGENDA, params))
