"""Registration rules: sign-up, double opt-in, capacity and quotas, moderation, waiting list, expiry.

Every change that takes or frees one of the forum's places first locks the forum row
(`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's writing transactions are serialised already), so the
count of places taken and the change that follows cannot interleave with another request's.
A place is taken by a confirmed registration, or by one that `holds_place` while it waits (admitted
and awaiting its e-mail confirmation, sent back for approval after an edit, or offered from the list).
"""

from __future__ import annotations

import hmac
import math
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm.attributes import set_committed_value

from forum import audit, hooks, mail
from forum.db import utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.registration.models import (
    TEAM_CATEGORIES,
    ApprovalMode,
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    WaitlistMode,
    _new_key,
)

CONFIRM_SALT = "multaqa.registration-confirm"
#: fields whose change can send a confirmed registration back for approval (they move the balance)
KEY_FIELDS = ("category", "organisation_id", "province", "area", "gender")
#: fields a participant may edit on their own registration
EDITABLE_FIELDS = (
    "name_ar",
    "name_latin",
    "phone",
    "job_title",
    "category",
    "gender",
    "province",
    "area",
    "locale",
    "accessibility_needs",
    "accessibility_note",
    "has_disability",
    "shares_contact",
)
ACCESSIBILITY_NEEDS = ("wheelchair", "sign_language", "large_print")
Status = RegistrationStatus


class RegistrationError(ForumError):
    message = _l("This registration action is not possible.")


class RegistrationClosed(RegistrationError):
    message = _l("Registration for this forum is closed.")


class InvalidLink(RegistrationError):
    message = _l("This link is not valid or has expired.")


class AlreadyRegistered(RegistrationError):
    message = _l("This e-mail is already registered for this forum.")


class OfferExpired(RegistrationError):
    message = _l("This offer has expired; the place was passed on.")


# --- settings -----------------------------------------------------------------------------------


def settings_for(forum: Forum) -> RegistrationSettings:
    """The forum's registration settings (defaults, not yet saved, when the organisers never set them)."""
    settings = db.session.get(RegistrationSettings, forum.id)
    return settings if settings is not None else _default_settings(forum)


def _default_settings(forum: Forum) -> RegistrationSettings:
    return RegistrationSettings(
        forum_id=forum.id,
        approval=ApprovalMode.automatic,
        waitlist=WaitlistMode.offer,
        offer_hold_hours=48,
        confirmation_hours=48,
        reapprove_on_edit=True,
        category_quotas={},
        province_quotas={},
    )


def save_settings(
    forum: Forum, data: dict[str, Any], *, actor: Any, now: datetime | None = None
) -> RegistrationSettings:
    """Store the forum's settings; places freed by a looser rule go to the waiting list at once."""
    now = now or utcnow()
    _lock(forum)
    settings = settings_for(forum)
    for key, value in data.items():
        setattr(settings, key, value)
    db.session.add(settings)
    db.session.flush()
    audit.record("registration.settings", actor=actor, forum=forum, target=forum, approval=settings.approval.value)
    fill_places(forum, now=now)
    return settings


# --- counting -----------------------------------------------------------------------------------


@dataclass
class Counts:
    """Who holds the forum's places (confirmed or held), by the dimensions quotas look at."""

    taken: int = 0
    by_category: Counter = field(default_factory=Counter)
    by_province: Counter = field(default_factory=Counter)
    women: int = 0
    rural_associations: int = 0

    def add(self, registration: Registration | Any, n: int = 1) -> None:
        self.taken += n
        self.by_category[_value(registration.category)] += n
        if registration.province:
            self.by_province[registration.province] += n
        if _value(registration.gender) == Gender.female.value:
            self.women += n
        if _is_rural_association(registration):
            self.rural_associations += n


def _value(member: Any) -> str | None:
    return getattr(member, "value", member)


def _is_rural_association(row: Any) -> bool:
    return _value(row.area) == Area.rural.value and _value(row.category) in (
        Category.association.value,
        Category.cooperative.value,
    )


def _takes_place(registration=Registration):
    """The SQL of Registration.takes_place: confirmed or holding a place, and not of the team."""
    return sa.and_(
        sa.or_(registration.status == Status.confirmed, registration.holds_place.is_(True)),
        registration.category.not_in(TEAM_CATEGORIES),
    )


# Statements run by every sign-up are built once, with bound parameters: building a select and its
# cache key cost SQLAlchemy more than the round trip to the database.
_PLACES_TAKEN = sa.select(sa.func.count()).where(Registration.forum_id == sa.bindparam("forum_id"), _takes_place())
# FOR NO KEY UPDATE: it serialises the changes of places as FOR UPDATE would, but does not wait for
# (nor block) the key-share locks that inserting a row referencing the forum takes, such as a sign-up's
# own row written before the lock.
_LOCK = sa.select(Forum.id).where(Forum.id == sa.bindparam("forum_id")).with_for_update(key_share=True)


def places_taken(forum: Forum) -> int:
    return db.session.scalar(_PLACES_TAKEN, {"forum_id": forum.id})


