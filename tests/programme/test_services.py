"""Programme rules: conflicts, publication and its changelog, sign-up with a waiting list, hooks."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import render_template
from helpers import local

from forum import hooks
from forum.db import translated
from forum.extensions import db as _db
from forum.programme import services
from forum.programme.models import SessionKind, Signup, SignupStatus
from forum.registration.models import Registration, RegistrationStatus

DAY1, DAY2 = date(2026, 2, 13), date(2026, 2, 14)
pytestmark = pytest.mark.usefixtures("english")


# --- conflicts ---------------------------------------------------------------------------------------


def test_the_same_room_twice_at_once_is_refused_and_named(db, forum, make_room, make_session):
    room = make_room(forum)
    make_session(forum, room, DAY2, (9, 30), (12, 30))
    with pytest.raises(services.ScheduleConflict) as caught:
        make_session(forum, room, DAY2, (11, 0), (13, 0), title={"fr": "Autre atelier"})
    assert "The room is already taken by “Crowdfunding workshop”" in str(caught.value)


def test_back_to_back_sessions_in_one_room_are_fine(db, forum, make_room, make_session):
    room = make_room(forum)
    make_session(forum, room, DAY2, (9, 0), (10, 0))
    make_session(forum, room, DAY2, (10, 0), (11, 0))


def test_a_speaker_or_moderator_in_two_places_is_refused(db, forum, make_room, make_speaker, make_session):
    nadia = make_speaker(forum, "Nadia Idrissi")
    make_session(forum, make_room(forum, "A"), DAY2, (9, 30), (12, 30), speaker_ids=[nadia.id])
    with pytest.raises(services.ScheduleConflict) as caught:
        make_session(forum, make_room(forum, "B"), DAY2, (10, 0), (11, 0), moderator_id=nadia.id)
    assert "Nadia Idrissi is already in “Crowdfunding workshop”" in str(caught.value)


def test_a_session_outside_the_forums_days_is_refused(db, forum, make_room, make_session):
    with pytest.raises(services.ScheduleConflict, match="outside the forum's days"):
        make_session(forum, make_room(forum), date(2026, 2, 15), (9, 0), (10, 0))


def test_a_room_smaller_than_the_session_is_only_a_warning(db, forum, make_room):
    room = make_room(forum, capacity=30)
    data = {
        "kind": SessionKind.workshop,
        "title": {"fr": "Grand atelier"},
        "room_id": room.id,
        "starts_at": local(forum, DAY2, 9),
        "ends_at": local(forum, DAY2, 10),
        "capacity": 60,
    }
    session, warnings = services.save_session(forum, None, data, actor=None)
    assert session.id is not None
    assert [w.is_hard for w in warnings] == [False]
    assert "seats 30 people, fewer than the session's capacity of 60" in warnings[0].message


def test_a_refused_move_leaves_the_session_where_it_was(db, forum, make_room, make_session):
    room_a, room_b = make_room(forum, "A"), make_room(forum, "B")
    make_session(forum, room_b, DAY2, (9, 0), (10, 0))
    moving = make_session(forum, room_a, DAY2, (9, 0), (10, 0))
    with pytest.raises(services.ScheduleConflict):
        services.save_session(forum, moving, {"room_id": room_b.id}, actor=None)
    db.session.rollback()
    db.session.refresh(moving)
    assert moving.room_id == room_a.id


# --- publication --------------------------------------------------------------------------------------


def test_publishing_numbers_versions_and_lists_what_moved(db, forum, make_room, make_session):
    room_a, room_b = make_room(forum, "A"), make_room(forum, "B")
    workshop = make_session(forum, room_a, DAY2, (9, 0), (10, 0), published=False)
    assert services.public_programme(forum) == []
    first = services.publish(forum, actor=None)
    assert first.number == 1 and [c["kind"] for c in first.changes] == ["added"]
    assert workshop.published_at is not None and workshop.sequence == 0

    services.save_session(
        forum,
        workshop,
        {"room_id": room_b.id, "starts_at": local(forum, DAY2, 14), "ends_at": local(forum, DAY2, 15)},
        actor=None,
    )
    second = services.publish(forum, actor=None)
    assert second.number == 2
    (change,) = second.changes
    assert change["kind"] == "moved"
    assert change["before"]["room"]["fr"] == "A" and change["after"]["room"]["fr"] == "B"
    assert workshop.sequence == 1

    with pytest.raises(services.ProgrammeError, match="Nothing has changed since version 2"):
        services.publish(forum, actor=None)

    services.save_session(forum, workshop, {"is_cancelled": True}, actor=None)
    third = services.publish(forum, actor=None)
    assert [c["kind"] for c in third.changes] == ["cancelled"] and workshop.sequence == 2


def test_a_published_session_is_cancelled_not_deleted(db, forum, make_room, make_session):
    session = make_session(forum, make_room(forum), DAY2, (9, 0), (10, 0))
    with pytest.raises(services.ProgrammeError, match="cancel it instead"):
        services.delete_session(session, actor=None)
    draft = make_session(forum, make_room(forum, "B"), DAY2, (9, 0), (10, 0), published=False)
    services.delete_session(draft, actor=None)


def test_notices_go_to_signed_up_people_and_speakers_after_review(
    db, forum, make_room, make_speaker, make_session, make_registration, mailbox
):
    room = make_room(forum)
    speaker_person = make_registration(forum, email="speaker@example.ma")
    speaker = make_speaker(forum, registration_id=speaker_person.id)
    session = make_session(forum, room, DAY2, (9, 0), (10, 0), published=False, speaker_ids=[speaker.id])
    services.publish(forum, actor=None)
    participant = make_registration(forum, email="fatima@example.ma", locale="fr")
    services.sign_up(participant, session)
    untouched = make_registration(forum, email="other@example.ma")
    db.session.commit()

    services.save_session(
        forum, session, {"starts_at": local(forum, DAY2, 11), "ends_at": local(forum, DAY2, 12)}, actor=None
    )
    version = services.publish(forum, actor=None)
    notices = services.notices_for(version)
    assert {n.registration.email: n.as_speaker for n in notices} == {
        "speaker@example.ma": True,
        "fatima@example.ma": False,
    }
    assert untouched.email not in {n.registration.email for n in notices}
    assert mailbox.messages == []  # listed for review, not sent

    db.session.commit()
    assert services.send_notices(version, actor=None) == 2
    db.session.commit()
    messages = mailbox.wait_for(2)
    to_fatima = next(m for m in messages if m["To"] == "fatima@example.ma")
    body = to_fatima.get_body(preferencelist=("plain",)).get_content()
    assert "Atelier financement participatif" in body and "12:00" in body  # 11:00–12:00 local
    with pytest.raises(services.ProgrammeError):
        services.send_notices(version, actor=None)


# --- sign-up -------------------------------------------------------------------------------------------


def test_capacity_then_waiting_list_then_promotion_on_cancellation(
    db, forum, make_room, make_session, make_registration, mailbox
):
    session = make_session(forum, make_room(forum, capacity=100), DAY2, (9, 0), (12, 0), capacity=2)
    people = [make_registration(forum) for _ in range(4)]
    statuses = [services.sign_up(person, session).status for person in people]
    db.session.commit()
    assert statuses == [SignupStatus.confirmed] * 2 + [SignupStatus.waitlisted] * 2

    promoted = services.cancel_signup(people[0], session)
    db.session.commit()
    assert [s.registration_id for s in promoted] == [people[2].id]
    assert mailbox.wait_for(1)[0]["To"] == people[2].email
    db.session.refresh(session)
    assert session.signed_up == 2 and session.seats_left == 0
    with pytest.raises(services.SignupError, match="not signed up"):
        services.cancel_signup(people[0], session)


def test_two_overlapping_sessions_are_refused_and_the_clash_named(
    db, forum, make_room, make_session, make_registration
):
    morning = make_session(forum, make_room(forum, "A"), DAY2, (9, 30), (12, 30))
    other = make_session(forum, make_room(forum, "B"), DAY2, (11, 0), (13, 0), title={"fr": "RSE"})
    afternoon = make_session(forum, make_room(forum, "C"), DAY2, (12, 30), (14, 0), title={"fr": "Après-midi"})
    person = make_registration(forum)
    services.sign_up(person, morning)
    with pytest.raises(services.SignupError) as caught:
        services.sign_up(person, other)
    assert "overlaps with “Crowdfunding workshop”" in str(caught.value)
    assert "09:30" in str(caught.value) and "12:30" in str(caught.value)
    services.sign_up(person, afternoon)  # starts when the morning one ends


def test_only_confirmed_participants_sign_up_to_published_sessions_needing_it(
    db, forum, make_room, make_session, make_registration
):
    session = make_session(forum, make_room(forum), DAY2, (9, 0), (10, 0))
    with pytest.raises(services.SignupError, match="Only confirmed participants"):
        services.sign_up(make_registration(forum, status=RegistrationStatus.pending), session)
    person = make_registration(forum)
    draft = make_session(forum, make_room(forum, "B"), DAY2, (9, 0), (10, 0), published=False)
    with pytest.raises(services.SignupError):
        services.sign_up(person, draft)
    plenary = make_session(forum, make_room(forum, "C"), DAY1, (9, 0), (10, 0), is_signup_required=False)
    with pytest.raises(services.SignupError, match="no sign-up is needed"):
        services.sign_up(person, plenary)
    services.sign_up(person, session)
    with pytest.raises(services.SignupError, match="already signed up"):
        services.sign_up(person, session)


def test_raising_capacity_promotes_the_waiting_list(db, forum, make_room, make_session, make_registration):
    session = make_session(forum, make_room(forum), DAY2, (9, 0), (10, 0), capacity=1)
    first, second = make_registration(forum), make_registration(forum)
    services.sign_up(first, session)
    services.sign_up(second, session)
    services.save_session(forum, session, {"capacity": 2}, actor=None)
    status = db.session.scalar(sa.select(Signup.status).where(Signup.registration_id == second.id))
    assert status == SignupStatus.waitlisted  # the new seat is in the draft, not published yet
    services.publish(forum, actor=None)
    status = db.session.scalar(sa.select(Signup.status).where(Signup.registration_id == second.id))
    assert status == SignupStatus.confirmed and session.signed_up == 2


# --- what other modules see ----------------------------------------------------------------------------


def agenda_of_day(db, person, day):
    """The person's seats on a local day of their forum, as the check-in desk reads them."""
    rows = db.session.execute(
        services.with_seats(sa.select(Registration.id), Registration.id).where(Registration.id == person.id)
    )
    return services.seats_of_day(rows, day, person.forum.zone)


