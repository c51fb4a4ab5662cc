"""The public sign-up and its double opt-in. Its hot path runs statements built once, with bound
parameters: building a select and its cache key cost SQLAlchemy more than the round trip to the database."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from forum.db import utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.privacy.models import ConsentText
from forum.privacy.services.consent import consent_digest, current_consent_id
from forum.registration.models import (
    UNCONFIRMED_CONDITION,
    UPSERT_PERSON,
    ApprovalMode,
    Registration,
    RegistrationSettings,
    _new_key,
    person_id_for,
)
from forum.registration.services._common import Status, confirm, lock, to_waitlist
from forum.registration.services.details import fill_details, normalise_email, organisation_for, was_never_confirmed
from forum.registration.services.errors import AlreadyRegistered, InvalidLink, RegistrationClosed
from forum.registration.services.notify import CONFIRM_SALT, send_confirmation_request, send_link
from forum.registration.services.quotas import has_quotas, has_room, room_for
from forum.registration.services.settings import default_settings, settings_for
from forum.registration.services.waitlist import expire_forum, fill_places


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
    state = _sign_up_state(forum, email, now)
    settings = state.settings
    # Automatic approval within a capacity and without quotas (the usual case) decides in one statement
    # that takes the forum's lock itself: the lock is held from that statement to the commit only.
    in_one_statement = (
        settings.approval == ApprovalMode.automatic and forum.capacity is not None and not has_quotas(settings)
    )
    if state.registered_id is None:
        registration = Registration(forum_id=forum.id, email=email, access_key=_new_key())
        _prepare(registration, forum, state, data, user, now)
        if in_one_statement and not state.overdue:
            # The usual sign-up: one statement takes the forum's lock, writes the row and decides it.
            _insert_deciding(registration, forum.capacity, now)
            return SignUp(registration, is_new=True)
        # The forum's lock first, as that statement takes it: a simultaneous sign-up of the same e-mail
        # waits on the lock, then the unique (forum, e-mail) constraint answers at once.
        lock(forum)
        if state.overdue:
            expire_forum(forum, settings, now)
        db.session.add(registration)
        try:
            db.session.flush()
        except sa.exc.IntegrityError as error:
            raise AlreadyRegistered() from error
    else:
        # The e-mail is known here (rarely on the hot path): everything happens under the lock.
        lock(forum)
        if state.overdue:
            expire_forum(forum, settings, now)
        registration = db.session.get(Registration, state.registered_id)
        if not was_never_confirmed(registration):
            send_link(registration)
            return SignUp(registration, is_new=False)
        _prepare(registration, forum, state, data, user, now)
        db.session.flush()
    if in_one_statement:
        _take_place_or_wait(registration, forum.capacity, now)
        return SignUp(registration, is_new=True)
    if settings.approval == ApprovalMode.automatic:
        room, problems = room_for(forum, settings, registration)
        if not room:
            to_waitlist(registration, now)
        elif not problems:
            registration.holds_place = True
    elif not has_room(forum):
        to_waitlist(registration, now)
    db.session.flush()
    return SignUp(registration, is_new=True)


def _prepare(
    registration: Registration,
    forum: Forum,
    state: _SignUpState,
    data: dict[str, Any],
    user: Any,
    now: datetime,
) -> None:
    """Fill a sign-up from the form, pending and without a place, and render its confirmation e-mail
    (sent only if the transaction commits)."""
    fill_details(registration, data)
    registration.organisation = organisation_for(data)
    registration.user_id = getattr(user, "id", None)
    registration.consent_at = now
    registration.consent_text_id = state.consent_text_id or current_consent_id()
    registration.person_id = registration.person_id or state.person_id
    registration.created_at = now
    registration.status = Status.pending
    registration.email_confirmed_at = None
    registration.cancel_reason = None
    registration.holds_place = False
    registration.waitlisted_at = None
    registration.decided_at = None
    registration.decided_by_id = None
    send_confirmation_request(registration, forum, hours=state.settings.confirmation_hours)


def _forum_full() -> sa.CTE:
    """The forum's row locked (as `lock` locks it) and whether its places are all taken. Waiting for the
    lock, it reads the count as the last holder committed it."""
    return (
        sa.select(Forum.id, (Forum.places_taken >= sa.bindparam("capacity")).label("full"))
        .where(Forum.id == sa.bindparam("of_forum"))
        .with_for_update(key_share=True)
        .cte("forum_full")
    )


def _take_place_statement() -> sa.Update:
    """One statement locks the forum's row, reads its count of places taken and gives the registration
    a place or puts it on the waiting list; the count's trigger adds the place in the same statement."""
    table = Registration.__table__
    forum = _forum_full()
    full = forum.c.full
    waitlisted = sa.bindparam("waitlisted", Status.waitlisted, type_=table.c.status.type)
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("registration_id"), table.c.forum_id == forum.c.id)
        .values(
            holds_place=sa.not_(full),
            status=sa.case((full, waitlisted), else_=table.c.status),
            waitlisted_at=sa.case((full, sa.bindparam("now", type_=table.c.waitlisted_at.type)), else_=None),
        )
        .returning(table.c.holds_place)
    )