def places_left(forum: Forum) -> int | None:
    """Free places, or None when the forum has no capacity limit."""
    if forum.capacity is None:
        return None
    return max(0, forum.capacity - places_taken(forum))


def place_counts(forum: Forum, *, exclude_id: int | None = None) -> Counts:
    query = (
        sa.select(
            Registration.category,
            Registration.province,
            Registration.gender,
            Registration.area,
            sa.func.count(),
        )
        .where(Registration.forum_id == forum.id, _takes_place())
        .group_by(Registration.category, Registration.province, Registration.gender, Registration.area)
    )
    if exclude_id is not None:
        query = query.where(Registration.id != exclude_id)
    counts = Counts()
    for category, province, gender, area, n in db.session.execute(query):
        counts.add(_Row(category, province, gender, area), n)
    return counts


@dataclass
class _Row:
    category: Any
    province: Any
    gender: Any
    area: Any


def quota_problems(
    settings: RegistrationSettings, capacity: int | None, counts: Counts, registration: Any
) -> list[str]:
    """What admitting `registration` on top of `counts` would break, as sentences for organisers.

    Minimum shares are kept as reserved places: with 40% for women and 100 places, at most 60 places
    go to others, so the forum can still reach its promise when it fills up.
    """
    problems = []
    category = _value(registration.category)
    limit = (settings.category_quotas or {}).get(category)
    if limit is not None and counts.by_category[category] + 1 > limit:
        problems.append(_l("The quota for this category (%(limit)s) is reached.", limit=limit))
    province = registration.province
    limit = (settings.province_quotas or {}).get(province) if province else None
    if limit is not None and counts.by_province[province] + 1 > limit:
        problems.append(_l("The quota for this province (%(limit)s) is reached.", limit=limit))
    if capacity:
        others = counts.taken - counts.women
        if settings.min_women_percent and _value(registration.gender) != Gender.female.value:
            kept = math.ceil(capacity * settings.min_women_percent / 100)
            if others + 1 > capacity - kept:
                problems.append(_l("The remaining places are kept for women."))
        others = counts.taken - counts.rural_associations
        if settings.min_rural_percent and not _is_rural_association(registration):
            kept = math.ceil(capacity * settings.min_rural_percent / 100)
            if others + 1 > capacity - kept:
                problems.append(_l("The remaining places are kept for rural associations."))
    return [str(problem) for problem in problems]


# --- the balance shown to organisers ------------------------------------------------------------


@dataclass
class Share:
    count: int
    total: int
    #: the minimum share promised (percent), if any
    target: int | None = None

    @property
    def percent(self) -> float:
        return 100.0 * self.count / self.total if self.total else 0.0

    @property
    def meets_target(self) -> bool:
        return self.target is None or self.percent >= self.target


@dataclass
class Balance:
    capacity: int | None
    by_status: Counter
    awaiting_email: int
    held: int
    #: confirmed speakers, exhibitors and organisers: they hold no participant's place
    team: int
    women: Share
    rural_associations: Share
    disability: Share
    by_category: Counter
    by_province: Counter
    category_quotas: dict[str, int]
    province_quotas: dict[str, int]

    @property
    def confirmed(self) -> int:
        """Confirmed participants (the team apart)."""
        return self.by_status[Status.confirmed.value] - self.team

    @property
    def taken(self) -> int:
        return self.confirmed + self.held

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)

    def after(self, registration: Registration) -> dict[str, tuple[float, float]]:
        """How confirming `registration` moves each share: {name: (percent now, percent after)}."""
        n = self.confirmed
        moves = {}
        for key, share, hit in (
            ("women", self.women, registration.gender == Gender.female),
            ("rural", self.rural_associations, registration.is_rural_association),
            ("disability", self.disability, registration.has_disability),
        ):
            moves[key] = (share.percent, 100.0 * (share.count + hit) / (n + 1))
        return moves


def balance(forum: Forum) -> Balance:
    """Counts by status and the shares of women, rural associations and people with disabilities
    among confirmed participants, by category and province; one grouped query."""
    settings = settings_for(forum)
    columns = (
        Registration.status,
        Registration.holds_place,
        Registration.email_confirmed_at.is_(None),
        Registration.category,
        Registration.province,
        Registration.gender,
        Registration.area,
        Registration.has_disability,
    )
    rows = db.session.execute(
        sa.select(*columns, sa.func.count()).where(Registration.forum_id == forum.id).group_by(*columns)
    ).all()
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    by_province: Counter = Counter()
    awaiting = held = team = women = rural = disability = 0
    for status, holds, unconfirmed, category, province, gender, area, has_disability, n in rows:
        by_status[_value(status)] += n
        if status == Status.pending and unconfirmed:
            awaiting += n
        if category in TEAM_CATEGORIES:
            team += n if status == Status.confirmed else 0
            continue
        if status != Status.confirmed:
            held += n if holds else 0
            continue
        by_category[_value(category)] += n
        if province:
            by_province[province] += n
        women += n if gender == Gender.female else 0
        rural += n if _is_rural_association(_Row(category, province, gender, area)) else 0
        disability += n if has_disability else 0
    confirmed = by_status[Status.confirmed.value] - team
    return Balance(
        capacity=forum.capacity,
        by_status=by_status,
        awaiting_email=awaiting,
        held=held,
        team=team,
        women=Share(women, confirmed, settings.min_women_percent),
        rural_associations=Share(rural, confirmed, settings.min_rural_percent),
        disability=Share(disability, confirmed),
        by_category=by_category,
        by_province=by_province,
        category_quotas=dict(settings.category_quotas or {}),
        province_quotas=dict(settings.province_quotas or {}),
    )