def test_agenda_of_day_lists_the_days_confirmed_workshops(db, forum, make_room, make_session, make_registration):
    session = make_session(forum, make_room(forum), DAY2, (9, 30), (12, 30))
    person = make_registration(forum)
    services.sign_up(person, session)
    db.session.commit()
    rows = agenda_of_day(db, person, DAY2)
    assert [(translated(row.title), translated(row.room)) for row in rows] == [
        ("Crowdfunding workshop", "قاعة Salle A")
    ]
    assert rows[0].starts_at == local(forum, DAY2, 9, 30)
    assert agenda_of_day(db, person, DAY1) == []


def test_report_section_lists_the_programme_with_speakers(app, db, forum, make_room, make_speaker, make_session):
    speaker = make_speaker(forum, "Said Benali", organisation="Banque Atlas Finance")
    make_session(
        forum,
        make_room(forum),
        DAY1,
        (11, 0),
        (13, 0),
        kind=SessionKind.plenary,
        speaker_ids=[speaker.id],
        title={"en": "Legal framework"},
    )
    (section,) = [s for s in hooks.report_sections.collect(forum) if s.key == "programme"]
    html = render_template(section.template, **section.context)
    assert "Legal framework" in html and "Said Benali (Banque Atlas Finance)" in html
    assert "<script" not in html


