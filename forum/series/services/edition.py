"""A new edition in minutes: a forum starts from an earlier one's settings, chosen item by item —
capacity and quotas, rooms, the programme's skeleton (sessions without speakers, moved to the new
dates, unpublished), the booth plan and its zones, the check-in lists' settings, the open desks (each
with a new token, shown once), the e-mail texts (reminder, certificate, drafts). Nothing personal is
copied: no registration, speaker, moderator, rapporteur, exhibitor, desk token or recommendation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum import audit, storage
from forum.checkin.models import CheckInList, Desk, ListKind
from forum.checkin.services.desks import create_desk
from forum.events.models import Forum
from forum.exhibition.models import Booth, Exhibition, Zone
from forum.extensions import db
from forum.messages.models import CertificateSettings, Message, MessageKind, MessageStatus, ReminderSettings
from forum.programme.models import Room, Session
from forum.recommendations.models import RecommendationSettings
from forum.registration.models import RegistrationSettings
from forum.series.services.targets import SeriesError

#: what may be copied, in the order it is copied (the programme needs the rooms, the lists the sessions)
ITEMS = {
    "quotas": _l("Capacity, approval, waiting list and quotas"),
    "rooms": _l("Rooms"),
    "programme": _l("Programme skeleton (sessions without speakers, moved to the new dates)"),
    "booths": _l("Booth plan and zones"),
    "lists": _l("Check-in lists and their settings"),
    "desks": _l("Open check-in desks (each with a new token, shown once)"),
    "texts": _l("E-mail texts: the reminder (copied switched off), the certificate, draft messages"),
}
#: columns never copied from a row: its identity, its forum, and what a person or a later step fills in
_NEVER = {"id", "forum_id", "created_at", "updated_at", "published_at", "sequence", "signed_up", "inside"}
_PERSONAL = {"moderator_id", "rapporteur_id"}


@dataclass
class CopyResult:
    counts: dict[str, int]
    #: sessions left out because their day falls outside the new forum's days
    skipped_sessions: int = 0
    #: draft messages left out because they are meant for sessions that were not copied
    skipped_drafts: int = 0
    #: each new desk's name and device token, to be shown once
    tokens: list[tuple[str, str]] = field(default_factory=list)


def _values(row: Any, **changes: Any) -> dict[str, Any]:
    columns = [c.key for c in sa.inspect(type(row)).column_attrs if c.key not in _NEVER | _PERSONAL]
    return {**{key: getattr(row, key) for key in columns}, **changes}


def _rows(model: type, forum: Forum) -> list[Any]:
    return list(db.session.scalars(sa.select(model).where(model.forum_id == forum.id).order_by(model.id)))


def _move(moment: datetime | None, source: Forum, target: Forum) -> datetime | None:
    """The same local time of day, as many days after the new forum's start as it was after the old one's."""
    if moment is None:
        return None
    local = moment.astimezone(source.zone).replace(tzinfo=None)
    shifted = local + timedelta(days=(target.starts_on - source.starts_on).days)
    return shifted.replace(tzinfo=target.zone).astimezone(moment.tzinfo)


def copy_edition(target: Forum, source: Forum, items: list[str], *, actor: Any) -> CopyResult:
    """Copy the chosen items of `source` into `target`. Refused for the same forum, for an unknown item,
    and for an item the new forum already has (its rooms, sessions, zones...), so nothing is doubled."""
    if source.id == target.id:
        raise SeriesError(_l("Choose another forum to copy from."))
    if not items or any(item not in ITEMS for item in items):
        raise SeriesError(_l("Choose what to copy."))
    if "programme" in items and "rooms" not in items and _rows(Room, source) and not _rows(Room, target):
        items = ["rooms", *items]  # sessions keep their rooms
    result = CopyResult(counts={})
    rooms: dict[int, int] = {}
    sessions: dict[int, int] = {}
    for item in ITEMS:
        if item in items:
            result.counts[item] = _COPIERS[item](target, source, rooms, sessions, result, actor)
    db.session.flush()
    audit.record(
        "series.copy_edition", actor=actor, forum=target, target=target, source=source.id, counts=result.counts
    )
    return result


def _refuse_if_any(model: type, target: Forum, what: Any) -> None:
    if db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.forum_id == target.id)):
        raise SeriesError(_l("The new forum already has %(what)s: nothing was copied.", what=what))


def _copy_quotas(target: Forum, source: Forum, _rooms: dict, _sessions: dict, _result: CopyResult, _actor: Any) -> int:
    target.capacity = source.capacity
    copied = 0
    for model in (RegistrationSettings, RecommendationSettings):
        row = db.session.scalar(sa.select(model).where(model.forum_id == source.id))
        if row is None:
            continue
        existing = db.session.scalar(sa.select(model).where(model.forum_id == target.id))
        values = _values(row)
        for name in ("input_opens_at", "input_closes_at"):
            if name in values:
                values[name] = _move(values[name], source, target)
        if existing is None:
            db.session.add(model(forum_id=target.id, **values))
        else:
            for key, value in values.items():
                setattr(existing, key, value)
        copied += 1
    return copied


def _copy_rooms(target: Forum, source: Forum, rooms: dict, _sessions: dict, _result: CopyResult, _actor: Any) -> int:
    _refuse_if_any(Room, target, _l("rooms"))
    for room in _rows(Room, source):
        copy = Room(forum_id=target.id, **_values(room))
        db.session.add(copy)
        db.session.flush()
        rooms[room.id] = copy.id
    return len(rooms)


def _copy_programme(target: Forum, source: Forum, rooms: dict, sessions: dict, result: CopyResult, _actor: Any) -> int:
    _refuse_if_any(Session, target, _l("sessions"))
    days = set(target.days)
    for session in _rows(Session, source):
        if session.is_cancelled:
            continue
        starts, ends = _move(session.starts_at, source, target), _move(session.ends_at, source, target)
        if starts.astimezone(target.zone).date() not in days:
            result.skipped_sessions += 1
            continue
        copy = Session(
            forum_id=target.id, **_values(session, starts_at=starts, ends_at=ends, room_id=rooms.get(session.room_id))
        )
        db.session.add(copy)
        db.session.flush()
        sessions[session.id] = copy.id
    return len(sessions)


def _copy_booths(target: Forum, source: Forum, _rooms: dict, _sessions: dict, _result: CopyResult, _actor: Any) -> int:
    _refuse_if_any(Zone, target, _l("a booth plan"))
    exhibition = db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == source.id))
    if (
        exhibition is not None
        and db.session.scalar(sa.select(Exhibition).where(Exhibition.forum_id == target.id)) is None
    ):
        closes = _move(exhibition.applications_close_at, source, target)
        db.session.add(Exhibition(forum_id=target.id, **_values(exhibition, applications_close_at=closes)))
    booths = 0
    for zone in _rows(Zone, source):
        copy = Zone(forum_id=target.id, **_values(zone))
        db.session.add(copy)
        db.session.flush()
        for booth in db.session.scalars(sa.select(Booth).where(Booth.zone_id == zone.id).order_by(Booth.id)):
            db.session.add(Booth(forum_id=target.id, **_values(booth, zone_id=copy.id)))
            booths += 1
    return booths


def _copy_lists(target: Forum, source: Forum, _rooms: dict, sessions: dict, _result: CopyResult, _actor: Any) -> int:
    _refuse_if_any(CheckInList, target, _l("check-in lists"))
    source_days, target_days = list(source.days), list(target.days)
    copied = 0
    for checkin_list in _rows(CheckInList, source):
        if checkin_list.kind == ListKind.entrance:
            index = source_days.index(checkin_list.day) if checkin_list.day in source_days else len(target_days)
            if index >= len(target_days):
                continue
            values = _values(checkin_list, day=target_days[index], session_id=None)
        elif checkin_list.session_id in sessions:
            session = db.session.get(Session, sessions[checkin_list.session_id])
            values = _values(checkin_list, day=session.starts_at.astimezone(target.zone).date(), session_id=session.id)
        else:
            continue
        db.session.add(CheckInList(forum_id=target.id, **values))
        copied += 1
    return copied


def _copy_file(key: str | None, folder: str) -> str | None:
    """A stored file saved again under the new forum's own key (None when there is none, or it is gone)."""
    try:
        return storage.save(folder, storage.read(key), ".png") if key else None
    except FileNotFoundError:
        return None


