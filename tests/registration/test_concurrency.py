"""Capacity is never exceeded: 100 simultaneous sign-ups or approvals at the last 10 places (PostgreSQL)."""

from __future__ import annotations

import os
import re
import threading

import pytest
import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db as _db
from forum.registration import services
from forum.registration.models import ApprovalMode, Registration, RegistrationStatus

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        os.environ.get("MULTAQA_TEST_DB", "sqlite") != "postgresql",
        reason="real concurrency needs PostgreSQL's row locks (SQLite serialises every writer)",
    ),
]

Status = RegistrationStatus
THREADS = 100


def run_together(target, count: int) -> list[BaseException]:
    """Start `count` threads that wait at a barrier, then run target(i) at the same moment."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def worker(i: int) -> None:
        try:
            barrier.wait()
            target(i)
        except BaseException as error:  # noqa: BLE001  (collected and reported by the test)
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    return errors


def fill_up_to(forum: Forum, make_registration, taken: int) -> None:
    for _ in range(taken):
        make_registration(forum, status=Status.confirmed)


def final_counts(forum: Forum) -> dict[str, int]:
    _db.session.expire_all()
    rows = _db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.forum_id == forum.id)
        .group_by(Registration.status)
    )
    return {status.value: n for status, n in rows}


def test_hundred_simultaneous_signups_through_the_form_fill_exactly_the_last_ten_places(
    app, make_forum, make_registration
):
    forum = make_forum(capacity=50)
    fill_up_to(forum, make_registration, 40)
    slug = forum.slug
    statuses: list[int] = []

    def sign_up_and_confirm(i: int) -> None:
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.0.{i // 250}.{i % 250 + 1}"  # one client each
        response = client.post(
            f"/f/{slug}/register",
            data={
                "name_latin": f"Person {chr(65 + i % 26)}{chr(97 + i // 26)}",
                "email": f"person{i}@example.ma",
                "phone": "0612345678",
                "category": "association",
                "gender": "female",
                "province": "errachidia",
                "area": "rural",
                "locale": "ar",
                "consent": "y",
            },
        )
        statuses.append(response.status_code)
        with app.app_context():
            registration = _db.session.scalar(
                sa.select(Registration).where(Registration.email == f"person{i}@example.ma")
            )
            link = f"/f/{slug}/me/{registration.access_key}/confirm/{services.confirmation_token(registration)}"
        confirm = client.get(link)
        statuses.append(confirm.status_code)
        assert re.search(r"/me/[\w-]+/$", confirm.headers["Location"])

    errors = run_together(sign_up_and_confirm, THREADS)
    assert errors == []
    assert sorted(set(statuses)) == [302]
    counts = final_counts(forum)
    assert counts == {"confirmed": 50, "waitlisted": 90}
    assert services.places_left(forum) == 0


def test_hundred_simultaneous_approvals_confirm_exactly_ten(app, db, make_forum, make_registration, make_user):
    forum = make_forum(capacity=20)
    services.save_settings(forum, {"approval": ApprovalMode.manual}, actor=None)
    db.session.commit()
    fill_up_to(forum, make_registration, 10)
    organiser = make_user(forum=forum, roles=("organiser",))
    pending = [make_registration(forum, status=Status.pending).id for _ in range(THREADS)]

    def approve(i: int) -> None:
        with app.app_context():
            registration = _db.session.get(Registration, pending[i])
            services.approve(registration, actor=_db.session.get(type(organiser), organiser.id))
            _db.session.commit()

    errors = run_together(approve, THREADS)
    assert errors == []
    assert final_counts(forum) == {"confirmed": 20, "waitlisted": 90}


def test_twenty_simultaneous_signups_with_one_email_make_one_registration(app, make_forum, mailbox):
    forum = make_forum(capacity=50)
    slug = forum.slug
    answers: list[tuple[int, str]] = []

    def sign_up(i: int) -> None:
        client = app.test_client()
        client.environ_base.update(REMOTE_ADDR=f"10.1.0.{i + 1}", HTTP_ACCEPT_LANGUAGE="en")
        response = client.post(
            f"/f/{slug}/register",
            data={
                "name_latin": "Khadija Ouahmane",
                "email": "khadija@example.ma",
                "phone": "0612345678",
                "category": "association",
                "gender": "female",
                "province": "errachidia",
                "area": "rural",
                "locale": "en",
                "consent": "y",
            },
        )
        answers.append((response.status_code, response.get_data(as_text=True)))

    assert run_together(sign_up, 20) == []
    assert final_counts(forum) == {"pending": 1}
    assert sorted(code for code, _ in answers) == [200] * 19 + [302]
    assert all("already registered for this forum" in text for code, text in answers if code == 200)
    # One confirmation request, and the management link sent again to each of the others.
    assert len(mailbox.wait_for(20)) == 20