_TAKE_PLACE = _take_place_statement()


def _take_place_or_wait(registration: Registration, capacity: int, now: datetime) -> None:
    """Automatic approval without quotas: a place while one is free, else the waiting list. The statement
    runs on the session's connection, as Core: through the session, the ORM's bulk UPDATE machinery
    cost more than the statement itself (the row's new values are set on the object here)."""
    held = (
        db.session.connection()
        .execute(
            _TAKE_PLACE,
            {"of_forum": registration.forum_id, "capacity": capacity, "registration_id": registration.id, "now": now},
        )
        .scalar_one()
    )
    if held:
        set_committed_value(registration, "holds_place", True)
    else:
        for key, value in (("holds_place", False), ("status", Status.waitlisted), ("waitlisted_at", now)):
            set_committed_value(registration, key, value)


#: what a new sign-up's insert decides (its place, or the waiting list); `_prepare` leaves them undecided
_DECIDED = ("holds_place", "status", "waitlisted_at")


def _insert_deciding_statement(columns: tuple[str, ...]) -> sa.Insert:
    """The new registration's row with `columns` as given (the others take their defaults), inserted with
    a place while one is free, else on the waiting list, under the forum's lock; the count's trigger adds
    the place in the same statement."""
    table = Registration.__table__
    forum = _forum_full()
    full = forum.c.full
    status = table.c.status.type
    decided = sa.select(
        *(sa.bindparam(name, type_=table.c[name].type) for name in columns),
        sa.not_(full),
        sa.case((full, sa.literal(Status.waitlisted, status)), else_=sa.literal(Status.pending, status)),
        sa.case((full, sa.bindparam("now", type_=table.c.waitlisted_at.type)), else_=None),
    ).select_from(forum)
    return table.insert().from_select([*columns, *_DECIDED], decided).returning(table.c.id, table.c.holds_place)


#: the statement for each set of columns a sign-up gives (one, from the form; a few from other callers)
_INSERT_DECIDING: dict[tuple[str, ...], sa.Insert] = {}


def _insert_deciding(registration: Registration, capacity: int, now: datetime) -> None:
    """Automatic approval without quotas, for a new e-mail: one statement writes the row and gives it a
    place while one is free, else the waiting list. It runs on the session's connection, as Core (the
    ORM's flush of the row cost more than the statement); the row's values are those set on the object,
    which then joins the session as loaded. Raises AlreadyRegistered when the e-mail was registered a
    moment earlier."""
    connection = db.session.connection()
    organisation = registration.organisation
    registration.organisation_id = organisation.id if organisation is not None else None
    if registration.person_id is None:  # SQLite: the Person the insert's listener would link (link_person)
        registration.person_id = person_id_for(connection, registration.email)
    given = sa.inspect(registration).dict
    columns = tuple(c.key for c in Registration.__table__.c if c.key in given and c.key not in ("id", *_DECIDED))
    statement = _INSERT_DECIDING.get(columns)
    if statement is None:
        statement = _INSERT_DECIDING[columns] = _insert_deciding_statement(columns)
    params = {name: given[name] for name in columns}
    try:
        registration.id, held = connection.execute(
            statement, {**params, "of_forum": registration.forum_id, "capacity": capacity, "now": now}
        ).one()
    except sa.exc.IntegrityError as error:
        raise AlreadyRegistered() from error
    registration.holds_place = held
    if not held:
        registration.status, registration.waitlisted_at = Status.waitlisted, now
    make_transient_to_detached(registration)  # as if loaded: nothing left for a flush to write
    db.session.add(registration)


