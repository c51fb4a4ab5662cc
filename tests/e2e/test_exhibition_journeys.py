"""The exhibition in a real browser: apply, allocate and publish, see the booth, scan a visitor's badge."""

from __future__ import annotations

import re

import pytest
from exhibition_factories import create_booths, create_exhibitor
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.badges.services import badge_code
from forum.exhibition import services

pytestmark = pytest.mark.e2e


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))


def option_label(page, code: str) -> str:
    return page.locator("select[name=choice_1] option", has_text=f"{code} (").first.inner_text()


def test_apply_allocate_publish_see_the_booth_and_record_a_lead(
    open_page, make_forum, make_user, make_registration, db
):
    forum = make_forum()
    organiser = make_user("organiser@example.ma", forum=forum, roles=(Role.organiser,))
    create_booths(forum, organiser, "A1", "A2", "A3")
    staff = make_user("hicham@atlas.ma", name="Hicham Benjelloun")
    create_exhibitor(forum, "Atlas Solar", staff=staff)
    rival = create_exhibitor(forum, "Fonds Oasis")
    services.submit_application(
        rival,
        choices=[f"b{services.booths_of(forum)[1].id}"],
        needs_power=False,
        needs_water=False,
        needs_wall=False,
        min_area_m2=0,
        showcase="Grants",
        actor=organiser,
    )
    db.session.commit()
    visitor = make_registration(forum, shares_contact=True, name_latin="Khadija Ouahmane")

    # The exhibitor applies from a phone: A2 first (the rival's only choice, applied earlier), then A3.
    phone = open_page(width=390, height=844)
    sign_in(phone, staff.email)
    phone.click("text=My booth")
    phone.click("text=Booth application")
    phone.select_option("select[name=choice_1]", label=option_label(phone, "A2"))
    phone.select_option("select[name=choice_2]", label=option_label(phone, "A3"))
    phone.fill("textarea[name=showcase]", "Solar pumps for oases")
    phone.click("text=Send my application")
    expect(phone.locator("body")).to_contain_text("Your application has been saved.")

    # The organiser runs the automatic allocation, sees who got which choice, and publishes.
    desk = open_page()
    sign_in(desk, organiser.email)
    desk.goto(f"/f/{forum.slug}/manage/exhibition/allocation")
    desk.click("text=Run the automatic allocation")
    mine = desk.locator("#proposal tr[data-exhibitor='Atlas Solar'] .outcome")
    assert "A3" in mine.inner_text() and "2nd choice" in mine.inner_text()
    assert "1st choice" in desk.locator("#proposal tr[data-exhibitor='Fonds Oasis'] .outcome").inner_text()
    desk.once("dialog", lambda dialog: dialog.accept())
    desk.click("text=Publish and e-mail the exhibitors")
    expect(desk.locator("main")).to_contain_text("2 assignments published")

    # The exhibitor sees the booth highlighted on the map, then scans a visitor's badge (typed/pasted code).
    phone.click("text=My booth")
    assert phone.locator("#my-booth").inner_text().startswith("Your booth: A3")
    assert phone.locator("g.booth-mine[data-booth='A3']").is_visible()
    phone.click("text=Scan a badge")
    field = phone.locator("input[name=code]")
    expect(field).to_be_focused()
    field.fill(badge_code(visitor))
    field.press("Enter")
    phone.wait_for_selector(".scan-ok")
    assert "Lead saved" in phone.locator(".scan-result").inner_text()
    assert "Khadija Ouahmane" in phone.locator(".scan-result").inner_text()
    # Ready for the next badge: the code field has the focus again.
    expect(field).to_be_focused()
    phone.click("text=All my leads")
    assert "Khadija Ouahmane" in phone.locator("#leads").inner_text()


def test_public_directory_in_arabic_on_a_phone(open_page, make_forum, make_user):
    forum = make_forum()
    organiser = make_user(forum=forum, roles=(Role.organiser,))
    create_booths(forum, organiser, "A1", "A2")
    create_exhibitor(forum, "جمعية واحة تافيلالت")
    page = open_page(locale="ar-MA", width=390, height=844)
    page.goto(f"/f/{forum.slug}/exhibition/")
    assert page.locator("html").get_attribute("dir") == "rtl"
    plan = page.locator("svg.plan").bounding_box()
    assert 300 < plan["width"] <= 390  # the plan shrinks to the phone's width
    assert page.locator("g.booth[data-booth='A1']").is_visible()
    assert "جمعية واحة تافيلالت" in page.locator(".exhibitor-card").inner_text()