# --- sign-up ------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find(forum: Forum, email: str) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(Registration.forum_id == forum.id, Registration.email == normalise_email(email))
    )


def organisation_for(data: dict[str, Any]) -> Organisation | None:
    """The organisation picked (by id) or described (a new one, reused when the same name exists)."""
    if data.get("organisation_id"):
        return db.session.get(Organisation, data["organisation_id"])
    name = (data.get("organisation_name") or "").strip()
    if not name:
        return None
    existing = db.session.scalar(
        sa.select(Organisation).where(sa.func.lower(Organisation.name) == name.lower()).limit(1)
    )
    if existing is not None:
        return existing
    organisation = Organisation(
        name=name,
        kind=OrganisationKind(data["organisation_kind"]),
        province=data.get("organisation_province") or None,
        area=Area(data["organisation_area"]) if data.get("organisation_area") else None,
    )
    db.session.add(organisation)
    db.session.flush()
    return organisation


@dataclass
class SignUp:
    registration: Registration
    #: False when the e-mail was already registered at this forum (the link was sent again)
    is_new: bool


def register(forum: Forum, data: dict[str, Any], *, now: datetime | None = None, user: Any = None) -> SignUp:
    """Sign a person up. Within capacity (and quotas, with automatic approval) the registration keeps
    a place while the person confirms their e-mail; when the forum is full it joins the waiting list.
    An e-mail already registered here creates nothing: its management link is sent again.

    Raises AlreadyRegistered when a simultaneous request registered the same e-mail first: the caller
    rolls back and calls again (which then sends the link)."""
    now = now or utcnow()
    if not forum.registration_is_open(now):
        raise RegistrationClosed()
    email = normalise_email(data["email"])
    settings, overdue, registered_id = _sign_up_state(forum, email, now)
    if registered_id is None:
        # A new row is written (pending, without a place) before the forum's lock is taken, so the
        # lock is held only for the decision; a simultaneous sign-up of the same e-mail waits on the
        # unique (forum, e-mail) constraint, never while holding the lock.
        registration = Registration(forum_id=forum.id, email=email, access_key=_new_key())
        _prepare(registration, forum, settings, data, user, now)
        db.session.add(registration)
        try:
            db.session.flush()
        except sa.exc.IntegrityError as error:
            raise AlreadyRegistered() from error
        _lock(forum)
        if overdue:
            _expire_forum(forum, settings, now)
    else:
        # The e-mail is known here (rarely on the hot path): everything happens under the lock.
        _lock(forum)
        if overdue:
            _expire_forum(forum, settings, now)
        registration = db.session.get(Registration, registered_id)
        if not _was_never_confirmed(registration):
            _send_link(registration)
            return SignUp(registration, is_new=False)
        _prepare(registration, forum, settings, data, user, now)
        db.session.flush()
    if settings.approval == ApprovalMode.automatic and forum.capacity is not None and not _has_quotas(settings):
        _take_place_or_wait(registration, forum.capacity, now)
        return SignUp(registration, is_new=True)
    if settings.approval == ApprovalMode.automatic:
        room, problems = _room_for(forum, settings, registration)
        if not room:
            _to_waitlist(registration, now)
        elif not problems:
            registration.holds_place = True
    elif not _has_room(forum):
        _to_waitlist(registration, now)
    db.session.flush()
    return SignUp(registration, is_new=True)


def _prepare(
    registration: Registration,
    forum: Forum,
    settings: RegistrationSettings,
    data: dict[str, Any],
    user: Any,
    now: datetime,
) -> None:
    """Fill a sign-up from the form, pending and without a place, and render its confirmation e-mail
    (sent only if the transaction commits)."""
    _fill(registration, data)
    registration.organisation = organisation_for(data)
    registration.user_id = getattr(user, "id", None)
    registration.consent_at = now
    registration.created_at = now
    registration.status = Status.pending
    registration.email_confirmed_at = None
    registration.cancel_reason = None
    registration.holds_place = False
    registration.waitlisted_at = None
    registration.decided_at = None
    registration.decided_by_id = None
    _send_confirmation_request(registration, forum, hours=settings.confirmation_hours)


def _take_place_statement() -> sa.Update:
    """Under the forum's lock, one statement counts the places taken and gives the registration a
    place or puts it on the waiting list (each statement sees what earlier lock holders committed)."""
    table, other = Registration.__table__, sa.orm.aliased(Registration)
    taken = sa.select(sa.func.count()).where(other.forum_id == sa.bindparam("of_forum"), _takes_place(other))
    full = taken.scalar_subquery() >= sa.bindparam("capacity")
    waitlisted = sa.bindparam("waitlisted", Status.waitlisted, type_=table.c.status.type)
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("registration_id"))
        .values(
            holds_place=sa.not_(full),
            status=sa.case((full, waitlisted), else_=table.c.status),
            waitlisted_at=sa.case((full, sa.bindparam("now", type_=table.c.waitlisted_at.type)), else_=None),
        )
        .returning(table.c.holds_place)
    )


