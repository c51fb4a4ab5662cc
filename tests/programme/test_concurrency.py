"""Session capacity holds when many people sign up at the same instant, and organisers editing the timetable
at the same instant queue instead of double-booking a room or failing (real threads, PostgreSQL)."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa
from helpers import local

from forum.events.models import Forum
from forum.extensions import db as _db
from forum.programme import services
from forum.programme.models import Session, SessionDraft, Signup, SignupStatus
from forum.registration.models import Registration

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        os.environ.get("MULTAQA_TEST_DB", "sqlite") != "postgresql",
        reason="SQLite serialises writers with BEGIN IMMEDIATE; row locks need PostgreSQL",
    ),
]


def test_capacity_is_never_exceeded_under_concurrent_sign_ups(
    app, db, forum, make_room, make_session, make_registration
):
    session = make_session(forum, make_room(forum), date(2026, 2, 14), (9, 30), (12, 30), capacity=4)
    people = [make_registration(forum).id for _ in range(10)]
    barrier = threading.Barrier(len(people), timeout=20)
    errors: list[BaseException] = []

    def sign_up(registration_id: int) -> None:
        with app.app_context():
            try:
                registration = _db.session.get(Registration, registration_id)
                target = _db.session.get(Session, session.id)
                barrier.wait()
                services.sign_up(registration, target)
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001  (reported below)
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=sign_up, args=(pid,)) for pid in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    counts = dict(db.session.execute(sa.select(Signup.status, sa.func.count()).group_by(Signup.status)).all())
    assert counts == {SignupStatus.confirmed: 4, SignupStatus.waitlisted: 6}
    db.session.refresh(session)
    assert session.signed_up == 4


def _at_once(app, count: int, work) -> list[BaseException | None]:
    """Run work(i) in `count` threads released together, each in its own request-like session;
    returns what each raised (None when it committed)."""
    barrier = threading.Barrier(count, timeout=20)
    outcomes: list[BaseException | None] = [None] * count

    def run(i: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                work(i)
                _db.session.commit()
            except BaseException as error:  # noqa: BLE001  (asserted by the caller)
                outcomes[i] = error
                _db.session.rollback()
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def test_two_sessions_moved_into_one_room_at_once_leave_one_refused(app, db, forum, make_room, make_session):
    room_a, room_b, room_c = make_room(forum, "A"), make_room(forum, "B"), make_room(forum, "C")
    ids = [
        make_session(forum, room, date(2026, 2, 14), (9, 0), (10, 0), published=False).id for room in (room_b, room_c)
    ]
    start, end = local(forum, date(2026, 2, 14), 9, 30), local(forum, date(2026, 2, 14), 10, 30)
    forum_id, room_id = forum.id, room_a.id  # read here: the threads must not touch this thread's objects

    def move(i: int) -> None:
        services.save_session(
            _db.session.get(Forum, forum_id),
            _db.session.get(Session, ids[i]),
            {"room_id": room_id, "starts_at": start, "ends_at": end},
            actor=None,
        )

    outcomes = _at_once(app, 2, move)
    assert sorted(type(o).__name__ for o in outcomes) == ["NoneType", "ScheduleConflict"]
    in_a = db.session.scalar(sa.select(sa.func.count()).select_from(Session).where(Session.room_id == room_id))
    assert in_a == 1


def test_drafts_saved_while_publishing_are_kept_or_published_never_lost(app, db, forum, make_room, make_session):
    workshop = make_session(forum, make_room(forum, "A"), date(2026, 2, 14), (9, 0), (10, 0), published=False)
    services.publish(forum, actor=None)
    db.session.commit()
    titles = [{"en": f"Crowdfunding, take {i}"} for i in range(4)]
    forum_id, workshop_id = forum.id, workshop.id

    def edit_or_publish(i: int) -> None:
        current = _db.session.get(Forum, forum_id)
        if i == len(titles):
            try:
                services.publish(current, actor=None)
            except services.ProgrammeError as error:
                if type(error) is not services.ProgrammeError:
                    raise  # only "nothing has changed" may stop a publication that came first
        else:
            services.save_session(current, _db.session.get(Session, workshop_id), {"title": titles[i]}, actor=None)

    assert _at_once(app, len(titles) + 1, edit_or_publish) == [None] * (len(titles) + 1)
    db.session.expire_all()
    workshop = db.session.get(Session, workshop_id)
    draft = db.session.get(SessionDraft, workshop_id)
    shown = draft.changes["title"] if draft else workshop.title
    assert shown in titles  # the last save, whether it came before or after the publication
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionDraft)) <= 1


def test_a_promotion_and_a_sign_up_at_once_never_seat_one_person_twice_at_the_same_time(
    app, db, forum, make_room, make_session, make_registration
):
    """While the seat X waits for in B frees, X signs up to the parallel C: X ends seated in one of them
    (and offered or refused the other), never in both; seats counted hold, and nothing deadlocks."""
    rooms = [make_room(forum, name) for name in ("A", "B", "C")]
    day = date(2026, 2, 14)
    for round_ in range(4):
        b = make_session(forum, rooms[1], day, (8 + 2 * round_, 0), (9 + 2 * round_, 0), capacity=1)
        c = make_session(forum, rooms[2], day, (8 + 2 * round_, 30), (9 + 2 * round_, 30), capacity=5)
        holder, waiting = make_registration(forum), make_registration(forum)
        services.sign_up(holder, b)
        services.sign_up(waiting, b)
        db.session.commit()
        ids = {"b": b.id, "c": c.id, "holder": holder.id, "waiting": waiting.id}

        def act(i: int, ids=ids) -> None:
            if i == 0:
                services.cancel_signup(_db.session.get(Registration, ids["holder"]), _db.session.get(Session, ids["b"]))
            else:
                services.sign_up(_db.session.get(Registration, ids["waiting"]), _db.session.get(Session, ids["c"]))

        outcomes = _at_once(app, 2, act)
        assert outcomes[0] is None and (outcomes[1] is None or isinstance(outcomes[1], services.SignupError))
        db.session.expire_all()
        mine = dict(
            db.session.execute(
                sa.select(Signup.session_id, Signup.status).where(Signup.registration_id == ids["waiting"])
            ).all()
        )
        assert list(mine.values()).count(SignupStatus.confirmed) == 1, mine
        assert mine[b.id] in (SignupStatus.confirmed, SignupStatus.offered)
        assert db.session.get(Session, b.id).signed_up == 1
