"""Journeys through the programme in a real browser: workshop sign-up and the personal calendar;
the organisers' timetable moved by drag and drop."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from helpers import PASSWORD
from icalendar import Calendar
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.extensions import db
from forum.programme import services
from forum.programme.models import SessionKind

pytestmark = pytest.mark.e2e

DAY1, DAY2 = date(2026, 2, 13), date(2026, 2, 14)


def _at(forum, day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=forum.zone).astimezone(UTC)


def _session(forum, room, day, start, end, title, **extra):
    session, _ = services.save_session(
        forum,
        None,
        {
            "kind": SessionKind.workshop,
            "title": title,
            "room_id": room.id,
            "starts_at": _at(forum, day, *start),
            "ends_at": _at(forum, day, *end),
            "is_signup_required": True,
            **extra,
        },
        actor=None,
    )
    return session


@pytest.fixture
def programme(make_forum):
    forum = make_forum(starts_on=DAY1, ends_on=DAY2)
    rooms = [
        services.save_room(forum, None, {"name": {"ar": name, "fr": name}, "capacity": 60}, actor=None)
        for name in ("القاعة أ", "القاعة ب", "القاعة الكبرى")
    ]
    crowdfunding = _session(forum, rooms[0], DAY2, (9, 30), (12, 30), {"ar": "التمويل التشاركي عبر المنصات الرقمية"})
    csr = _session(forum, rooms[1], DAY2, (9, 30), (12, 30), {"ar": "المسؤولية الاجتماعية للمقاولات"})
    opening = _session(
        forum,
        rooms[2],
        DAY1,
        (9, 30),
        (10, 30),
        {"ar": "الجلسة الافتتاحية"},
        kind=SessionKind.ceremony,
        is_signup_required=False,
    )
    services.publish(forum, actor=None)
    db.session.commit()
    return forum, rooms, crowdfunding, csr, opening


def test_participant_signs_up_is_refused_a_clash_and_downloads_a_calendar(open_page, make_registration, programme):
    forum, _rooms, crowdfunding, csr, opening = programme
    person = make_registration(forum)
    page = open_page(locale="ar-MA")
    page.goto(f"/f/{forum.slug}/me/{person.access_key}/agenda")
    assert page.locator("html").get_attribute("dir") == "rtl"

    page.click(f"button[name=session_id][value='{crowdfunding.id}']")
    assert "التمويل التشاركي عبر المنصات الرقمية" in page.locator(".flash-success").inner_text()
    page.click(f"button[name=session_id][value='{csr.id}']")
    refusal = page.locator(".flash-error").inner_text()
    assert "التمويل التشاركي عبر المنصات الرقمية" in refusal and "09:30" in refusal
    assert page.locator(f"form[action$='/cancel'] button[value='{crowdfunding.id}']").count() == 1

    with page.expect_download() as download_info:
        page.click("a[href$='/calendar.ics']")
    calendar = Calendar.from_ical(open(download_info.value.path(), "rb").read())
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"التمويل التشاركي عبر المنصات الرقمية", "الجلسة الافتتاحية"}
    start = events["التمويل التشاركي عبر المنصات الرقمية"].decoded("DTSTART")
    assert (start.date(), start.hour, start.minute) == (DAY2, 9, 30)
    assert str(start.tzinfo) == "Africa/Casablanca" and start.utcoffset().total_seconds() == 3600
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Africa/Casablanca"]


def test_organiser_drags_a_session_to_another_room(page, browser_login, make_user, programme):
    forum, rooms, crowdfunding, _csr, _opening = programme
    user = make_user(forum=forum, roles=(Role.organiser,))
    browser_login(user.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/manage/programme/?day={DAY2.isoformat()}")
    target = f"td.tt-free[data-room='{rooms[2].id}'][data-starts='2026-02-14T11:00']"
    page.drag_and_drop(f".tt-session[data-session='{crowdfunding.id}']", target)
    page.wait_for_selector(f"td:has(.tt-session[data-session='{crowdfunding.id}'][data-room='{rooms[2].id}'])")
    block = page.locator(f".tt-session[data-session='{crowdfunding.id}']")
    assert block.get_attribute("data-starts") == "2026-02-14T11:00"
    assert block.get_attribute("data-ends") == "2026-02-14T14:00"
    # Onto the other workshop's room at the same time: refused, and the page says why.
    clash = f"td.tt-free[data-room='{rooms[1].id}'][data-starts='2026-02-14T09:00']"
    page.drag_and_drop(f".tt-session[data-session='{crowdfunding.id}']", clash)
    expect(page.locator(".tt-status")).to_contain_text("The room is already taken by")
    assert page.locator(f".tt-session[data-session='{crowdfunding.id}']").get_attribute("data-room") == str(rooms[2].id)


def test_participant_seated_elsewhere_waits_then_takes_the_freed_seat(open_page, make_registration, programme):
    forum, rooms, crowdfunding, _csr, _opening = programme
    small = _session(forum, rooms[2], DAY2, (10, 0), (11, 0), {"ar": "ورشة الشباب"}, capacity=1)
    services.publish(forum, actor=None)
    person, other = make_registration(forum), make_registration(forum)
    services.sign_up(person, crowdfunding)
    services.sign_up(other, small)
    db.session.commit()
    page = open_page(locale="ar-MA")
    page.goto(f"/f/{forum.slug}/me/{person.access_key}/agenda")
    page.click(f"form[action$='/signup'] button[value='{small.id}']")
    assert page.locator(".flash-warning").count() >= 1  # full: on its waiting list, seat kept
    db.session.rollback()  # a fresh snapshot: the page has written since this thread last read
    services.cancel_signup(other, small)
    db.session.commit()
    page.reload()
    offer = page.locator("form[action$='/signup/offer']")
    expect(offer).to_contain_text("ورشة الشباب")
    offer.locator("button[value=take]").click()
    expect(page.locator(".flash-success")).to_contain_text("ورشة الشباب")
    assert page.locator(f"form[action$='/cancel'] button[value='{small.id}']").count() == 1
    assert page.locator(f"form[action$='/cancel'] button[value='{crowdfunding.id}']").count() == 0
