"""The check-in desk in a real browser: type a code + Enter, green; the same again, amber; a badge
printed on the spot."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.badges.models import BadgePrint
from forum.badges.services import badge_code
from forum.checkin import services

pytestmark = pytest.mark.e2e


def test_agent_scans_a_badge_twice_green_then_amber(db, page, browser_login, make_forum, make_user, make_registration):
    today = datetime.now(UTC).astimezone(ZoneInfo("Africa/Casablanca")).date()
    forum = make_forum(starts_on=today, ends_on=today + timedelta(days=1))
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 2", actor=None)
    db.session.commit()
    person = make_registration(forum, name_latin="Itto Ait Ali", name_ar="يطو أيت علي")
    code = badge_code(person)

    browser_login(agent.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/checkin/")
    page.click("form[data-desk-chooser] button[type=submit]")
    page.wait_for_url(re.compile(rf".*/checkin/desk/{desk.id}\?list=\d+$"))
    scan_input = page.locator("[data-scan-input]")
    assert scan_input.evaluate("el => el === document.activeElement")

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    answer = page.locator("[data-answer]")
    answer.and_(page.locator(".answer-ok")).wait_for(timeout=5000)
    assert "Itto Ait Ali" in answer.inner_text()
    expect(page.locator("[data-inside]")).to_have_text("1")
    # The input is empty and focused again for the next badge.
    assert scan_input.input_value() == "" and scan_input.evaluate("el => el === document.activeElement")

    page.keyboard.type(code)
    page.keyboard.press("Enter")
    answer.and_(page.locator(".answer-duplicate")).wait_for(timeout=5000)
    assert "Desk 2" in answer.inner_text()

    page.keyboard.type(code[:-3] + "abc")
    page.keyboard.press("Enter")
    answer.and_(page.locator(".answer-refused")).wait_for(timeout=5000)
    assert answer.get_attribute("data-reason") == "tampered"


def test_the_scan_input_takes_the_focus_back_from_the_desk_buttons(
    db, page, browser_login, make_forum, make_user, make_registration
):
    today = datetime.now(UTC).astimezone(ZoneInfo("Africa/Casablanca")).date()
    forum = make_forum(starts_on=today, ends_on=today)
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    entrance = services.default_list(forum)
    services.update_list(entrance, allows_reentry=False, records_exits=True, actor=None)
    db.session.commit()
    code = badge_code(make_registration(forum, name_latin="Itto Ait Ali"))

    browser_login(agent.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/checkin/desk/{desk.id}?list={entrance.id}")
    answer = page.locator("[data-answer]")

    def scan(reason: str) -> None:
        page.keyboard.type(code)
        page.keyboard.press("Enter")
        page.locator(f"[data-answer][data-reason={reason}]").wait_for(timeout=5000)

    scan("ok")
    # A scanner types into whatever has the focus: after ticking "Record an exit" it must be the input.
    page.click("[data-exit]")
    scan("exit")
    expect(page.locator("[data-inside]")).to_have_text("0")
    page.click("[data-exit]")
    # The camera button keeps no focus either (its Enter would switch the camera instead of scanning).
    page.click("[data-camera]")
    page.wait_for_timeout(300)
    scan("no_reentry")  # out, then back on a list that does not allow re-entry
    assert "Itto Ait Ali" in answer.inner_text()


def test_agent_prints_a_badge_found_by_name_as_an_a6_pdf(
    db, page, browser_login, make_forum, make_user, make_registration
):
    today = datetime.now(UTC).astimezone(ZoneInfo("Africa/Casablanca")).date()
    forum = make_forum(starts_on=today, ends_on=today)
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 3", actor=None)
    db.session.commit()
    person = make_registration(forum, name_latin="Itto Ait Ali")

    browser_login(agent.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/checkin/desk/{desk.id}")
    page.fill("[data-search-input]", "Itto")
    page.click("[data-search-form] button[type=submit]")
    button = page.locator("[data-search-results] li", has_text="Itto Ait Ali").get_by_role("button", name="Print badge")
    button.wait_for()
    with page.context.expect_page(timeout=30_000) as opened:
        button.click()
    tab = opened.value
    tab.wait_for_load_state()
    # The PDF opens in the browser's viewer in a tab of its own (printed from there at A6); the desk stays.
    assert tab.url.endswith(f"/checkin/badge/{person.id}.pdf")
    for _ in range(150):  # the viewer is a frame of the browser's own, not of the page
        if any(frame.url.startswith("chrome-extension://") for frame in tab.frames):
            break
        tab.wait_for_timeout(200)
    else:
        pytest.fail("the badge did not open in the PDF viewer")
    assert page.url.endswith(f"/checkin/desk/{desk.id}")
    db.session.rollback()
    assert db.session.scalar(sa.select(BadgePrint.registration_id)) == person.id
