"""iCalendar feeds: RFC 5545 with the Casablanca VTIMEZONE, stable UIDs, SEQUENCE, CANCELLED, Arabic."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from forum.programme import services

CASABLANCA = ZoneInfo("Africa/Casablanca")


def _events(body: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.mark.parametrize(
    ("starts_on", "offset"),
    [(date(2026, 2, 13), timedelta(hours=1)), (date(2026, 3, 2), timedelta(0))],
    ids=["outside-ramadan-utc+1", "ramadan-utc+0"],
)
def test_times_carry_the_casablanca_zone_in_and_out_of_ramadan(
    client, make_forum, make_room, make_session, starts_on, offset
):
    forum = make_forum(starts_on=starts_on, ends_on=starts_on + timedelta(days=1))
    session = make_session(forum, make_room(forum), starts_on, (9, 30), (12, 0))
    response = client.get(f"/f/{forum.slug}/programme/sessions/{session.id}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    (vtimezone,) = calendar.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Africa/Casablanca"
    (event,) = calendar.walk("VEVENT")
    start = event.decoded("DTSTART")
    assert event["DTSTART"].params["TZID"] == "Africa/Casablanca"
    assert (start.hour, start.minute) == (9, 30)
    assert start.utcoffset() == offset
    assert start == session.starts_at
    assert b"DTSTART;TZID=Africa/Casablanca:" + starts_on.strftime("%Y%m%d").encode() + b"T093000" in response.data


def test_the_forum_feed_round_trips_arabic_titles(client, forum, make_room, make_session):
    make_session(forum, make_room(forum), date(2026, 2, 14), (9, 30), (12, 30))
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ar"
    response = client.get(f"/f/{forum.slug}/programme.ics")
    (event,) = _events(response.data).values()
    assert str(event["SUMMARY"]) == "ورشة التمويل التشاركي"
    assert str(event["LOCATION"]) == "قاعة Salle A"


def test_the_personal_feed_follows_changes(client, db, forum, make_room, make_session, make_registration):
    room = make_room(forum)
    workshop = make_session(forum, room, date(2026, 2, 14), (9, 30), (12, 30), published=False)
    plenary = make_session(
        forum,
        make_room(forum, "Grande salle"),
        date(2026, 2, 13),
        (11, 0),
        (13, 0),
        published=False,
        is_signup_required=False,
    )
    other = make_session(forum, make_room(forum, "B"), date(2026, 2, 14), (9, 30), (12, 30), published=False)
    services.publish(forum, actor=None)
    person = make_registration(forum)
    services.sign_up(person, workshop)
    db.session.commit()
    url = f"/f/{forum.slug}/me/{person.access_key}/calendar.ics"

    before = _events(client.get(url).data)
    uid = f"session-{workshop.id}.{forum.slug}@multaqa"
    assert set(before) == {uid, f"session-{plenary.id}.{forum.slug}@multaqa"}  # not the other workshop
    assert before[uid]["SEQUENCE"] == 0 and str(before[uid]["STATUS"]) == "CONFIRMED"
    assert f"session-{other.id}" not in str(before)

    services.save_session(
        forum,
        workshop,
        {"starts_at": workshop.starts_at + timedelta(hours=1), "ends_at": workshop.ends_at + timedelta(hours=1)},
        actor=None,
    )
    db.session.commit()
    unpublished = _events(client.get(url).data)[uid]
    assert unpublished["SEQUENCE"] == 0 and unpublished.decoded("DTSTART").hour == 9
    services.publish(forum, actor=None)
    db.session.commit()
    moved = _events(client.get(url).data)[uid]
    assert moved["SEQUENCE"] == 1 and moved.decoded("DTSTART").hour == 10

    services.save_session(forum, workshop, {"is_cancelled": True}, actor=None)
    services.publish(forum, actor=None)
    db.session.commit()
    cancelled = _events(client.get(url).data)[uid]
    assert cancelled["SEQUENCE"] == 2 and str(cancelled["STATUS"]) == "CANCELLED"


def test_the_personal_feed_needs_the_secret_key(client, forum, make_registration):
    make_registration(forum)
    assert client.get(f"/f/{forum.slug}/me/guessed-key/calendar.ics").status_code == 404


def test_uids_do_not_depend_on_the_host(client, forum, make_room, make_session):
    make_session(forum, make_room(forum), date(2026, 2, 14), (9, 30), (12, 30))
    first = set(_events(client.get(f"/f/{forum.slug}/programme.ics").data))
    second = set(_events(client.get(f"/f/{forum.slug}/programme.ics", base_url="https://other.example").data))
    assert first == second


def test_dtstart_is_the_stored_instant(client, forum, make_room, make_session):
    session = make_session(forum, make_room(forum), date(2026, 2, 14), (9, 30), (12, 30))
    (event,) = _events(client.get(f"/f/{forum.slug}/programme.ics").data).values()
    assert event.decoded("DTSTART") == datetime(2026, 2, 14, 9, 30, tzinfo=CASABLANCA) == session.starts_at