def _copy_desks(target: Forum, source: Forum, _rooms: dict, _sessions: dict, result: CopyResult, actor: Any) -> int:
    _refuse_if_any(Desk, target, _l("desks"))
    for desk in _rows(Desk, source):
        if desk.is_active:
            result.tokens.append((desk.name, create_desk(target, desk.name, actor=actor)[1]))
    return len(result.tokens)


def _copy_texts(target: Forum, source: Forum, _rooms: dict, sessions: dict, result: CopyResult, actor: Any) -> int:
    drafts = sa.select(Message).where(Message.kind == MessageKind.announcement, Message.status == MessageStatus.draft)
    has_draft = db.session.scalar(drafts.where(Message.forum_id == target.id).limit(1)) is not None
    if has_draft or any(db.session.get(model, target.id) for model in (ReminderSettings, CertificateSettings)):
        raise SeriesError(_l("The new forum already has %(what)s: nothing was copied.", what=_l("e-mail texts")))
    copied = 0
    reminder = db.session.get(ReminderSettings, source.id)
    if reminder is not None:
        db.session.add(ReminderSettings(forum_id=target.id, **_values(reminder, is_enabled=False)))
        copied += 1
    certificate = db.session.get(CertificateSettings, source.id)
    if certificate is not None:
        key = _copy_file(certificate.signature_key, f"certificates/{target.id}")
        db.session.add(CertificateSettings(forum_id=target.id, **_values(certificate, signature_key=key)))
        copied += 1
    for draft in db.session.scalars(drafts.where(Message.forum_id == source.id).order_by(Message.id)):
        segment = dict(draft.segment or {})
        if any(session_id not in sessions for session_id in segment.get("sessions", [])):
            result.skipped_drafts += 1
            continue
        segment["sessions"] = [sessions[session_id] for session_id in segment.get("sessions", [])]
        values = _values(draft, segment=segment, job_id=None, sent_at=None, created_by_id=getattr(actor, "id", None))
        db.session.add(Message(forum_id=target.id, **values))
        copied += 1
    return copied


_COPIERS = {
    "quotas": _copy_quotas,
    "rooms": _copy_rooms,
    "programme": _copy_programme,
    "booths": _copy_booths,
    "lists": _copy_lists,
    "desks": _copy_desks,
    "texts": _copy_texts,
}


def earlier_forums(target: Forum) -> list[Forum]:
    """The forums a new one may start from: every other forum of the series, the same region's first,
    the most recent first."""
    forums = db.session.scalars(sa.select(Forum).where(Forum.id != target.id).order_by(Forum.starts_on.desc())).all()
    return sorted(forums, key=lambda f: f.region != target.region)
