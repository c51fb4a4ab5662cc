"""The desk without a network, in Chromium: it answers from its roster (signed badges checked in the
page), keeps every scan through a reload, and brings each back to the server exactly once."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.badges.models import BadgeScheme
from forum.badges.services import badge_code, set_scheme
from forum.checkin import services
from forum.checkin.models import Admission, CheckIn

pytestmark = pytest.mark.e2e
ZONE = ZoneInfo("Africa/Casablanca")


def _signed_forum(db, make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    forum = make_forum(starts_on=today, ends_on=today)
    set_scheme(forum, BadgeScheme.ed25519, reissue=False, actor=None)
    db.session.commit()
    return forum


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))


def _open_desk(page, url: str) -> None:
    page.goto(url)
    page.locator("[data-desk][data-roster-ready=true][data-offline-ready=true]").wait_for(timeout=10_000)


def _scan(page, code: str, pending: int) -> None:
    page.keyboard.type(code)  # as a USB scanner types: the characters, then Enter
    page.keyboard.press("Enter")
    page.locator(f"[data-desk][data-pending='{pending}']").wait_for(timeout=5000)


def test_twenty_badges_offline_through_a_reload_come_back_as_eighteen_admissions(
    db, app, page, make_forum, make_user, make_registration, monkeypatch
):
    forum = _signed_forum(db, make_forum)
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    entrance = services.default_list(forum)
    db.session.commit()
    people = [make_registration(forum, name_latin=f"Person {n}") for n in range(18)]
    codes = [badge_code(p) for p in people]
    prefix, payload, signature = codes[0].split(".")
    altered = f"{prefix}.{payload}.{signature[:20]}{'A' if signature[20] != 'A' else 'B'}{signature[21:]}"
    foreign = badge_code(make_registration(_signed_forum(db, make_forum)))

    _sign_in(page, agent.email)
    url = f"/f/{forum.slug}/checkin/desk/{desk.id}?list={entrance.id}"
    _open_desk(page, url)
    page.context.set_offline(True)
    answer = page.locator("[data-answer]")
    for n, code in enumerate(codes[:9], start=1):
        _scan(page, code, n)
        expect(answer).to_have_attribute("data-reason", "ok")
        expect(answer).to_have_attribute("data-offline", "true")
    assert "Person 8" in answer.inner_text()
    _scan(page, altered, 10)
    expect(answer).to_have_attribute("data-reason", "tampered")
    assert "altered" in answer.inner_text()
    expect(page.locator("[data-offline-status]")).to_contain_text("Scans waiting to be sent: 10")

    # The page comes from the service worker's copy, its roster and queue from IndexedDB; the server
    # does not answer the page either (as when the venue's proxy answers 502 for it).
    monkeypatch.setitem(app.view_functions, "checkin.desk", lambda **_kw: ("down", 502))
    page.reload()
    page.locator("[data-desk][data-roster-ready=true][data-pending='10']").wait_for(timeout=10_000)
    _scan(page, foreign, 11)
    expect(answer).to_have_attribute("data-reason", "wrong_forum")
    _scan(page, codes[0], 12)
    expect(answer).to_have_attribute("data-reason", "already_checked_in")
    for n, code in enumerate(codes[9:], start=13):
        _scan(page, code, n)
        expect(answer).to_have_attribute("data-reason", "ok")
    assert page.locator("[data-desk]").get_attribute("data-pending") == "21"

    monkeypatch.undo()
    page.context.set_offline(False)
    page.locator("[data-desk][data-pending='0']").wait_for(timeout=15_000)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id)).where(Admission.list_id == entrance.id)) == 18
    trail = db.session.scalars(sa.select(CheckIn).where(CheckIn.list_id == entrance.id)).all()
    assert len(trail) == 21 and all(row.offline_reason for row in trail)
    assert sorted(row.reason for row in trail if row.outcome.value == "refused") == ["tampered", "wrong_forum"]
    assert page.locator("[data-desk]").get_attribute("data-conflict-count") == "0"


def test_two_desks_offline_admit_the_same_badge_one_admission_one_duplicate_on_both(
    db, browser, open_page, make_forum, make_user, make_registration
):
    forum = _signed_forum(db, make_forum)
    agents = [make_user(f"agent{n}@example.ma", forum=forum, roles=(Role.checkin_agent,)) for n in (1, 2)]
    desks = [services.create_desk(forum, f"Desk {n}", actor=None)[0] for n in (1, 2)]
    entrance = services.default_list(forum)
    db.session.commit()
    code = badge_code(make_registration(forum, name_latin="Itto Ait Ali"))
    pages = [open_page(), open_page()]
    for page, agent, desk in zip(pages, agents, desks, strict=True):
        _sign_in(page, agent.email)
        _open_desk(page, f"/f/{forum.slug}/checkin/desk/{desk.id}?list={entrance.id}")
        page.context.set_offline(True)
        _scan(page, code, 1)
        expect(page.locator("[data-answer]")).to_have_attribute("data-reason", "ok")
    for page in pages:  # back online one after the other
        page.context.set_offline(False)
        page.locator("[data-desk][data-pending='0']").wait_for(timeout=15_000)
    pages[0].reload()  # the first desk learns of the conflict with its roster
    for page in pages:
        page.locator("[data-desk][data-conflict-count='1']").wait_for(timeout=10_000)
        expect(page.locator("[data-conflicts]")).to_contain_text("Itto Ait Ali")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 1
    outcomes = sorted(row.outcome.value for row in db.session.scalars(sa.select(CheckIn)))
    assert outcomes == ["duplicate", "ok"]


def test_the_offline_desk_keeps_the_forums_day_and_hours_whatever_zone_data_the_browser_has(
    db, page, make_forum, make_user, make_registration
):
    # This Chromium's zone data has Casablanca at UTC+0 from October 2026 (it is UTC+1): judged by
    # it, the first hour of the forum's day was the day before and every badge was refused.
    forum = _signed_forum(db, make_forum)
    agent = make_user("agent@example.ma", forum=forum, roles=(Role.checkin_agent,))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    entrance = services.default_list(forum)
    db.session.commit()
    early, late = (badge_code(make_registration(forum, name_latin=name)) for name in ("Itto Ait Ali", "Ali Oulhaj"))
    midnight = datetime.combine(entrance.day, time.min, tzinfo=ZONE)

    _sign_in(page, agent.email)
    _open_desk(page, f"/f/{forum.slug}/checkin/desk/{desk.id}?list={entrance.id}")
    page.context.set_offline(True)
    answer = page.locator("[data-answer]")
    page.clock.set_fixed_time(midnight + timedelta(minutes=20))
    _scan(page, early, 1)
    expect(answer).to_have_attribute("data-reason", "ok")
    _scan(page, early, 2)
    expect(answer).to_have_attribute("data-reason", "already_checked_in")
    expect(answer).to_contain_text("00:20")
    page.clock.set_fixed_time(midnight - timedelta(minutes=20))
    _scan(page, late, 3)
    expect(answer).to_have_attribute("data-reason", "wrong_day")
    page.clock.set_fixed_time(midnight + timedelta(days=1))
    _scan(page, late, 4)
    expect(answer).to_have_attribute("data-reason", "wrong_day")