# --- a seat in one session while waiting for a parallel one ------------------------------------------


def _status(person, session) -> SignupStatus | None:
    return _db.session.scalar(
        sa.select(Signup.status).where(Signup.registration_id == person.id, Signup.session_id == session.id)
    )


@pytest.fixture
def parallel(forum, make_room, make_session, make_registration):
    """Two full parallel one-seat workshops A and B: `seated` holds A and waits for B, held by `other`."""
    a = make_session(forum, make_room(forum, "A"), DAY2, (9, 0), (12, 0), capacity=1, title={"en": "Finance"})
    b = make_session(forum, make_room(forum, "B"), DAY2, (10, 0), (11, 0), capacity=1, title={"en": "CSR"})
    seated, other = make_registration(forum), make_registration(forum)
    services.sign_up(seated, a)
    services.sign_up(other, b)
    return a, b, seated, other


def test_a_seat_in_one_session_while_waiting_for_a_parallel_one(db, forum, make_registration, parallel):
    a, b, seated, other = parallel
    assert services.sign_up(seated, b).status == SignupStatus.waitlisted
    behind = make_registration(forum)
    assert services.sign_up(behind, b).status == SignupStatus.waitlisted
    assert services.sign_up(behind, a).status == SignupStatus.waitlisted  # several waiting places overlap
    db.session.commit()
    assert _status(seated, a) == SignupStatus.confirmed and _status(seated, b) == SignupStatus.waitlisted


