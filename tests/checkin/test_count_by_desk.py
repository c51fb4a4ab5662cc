"""A list's count of who is inside, kept in one part per desk: desks scanning at once never wait for
one another, and the list's count stays exact."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import services
from forum.checkin.models import Admission, CheckInList, ListCount
from forum.checkin.scan import scan_at_desk

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def today_forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


def entrance(forum):
    services.ensure_lists(forum)
    return services.entrance_list(forum, datetime.now(UTC).astimezone(ZONE).date())


def live(db, list_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Admission.id)).where(
            Admission.list_id == list_id, Admission.undone_at.is_(None), Admission.is_inside.is_(True)
        )
    )


@pytest.mark.postgres_only
def test_a_device_welcomes_while_another_desks_welcome_is_not_yet_committed(app, db, today_forum, make_registration):
    # Desk A lets someone in and holds its transaction open; a device at desk B welcomes the next
    # person meanwhile. With one count row for the whole list, B waited for A's commit.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: its desks wait for each other by design")
    desk_a = services.create_desk(today_forum, "Door A", actor=None)[0]
    _desk_b, token_b = services.create_desk(today_forum, "Door B", actor=None)
    first, second = make_registration(today_forum), make_registration(today_forum)
    checkin_list = entrance(today_forum)
    db.session.commit()
    forum_id, list_id, desk_a_id, slug = today_forum.id, checkin_list.id, desk_a.id, today_forum.slug
    first_code, second_code = badge_code(first), badge_code(second)
    a_scanned, a_may_commit, a_told = threading.Event(), threading.Event(), []

    def desk_a_at_work() -> None:
        with app.app_context():
            from forum.checkin.models import Desk
            from forum.events.models import Forum
            from forum.extensions import db as thread_db

            forum = thread_db.session.get(Forum, forum_id)
            result = scan_at_desk(
                forum,
                thread_db.session.get(CheckInList, list_id),
                code=first_code,
                desk=thread_db.session.get(Desk, desk_a_id),
            )
            a_scanned.set()
            a_may_commit.wait(timeout=30)
            thread_db.session.commit()
            a_told.append(result.inside)

    b_answer = []

    def device_b() -> None:
        response = app.test_client().post(
            f"/api/f/{slug}/checkin/scan",
            json={"code": second_code, "nonce": "device-b-1"},
            headers={"Authorization": f"Bearer {token_b}"},
        )
        b_answer.append(response.get_json())

    desk_a_thread = threading.Thread(target=desk_a_at_work)
    desk_a_thread.start()
    try:
        assert a_scanned.wait(timeout=30)
        device_thread = threading.Thread(target=device_b)
        device_thread.start()
        device_thread.join(timeout=10)
        assert not device_thread.is_alive(), "desk B waited for desk A's transaction"
    finally:
        a_may_commit.set()
        desk_a_thread.join(timeout=30)
    # each desk counts its own welcome; neither saw the other's, not yet committed
    assert (b_answer[0]["outcome"], b_answer[0]["inside"]) == ("ok", 1)
    assert a_told == [1]
    db.session.rollback()
    assert services.inside_count(checkin_list) == live(db, list_id) == 2


def test_each_desk_moves_its_own_part_and_the_list_counts_them_all(db, today_forum, make_registration):
    door_a = services.create_desk(today_forum, "Door A", actor=None)[0]
    door_b = services.create_desk(today_forum, "Door B", actor=None)[0]
    people = [make_registration(today_forum) for _ in range(3)]
    checkin_list = entrance(today_forum)
    services.update_list(checkin_list, allows_reentry=False, records_exits=True, actor=None)
    db.session.commit()
    told = []
    for person, desk, exit in ((people[0], door_a, False), (people[1], door_b, False), (people[2], door_a, False)):
        told.append(scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=exit).inside)
        db.session.commit()
    # one after the other, each desk is told the whole list's count after its own welcome
    assert told == [1, 2, 3]
    # someone let in at door A goes out through door B: door B's part goes below zero, the sum is right
    out = scan_at_desk(today_forum, checkin_list, code=badge_code(people[0]), desk=door_b, exit=True)
    db.session.commit()
    assert (out.outcome, out.inside) == ("exit", 2)
    parts = dict(
        db.session.execute(
            sa.select(ListCount.desk_key, ListCount.inside).where(ListCount.list_id == checkin_list.id)
        ).all()
    )
    assert parts == {door_a.id: 2, door_b.id: 0}
    assert services.inside_count(checkin_list) == live(db, checkin_list.id) == 2
    db.session.expire_all()
    assert db.session.get(CheckInList, checkin_list.id).inside == 2
