"""Workshop sign-up: seats, waiting lists, and at most one seat per person at any moment.

The rules, for one person:

- at most one *confirmed* seat at any moment: a sign-up that would give a seat overlapping a seat
  they hold is refused, naming the session they hold;
- any number of waiting-list places, overlapping their seat or each other: someone seated in A may
  wait for a seat in the parallel B;
- when a seat frees in B, the next person in line takes it (`promote`). Without a seat overlapping
  B they are confirmed and told. With one (in A) they are not moved silently: the freed seat is
  held for them (status `offered`, counted in `Session.signed_up` like a seat) until they answer
  from their agenda, and they are e-mailed. "Take the seat in B" (`take_offer`) confirms B and
  gives back every seat of theirs overlapping it (A), each going to A's next in line by the same
  rule; "Stay in A" (`cancel_signup` on B) takes them off B's list and B's seat goes to the next.
  An offer has no expiry: the seat waits for the person's answer (or for them to give it back).

Capacity holds under concurrency: the person's row is locked first (two tabs of one person queue),
then, in id order, the session signed up to and every session of theirs overlapping it (a seat
they hold, a list they wait on), so that a promotion elsewhere cannot seat them twice meanwhile.
`promote` locks the one session it fills; callers that lock several lock them in id order.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum import mail
from forum.db import translated, utcnow
from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session, Signup, SignupStatus
from forum.programme.services._common import time_label
from forum.programme.services.errors import SignupError
from forum.registration.models import Registration, RegistrationStatus

#: the statuses that take a seat of the session (counted in Session.signed_up)
SEATED = (SignupStatus.confirmed, SignupStatus.offered)


def _lock_session(session: Session) -> Session:
    return db.session.scalars(
        sa.select(Session).where(Session.id == session.id).with_for_update().execution_options(populate_existing=True)
    ).one()


def _overlapping(registration_id: int, session: Session, *statuses: SignupStatus) -> sa.Select:
    """The person's sign-ups (of these statuses) to other sessions that overlap `session`, not cancelled."""
    return (
        sa.select(Signup)
        .join(Session, Session.id == Signup.session_id)
        .where(
            Signup.registration_id == registration_id,
            Signup.status.in_(statuses),
            Signup.session_id != session.id,
            Session.is_cancelled.is_(False),
            Session.starts_at < session.ends_at,
            Session.ends_at > session.starts_at,
        )
        .order_by(Session.starts_at, Session.id)
        .options(joinedload(Signup.session))
        .execution_options(populate_existing=True)
    )