_TAKE_PLACE = _take_place_statement()


def _take_place_or_wait(registration: Registration, capacity: int, now: datetime) -> None:
    """Automatic approval without quotas: a place while one is free, else the waiting list."""
    held = db.session.execute(
        _TAKE_PLACE,
        {"of_forum": registration.forum_id, "capacity": capacity, "registration_id": registration.id, "now": now},
    ).scalar_one()
    if held:
        set_committed_value(registration, "holds_place", True)
    else:
        for key, value in (("holds_place", False), ("status", Status.waitlisted), ("waitlisted_at", now)):
            set_committed_value(registration, key, value)


def _sign_up_state_statement() -> sa.Select:
    forum_id, waiting = sa.bindparam("forum_id"), (Status.pending, Status.waitlisted)
    oldest_unconfirmed = sa.select(sa.func.min(Registration.created_at)).where(
        Registration.forum_id == forum_id, Registration.status.in_(waiting), Registration.email_confirmed_at.is_(None)
    )
    first_offer_end = sa.select(sa.func.min(Registration.offer_expires_at)).where(
        Registration.forum_id == forum_id, Registration.status == Status.waitlisted
    )
    registered = sa.select(Registration.id).where(
        Registration.forum_id == forum_id, Registration.email == sa.bindparam("email")
    )
    return (
        sa.select(
            RegistrationSettings,
            oldest_unconfirmed.scalar_subquery(),
            first_offer_end.scalar_subquery(),
            registered.scalar_subquery(),
        )
        .select_from(Forum)
        .outerjoin(RegistrationSettings, RegistrationSettings.forum_id == Forum.id)
        .where(Forum.id == forum_id)
    )


_SIGN_UP_STATE = _sign_up_state_statement()


def _sign_up_state(forum: Forum, email: str, now: datetime) -> tuple[RegistrationSettings, bool, int | None]:
    """What a sign-up needs to know before it takes the forum's lock, in one query: the forum's
    settings, whether a sign-up or an offer of the forum is overdue, and the id of a registration of
    this e-mail here, if any."""
    settings, oldest, offer_end, registered_id = db.session.execute(
        _SIGN_UP_STATE, {"forum_id": forum.id, "email": email}
    ).one()
    settings = settings if settings is not None else _default_settings(forum)
    cutoff = now - timedelta(hours=settings.confirmation_hours)
    overdue = (oldest is not None and oldest < cutoff) or (offer_end is not None and offer_end < now)
    return settings, overdue, registered_id


def _was_never_confirmed(registration: Registration) -> bool:
    """An expired sign-up whose e-mail was never confirmed may be made again from scratch."""
    return registration.status == Status.cancelled and registration.cancel_reason == "expired"


def _fill(registration: Registration, data: dict[str, Any]) -> None:
    for key in EDITABLE_FIELDS:
        if key in data:
            value = data[key]
            if isinstance(value, str):
                value = value.strip() or None
            setattr(registration, key, value)
    registration.accessibility_needs = [n for n in (data.get("accessibility_needs") or []) if n in ACCESSIBILITY_NEEDS]
    registration.has_disability = bool(data.get("has_disability"))
    registration.shares_contact = bool(data.get("shares_contact"))


def confirmation_token(registration: Registration) -> str:
    """A signed, dated token over the registration's access key (it exists before the row does)."""
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).dumps(registration.access_key)


def confirm_email(registration: Registration, token: str, *, now: datetime | None = None) -> Registration:
    """The person followed the link of the confirmation e-mail: their place (if they kept one) is
    confirmed; with automatic approval a registration still without a place is decided now."""
    now = now or utcnow()
    forum = registration.forum
    settings = settings_for(forum)
    try:
        key = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=CONFIRM_SALT).loads(
            token, max_age=settings.confirmation_hours * 3600
        )
    except (SignatureExpired, BadSignature) as error:
        raise InvalidLink() from error
    if not isinstance(key, str) or not hmac.compare_digest(key, registration.access_key):
        raise InvalidLink()
    _lock(forum)
    db.session.refresh(registration)
    if registration.email_confirmed_at is not None:
        return registration
    if registration.status == Status.cancelled:
        raise InvalidLink()
    registration.email_confirmed_at = now
    if registration.status == Status.pending:
        if registration.holds_place:
            _confirm(registration, now=now, actor=None)
        elif settings.approval == ApprovalMode.automatic:
            room, problems = _room_for(forum, settings, registration)
            if not room:
                _to_waitlist(registration, now)
            elif not problems:
                _confirm(registration, now=now, actor=None)
    db.session.flush()
    if registration.status == Status.waitlisted:
        fill_places(forum, now=now)
    return registration


# --- decisions ----------------------------------------------------------------------------------


@dataclass
class Decision:
    registration: Registration
    #: the status it ended with (an approval when the forum is full ends on the waiting list)
    status: RegistrationStatus


