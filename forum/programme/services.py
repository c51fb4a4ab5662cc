"""The programme's rules: rooms, speakers, sessions without clashes, publication, workshop sign-up."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
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
from forum.events.models import Forum, day_bounds
from forum.extensions import db
from forum.programme.models import (
    ProgrammeVersion,
    Room,
    Session,
    SessionDraft,
    SessionKind,
    Signup,
    SignupStatus,
    Speaker,
    session_speaker,
)
from forum.registration.models import Category, Registration, RegistrationStatus


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


def speaker_registrations(forum: Forum, speaker: Speaker | None = None) -> list[Registration]:
    """The registrations a speaker may be linked to (for their badge and check-in): those of the forum
    in the Speaker category that are still current, and the one the speaker already has."""
    current = sa.and_(
        Registration.category == Category.speaker,
        Registration.status.not_in((RegistrationStatus.cancelled, RegistrationStatus.rejected)),
    )
    if speaker is not None and speaker.registration_id is not None:
        current = sa.or_(current, Registration.id == speaker.registration_id)
    query = sa.select(Registration).where(Registration.forum_id == forum.id, current)
    return sorted(db.session.scalars(query), key=lambda r: r.display_name.casefold())


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


# --- sessions, their drafts and their conflicts -------------------------------------------------------


#: what calendars show of a session: a publication that changes one of them raises its iCalendar SEQUENCE
CALENDAR_FIELDS = ("title", "description", "room_id", "starts_at", "ends_at", "is_cancelled", "speaker_ids")

#: what the public sees of a session: edits to a published one wait in its draft for the next publication
PUBLIC_FIELDS = (
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
    "is_cancelled",
    "speaker_ids",
)

#: what `save_session` accepts besides `speaker_ids`; the rapporteur is not public and changes at once
SESSION_FIELDS = tuple(name for name in PUBLIC_FIELDS if name != "speaker_ids") + ("rapporteur_id",)

#: the values of a session not saved yet
_EMPTY = {
    "kind": SessionKind.workshop,
    "title": {},
    "description": {},
    "is_signup_required": False,
    "is_cancelled": False,
}


@dataclass
class DraftSession:
    """A session as the organisers' draft has it: its published state with the unpublished edits over
    it (a session never published is its own draft). The timetable, the edit form, the conflict checks
    and the next publication read this; the public side reads the Session row."""

    session: Session
    kind: SessionKind
    title: dict[str, str]
    description: dict[str, str]
    theme: str | None
    room_id: int | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    is_signup_required: bool
    moderator_id: int | None
    is_cancelled: bool
    speaker_ids: list[int]
    rapporteur_id: int | None

    @property
    def id(self) -> int | None:
        return self.session.id

    @property
    def published_at(self) -> datetime | None:
        return self.session.published_at

    @property
    def has_unpublished_changes(self) -> bool:
        return self.session.published_at is not None and self.session.draft is not None

    @property
    def name(self) -> str:
        return translated(self.title)

    def overlaps(self, other: DraftSession) -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at


def _published_values(session: Session) -> dict[str, Any]:
    values = {name: getattr(session, name) for name in SESSION_FIELDS}
    values["speaker_ids"] = [speaker.id for speaker in session.speakers]
    values.update({name: empty for name, empty in _EMPTY.items() if values[name] is None})
    return values


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value.value if isinstance(value, SessionKind) else value


def _decode(name: str, value: Any) -> Any:
    if name in ("starts_at", "ends_at"):
        return datetime.fromisoformat(value)
    return SessionKind(value) if name == "kind" else value


def draft_of(session: Session, *, published: bool = False) -> DraftSession:
    """The session as organisers edit it (or, with `published`, as the public sees it)."""
    values = _published_values(session)
    if not published and session.published_at is not None and session.draft is not None:
        values.update({name: _decode(name, value) for name, value in session.draft.changes.items()})
    return DraftSession(session, **values)


def conflicts_of(forum: Forum, session: DraftSession) -> list[Conflict]:
    """Everything wrong with the session's place in the draft programme: room taken, people in two
    places, outside the forum's days (hard); a room smaller than the session's capacity (soft)."""
    found: list[Conflict] = []
    zone = forum.zone
    if session.ends_at <= session.starts_at:
        return [Conflict(str(_l("A session must end after it starts.")))]
    first, last = session.starts_at.astimezone(zone).date(), (session.ends_at - timedelta(seconds=1)).astimezone(zone)
    if first < forum.starts_on or last.date() > forum.ends_on:
        found.append(Conflict(str(_l("The session is outside the forum's days."))))
    if session.is_cancelled:
        return found
    # Against the other sessions as they will be published (drafts included): a forum has tens of them.
    overlapping = [
        other
        for other in map(draft_of, sessions_of(forum, with_drafts=True))
        if other.id != session.id and not other.is_cancelled and other.overlaps(session)
    ]
    people = set(session.speaker_ids) | ({session.moderator_id} if session.moderator_id else set())
    names = {s.id: s.display_name for s in db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(people)))}
    for other in overlapping:
        when = f"{_when(other.starts_at, forum)}–{_when(other.ends_at, forum)[-5:]}"
        if session.room_id is not None and other.room_id == session.room_id:
            found.append(
                Conflict(
                    str(_l("The room is already taken by “%(title)s” (%(when)s)."))
                    % {"title": other.name, "when": when}
                )
            )
        busy = people & (set(other.speaker_ids) | ({other.moderator_id} if other.moderator_id else set()))
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


def save_session(
    forum: Forum, session: Session | None, data: dict[str, Any], *, actor: User | None
) -> tuple[Session, list[Conflict]]:
    """Create (session None) or update a session; refuses hard conflicts, returns the soft ones.

    A session never published changes at once. Edits to a published session wait in its draft, out of
    the public programme, the feeds and the sign-up rules, until `publish` applies them (only its
    rapporteur, who is not shown to the public, changes at once).
    `data` holds SESSION_FIELDS (any subset when updating) and optionally `speaker_ids`.
    """
    creating = session is None
    _lock_programme(forum)
    if session is None:
        session = Session(forum_id=forum.id, kind=SessionKind.workshop)
    else:
        db.session.refresh(session)  # as the lock holder before us left it (published, drafted)
    draft = draft_of(session)
    for key, value in data.items():
        if key not in SESSION_FIELDS and key != "speaker_ids":
            raise ValueError(f"not a session field: {key}")
        setattr(draft, key, value)
    speakers = list(
        db.session.scalars(
            sa.select(Speaker)
            .where(Speaker.id.in_(draft.speaker_ids), Speaker.forum_id == forum.id)
            .order_by(Speaker.id)
        )
    )
    draft.speaker_ids = [speaker.id for speaker in speakers]
    for owned_id, model in ((draft.room_id, Room), (draft.moderator_id, Speaker)):
        if owned_id is not None:
            owned = db.session.get(model, owned_id)
            if owned is None or owned.forum_id != forum.id:
                raise ProgrammeError()
    found = conflicts_of(forum, draft)
    hard = [c for c in found if c.is_hard]
    if hard:
        raise ScheduleConflict(hard)
    if session.published_at is None:
        for name in SESSION_FIELDS:
            setattr(session, name, getattr(draft, name))
        session.speakers = speakers
        if creating:
            db.session.add(session)
    else:
        session.rapporteur_id = draft.rapporteur_id
        _keep_draft(session, draft)
    db.session.flush()
    audit.record("session.create" if creating else "session.update", actor=actor, forum=forum, target=session)
    return session, [c for c in found if not c.is_hard]


def _lock_programme(forum: Forum) -> None:
    """Serialise the forum's timetable writes (edits, publication): a room checked free stays free until
    the commit, and two organisers saving one session's draft, or saving while a colleague publishes,
    queue instead of failing (SQLite's writers already queue)."""
    db.session.execute(sa.select(Forum.id).where(Forum.id == forum.id).with_for_update())


def _keep_draft(session: Session, draft: DraftSession) -> None:
    """Store what differs from the published state (no draft when the edits undo each other)."""
    published = _published_values(session)
    changes = {name: _encode(getattr(draft, name)) for name in PUBLIC_FIELDS if getattr(draft, name) != published[name]}
    if not changes:
        session.draft = None
    elif session.draft is None:
        session.draft = SessionDraft(changes=changes)
    else:
        session.draft.changes = changes


def _apply_draft(session: Session) -> bool:
    """Publish a session's draft onto it; True when calendars must see a new SEQUENCE."""
    before, after = _published_values(session), draft_of(session)
    for name in SESSION_FIELDS:
        setattr(session, name, getattr(after, name))
    if after.speaker_ids != before["speaker_ids"]:
        session.speakers = list(
            db.session.scalars(sa.select(Speaker).where(Speaker.id.in_(after.speaker_ids)).order_by(Speaker.id))
        )
    session.draft = None
    return any(getattr(after, name) != before[name] for name in CALENDAR_FIELDS)


def delete_session(session: Session, *, actor: User | None) -> None:
    """Only a draft session can be deleted; a published one is cancelled instead (calendars follow)."""
    if session.published_at is not None:
        raise ProgrammeError(_l("This session has been published: cancel it instead of deleting it."))
    audit.record("session.delete", actor=actor, forum=db.session.get(Forum, session.forum_id), target=session)
    db.session.delete(session)
    db.session.flush()


def sessions_of(forum: Forum, *, published_only: bool = False, with_drafts: bool = False) -> list[Session]:
    """The forum's sessions as published (`published_only`: only those the public sees); `with_drafts`
    loads their unpublished edits too, for draft_of."""
    query = (
        sa.select(Session)
        .where(Session.forum_id == forum.id)
        .options(joinedload(Session.room), selectinload(Session.speakers), joinedload(Session.moderator))
        .order_by(Session.starts_at, Session.id)
    )
    if published_only:
        query = query.where(Session.published_at.is_not(None))
    if with_drafts:
        query = query.options(selectinload(Session.draft))
    return list(db.session.scalars(query).unique())


@dataclass
class GridCell:
    """One cell of the timetable editor: a session spanning rows, a free slot, or covered by a span."""

    kind: str  # "session" | "free" | "covered"
    starts_at: datetime
    room: Room
    session: DraftSession | None = None
    rows: int = 1


@dataclass
class Grid:
    day: date
    rooms: list[Room]
    times: list[datetime]
    rows: list[list[GridCell]]
    unplaced: list[DraftSession] = field(default_factory=list)


SLOT = timedelta(minutes=15)


def timetable(forum: Forum, day: date) -> Grid:
    """The editor's grid of one day, as the draft has it: rooms × 15-minute slots, sessions spanning
    their duration."""
    rooms = rooms_of(forum)
    start_of_day, end_of_day = forum.local_day_bounds(day)
    drafts = map(draft_of, sessions_of(forum, with_drafts=True))
    sessions = [s for s in drafts if start_of_day <= s.starts_at < end_of_day]
    local = [s.starts_at.astimezone(forum.zone) for s in sessions]
    first_hour = min([8] + [t.hour for t in local])
    last_end = max([19 * 60] + [_minutes(s.ends_at, forum, day) for s in sessions])
    opens = datetime.combine(day, time(first_hour), tzinfo=forum.zone)
    count = -(-(last_end - first_hour * 60) // 15)
    times = [opens + SLOT * n for n in range(count)]
    placed: dict[tuple[int, int], DraftSession] = {}
    unplaced: list[DraftSession] = []
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


def _public_state(session: DraftSession, rooms: dict[int, Room]) -> dict[str, Any]:
    room = rooms.get(session.room_id) if session.room_id else None
    return {
        "title": dict(session.title),
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "room_id": session.room_id,
        "room": dict(room.name) if room else {},
        "is_cancelled": session.is_cancelled,
        "speaker_ids": sorted(session.speaker_ids),
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


def pending_changes(forum: Forum, sessions: list[Session] | None = None) -> list[dict[str, Any]]:
    """What publishing now would release: new sessions, and the published ones with a draft."""
    previous = latest_version(forum)
    before = previous.snapshot if previous else {}
    changes: list[dict[str, Any]] = []
    if sessions is None:
        sessions = sessions_of(forum, with_drafts=True)
    rooms = {room.id: room for room in rooms_of(forum)}
    for session in sessions:
        draft = draft_of(session)
        after = _public_state(draft, rooms)
        entry = {"session_id": session.id, "title": after["title"], "after": after}
        if session.published_at is None or str(session.id) not in before:
            if not draft.is_cancelled:
                changes.append({**entry, "before": None, "kind": "added"})
            continue
        if session.draft is None:
            continue
        published = draft_of(session, published=True)
        old = _public_state(published, rooms)
        if published.is_cancelled != draft.is_cancelled:
            kind = "cancelled" if draft.is_cancelled else "reinstated"
        elif any(old[key] != after[key] for key in ("starts_at", "ends_at", "room_id")):
            kind = "moved"
        else:
            kind = "updated"
        changes.append({**entry, "before": old, "kind": kind})
    current = {str(s.id) for s in sessions}
    for session_id, old in before.items():
        if session_id not in current:
            changes.append(
                {"session_id": int(session_id), "title": old["title"], "before": old, "after": None, "kind": "removed"}
            )
    return changes


def publish(forum: Forum, *, actor: User | None, now: datetime | None = None) -> ProgrammeVersion:
    """Release the draft as the next numbered version: new sessions become public, the published ones
    take their drafted edits (SEQUENCE raised once for what calendars show), the waiting lists fill any
    new seats, and the changelog of what moved since the previous version is recorded for the organisers
    and the notifications."""
    now = now or utcnow()
    _lock_programme(forum)
    sessions = sessions_of(forum, with_drafts=True)
    changes = pending_changes(forum, sessions)
    previous = latest_version(forum)
    if previous is not None and not changes:
        raise ProgrammeError(_l("Nothing has changed since version %(number)s.", number=previous.number))
    added = {change["session_id"] for change in changes if change["kind"] == "added"}
    edited: list[Session] = []
    for session in sessions:
        if session.published_at is None:
            if session.id in added:
                session.published_at = now
        elif session.draft is not None:
            if _apply_draft(session):
                session.sequence += 1
            edited.append(session)
    db.session.flush()
    for session in edited:
        _promote(session, now=now)
    rooms = {room.id: room for room in rooms_of(forum)}
    version = ProgrammeVersion(
        forum_id=forum.id,
        number=(previous.number + 1) if previous else 1,
        published_at=now,
        published_by_id=getattr(actor, "id", None),
        changes=changes,
        snapshot={str(s.id): _public_state(draft_of(s), rooms) for s in sessions if s.published_at is not None},
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


def _programme_state() -> list[sa.ScalarSelect]:
    """The published programme's state as scalar subqueries of the forum `:forum_id`: the last change to
    a published session, their number and the seats taken. Any change the public sees changes one."""
    published = (Session.forum_id == sa.bindparam("forum_id"), Session.published_at.is_not(None))
    return [
        sa.select(aggregate).where(*published).scalar_subquery()
        for aggregate in (sa.func.max(Session.updated_at), sa.func.count(Session.id), sa.func.sum(Session.signed_up))
    ]


@cache
def _fingerprint_query() -> sa.Select:
    # Built once: pages read it on every request, and building a statement costs more than running it.
    return sa.select(*_programme_state())


def programme_fingerprint(forum: Forum) -> tuple:
    """Changes whenever a published session (its times, texts, seats taken...) changes: one query."""
    return tuple(db.session.execute(_fingerprint_query(), {"forum_id": forum.id}).one())


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


@dataclass
class Agenda:
    entries: list[AgendaEntry]
    #: programme_fingerprint(forum), read in the same query
    fingerprint: tuple


@cache
def _agenda_query(with_speakers: bool) -> sa.Select:
    # Built once (with bound parameters) for the same reason as _fingerprint_query.
    query = (
        sa.select(Session, Signup, *_programme_state())
        .outerjoin(
            Signup, sa.and_(Signup.session_id == Session.id, Signup.registration_id == sa.bindparam("registration_id"))
        )
        .where(
            Session.forum_id == sa.bindparam("forum_id"),
            Session.published_at.is_not(None),
            sa.or_(Signup.id.is_not(None), Session.is_signup_required.is_(False)),
        )
        .options(joinedload(Session.room))
        .order_by(Session.starts_at, Session.id)
    )
    # Joined, not "select in": one round trip matters more here than a few repeated columns.
    return query.options(joinedload(Session.speakers)) if with_speakers else query


def personal_agenda(registration: Registration, forum: Forum, *, with_speakers: bool = False) -> Agenda:
    """What the person attends: the published sessions open to all and the ones they signed up to
    (or wait for), with their sign-up and the programme's fingerprint, in one query (with the
    speakers, for calendars)."""
    rows = (
        db.session.execute(_agenda_query(with_speakers), {"forum_id": forum.id, "registration_id": registration.id})
        .unique()
        .all()
    )
    fingerprint = tuple(rows[0][2:]) if rows else programme_fingerprint(forum)
    return Agenda([AgendaEntry(row[0], row[1]) for row in rows], fingerprint)


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
    a record of one with its id and forum_id (the check-in desk reads no Registration object), and
    then also the forum's `forum_zone` (nor does it load the Forum)."""
    zone = getattr(registration, "forum_zone", None) or db.session.get(Forum, registration.forum_id).zone
    start, end = day_bounds(day, zone)
    params = {"registration_id": registration.id, "start": start, "end": end}
    return list(db.session.connection().execute(_AGENDA, params))