def test_a_freed_seat_is_offered_to_the_next_in_line_seated_elsewhere_then(db, forum, parallel, mailbox):
    a, b, seated, other = parallel
    services.sign_up(seated, b)
    db.session.commit()
    moved = services.cancel_signup(other, b)
    db.session.commit()
    assert [s.registration_id for s in moved] == [seated.id]
    assert _status(seated, b) == SignupStatus.offered and _status(seated, a) == SignupStatus.confirmed
    db.session.refresh(b)
    assert b.signed_up == 1 and b.seats_left == 0  # held for them while they choose
    message = mailbox.wait_for(1)[0]
    assert message["To"] == seated.email and "CSR" in message["Subject"]
    assert agenda_of_day(db, seated, DAY2)[0].title["en"] == "Finance"  # the door lists only A


def test_taking_the_offer_confirms_it_and_gives_the_held_seat_to_the_next_in_line(
    db, forum, make_registration, parallel, mailbox
):
    a, b, seated, other = parallel
    services.sign_up(seated, b)
    waiting_for_a = make_registration(forum)
    services.sign_up(waiting_for_a, a)
    services.cancel_signup(other, b)
    db.session.commit()
    moved = services.take_offer(seated, b)
    db.session.commit()
    assert _status(seated, b) == SignupStatus.confirmed and _status(seated, a) is None
    assert [s.registration_id for s in moved] == [waiting_for_a.id]
    assert _status(waiting_for_a, a) == SignupStatus.confirmed
    db.session.refresh(a)
    db.session.refresh(b)
    assert (a.signed_up, b.signed_up) == (1, 1)
    assert mailbox.wait_for(2)[1]["To"] == waiting_for_a.email
    with pytest.raises(services.SignupError, match="No seat is offered"):
        services.take_offer(seated, b)


def test_the_seat_given_back_goes_by_the_same_rule_to_the_next_in_line(
    db, forum, make_room, make_session, make_registration, parallel
):
    a, b, seated, other = parallel
    c = make_session(forum, make_room(forum, "C"), DAY2, (11, 30), (13, 0), title={"en": "Youth"})
    services.sign_up(seated, b)
    next_for_a = make_registration(forum)
    services.sign_up(next_for_a, c)  # a seat in C, which overlaps A (not B)
    services.sign_up(next_for_a, a)
    services.cancel_signup(other, b)
    services.take_offer(seated, b)
    db.session.commit()
    assert _status(next_for_a, a) == SignupStatus.offered and _status(next_for_a, c) == SignupStatus.confirmed
    services.take_offer(next_for_a, a)
    db.session.commit()
    assert _status(next_for_a, a) == SignupStatus.confirmed and _status(next_for_a, c) is None


def test_staying_takes_them_off_the_list_and_offers_the_seat_to_the_next(db, forum, make_registration, parallel):
    a, b, seated, other = parallel
    services.sign_up(seated, b)
    free_then = make_registration(forum)
    services.sign_up(free_then, b)
    services.cancel_signup(other, b)
    db.session.commit()
    moved = services.cancel_signup(seated, b)  # "Stay in A"
    db.session.commit()
    assert _status(seated, b) is None and _status(seated, a) == SignupStatus.confirmed
    assert [s.registration_id for s in moved] == [free_then.id]
    assert _status(free_then, b) == SignupStatus.confirmed  # no clash: promoted as before
    db.session.refresh(b)
    assert b.signed_up == 1
