"""Journeys through the foundation in a real browser: languages, direction, sign-in, dashboard."""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role

pytestmark = pytest.mark.e2e


def test_home_in_arabic_is_right_to_left_and_switches_to_french(open_page, make_forum):
    forum = make_forum()
    page = open_page(locale="ar-MA")
    page.goto("/")
    html = page.locator("html")
    assert html.get_attribute("lang") == "ar" and html.get_attribute("dir") == "rtl"
    # The layout is mirrored: the brand sits on the right in Arabic.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 640
    expect(page.locator("body")).to_contain_text(forum.title["ar"])
    page.click("button[data-lang=fr]")
    page.wait_for_load_state()
    expect(html).to_have_attribute("lang", "fr")
    expect(html).to_have_attribute("dir", "ltr")
    assert page.locator(".brand").bounding_box()["x"] < 640
    # The choice is remembered on the next page.
    page.click(f"text={forum.title['fr']}")
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.locator("body")).to_contain_text("Informations pratiques")


def test_organiser_signs_in_and_reaches_the_forum_dashboard(page, browser_login, make_forum, make_user):
    forum = make_forum()
    user = make_user("organiser@example.ma", forum=forum, roles=(Role.organiser,))
    browser_login(user.email, PASSWORD)
    page.click("text=Organiser dashboard")
    page.wait_for_url(re.compile(rf".*/f/{forum.slug}/manage/$"))
    assert page.locator("h1").inner_text() == "Dashboard"
    page.click("text=Team and roles")
    expect(page.locator("body")).to_contain_text(user.email)


def test_wrong_password_is_said_on_the_page(page, make_user):
    user = make_user()
    page.goto("/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", "not the password")
    page.click("form.stack button[type=submit]")
    assert page.locator(".error").inner_text() == "Wrong e-mail or password."
    assert page.input_value("input[name=email]") == user.email
