"""The desk's keyboard and screen-reader behaviour, and a rehearsal in a real browser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.badges.services import badge_code
from forum.checkin import services
from forum.checkin.models import Admission

pytestmark = pytest.mark.e2e
ZONE = ZoneInfo("Africa/Casablanca")


def _signed_in_at_a_desk(db, browser_login, make_forum, make_user, make_registration):
    """A forum of today with a desk, an agent signed in, and Itto Ait Ali's badge code."""
    today = datetime.now(UTC).astimezone(ZONE).date()
    forum = make_forum(starts_on=today, ends_on=today)
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    db.session.commit()
    code = badge_code(make_registration(forum, name_latin="Itto Ait Ali"))
    browser_login(agent.email, PASSWORD)
    return forum, desk, code


def test_tab_to_undo_wait_and_press_enter_undoes_and_each_answer_is_announced(
    db, page, browser_login, make_forum, make_user, make_registration
):
    forum, desk, code = _signed_in_at_a_desk(db, browser_login, make_forum, make_user, make_registration)
    page.goto(f"/f/{forum.slug}/checkin/desk/{desk.id}")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.locator("[data-answer][data-reason=ok]").wait_for(timeout=5000)
    announcer = page.locator("[data-announce]")
    expect(announcer).to_contain_text("Itto Ait Ali")
    assert announcer.get_attribute("aria-live") == "assertive"
    assert announcer.inner_text().startswith("Welcome")

    undo = page.locator("[data-undo]")
    for _ in range(6):  # Tab from the scan field to "undo" (past the exit box and the camera)
        if undo.evaluate("el => el === document.activeElement"):
            break
        page.keyboard.press("Tab")
    assert undo.evaluate("el => el === document.activeElement")
    page.wait_for_timeout(2000)  # the desk must not take the focus back meanwhile
    assert undo.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    page.locator("[data-answer][data-reason=undone]").wait_for(timeout=5000)
    expect(announcer).to_have_text(re.compile(r"^Check-in undone"))
    # after the action, the scan field has the focus again for the next badge
    assert page.locator("[data-scan-input]").evaluate("el => el === document.activeElement")
    db.session.rollback()
    assert db.session.scalar(sa.select(Admission.undone_at)) is not None


def test_a_rehearsal_the_day_before_answers_marked_and_counts_nothing(
    db, page, browser_login, make_forum, make_user, make_registration
):
    tomorrow = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=1)
    forum = make_forum(starts_on=tomorrow, ends_on=tomorrow)
    organiser = make_user("organiser@example.ma", forum=forum, roles=(Role.organiser,))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    db.session.commit()
    code = badge_code(make_registration(forum, name_latin="Itto Ait Ali"))

    browser_login(organiser.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/checkin/")
    page.check("[data-rehearsal-choice]")
    page.click("form[data-desk-chooser] button[type=submit]")
    page.locator("[data-rehearsal-banner]").wait_for()
    assert page.locator("[data-answer-mark]").is_visible()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.locator("[data-answer][data-reason=ok]").wait_for(timeout=5000)
    assert "rehearsal" in page.locator("[data-answer]").inner_text().lower()
    expect(page.locator("[data-announce]")).to_contain_text("Rehearsal. Welcome")
    expect(page.locator("[data-inside]")).to_have_text("1")
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("[data-clear-rehearsal]")
    page.locator("[data-rehearsal-banner]").wait_for()
    expect(page.locator("[data-inside]")).to_have_text("0")
    expect(page.locator("body")).to_contain_text("The rehearsal has been cleared.")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 0


def test_a_badge_scanned_before_the_desks_script_runs_is_admitted_and_answered(
    db, page, browser_login, make_forum, make_user, make_registration
):
    forum, desk, code = _signed_in_at_a_desk(db, browser_login, make_forum, make_user, make_registration)
    page.route(re.compile(r".*/js/checkin[^/]*\.js$"), lambda route: route.abort())  # still loading
    page.goto(f"/f/{forum.slug}/checkin/desk/{desk.id}")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    answer = page.locator("[data-answer][data-reason=ok]")
    answer.wait_for()
    expect(answer).to_contain_text("Itto Ait Ali")
    assert code not in page.url and "answer=" in page.url
    page.unroute(re.compile(r".*/js/checkin[^/]*\.js$"))
    page.reload()  # the script runs: the answer stays on screen, and leaves the address
    expect(page.locator("[data-answer]")).to_have_attribute("data-reason", "ok")
    page.wait_for_function("() => !window.location.search.includes('answer=')")
    page.reload()
    expect(page.locator("[data-answer-title]")).to_have_text("Ready")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 1
