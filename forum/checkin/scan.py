"""The scan, check-in's hot path: reading a badge at a desk (or a device), deciding, answering.

What it saves. Everything a scan decides on is read in one prebuilt statement (the list and its
settings and count, the session's sign-up rule and the person's seat, the desk and whether it is
open, the registration the code names and its organisation, the answer already given to the nonce,
the person's seats for the welcome's agenda; for a device also its forum, by the address's slug, so
no Forum is loaded before the view). The welcome is one more statement on PostgreSQL (welcome.py:
the admission, the count inside and the trail row), which a device's scan runs in autocommit, so the
list's row is locked only while that statement runs. All statements are built once at import and run
on the session's connection, without the ORM's execution layer; nothing of it is cached in a worker,
so a closed desk, a changed list setting or a cancelled registration applies from the very next scan.

How it was measured: bench/bench_checkin.py (10,000 confirmed registrations, distinct badges through
the devices' API, 4 workers): capacity with 8 devices scanning back to back, 3,000 scans (budget 200
scans/s on PostgreSQL, no error, exactly one check-in per badge), then latency at 50 scans a second
for 60 s, each measured from its scheduled time (budget p99 25 ms); see docs/architecture.md,
"Check-in". tests/checkin/test_scan_reference.py compares its decisions with the slow, obvious
version of the rules, and its text statements' SQL with the models' rules.

Two entry points: `scan_at_desk` for the desk page (the forum loaded, the desk by id) and, for the
devices' API, `read_with_token` (the reading statement, which finds the forum by its slug and the desk
by its token's hash; the view sets g.forum to the forum it read, for the answer's language and times)
then `scan_with_token` (the decision and the answer).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from forum.badges.services import BadgeCode, BadgeCodeError, check_badge_code, parse_badge_code
from forum.checkin.driver import DriverStatement
from forum.checkin.models import CheckIn, CheckInList, Desk, ListKind, Outcome
from forum.checkin.services import desk_is_open, ensure_lists, hash_token, record_exit
from forum.checkin.services._common import (
    CheckInError,
    DeskRefused,
    NoSuchList,
    inside_of,
    live_admission,
    move,
    one_transaction,
    rows_of,
    run,
    statements_alone,
)
from forum.checkin.services.trail import Admitted, Person, ScanContext, ScanResult, record
from forum.checkin.welcome import welcome
from forum.db import utcnow
from forum.events.models import Forum, ForumStatus
from forum.events.services import forum_or_404
from forum.extensions import db
from forum.programme.models import Session, Signup, SignupStatus
from forum.programme.services import with_seats
from forum.registration.models import Category, Organisation, Registration, RegistrationStatus


@dataclass(frozen=True)
class ForumOfScan:
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


_PERSON_COLUMNS = tuple(name for name in Person.__dataclass_fields__ if name != "organisation")


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
            ~CheckInList.is_rehearsal,
            sa.or_(
                CheckInList.day.between(
                    sa.bindparam("first_day", type_=sa.Date), sa.bindparam("last_day", type_=sa.Date)
                ),
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
    facts = (
        sa.select(
            CheckInList.id,
            CheckInList.kind,
            CheckInList.day,
            CheckInList.allows_reentry,
            CheckInList.records_exits,
            CheckInList.inside.label("inside"),
            CheckInList.is_rehearsal,
            Session.is_signup_required,
            signed_up.label("signed_up"),
            Desk.id.label("desk_id"),
            Desk.is_active.label("desk_is_open"),
            *(getattr(Registration, name).label(f"person_{name}") for name in _PERSON_COLUMNS),
            Organisation.name.label("person_organisation"),
            replay.label("replay"),
            *(getattr(Forum, name).label(f"forum_{name}") for name in ForumOfScan.__dataclass_fields__),
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
    # a row per seat the person holds, for the agenda a welcome shows
    return with_seats(facts, Registration.id)


#: built once: SQLAlchemy caches their compiled form, the scan only binds values
_AT_DESK = _facts_statement(device=False, default_list=False)
#: a device's: run on the driver's cursor in the devices' gate (driver.py), by SQLAlchemy elsewhere
_WITH_TOKEN = {
    default: DriverStatement(
        _facts_statement(device=True, default_list=default),
        enums={
            "kind": ListKind,
            "person_status": RegistrationStatus,
            "person_category": Category,
            "forum_status": ForumStatus,
        },
    )
    for default in (False, True)
}


@dataclass(frozen=True)
class _Badge:
    """What was scanned: a code (its parts, or why it cannot be read) or a registration found by
    name; and the request's nonce and time."""

    code: str | None
    registration: Registration | None
    parsed: BadgeCode | None
    refusal: str | None
    nonce: str | None
    now: datetime

    @classmethod
    def read(cls, code: str | None, registration: Registration | None, nonce: str | None, now: datetime | None):
        now = now or utcnow()
        nonce = (nonce or "").strip()[:64] or None
        if db.session.registry.has():  # (the devices' gate opens no session)
            db.session.flush()  # the statements below run on the connection, past the ORM's autoflush
        parsed, refusal = None, None
        if registration is None:
            try:
                parsed = parse_badge_code(code or "")
            except BadgeCodeError as error:
                refusal = error.reason
        return cls(code, registration, parsed, refusal, nonce, now)

    @property
    def registration_id(self) -> int | None:
        return self.registration.id if self.registration else getattr(self.parsed, "registration_id", None)