def approve(registration: Registration, *, actor: Any, now: datetime | None = None) -> Decision:
    """An organiser approves: confirmed when a place is free (or held for it), else waitlisted."""
    now = now or utcnow()
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    if registration.status == Status.confirmed:
        return Decision(registration, registration.status)
    if registration.holds_place or registration.is_team or _has_room(forum):
        _confirm(registration, now=now, actor=actor)
    else:
        _to_waitlist(registration, now)
        registration.decided_by_id = getattr(actor, "id", None)
    audit.record(
        "registration.approve", actor=actor, forum=forum, target=registration, result=registration.status.value
    )
    db.session.flush()
    return Decision(registration, registration.status)


def reject(registration: Registration, *, actor: Any, reason: str = "", now: datetime | None = None) -> Decision:
    """An organiser rejects; the reason is e-mailed and a place it held goes to the waiting list."""
    now = now or utcnow()
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    freed = registration.takes_place
    registration.status = Status.rejected
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.rejection_reason = reason.strip() or None
    registration.decided_at = now
    registration.decided_by_id = getattr(actor, "id", None)
    audit.record("registration.reject", actor=actor, forum=forum, target=registration, reason=reason.strip())
    db.session.flush()
    mail.send(
        registration.email,
        _l("Your registration for %(forum)s"),
        "registration_rejected",
        locale=registration.locale,
        forum=_forum_name(forum, registration.locale),
        registration=registration,
        link=_self_service_url(registration),
    )
    if freed:
        fill_places(forum, now=now)
    return Decision(registration, registration.status)


def move_to_waitlist(registration: Registration, *, actor: Any, now: datetime | None = None) -> Decision:
    """An organiser puts a registration on the waiting list (at its end)."""
    now = now or utcnow()
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    freed = registration.takes_place
    if registration.status != Status.waitlisted or registration.offer_expires_at is not None:
        _to_waitlist(registration, now)
    registration.decided_by_id = getattr(actor, "id", None)
    audit.record("registration.waitlist", actor=actor, forum=forum, target=registration)
    db.session.flush()
    if freed:
        fill_places(forum, now=now, skip=(registration.id,))
    return Decision(registration, registration.status)


def cancel(registration: Registration, *, now: datetime | None = None, reason: str = "participant") -> Registration:
    """The person cancels (or declines an offer); their place goes to the waiting list."""
    now = now or utcnow()
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    if registration.status in (Status.cancelled, Status.rejected):
        return registration
    freed = registration.takes_place
    _cancel(registration, reason, now)
    audit.record("registration.cancel", forum=forum, target=registration, reason=reason)
    db.session.flush()
    if freed:
        fill_places(forum, now=now)
    return registration


def accept_offer(registration: Registration, *, now: datetime | None = None) -> Registration:
    """The waitlisted person takes the place offered to them, while the offer lasts."""
    now = now or utcnow()
    _lock(registration.forum)
    db.session.refresh(registration)
    if not registration.has_offer or registration.offer_expires_at <= now:
        raise OfferExpired()
    _confirm(registration, now=now, actor=None)
    audit.record("registration.accept_offer", forum=registration.forum, target=registration)
    db.session.flush()
    return registration


def update(registration: Registration, data: dict[str, Any], *, now: datetime | None = None, actor: Any = None) -> bool:
    """Edit the details; returns True when the change sent a confirmed registration back for approval
    (the forum's setting): its place is kept for it meanwhile."""
    now = now or utcnow()
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    before = {key: getattr(registration, key) for key in KEY_FIELDS}
    _fill(registration, data)
    if "organisation_id" in data or "organisation_name" in data:
        registration.organisation = organisation_for(data)
    db.session.flush()
    changed = [key for key in KEY_FIELDS if getattr(registration, key) != before[key]]
    audit.record("registration.update", actor=actor, forum=forum, target=registration, changed=",".join(changed))
    settings = settings_for(forum)
    if not (changed and registration.status == Status.confirmed and settings.reapprove_on_edit):
        return False
    if settings.approval == ApprovalMode.automatic:
        counts = place_counts(forum, exclude_id=registration.id)
        if not quota_problems(settings, forum.capacity, counts, registration):
            return False
    registration.status = Status.pending
    registration.holds_place = True
    registration.decided_at = None
    db.session.flush()
    return True


class ForumFull(RegistrationError):
    message = _l("The forum is full: free a place or raise its capacity first.")


class QuotaWouldBreak(RegistrationError):
    message = _l("This change would break the forum's quotas: %(problems)s")


