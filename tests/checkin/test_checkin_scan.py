"""Scanning at a desk: one welcome per person and list, precise refusals, retries, undo, exits."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from forum.badges.services import badge_code, reissue_badge
from forum.checkin import services
from forum.checkin.models import Admission, CheckIn, CheckInList, ListKind
from forum.checkin.scan import read_with_token, scan_at_desk, scan_with_token
from forum.db import translated
from forum.i18n import local_time
from forum.programme import services as programme
from forum.programme.models import Session, SessionKind, Signup
from forum.registration.models import RegistrationStatus

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def today_forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


@pytest.fixture
def desk(db, today_forum, make_user):
    organiser = make_user(forum=today_forum, roles=("organiser",))
    desk, _token = services.create_desk(today_forum, "Desk 2", actor=organiser)
    db.session.commit()
    return desk


def entrance(forum, day: date | None = None):
    services.ensure_lists(forum)
    return services.entrance_list(forum, day or datetime.now(UTC).astimezone(ZONE).date())


def test_first_scan_welcomes_second_says_when_and_where(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    checkin_list = entrance(today_forum)
    first = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
    db.session.commit()
    assert (first.outcome, first.reason) == ("ok", "ok")
    assert first.registration["name_latin"] == person.name_latin and first.inside == 1
    second = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
    db.session.commit()
    assert (second.outcome, second.reason) == ("duplicate", "already_checked_in")
    assert second.desk == "Desk 2" and second.when_local
    assert second.when == db.session.scalar(sa.select(Admission.admitted_at)).isoformat()
    assert [c.outcome.value for c in db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id))] == ["ok", "duplicate"]


def test_each_day_and_each_session_is_its_own_list(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    now = datetime.now(UTC)
    session = Session(
        forum_id=today_forum.id,
        kind=SessionKind.workshop,
        title={"en": "Crowdfunding"},
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    db.session.add(session)
    db.session.commit()
    lists = services.ensure_lists(today_forum)
    room = next(cl for cl in lists if cl.kind == ListKind.session)
    assert scan_at_desk(today_forum, entrance(today_forum), code=badge_code(person), desk=desk).outcome == "ok"
    assert scan_at_desk(today_forum, room, code=badge_code(person), desk=desk).outcome == "ok"
    tomorrow = entrance(today_forum, today_forum.ends_on)
    later = scan_at_desk(today_forum, tomorrow, code=badge_code(person), desk=desk, now=now + timedelta(days=1))
    assert later.outcome == "ok"
    refused = scan_at_desk(today_forum, tomorrow, code=badge_code(make_registration(today_forum)), desk=desk)
    assert (refused.outcome, refused.reason) == ("refused", "wrong_day")


def test_refusals_say_why_and_never_match_someone_else(db, today_forum, make_forum, desk, make_registration):
    checkin_list = entrance(today_forum)
    person = make_registration(today_forum)
    prefix, payload, signature = badge_code(person).split(".")
    other = make_registration(today_forum)
    forged = f"{prefix}.{payload.rsplit('-', 2)[0]}-{badge_code(other).split('.')[1].split('-')[1]}-1.{signature}"
    old = badge_code(person)
    reissue_badge(person)
    cases = {
        "tampered": forged,
        "revoked": old,
        "wrong_forum": badge_code(make_registration(make_forum())),
        "cancelled": badge_code(make_registration(today_forum, status=RegistrationStatus.cancelled)),
        "not_approved": badge_code(make_registration(today_forum, status=RegistrationStatus.pending)),
        "unknown": "hello",
    }
    for reason, code in cases.items():
        result = scan_at_desk(today_forum, checkin_list, code=code, desk=desk)
        assert (result.outcome, result.reason) == ("refused", reason), reason
        if reason == "tampered":
            assert result.registration is None
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id)).where(CheckIn.outcome == "refused")) == len(cases)


def test_a_workshop_needing_sign_up_refuses_those_not_signed_up(db, today_forum, desk, make_registration):
    now = datetime.now(UTC)
    session = Session(
        forum_id=today_forum.id,
        kind=SessionKind.workshop,
        title={"en": "CSR"},
        is_signup_required=True,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    db.session.add(session)
    signed, stranger = make_registration(today_forum), make_registration(today_forum)
    db.session.add(Signup(session=session, registration=signed))
    db.session.commit()
    room = next(cl for cl in services.ensure_lists(today_forum) if cl.session_id == session.id)
    assert scan_at_desk(today_forum, room, code=badge_code(signed), desk=desk).outcome == "ok"
    refused = scan_at_desk(today_forum, room, code=badge_code(stranger), desk=desk)
    assert (refused.outcome, refused.reason) == ("refused", "not_signed_up")


def test_a_retried_nonce_returns_the_first_answer_and_records_nothing_twice(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    checkin_list = entrance(today_forum)
    first = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, nonce="n-1")
    db.session.commit()
    again = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, nonce="n-1")
    db.session.commit()
    assert again.outcome == "ok" and again.replayed and first.registration == again.registration
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_undo_keeps_the_trail_and_lets_the_person_be_welcomed_again(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    checkin_list = entrance(today_forum)
    scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
    undone = services.undo_last(today_forum, desk, agent=None)
    db.session.commit()
    assert undone.outcome == "undone" and undone.inside == 0
    with pytest.raises(services.NothingToUndo):
        services.undo_last(today_forum, desk, agent=None)
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk).outcome == "ok"
    db.session.commit()
    admissions = db.session.scalars(sa.select(Admission).order_by(Admission.id)).all()
    assert len(admissions) == 2 and admissions[0].undone_at is not None and admissions[1].undone_at is None
    assert [c.outcome.value for c in db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id))] == [
        "ok",
        "undone",
        "ok",
    ]


def test_exits_and_reentry_keep_count_of_who_is_inside(db, today_forum, desk, make_registration):
    person, other = make_registration(today_forum), make_registration(today_forum)
    checkin_list = entrance(today_forum)
    refused = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=True)
    assert refused.reason == "exits_not_recorded"
    services.update_list(checkin_list, allows_reentry=True, records_exits=True, actor=None)
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk).inside == 1
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(other), desk=desk).inside == 2
    out = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=True)
    assert (out.outcome, out.inside) == ("exit", 1)
    back = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
    assert (back.outcome, back.reason, back.inside) == ("ok", "reentry", 2)
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk).reason == "already_checked_in"


def test_an_exit_on_a_list_that_does_not_record_exits_says_so(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    checkin_list = entrance(today_forum)
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk).outcome == "ok"
    with force_locale("fr"):
        out = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=True)
        assert (out.outcome, out.reason, out.inside) == ("refused", "exits_not_recorded", 1)
        assert out.message == "Cette liste n’enregistre pas les sorties"  # not "not checked in": they are inside


def test_coming_back_on_a_list_without_reentry_says_so_and_when_they_came_in(db, today_forum, desk, make_registration):
    person = make_registration(today_forum)
    checkin_list = entrance(today_forum)
    services.update_list(checkin_list, allows_reentry=False, records_exits=True, actor=None)
    scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
    assert scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=True).inside == 0
    with force_locale("ar"):
        back = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk)
        assert (back.outcome, back.reason, back.inside) == ("duplicate", "no_reentry", 0)
        assert back.message == "سبق دخوله: هذه القائمة لا تسمح بإعادة الدخول"
    assert back.desk == "Desk 2" and back.when == db.session.scalar(sa.select(Admission.admitted_at)).isoformat()


def test_the_welcome_lists_todays_agenda(db, today_forum, desk, make_registration):
    # a real workshop of today the person holds a seat in, and one of tomorrow that is not listed
    person = make_registration(today_forum)
    today = datetime.now(UTC).astimezone(ZONE).date()
    room = programme.save_room(
        today_forum, None, {"name": {"fr": "Salle B", "ar": "قاعة B"}, "capacity": 20}, actor=None
    )
    title = {"ar": "ورشة التمويل", "fr": "Atelier financement", "en": "Funding workshop"}
    workshops = []
    for day, hour in ((today, 15), (today, 9), (today + timedelta(days=1), 9)):
        starts_at = datetime.combine(day, time(hour), tzinfo=ZONE)
        data = {"kind": SessionKind.workshop, "title": title, "room_id": room.id, "is_signup_required": True}
        data.update(starts_at=starts_at, ends_at=starts_at + timedelta(hours=1))
        session, _warnings = programme.save_session(today_forum, None, data, actor=None)
        session.published_at = datetime.now(UTC)
        workshops.append(session)
    db.session.commit()
    for session in workshops:
        programme.sign_up(person, session)
    db.session.commit()
    result = scan_at_desk(today_forum, entrance(today_forum), code=badge_code(person), desk=desk)
    assert [(item["title"], item["room"]) for item in result.agenda] == [(translated(title), translated(room.name))] * 2
    assert [item["time"] for item in result.agenda] == [
        local_time(workshops[1].starts_at),
        local_time(workshops[0].starts_at),
    ]


def test_two_desks_scanning_the_same_badge_at_once_give_exactly_one_welcome(app, db, today_forum, make_registration):
    # Real threads, each with its own connection: PostgreSQL decides by the partial unique index,
    # SQLite by its write lock; either way one welcome per badge.
    organiser_desks = [services.create_desk(today_forum, f"Desk {n}", actor=None)[0] for n in range(4)]
    db.session.commit()
    people = [make_registration(today_forum) for _ in range(5)]
    checkin_list = entrance(today_forum)
    db.session.commit()
    forum_id, list_id, desk_ids = today_forum.id, checkin_list.id, [d.id for d in organiser_desks]
    outcomes: list[str] = []

    def scan_at(desk_id: int, code: str, barrier: threading.Barrier) -> None:
        with app.app_context():
            from forum.checkin.models import CheckInList, Desk
            from forum.db import sqlite_write_intent
            from forum.events.models import Forum
            from forum.extensions import db as thread_db

            sqlite_write_intent.set(False)  # load without SQLite's write lock, then scan as a POST would
            forum = thread_db.session.get(Forum, forum_id)
            cl = thread_db.session.get(CheckInList, list_id)
            desk = thread_db.session.get(Desk, desk_id)
            thread_db.session.commit()
            sqlite_write_intent.set(True)
            barrier.wait()
            result = scan_at_desk(forum, cl, code=code, desk=desk)
            thread_db.session.commit()
            outcomes.append(result.outcome)

    for person in people:
        barrier = threading.Barrier(len(desk_ids), timeout=20)
        threads = [threading.Thread(target=scan_at, args=(d, badge_code(person), barrier)) for d in desk_ids]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    db.session.rollback()  # end the test's own read snapshot, taken before the threads wrote
    assert len(outcomes) == len(people) * len(desk_ids)
    assert outcomes.count("ok") == len(people)
    assert outcomes.count("duplicate") == len(people) * (len(desk_ids) - 1)
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == len(people)


def test_two_devices_scanning_the_same_badge_at_once_give_exactly_one_welcome(app, db, today_forum, make_registration):
    # The devices' path (desk found by its token in the scan's reading statement), real threads.
    tokens = [services.create_desk(today_forum, f"Device {n}", actor=None)[1] for n in range(4)]
    people = [make_registration(today_forum) for _ in range(3)]
    entrance(today_forum)
    db.session.commit()
    forum_id = today_forum.id
    answers: list[tuple[str, int]] = []

    def scan_with(token: str, code: str, barrier: threading.Barrier) -> None:
        with app.app_context():
            from forum.db import sqlite_write_intent
            from forum.events.models import Forum
            from forum.extensions import db as thread_db

            sqlite_write_intent.set(False)
            forum = thread_db.session.get(Forum, forum_id)
            thread_db.session.commit()
            sqlite_write_intent.set(True)
            barrier.wait()
            result = scan_with_token(read_with_token(forum.slug, token, code=code, nonce=token[-12:] + code[-8:]))
            thread_db.session.commit()
            answers.append((result.outcome, result.inside))

    for person in people:
        barrier = threading.Barrier(len(tokens), timeout=20)
        threads = [threading.Thread(target=scan_with, args=(t, badge_code(person), barrier)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    db.session.rollback()
    outcomes = [outcome for outcome, _inside in answers]
    assert outcomes.count("ok") == len(people) and outcomes.count("duplicate") == len(people) * (len(tokens) - 1)
    assert sorted(inside for outcome, inside in answers if outcome == "ok") == [1, 2, 3]
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == len(people)
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == len(people) * len(tokens)


def test_a_nonce_answered_meanwhile_for_another_badge_leaves_nothing_of_the_later_scan(
    app, db, today_forum, make_registration
):
    # A device's reading holds no lock on PostgreSQL (SQLite's transaction holds the write lock), so
    # another request with the same nonce can be answered between its reading and its welcome.
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's writing transactions queue one after the other")
    _desk, token = services.create_desk(today_forum, "Device", actor=None)
    first, later = make_registration(today_forum), make_registration(today_forum)
    checkin_list = entrance(today_forum)
    db.session.commit()
    slug, first_id, list_id = today_forum.slug, first.id, checkin_list.id
    reading = read_with_token(slug, token, code=badge_code(later), nonce="n-7")
    with app.app_context():  # the other request, in a session of its own
        from forum.extensions import db as other

        assert scan_with_token(read_with_token(slug, token, code=badge_code(first), nonce="n-7")).outcome == "ok"
        other.session.commit()
    result = scan_with_token(reading)
    db.session.commit()
    assert result.replayed and result.registration["id"] == first_id and result.inside == 1
    assert db.session.scalars(sa.select(Admission.registration_id)).all() == [first_id]
    assert db.session.scalar(sa.select(CheckIn.registration_id)) == first_id
    assert recount(db, list_id) == db.session.scalar(sa.select(CheckInList.inside).filter_by(id=list_id)) == 1


def recount(db, list_id: int) -> int:
    """Who is inside, counted from the admissions themselves."""
    return db.session.scalar(
        sa.select(sa.func.count(Admission.id)).where(
            Admission.list_id == list_id, Admission.undone_at.is_(None), Admission.is_inside.is_(True)
        )
    )


def test_the_inside_count_matches_a_recount_after_every_kind_of_scan(db, today_forum, desk, make_registration):
    a, b, c = (make_registration(today_forum) for _ in range(3))
    checkin_list = entrance(today_forum)
    services.update_list(checkin_list, allows_reentry=True, records_exits=True, actor=None)
    db.session.commit()
    steps = [
        (a, False, ("ok", "ok", 1)),
        (b, False, ("ok", "ok", 2)),
        (a, False, ("duplicate", "already_checked_in", 2)),
        (c, True, ("refused", "not_inside", 2)),
        (a, True, ("exit", "exit", 1)),
        (a, True, ("refused", "not_inside", 1)),
        (a, False, ("ok", "reentry", 2)),
        (c, False, ("ok", "ok", 3)),
        (c, True, ("exit", "exit", 2)),
    ]
    for person, exit, expected in steps:
        result = scan_at_desk(today_forum, checkin_list, code=badge_code(person), desk=desk, exit=exit)
        db.session.commit()
        assert (result.outcome, result.reason, result.inside) == expected
        assert services.inside_count(checkin_list) == recount(db, checkin_list.id) == expected[2]
    # the last welcome at the desk was c's (gone out since): undoing it leaves the count as it is
    assert services.undo_last(today_forum, desk, agent=None).inside == 2
    db.session.commit()
    scan_at_desk(today_forum, checkin_list, code=badge_code(c), desk=desk)
    undone = services.undo_last(today_forum, desk, agent=None)  # c inside again, then undone: one fewer
    db.session.commit()
    assert undone.inside == 2 and services.inside_count(checkin_list) == recount(db, checkin_list.id) == 2


def test_the_inside_count_stays_exact_with_four_desks_at_once(app, db, today_forum, make_registration):
    # Four desks in real threads scan the same people in and out at the same instants: every change
    # of the count is made in the transaction of the scan that causes it.
    desk_ids = [services.create_desk(today_forum, f"Door {n}", actor=None)[0].id for n in range(4)]
    people = [make_registration(today_forum) for _ in range(6)]
    checkin_list = entrance(today_forum)
    services.update_list(checkin_list, allows_reentry=True, records_exits=True, actor=None)
    db.session.commit()
    forum_id, list_id, codes = today_forum.id, checkin_list.id, [badge_code(p) for p in people]
    answers: list[tuple[str, str]] = []

    def desk_at_work(desk_id: int, barrier: threading.Barrier) -> None:
        with app.app_context():
            from forum.checkin.models import CheckInList, Desk
            from forum.db import sqlite_write_intent
            from forum.events.models import Forum
            from forum.extensions import db as thread_db

            sqlite_write_intent.set(False)
            forum = thread_db.session.get(Forum, forum_id)
            cl = thread_db.session.get(CheckInList, list_id)
            desk = thread_db.session.get(Desk, desk_id)
            thread_db.session.commit()
            sqlite_write_intent.set(True)
            for round_ in range(3):
                for code in codes:
                    barrier.wait()
                    result = scan_at_desk(forum, cl, code=code, desk=desk, exit=round_ == 1)
                    thread_db.session.commit()
                    answers.append((result.outcome, result.reason))

    barrier = threading.Barrier(len(desk_ids), timeout=30)
    threads = [threading.Thread(target=desk_at_work, args=(d, barrier)) for d in desk_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    db.session.rollback()
    assert len(answers) == 3 * len(people) * len(desk_ids)
    # each person: one welcome, one exit, one welcome back, whatever the desks' interleaving
    assert [o for o in answers if o == ("ok", "ok")] == [("ok", "ok")] * len(people)
    assert [o for o in answers if o == ("exit", "exit")] == [("exit", "exit")] * len(people)
    assert [o for o in answers if o == ("ok", "reentry")] == [("ok", "reentry")] * len(people)
    assert services.inside_count(checkin_list) == recount(db, list_id) == len(people)