def scan_at_desk(
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
    badge = _Badge.read(code, registration, nonce, now)
    desk_id = getattr(desk, "id", None)
    params = {"forum_id": forum.id, "desk_id": desk_id, "list_id": checkin_list.id}
    rows = run(_AT_DESK, {**params, "registration_id": badge.registration_id, "nonce": badge.nonce}).all()
    if not rows:
        raise NoSuchList()
    return _decide(forum, tuple(rows), badge, desk_id=desk_id, agent_id=getattr(agent, "id", None), exit=exit)


@dataclass(frozen=True)
class DeviceReading:
    """What a device's reading statement found: the forum (the record it read, or the Forum when it
    found nothing), the rows of the list's facts (one per seat the person holds; none when it found
    no list), and what was asked."""

    forum: Forum | ForumOfScan
    rows: tuple[sa.Row, ...]
    params: dict[str, Any]
    badge: _Badge


def read_with_token(
    forum_slug: str,
    token: str,
    *,
    list_id: int | None = None,
    code: str,
    nonce: str | None = None,
    now: datetime | None = None,
) -> DeviceReading:
    """A scanning device's reading statement: its forum by the slug (404 for an unknown or draft one,
    as for any page), its desk by the token, the list (today's entrance unless one is given) and the
    rest of the scan's facts. The caller sets g.forum to `.forum`, then calls scan_with_token.

    A device's scan changes data in one statement at most (a welcome, or a refusal's trail row), so on
    PostgreSQL its statements run in autocommit; a change of several statements (an exit, a re-entry,
    the day's lists) goes back to one transaction."""
    statements_alone()
    badge = _Badge.read(code, None, nonce, now)
    params: dict[str, Any] = {"slug": forum_slug, "token_hash": hash_token(token), "list_id": list_id}
    if list_id is None:
        utc_day = badge.now.astimezone(UTC).date()
        params.update(first_day=utc_day - timedelta(days=1), last_day=utc_day + timedelta(days=1))
    params.update(registration_id=badge.registration_id, nonce=badge.nonce)
    rows = _pick(rows_of(_WITH_TOKEN[list_id is None], params), list_id is None, badge.now)
    if not rows or rows[0].forum_status == ForumStatus.draft:
        # no such list (or desk, or forum), or a draft forum: as any page of the forum would
        return DeviceReading(forum_or_404(forum_slug), rows, params, badge)
    forum = ForumOfScan(**{name: getattr(rows[0], f"forum_{name}") for name in ForumOfScan.__dataclass_fields__})
    return DeviceReading(forum, rows, params, badge)


def scan_with_token(reading: DeviceReading, *, exit: bool = False) -> ScanResult:
    """A scanning device's scan, after read_with_token. The desk and the list were read in the scan's
    one reading statement, so a closed desk is refused from its very next scan on. DeskRefused, then
    NoSuchList, otherwise as scan_at_desk()."""
    forum, rows, params = reading.forum, reading.rows, reading.params
    today = params["list_id"] is None
    if not rows and not desk_is_open(forum, params["token_hash"]):
        raise DeskRefused()
    if not rows and today:
        one_transaction()
        ensure_lists(forum)  # the first scan of a day may come before anyone opened the desk page
        rows = _pick(rows_of(_WITH_TOKEN[today], params), today, reading.badge.now)
    if not rows:
        raise NoSuchList()
    if rows[0].desk_id is None or not rows[0].desk_is_open:
        raise DeskRefused()
    return _decide(forum, rows, reading.badge, desk_id=None, agent_id=None, exit=exit)


def plain_welcome(reading: DeviceReading) -> ScanResult | None:
    """A device's scan when it is the common case, a first welcome on an open desk's list (or the
    answer already given to its nonce by a request arriving at the same instant); None, having
    written nothing, for anything else (a refusal, a replay, a second scan, no list yet), which
    scan_with_token answers."""
    forum, rows, badge = reading.forum, reading.rows, reading.badge
    if not rows or not isinstance(forum, ForumOfScan) or badge.refusal is not None:
        return None
    facts = rows[0]
    if facts.desk_id is None or not facts.desk_is_open or facts.replay is not None or facts.person_id is None:
        return None
    person = _person_of(facts)
    try:
        check_badge_code(badge.parsed, person, forum_id=forum.id)
    except BadgeCodeError:
        return None
    if _refusal(person, facts, facts.day if facts.is_rehearsal else badge.now.astimezone(forum.zone).date()):
        return None
    ctx = ScanContext(forum, facts, facts.desk_id, None, badge.nonce, badge.code, badge.now, rows)
    return welcome(ctx, person)


def _person_of(facts: Any) -> Person:
    """The registration the scan's facts name (their `person_` columns)."""
    return Person(**{name: getattr(facts, f"person_{name}") for name in Person.__dataclass_fields__})


def _pick(rows: list[sa.Row], default: bool, now: datetime) -> tuple[sa.Row, ...]:
    """The rows of the list asked for; for today's entrance, those of the forum's own today (or of
    its first or last day, before or after it)."""
    if not default or not rows:
        return tuple(rows)
    first = rows[0]
    today = now.astimezone(ZoneInfo(first.forum_timezone)).date()
    day = min(max(today, first.forum_starts_on), first.forum_ends_on)
    return tuple(row for row in rows if row.day == day)


def _decide(
    forum: Forum | ForumOfScan,
    rows: tuple[sa.Row, ...],
    badge: _Badge,
    *,
    desk_id: int | None,
    agent_id: int | None,
    exit: bool,
) -> ScanResult:
    """The answer to a scan whose facts were read (a row per seat the person holds, the list's facts
    on each): a replay, a refusal, a welcome or an exit."""
    facts = rows[0]
    if facts.replay is not None:
        return ScanResult.from_stored(facts.replay)
    now = badge.now
    ctx = ScanContext(
        forum, facts, facts.desk_id if desk_id is None else desk_id, agent_id, badge.nonce, badge.code, now, rows
    )
    if badge.refusal is not None:
        return record(ctx, None, None, Outcome.refused, badge.refusal)
    person = None
    if facts.person_id is not None:
        person = _person_of(facts)
    if badge.registration is None:
        try:
            person = check_badge_code(badge.parsed, person, forum_id=forum.id)
        except BadgeCodeError as error:
            return record(ctx, None, None, Outcome.refused, error.reason)
    elif badge.registration.forum_id != forum.id:
        return record(ctx, None, None, Outcome.refused, "wrong_forum")
    person = person or Person.of(badge.registration)
    # a rehearsal answers as its list would on the list's own day
    reason = _refusal(person, facts, facts.day if facts.is_rehearsal else now.astimezone(forum.zone).date())
    if reason is not None:
        return record(ctx, person, None, Outcome.refused, reason)
    if not exit and (welcomed := welcome(ctx, person)) is not None:
        return welcomed
    one_transaction()  # an exit, a re-entry, a second scan: read and changed together
    if exit:
        outcome, reason, admission, inside = record_exit(facts, person, now)
    else:
        outcome, reason, admission, inside = _again(facts, person, now)
    return record(ctx, person, admission, outcome, reason, inside=inside)


def _refusal(registration: Person, facts: Any, today: date) -> str | None:
    """Why this person may not come in on this list (its row of facts), or None."""
    if registration.status == RegistrationStatus.cancelled:
        return "cancelled"
    if registration.status != RegistrationStatus.confirmed:
        return "not_approved"
    if facts.day != today:
        return "wrong_day"
    if facts.kind == ListKind.session and facts.is_signup_required and not facts.signed_up:
        return "not_signed_up"
    return None


def _again(facts: sa.Row, registration: Person, now: datetime):
    """A person who already has a live admission on the list: welcomed back after going out (where
    the list allows it), or already in. (outcome, reason, admission, how many are inside now)"""
    admission, desk_name = live_admission(facts.id, registration.id)
    admitted = Admitted(admission.id, admission.admitted_at, desk_name)
    if not admission.is_inside:  # went out (the list records exits) and came back
        if not facts.allows_reentry:
            return Outcome.duplicate, "no_reentry", admitted, inside_of(facts.id)
        admission.is_inside, admission.moved_at = True, now
        return Outcome.ok, "reentry", admitted, move(facts.id, +1, facts.desk_id)
    # nothing changed, but the count may have since the scan's facts were read (a concurrent welcome)
    return Outcome.duplicate, "already_checked_in", admitted, inside_of(facts.id)