def edit_by_organiser(registration: Registration, data: dict[str, Any], *, actor: Any) -> list[str]:
    """An organiser corrects a registration (names, organisation, category...): it keeps its status and
    its place, since the organisers are the ones who approve. A change that would break a quota for a
    registration holding a place is refused. Returns the key fields that changed."""
    forum = registration.forum
    _lock(forum)
    db.session.refresh(registration)
    before = {key: getattr(registration, key) for key in KEY_FIELDS}
    took_place = registration.takes_place
    # Consent to share contact details is the person's alone (law 09-08).
    _fill(registration, {**data, "shares_contact": registration.shares_contact})
    registration.organisation = organisation_for(data)
    db.session.flush()
    changed = [key for key in KEY_FIELDS if getattr(registration, key) != before[key]]
    if registration.takes_place and not took_place and forum.capacity is not None:
        # a member of the team becomes a participant: they need one of the places
        if places_taken(forum) > forum.capacity:
            raise ForumFull()
    if changed and registration.takes_place:
        counts = place_counts(forum, exclude_id=registration.id)
        problems = quota_problems(settings_for(forum), forum.capacity, counts, registration)
        if problems:
            raise QuotaWouldBreak(problems=" ".join(problems))
    audit.record(
        "registration.organiser_update", actor=actor, forum=forum, target=registration, changed=",".join(changed)
    )
    if took_place and not registration.takes_place:
        fill_places(forum)  # now of the team: the place they held goes to the waiting list
    return changed


def resend_link(registration: Registration, *, actor: Any) -> None:
    """An organiser sends the person's e-mail again: the confirmation request (with a fresh link) while
    the address is not confirmed and the sign-up still waits for it, else the link to their registration."""
    forum = registration.forum
    if registration.email_confirmed_at is None and registration.status in (Status.pending, Status.waitlisted):
        _send_confirmation_request(registration, forum, hours=settings_for(forum).confirmation_hours)
    else:
        _send_link(registration)
    audit.record("registration.resend", actor=actor, forum=forum, target=registration)


class EmailTaken(RegistrationError):
    message = _l("%(email)s is already registered at this forum.")


def add_by_organiser(forum: Forum, data: dict[str, Any], *, actor: Any, now: datetime | None = None) -> Registration:
    """An organiser registers a person themselves (a speaker, a guest, the press, a member of the
    team...): the registration is confirmed at once, takes a place like any other (ForumFull when none
    is left, as an approval would find), and the person is e-mailed their link and badge. An e-mail
    already registered here is refused (EmailTaken), unless its sign-up expired unconfirmed."""
    now = now or utcnow()
    email = normalise_email(data["email"])
    _lock(forum)
    registration = find(forum, email)
    if registration is not None and not _was_never_confirmed(registration):
        raise EmailTaken(email=email)
    if data["category"] not in TEAM_CATEGORIES and not _has_room(forum):
        raise ForumFull()
    if registration is None:
        registration = Registration(forum_id=forum.id, email=email, access_key=_new_key())
        db.session.add(registration)
    _fill(registration, {**data, "shares_contact": False})  # that consent is the person's own (law 09-08)
    registration.organisation = organisation_for(data)
    registration.consent_at = now  # the organiser confirmed that the person agreed
    registration.created_at = now
    registration.email_confirmed_at = None
    registration.cancel_reason = None
    registration.waitlisted_at = None
    _confirm(registration, now=now, actor=actor)
    audit.record(
        "registration.add", actor=actor, forum=forum, target=registration, category=_value(registration.category)
    )
    return registration


def register_team_member(
    forum: Forum,
    user: Any,
    category: Category,
    *,
    organisation: Organisation | None = None,
    now: datetime | None = None,
) -> Registration:
    """A member of the team (an exhibitor's staff, an organiser, an agent...) gets a confirmed
    registration of the team's category, for their badge and check-in; one they already hold at this
    forum (by e-mail) is kept as it is."""
    now = now or utcnow()
    registration = find(forum, user.email)
    if registration is not None:
        return registration
    arabic = any("\u0600" <= char <= "\u06ff" for char in user.name)
    registration = Registration(
        forum_id=forum.id,
        user_id=user.id,
        organisation_id=organisation.id if organisation else None,
        name_ar=user.name if arabic else None,
        name_latin=None if arabic else user.name,
        email=normalise_email(user.email),
        access_key=_new_key(),
        province=organisation.province if organisation else None,
        area=organisation.area if organisation else None,
        category=category,
        gender=Gender.unspecified,
        locale=user.locale or forum.default_locale,
        status=Status.confirmed,
        consent_at=now,
        email_confirmed_at=now,
        decided_at=now,
    )
    db.session.add(registration)
    db.session.flush()
    for confirmed in hooks.registration_confirmed:
        confirmed(registration)
    return registration


