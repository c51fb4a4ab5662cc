"""Registration in a real browser: a person signs up in Arabic end to end; an organiser approves."""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD, body_of

from forum.auth.models import Role
from forum.registration import services
from forum.registration.models import ApprovalMode, RegistrationStatus

pytestmark = pytest.mark.e2e


def test_a_person_registers_in_arabic_confirms_by_email_and_sees_the_status(open_page, make_forum, mailbox, db):
    forum = make_forum(capacity=50)
    page = open_page(locale="ar-MA")
    page.goto(f"/f/{forum.slug}/")
    page.click(f"a[href='/f/{forum.slug}/register']")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.fill("input[name=name_ar]", "خديجة أوحمان")
    page.fill("input[name=email]", "khadija@example.ma")
    page.fill("input[name=phone]", "06 12 34 56 78")
    page.select_option("select[name=category]", "association")
    page.check("input[name=gender][value=female]")
    page.select_option("select[name=province]", "tinghir")
    page.check("input[name=area][value=rural]")
    page.check("input[name=consent]")
    page.click("form.registration-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/sent$"))
    assert "تحقق من بريدك الإلكتروني" in page.locator("h1").inner_text()

    message = mailbox.wait_for(1)[0]
    assert message["To"] == "khadija@example.ma" and message["Content-Language"] == "ar"
    link = re.search(r"https?://[^/\s]+(/f/\S+/confirm/\S+)", body_of(message)).group(1)
    page.goto(link)
    assert page.locator(".status-pill-confirmed").inner_text() == "مؤكد"
    db.session.commit()  # end the test's read snapshot to see what the server wrote
    registration = services.find(forum, "khadija@example.ma")
    assert registration.status == RegistrationStatus.confirmed and registration.phone == "+212612345678"


def test_the_form_keeps_everything_after_an_error_in_arabic(open_page, make_forum):
    forum = make_forum()
    page = open_page(locale="ar-MA")
    page.goto(f"/f/{forum.slug}/register")
    page.fill("input[name=name_ar]", "خديجة أوحمان")
    page.fill("input[name=email]", "khadija@example.ma")
    page.fill("input[name=phone]", "123")
    page.click("form.registration-form button[type=submit]")
    assert page.locator("#phone-error").inner_text() == "رقم الهاتف هذا غير صالح."
    assert page.input_value("input[name=name_ar]") == "خديجة أوحمان"
    assert page.input_value("input[name=email]") == "khadija@example.ma"


def test_organiser_approves_from_the_queue(page, browser_login, make_forum, make_user, make_registration, db):
    forum = make_forum(capacity=10)
    services.save_settings(forum, {"approval": ApprovalMode.manual}, actor=None)
    db.session.commit()
    organiser = make_user("organiser@example.ma", forum=forum, roles=(Role.organiser,))
    waiting = make_registration(forum, status=RegistrationStatus.pending, name_latin="Itto Amghar")
    browser_login(organiser.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/manage/")
    page.click(f"a[href='/f/{forum.slug}/manage/registration/']")
    row = page.locator(f"#registration-{waiting.id}")
    assert "Itto Amghar" in row.inner_text()
    row.locator("button[data-action=approve]").click()
    page.wait_for_load_state()
    assert page.locator(f"#registration-{waiting.id}").get_attribute("data-status") == "confirmed"
    db.session.commit()  # end the test's read snapshot to see what the server wrote
    assert waiting.status == RegistrationStatus.confirmed and waiting.decided_by_id == organiser.id