def _sign_up_state_statement(dialect: str) -> sa.Select:
    # Both in the words of their partial index (models.Registration), so each reads one index entry.
    forum_id = sa.bindparam("forum_id")
    # An index's first entry (ORDER BY … LIMIT 1): a plain min() let the planner, misled by statistics
    # taken while the forum was small, read the whole index into an aggregate.
    oldest_unconfirmed = (
        sa.select(Registration.created_at)
        .where(Registration.forum_id == forum_id, sa.text(UNCONFIRMED_CONDITION))
        .order_by(Registration.created_at)
        .limit(1)
    )
    first_offer_end = (
        sa.select(Registration.offer_expires_at)
        .where(Registration.forum_id == forum_id, Registration.offer_expires_at.is_not(None))
        .order_by(Registration.offer_expires_at)
        .limit(1)
    )
    registered = sa.select(Registration.id).where(
        Registration.forum_id == forum_id, Registration.email == sa.bindparam("email")
    )
    consent = sa.select(ConsentText.id).where(ConsentText.digest == sa.bindparam("consent_digest"))
    # PostgreSQL runs the upsert of the e-mail's Person within this statement (a WITH clause); on SQLite
    # the registration's insert does it (models.link_person).
    person: Any = sa.null()
    if dialect == "postgresql":
        person = sa.select(UPSERT_PERSON.cte("person_of").c.id).scalar_subquery()
    return (
        sa.select(
            RegistrationSettings,
            oldest_unconfirmed.scalar_subquery(),
            first_offer_end.scalar_subquery(),
            registered.scalar_subquery(),
            consent.scalar_subquery(),
            person,
        )
        .select_from(Forum)
        .outerjoin(RegistrationSettings, RegistrationSettings.forum_id == Forum.id)
        .where(Forum.id == forum_id)
    )


_SIGN_UP_STATE = {dialect: _sign_up_state_statement(dialect) for dialect in ("postgresql", "sqlite")}


@dataclass
class _SignUpState:
    """What a sign-up needs to know before it takes the forum's lock."""

    settings: RegistrationSettings
    #: a sign-up or an offer of the forum is overdue (to expire first, under the lock)
    overdue: bool
    #: a registration of this e-mail here, if any
    registered_id: int | None
    #: the stored consent wording in force (None until the first sign-up stores it)
    consent_text_id: int | None
    #: the e-mail's Person, made if new (PostgreSQL; None on SQLite, where the insert makes it)
    person_id: int | None


def _sign_up_state(forum: Forum, email: str, now: datetime) -> _SignUpState:
    """The forum's settings, whether a sign-up or an offer is overdue, a registration of this e-mail,
    the consent wording in force and the e-mail's Person, in one statement."""
    statement = _SIGN_UP_STATE[db.session.get_bind().dialect.name]
    params = {"forum_id": forum.id, "email": email, "consent_digest": consent_digest(), "at": now}
    settings, oldest, offer_end, registered_id, consent_id, person_id = db.session.execute(statement, params).one()
    settings = settings if settings is not None else default_settings(forum)
    cutoff = now - timedelta(hours=settings.confirmation_hours)
    overdue = (oldest is not None and oldest < cutoff) or (offer_end is not None and offer_end < now)
    return _SignUpState(settings, overdue, registered_id, consent_id, person_id)


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
    lock(forum)
    db.session.refresh(registration)
    if registration.email_confirmed_at is not None:
        return registration
    if registration.status == Status.cancelled:
        raise InvalidLink()
    registration.email_confirmed_at = now
    if registration.status == Status.pending:
        if registration.holds_place:
            confirm(registration, now=now, actor=None)
        elif settings.approval == ApprovalMode.automatic:
            room, problems = room_for(forum, settings, registration)
            if not room:
                to_waitlist(registration, now)
            elif not problems:
                confirm(registration, now=now, actor=None)
    db.session.flush()
    if registration.status == Status.waitlisted:
        fill_places(forum, now=now)
    return registration