# --- the waiting list ---------------------------------------------------------------------------


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to be offered a place; None when not waiting (or holding an offer)."""
    if registration.status != Status.waitlisted or registration.offer_expires_at is not None:
        return None
    joined = registration.waitlisted_at or registration.created_at
    ahead = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.forum_id == registration.forum_id,
            Registration.status == Status.waitlisted,
            Registration.offer_expires_at.is_(None),
            sa.or_(
                _joined_waitlist() < joined,
                sa.and_(_joined_waitlist() == joined, Registration.id < registration.id),
            ),
        )
    )
    return ahead + 1


def fill_places(forum: Forum, *, now: datetime | None = None, skip: Collection[int] = ()) -> list[Registration]:
    """Give free places to the waiting list in order: to the first person whose admission keeps the
    quotas and whose e-mail is confirmed; promoted directly or offered for a while (forum setting).
    Registrations in `skip` are passed over (a person who just declined or let an offer lapse is not
    offered the place again at once). The caller holds the forum lock."""
    now = now or utcnow()
    settings = settings_for(forum)
    served: list[Registration] = []
    while True:
        left = places_left(forum)
        if left == 0:
            return served
        counts = place_counts(forum)
        candidates = db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.forum_id == forum.id,
                Registration.status == Status.waitlisted,
                Registration.offer_expires_at.is_(None),
                Registration.email_confirmed_at.is_not(None),
                Registration.id.not_in(skip),
            )
            .order_by(_joined_waitlist(), Registration.id)
        )
        chosen = next(
            (r for r in candidates if not quota_problems(settings, forum.capacity, counts, r)),
            None,
        )
        if chosen is None:
            return served
        if settings.waitlist == WaitlistMode.promote:
            _confirm(chosen, now=now, actor=None)
            audit.record("registration.promote", forum=forum, target=chosen)
        else:
            chosen.holds_place = True
            chosen.offer_expires_at = now + timedelta(hours=settings.offer_hold_hours)
            audit.record("registration.offer", forum=forum, target=chosen)
            mail.send(
                chosen.email,
                _l("A place is free for you at %(forum)s"),
                "registration_offer",
                locale=chosen.locale,
                forum=_forum_name(forum, chosen.locale),
                registration=chosen,
                link=_self_service_url(chosen),
            )
        db.session.flush()
        served.append(chosen)


def expire_unconfirmed(*, now: datetime | None = None, forum: Forum | None = None) -> int:
    """Cancel registrations whose e-mail was not confirmed in time and lapse offers not taken up (their
    holders go back to the end of the waiting list); the places they held go to the waiting list.
    Returns how many registrations were affected."""
    now = now or utcnow()
    forum_ids = (
        [forum.id]
        if forum is not None
        else db.session.scalars(
            sa.select(Registration.forum_id)
            .where(
                Registration.status.in_((Status.pending, Status.waitlisted)),
                sa.or_(Registration.email_confirmed_at.is_(None), Registration.offer_expires_at.is_not(None)),
            )
            .distinct()
        ).all()
    )
    total = 0
    for forum_id in forum_ids:
        target = db.session.get(Forum, forum_id)
        _lock(target)
        total += _expire_forum(target, settings_for(target), now)
    return total


def _overdue_conditions(settings: RegistrationSettings, now: datetime) -> tuple[Any, Any]:
    cutoff = now - timedelta(hours=settings.confirmation_hours)
    overdue_sign_up = sa.and_(
        Registration.status.in_((Status.pending, Status.waitlisted)),
        Registration.created_at < cutoff,
        Registration.email_confirmed_at.is_(None),
    )
    lapsed_offer = sa.and_(Registration.status == Status.waitlisted, Registration.offer_expires_at < now)
    return overdue_sign_up, lapsed_offer


def _anything_overdue(forum: Forum, settings: RegistrationSettings, now: datetime) -> bool:
    """One cheap query, run on every sign-up: is there a sign-up or an offer to expire?"""
    found = db.session.scalar(
        sa.select(Registration.id)
        .where(Registration.forum_id == forum.id, sa.or_(*_overdue_conditions(settings, now)))
        .limit(1)
    )
    return found is not None


def _expire_forum(forum: Forum, settings: RegistrationSettings, now: datetime) -> int:
    """Expire this forum's overdue sign-ups and offers (the caller holds the forum lock)."""
    if not _anything_overdue(forum, settings, now):
        return 0
    overdue_sign_up, lapsed_offer = _overdue_conditions(settings, now)
    overdue = db.session.scalars(
        sa.select(Registration).where(Registration.forum_id == forum.id, overdue_sign_up)
    ).all()
    lapsed = db.session.scalars(sa.select(Registration).where(Registration.forum_id == forum.id, lapsed_offer)).all()
    for registration in overdue:
        _cancel(registration, "expired", now)
        audit.record("registration.expire", forum=forum, target=registration)
    for registration in lapsed:
        # Missing an e-mail does not cost the registration: the person goes back to the end of the
        # waiting list, behind everyone waiting now, and the place goes to the next one.
        _to_waitlist(registration, now)
        audit.record("registration.offer_lapsed", forum=forum, target=registration)
    if overdue or lapsed:
        db.session.flush()
        fill_places(forum, now=now, skip=[registration.id for registration in lapsed])
        if lapsed:
            # Places nobody else could take are offered again rather than left to the next sign-up.
            fill_places(forum, now=now)
    for registration in lapsed:
        if registration.has_offer:
            continue  # offered again: that e-mail says so
        mail.send(
            registration.email,
            _l("The place offered to you at %(forum)s has been passed on"),
            "registration_offer_lapsed",
            locale=registration.locale,
            forum=_forum_name(forum, registration.locale),
            registration=registration,
            position=waitlist_position(registration),
            link=_self_service_url(registration, forum),
        )
    return len(overdue) + len(lapsed)


# --- internals ----------------------------------------------------------------------------------


def _joined_waitlist():
    """The waiting list's order: when each joined it (arrival time for rows made without it)."""
    return sa.func.coalesce(Registration.waitlisted_at, Registration.created_at)


