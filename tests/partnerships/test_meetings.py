"""Meetings: requests and answers, booking a slot that suits both, no double booking, held by badge scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from forum.badges.services import badge_code
from forum.errors import NotAllowed
from forum.partnerships import services
from forum.partnerships.models import Meeting, MeetingParticipant, RequestStatus
from forum.programme.models import Session, SessionKind, Signup, SignupStatus
from forum.registration.models import Category


@pytest.fixture
def pair(make_forum, make_partner, make_plan):
    forum = make_forum()
    slots = make_plan(forum, slots=3, tables=2)
    association = make_partner(forum, needs=("funding",), organisation="Oasis Rural")
    company = make_partner(forum, offers=("funding",), category=Category.private_sector, organisation="Atlas Bank")
    return forum, slots, association, company


def test_request_accept_book_and_see_it_on_both_sides(db, pair, agreed):
    forum, slots, association, company = pair
    request = agreed(association, company)
    assert request.status == RequestStatus.accepted
    assert services.free_slots(request) == slots
    meeting = services.book(request, slots[1], by=company.registration)
    db.session.commit()
    assert meeting.place.name == "Table 1"
    assert services.meetings_of(association.registration) == [meeting] == services.meetings_of(company.registration)
    assert slots[1] not in services.free_slots(request)
    with pytest.raises(services.SlotTaken):
        services.book(request, slots[2], by=association.registration)  # one meeting per request


def test_only_the_person_asked_answers_and_a_reason_reaches_the_requester(db, pair):
    forum, slots, association, company = pair
    request = services.request_meeting(association.registration, company, message="Funding for our oasis project")
    with pytest.raises(NotAllowed):
        services.accept(request, by=association.registration)
    services.decline(request, by=company.registration, reason="Our budget is spent")
    page = services.partners_page(association.registration, forum)
    received, sent = page.received, page.sent
    assert sent[0].decline_reason == "Our budget is spent" and received == []
    with pytest.raises(services.AlreadyRequested):
        services.request_meeting(association.registration, company, message="Again")


def test_nobody_is_in_two_meetings_in_one_slot(db, make_forum, make_partner, make_plan, agreed):
    forum = make_forum()
    slots = make_plan(forum, slots=2, tables=3)
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    first, second = (make_partner(forum, needs=("funding",)) for _ in range(2))
    one, two = agreed(first, company), agreed(second, company)
    services.book(one, slots[0], by=first.registration)
    assert services.free_slots(two) == [slots[1]]
    with pytest.raises(services.SlotClash, match="is busy at this time"):
        services.book(two, slots[0], by=second.registration)
    db.session.rollback()


def test_the_database_refuses_a_double_booking(db, pair, agreed):
    forum, slots, association, company = pair
    meeting = services.book(agreed(association, company), slots[0], by=association.registration)
    db.session.commit()
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.add(
                MeetingParticipant(meeting_id=meeting.id, slot_id=slots[0].id, registration_id=company.registration_id)
            )
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            other = Meeting(
                forum_id=forum.id, request_id=meeting.request_id, slot_id=slots[0].id, place_id=meeting.place_id
            )
            db.session.add(other)
    db.session.rollback()


def test_places_run_out_and_the_limit_holds(db, make_forum, make_partner, make_plan, agreed):
    forum = make_forum()
    slots = make_plan(forum, slots=2, tables=1)
    services.save_settings(forum, booking_opens_at=None, booking_closes_at=None, max_meetings=1)
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    a, b, c = (make_partner(forum, needs=("funding",)) for _ in range(3))
    services.book(agreed(a, b), slots[0], by=a.registration)
    with pytest.raises(services.NoPlaceFree):
        services.book(agreed(c, company), slots[0], by=c.registration)
    db.session.rollback()
    with pytest.raises(services.LimitReached, match="already has 1 meetings"):
        services.book(agreed(company, a), slots[1], by=company.registration)


def test_a_session_signed_up_to_blocks_its_slots(db, pair, agreed):
    forum, slots, association, company = pair
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"en": "CSR"},
        starts_at=slots[0].starts_at - timedelta(minutes=30),
        ends_at=slots[1].starts_at + timedelta(minutes=1),
    )
    db.session.add(workshop)
    db.session.flush()
    db.session.add(
        Signup(session_id=workshop.id, registration_id=company.registration_id, status=SignupStatus.confirmed)
    )
    db.session.commit()
    assert services.free_slots(agreed(association, company)) == slots[2:]


def test_a_booth_of_a_party_is_preferred(db, pair, agreed):
    forum, slots, association, company = pair
    request = agreed(association, company)
    assert services.book(request, slots[0], by=company.registration).place.label == "1"


def test_scanning_the_other_partys_badge_marks_the_meeting_held(db, pair, agreed, make_registration):
    forum, slots, association, company = pair
    meeting = services.book(agreed(association, company), slots[0], by=association.registration)
    db.session.commit()
    during = slots[0].starts_at + timedelta(minutes=5)
    stranger = make_registration(forum)
    with pytest.raises(services.NotYourMeeting):
        services.held_by_scan(association.registration, badge_code(stranger), now=during)
    services.held_by_scan(association.registration, badge_code(company.registration), now=during)
    assert meeting.held_at == during
    board = services.board(forum, now=slots[-1].ends_at)
    assert (board.held, board.no_show, board.to_come) == (1, 0, 0)


def test_a_meeting_not_held_after_its_slot_is_a_no_show(db, pair, agreed):
    forum, slots, association, company = pair
    services.book(agreed(association, company), slots[0], by=association.registration)
    db.session.commit()
    assert services.board(forum, now=slots[0].starts_at).to_come == 1
    assert services.board(forum, now=slots[0].ends_at).no_show == 1


def test_bookings_close_with_the_window(db, pair, agreed):
    forum, slots, association, company = pair
    request = agreed(association, company)
    services.save_settings(
        forum, booking_opens_at=None, booking_closes_at=slots[0].starts_at - timedelta(days=40), max_meetings=8
    )
    with pytest.raises(services.BookingClosed):
        services.book(request, slots[0], by=association.registration)


def test_meetings_reach_the_agenda_and_the_calendar_with_their_place(client, db, pair, agreed):
    forum, slots, association, company = pair
    services.book(agreed(association, company), slots[0], by=association.registration)
    db.session.commit()
    me = association.registration.access_key
    agenda = client.get(f"/f/{forum.slug}/me/{me}/agenda").get_data(as_text=True)
    assert "My appointments" in agenda and "Table 1" in agenda and "Atlas Bank" in agenda
    ics = client.get(f"/f/{forum.slug}/me/{me}/calendar.ics").get_data(as_text=True)
    assert "LOCATION:Table 1" in ics and "UID:meeting-" in ics and "DTSTART;TZID=Africa/Casablanca" in ics
    hub = client.get(f"/f/{forum.slug}/me/{company.registration.access_key}/partners/").get_data(as_text=True)
    assert "Oasis Rural" in hub and "Table 1" in hub


def test_a_person_without_meetings_costs_the_agenda_one_small_query(client, db, pair, count_queries):
    """Most people have no meeting: their agenda and calendar feed ask one table, where the meetings'
    query with its parties (ten tables) cost PostgreSQL about 5 ms to plan on every visit."""
    forum, _slots, association, _company = pair
    me = association.registration.access_key
    with count_queries() as counter:
        agenda = client.get(f"/f/{forum.slug}/me/{me}/agenda")
    asked = [s for s in counter.statements if "meeting" in s]
    assert agenda.status_code == 200 and "My appointments" not in agenda.text
    assert len(asked) == 1 and "FROM meeting_participant" in asked[0] and "JOIN" not in asked[0]


def test_an_organisations_history_shows_its_peoples_meetings(client, db, pair, agreed, make_user, login):
    forum, slots, association, company = pair
    services.book(agreed(association, company), slots[0], by=company.registration)
    db.session.commit()
    login(make_user(is_admin=True))
    page = client.get(f"/series/organisations/{association.registration.organisation_id}").text
    assert "Meeting with" in page and "Atlas Bank" in page