def _lock_person_at(registration: Registration, session: Session) -> Session:
    """Lock the person, then the session and their other sessions overlapping it, in id order."""
    db.session.execute(sa.select(Registration.id).where(Registration.id == registration.id).with_for_update())
    theirs = db.session.scalars(_overlapping(registration.id, session, *SignupStatus)).all()
    ids = sorted({session.id, *(signup.session_id for signup in theirs)})
    locked = {
        s.id: s
        for s in db.session.scalars(
            sa.select(Session)
            .where(Session.id.in_(ids))
            .order_by(Session.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    return locked[session.id]


def sign_up(registration: Registration, session: Session, *, now: datetime | None = None) -> Signup:
    """A seat for a confirmed participant, or a place on the waiting list when the session is full.

    A seat overlapping one the person holds is refused; a waiting-list place never is.
    """
    if registration.status != RegistrationStatus.confirmed:
        raise SignupError(_l("Only confirmed participants can sign up to workshops."))
    if session.forum_id != registration.forum_id or session.published_at is None:
        raise SignupError()
    session = _lock_person_at(registration, session)
    if session.is_cancelled:
        raise SignupError(_l("This session has been cancelled."))
    if not session.is_signup_required:
        raise SignupError(_l("This session is open to all participants: no sign-up is needed."))
    if db.session.scalar(
        sa.select(Signup.id).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    ):
        raise SignupError(_l("You are already signed up to this session."))
    seats = session.seats
    status = SignupStatus.confirmed if seats is None or session.signed_up < seats else SignupStatus.waitlisted
    if status == SignupStatus.confirmed:
        clash = db.session.scalars(_overlapping(registration.id, session, SignupStatus.confirmed).limit(1)).first()
        if clash is not None:
            forum = db.session.get(Forum, session.forum_id)
            held = clash.session
            raise SignupError(
                _l("This session overlaps with “%(title)s” (%(when)s), which you have already chosen."),
                title=held.name,
                when=f"{time_label(held.starts_at, forum)}–{time_label(held.ends_at, forum)[-5:]}",
            )
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
    """Give the seat, the seat offered or the waiting-list place back; the people next in line take the
    freed seat (or are offered it) and are told. "Stay in A", for a seat offered in B, is this on B."""
    session = _lock_session(session)
    signup = db.session.scalar(
        sa.select(Signup).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    )
    if signup is None:
        raise SignupError(_l("You are not signed up to this session."))
    if signup.status in SEATED:
        session.signed_up -= 1
    db.session.delete(signup)
    db.session.flush()
    return promote(session, now=now)


def take_offer(registration: Registration, session: Session, *, now: datetime | None = None) -> list[Signup]:
    """The person takes the seat held for them in `session`: it is confirmed, and every seat of theirs
    overlapping it is given back and goes to the next in line there (the sign-ups promoted or offered)."""
    session = _lock_person_at(registration, session)
    signup = db.session.scalar(
        sa.select(Signup)
        .where(Signup.session_id == session.id, Signup.registration_id == registration.id)
        .execution_options(populate_existing=True)
    )
    if signup is None or signup.status != SignupStatus.offered:
        raise SignupError(_l("No seat is offered to you in this session any more."))
    signup.status = SignupStatus.confirmed
    given_back = db.session.scalars(_overlapping(registration.id, session, SignupStatus.confirmed)).all()
    for held in given_back:
        held.session.signed_up -= 1
        db.session.delete(held)
    db.session.flush()
    return [moved for held in given_back for moved in promote(held.session, now=now)]


def decline_offer(registration: Registration, session: Session, *, now: datetime | None = None) -> list[Signup]:
    """The person stays where they are seated: off the waiting list of `session`, whose seat held for
    them goes to the next in line (the sign-ups promoted or offered)."""
    status = db.session.scalar(
        sa.select(Signup.status).where(Signup.session_id == session.id, Signup.registration_id == registration.id)
    )
    if status != SignupStatus.offered:
        raise SignupError(_l("No seat is offered to you in this session any more."))
    return cancel_signup(registration, session, now=now)


def _mail(signup: Signup, forum: Forum, template: str, subject, **context) -> None:
    registration = signup.registration
    mail.send(
        registration.email,
        subject,
        template,
        locale=registration.locale,
        forum=forum,
        registration=registration,
        session=signup.session,
        title=translated(signup.session.title, registration.locale),
        agenda_url=mail.external_url("programme.agenda", forum_slug=forum.slug, access_key=registration.access_key),
        **context,
    )


def promote(session: Session, *, now: datetime | None = None) -> list[Signup]:
    """Fill free seats from the waiting list, first come first served: a person without a seat at that
    time is confirmed, one seated elsewhere then is offered the seat (held for them); both are told."""
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
        held = db.session.scalars(_overlapping(signup.registration_id, session, SignupStatus.confirmed)).all()
        if not held:
            signup.status = SignupStatus.confirmed
            _mail(signup, forum, "programme_promoted", _l("You have a seat in “%(title)s”"))
            continue
        signup.status = SignupStatus.offered
        locale = signup.registration.locale
        _mail(
            signup,
            forum,
            "programme_offered",
            _l("A seat is free for you in “%(title)s”"),
            held=[translated(h.session.title, locale) for h in held],
        )
    db.session.flush()
    return promoted