def _lock(forum: Forum) -> None:
    """Serialise every change of the forum's places behind its row lock."""
    db.session.execute(_LOCK, {"forum_id": forum.id})


def _has_room(forum: Forum) -> bool:
    left = places_left(forum)
    return left is None or left > 0


def _has_quotas(settings: RegistrationSettings) -> bool:
    return bool(
        settings.category_quotas or settings.province_quotas or settings.min_women_percent or settings.min_rural_percent
    )


def _room_for(forum: Forum, settings: RegistrationSettings, registration: Registration) -> tuple[bool, list[str]]:
    if registration.is_team:
        return True, []
    if not _has_room(forum):
        return False, []
    if not _has_quotas(settings):
        return True, []
    return True, quota_problems(settings, forum.capacity, place_counts(forum), registration)


def _to_waitlist(registration: Registration, now: datetime) -> None:
    registration.status = Status.waitlisted
    registration.waitlisted_at = now
    registration.holds_place = False
    registration.offer_expires_at = None


def _cancel(registration: Registration, reason: str, now: datetime) -> None:
    registration.status = Status.cancelled
    registration.cancel_reason = reason
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.decided_at = now


def _confirm(registration: Registration, *, now: datetime, actor: Any) -> None:
    registration.status = Status.confirmed
    registration.holds_place = False
    registration.offer_expires_at = None
    registration.waitlisted_at = None
    registration.decided_at = now
    registration.decided_by_id = getattr(actor, "id", None)
    db.session.flush()
    mail.send(
        registration.email,
        _l("Your place at %(forum)s is confirmed"),
        "registration_confirmed",
        locale=registration.locale,
        forum=_forum_name(registration.forum, registration.locale),
        registration=registration,
        link=_self_service_url(registration),
    )
    for notify in hooks.registration_confirmed:
        notify(registration)  # hooks build their links with mail.external_url, also outside requests


def _forum_name(forum: Forum, locale: str) -> str:
    from forum.db import translated

    return translated(forum.title, locale)


def _self_service_url(registration: Registration, forum: Forum | None = None) -> str:
    forum = forum or registration.forum
    return mail.external_url("registration.self_service", forum_slug=forum.slug, access_key=registration.access_key)


def _send_confirmation_request(registration: Registration, forum: Forum, *, hours: int) -> None:
    link = mail.external_url(
        "registration.confirm_email",
        forum_slug=forum.slug,
        access_key=registration.access_key,
        token=confirmation_token(registration),
    )
    mail.send(
        registration.email,
        _l("Confirm your registration for %(forum)s"),
        "registration_confirm",
        locale=registration.locale,
        forum=_forum_name(forum, registration.locale),
        registration=registration,
        link=link,
        manage_link=_self_service_url(registration, forum),
        hours=hours,
    )


def _send_link(registration: Registration) -> None:
    mail.send(
        registration.email,
        _l("Your registration for %(forum)s"),
        "registration_link",
        locale=registration.locale,
        forum=_forum_name(registration.forum, registration.locale),
        registration=registration,
        link=_self_service_url(registration),
    )


# --- the organisers' list -----------------------------------------------------------------------


def search(forum: Forum, filters: dict[str, str]) -> sa.Select:
    """The forum's registrations matching the queue's filters: waiting for a decision first, then the
    waiting list in its order, then the others, newest first."""
    query = (
        sa.select(Registration)
        .outerjoin(Organisation, Registration.organisation_id == Organisation.id)
        .where(Registration.forum_id == forum.id)
        .options(sa.orm.contains_eager(Registration.organisation))
    )
    for key in ("status", "category", "province", "area", "gender"):
        if filters.get(key):
            query = query.where(getattr(Registration, key) == filters[key])
    if filters.get("kind"):
        query = query.where(Organisation.kind == filters["kind"])
    text = (filters.get("q") or "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            sa.or_(
                sa.func.lower(Registration.name_latin).like(pattern),
                Registration.name_ar.like(f"%{text}%"),
                Registration.email.like(pattern),
                Registration.phone.like(f"%{text.replace(' ', '')}%"),
                sa.func.lower(Organisation.name).like(pattern),
            )
        )
    rank = sa.case(
        (Registration.status == Status.pending, 0),
        (Registration.status == Status.waitlisted, 1),
        else_=2,
    )
    return query.order_by(rank, _joined_waitlist(), Registration.created_at.desc(), Registration.id)


def waitlist_positions(forum: Forum) -> dict[int, int]:
    """{registration id: position} for everyone waiting without an offer (one query)."""
    ids = db.session.scalars(
        sa.select(Registration.id)
        .where(
            Registration.forum_id == forum.id,
            Registration.status == Status.waitlisted,
            Registration.offer_expires_at.is_(None),
        )
        .order_by(_joined_waitlist(), Registration.id)
    )
    return {registration_id: n for n, registration_id in enumerate(ids, start=1)}


def get_in_forum(forum: Forum, registration_id: int) -> Registration | None:
    registration = db.session.get(Registration, registration_id)
    return registration if registration is not None and registration.forum_id == forum.id else None
