"""Session capacity holds when many people sign up at the same instant (real threads, PostgreSQL)."""

from __future__ import annotations

import os
import threading
from datetime import date

import pytest
import sqlalchemy as sa

from forum.extensions import db as _db
from forum.programme import services
from forum.programme.models import Session, Signup, SignupStatus
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
