"""Scans a desk made offline, brought back: each applied with its original time and nonce, through
the same scan as an online one (scan.scan_at_desk), so the server decides (two desks that admitted the
same person offline: one admission, the other a duplicate; a badge revoked or a registration cancelled
meanwhile: refused) and a batch sent again after a cut changes nothing (the nonce replays the first
answer). A scan whose answer differs from the one the desk gave offline is a conflict: kept on its
trail row (`offline_reason`), shown on the desks of the list and on the organiser's scan trail.
bench/bench_offline.py syncs 1,000 queued scans (budget 5 s on PostgreSQL, exactly once)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from forum.badges.services import MalformedCode, readable_code_text
from forum.checkin import scan
from forum.checkin.models import CheckIn, CheckInList, Desk
from forum.checkin.scan_input import MAX_NONCE_LENGTH
from forum.checkin.services._common import CheckInError
from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import local_time
from forum.inputs import MAX_ID
from forum.registration.models import Registration

#: most scans in one upload (a desk sends its queue in batches of this size)
BATCH = 500
#: how far back an offline scan may date (a laptop asleep over a night of the forum)
OLDEST = timedelta(days=3)
#: how far ahead of the server's clock a desk's clock may be
AHEAD = timedelta(minutes=10)
#: the offline answers a desk may report
OFFLINE_OUTCOMES = {"ok", "duplicate", "refused", "exit"}


class BadSync(CheckInError):
    """An upload the server cannot read; `message` says what is wrong, `index` which scan."""

    def __init__(self, message: Any, index: int | None = None) -> None:
        super().__init__(message)
        self.message, self.index = message, index


@dataclass(frozen=True)
class QueuedScan:
    """One scan of an upload, as the desk queued it."""

    nonce: str
    at: datetime
    code: str | None
    registration_id: int | None
    exit: bool
    offline_outcome: str
    offline_reason: str


def _text(value: Any, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit and value.isprintable() else None


def _code(value: Any) -> str | None:
    """The scanned text if it can be a badge code at all (the badge reader's own first check)."""
    try:
        return readable_code_text(value) or None
    except MalformedCode:
        return None


def _one(item: Any, index: int, now: datetime) -> QueuedScan:
    """A queued scan read from the upload, or BadSync saying what is wrong with it."""
    if not isinstance(item, dict):
        raise BadSync(_l("Each scan must be an object."), index)
    nonce, code = _text(item.get("nonce"), MAX_NONCE_LENGTH), item.get("code")
    if nonce is None:
        raise BadSync(_l("Each scan needs its nonce (1 to 48 characters)."), index)
    rid = item.get("registration_id")
    bad_code = code is not None and _code(code) is None
    bad_id = rid is not None and (type(rid) is not int or not 0 < rid <= MAX_ID)
    if bad_code or bad_id or (code is None) == (rid is None):
        raise BadSync(_l("A scan holds a badge code or a registration number."), index)
    try:
        at = datetime.fromisoformat(item.get("at") if isinstance(item.get("at"), str) else "")
    except ValueError:
        at = None
    if at is None or at.tzinfo is None or not now - OLDEST <= at <= now + AHEAD:
        raise BadSync(_l("Each scan needs the time it was made, with its timezone, in the last three days."), index)
    offline = item.get("offline") if isinstance(item.get("offline"), dict) else {}
    outcome = offline.get("outcome") if offline.get("outcome") in OFFLINE_OUTCOMES else "refused"
    reason = _text(offline.get("reason"), 30) or "unknown"
    return QueuedScan(nonce, at, code, rid, item.get("exit") is True, outcome, reason)


def read_upload(body: Any, *, now: datetime | None = None) -> tuple[int, list[QueuedScan]]:
    """The list id and the scans of an upload ({"list": id, "scans": [...]}), or BadSync."""
    now = now or utcnow()
    if not isinstance(body, dict):
        raise BadSync(_l("The upload must be a JSON object."))
    list_id, scans = body.get("list"), body.get("scans")
    if type(list_id) is not int or not 0 < list_id <= MAX_ID:
        raise BadSync(_l("The upload must name its list."))
    if not isinstance(scans, list) or not 0 < len(scans) <= BATCH:
        raise BadSync(_l("An upload holds 1 to %(num)d scans.", num=BATCH))
    read = [_one(item, n, now) for n, item in enumerate(scans)]
    if len({s.nonce for s in read}) != len(read):
        raise BadSync(_l("Two scans of the upload have the same nonce."))
    return list_id, read


#: what the desk answered offline, kept on the scans' trail rows: one statement per distinct answer of
#: an upload (most are "ok:ok"), not one per scan; a row already marked (an upload sent again) is kept
_MARK = (
    sa.update(CheckIn)
    .where(
        CheckIn.forum_id == sa.bindparam("f"),
        CheckIn.nonce.in_(sa.bindparam("nonces", expanding=True)),
        CheckIn.offline_reason.is_(None),
    )
    .values(offline_reason=sa.bindparam("r"))
)


def apply_upload(
    forum: Forum, desk: Desk, checkin_list: CheckInList, scans: list[QueuedScan], *, agent: Any
) -> list[dict[str, Any]]:
    """Apply an upload's scans in the order they were made; each one's answer, with `conflict` where the
    server decided otherwise than the desk did offline."""
    results, answered = [], defaultdict(list)
    people = _people(forum, [s.registration_id for s in scans if s.registration_id is not None])
    for queued in sorted(scans, key=lambda s: s.at):
        registration = people.get(queued.registration_id) if queued.registration_id is not None else None
        if queued.registration_id is not None and registration is None:
            results.append({"nonce": queued.nonce, "outcome": "refused", "reason": "unknown", "conflict": True})
            continue
        answer = scan.scan_at_desk(
            forum,
            checkin_list,
            code=queued.code,
            registration=registration,
            desk=desk,
            agent=agent,
            nonce=queued.nonce,
            exit=queued.exit,
            now=queued.at,
        ).as_dict()
        answered[f"{queued.offline_outcome}:{queued.offline_reason}"[:30]].append(queued.nonce)
        results.append({"nonce": queued.nonce, **answer, "conflict": answer["outcome"] != queued.offline_outcome})
    for offline_answer, nonces in answered.items():
        db.session.connection().execute(_MARK, {"f": forum.id, "nonces": nonces, "r": offline_answer})
    return results


def _people(forum: Forum, ids: list[int]) -> dict[int, Registration]:
    if not ids:
        return {}
    query = sa.select(Registration).where(Registration.forum_id == forum.id, Registration.id.in_(ids))
    return {r.id: r for r in db.session.scalars(query)}


def conflicts_of(checkin_list: CheckInList, *, limit: int = 50) -> list[dict[str, Any]]:
    """The list's latest offline scans the server decided otherwise (for its desks and the trail)."""
    rows = db.session.execute(
        sa.select(CheckIn, Desk.name)
        .outerjoin(Desk, Desk.id == CheckIn.desk_id)
        .where(CheckIn.list_id == checkin_list.id, CheckIn.offline_reason.is_not(None))
        .order_by(CheckIn.id.desc())
        .limit(limit * 4)
    ).all()
    out = []
    for row, desk_name in rows:
        offline_outcome = row.offline_reason.split(":", 1)[0]
        if offline_outcome == row.outcome.value:
            continue
        person = row.response.get("registration") or {}
        out.append(
            {
                "nonce": row.nonce,
                "at": local_time(row.at),
                "desk": desk_name or "",
                "name": " · ".join(filter(None, (person.get("name_ar"), person.get("name_latin")))),
                "offline": offline_outcome,
                "outcome": row.outcome.value,
                "message": row.response.get("message", ""),
            }
        )
    return out[:limit]


def is_conflict(checkin: CheckIn) -> bool:
    """Whether a synced scan's answer on the server differs from the one its desk gave offline."""
    return checkin.offline_reason is not None and checkin.offline_reason.split(":", 1)[0] != checkin.outcome.value
