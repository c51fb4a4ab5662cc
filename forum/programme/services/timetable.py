"""The organisers' timetable: a day's grid of rooms and 15-minute slots, as the draft has it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from forum.events.models import Forum
from forum.programme.models import Room, Session
from forum.programme.services.drafts import DraftSession, draft_of
from forum.programme.services.rooms import rooms_of
from forum.programme.services.sessions import sessions_of


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


def draft_day(forum: Forum, session: Session) -> date:
    """The forum's local day on which the session starts as the draft has it (its timetable page)."""
    return draft_of(session).starts_at.astimezone(forum.zone).date()
