"""The partnerships journey in Arabic, in a real browser: an association publishes its needs, finds a
company through a suggestion and asks to meet; the company accepts on its phone and picks a time; both
see the meeting in their agenda and calendar; at the table one scans the other's badge; afterwards both
record "agreement signed"."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from forum.badges.services import badge_code
from forum.extensions import db
from forum.partnerships import services
from forum.partnerships.models import MeetingSlot, PartnershipStatus
from forum.registration.models import Category

pytestmark = pytest.mark.e2e
PHONE = {"width": 390, "height": 844}


def test_an_association_and_a_company_meet_and_sign(open_page, make_forum, make_registration, make_organisation):
    forum = make_forum()
    (slot, *_) = services.generate_slots(forum, day=forum.starts_on, start=time(14), end=time(15), minutes=20, pause=5)
    services.add_tables(forum, 2)
    bank = make_registration(
        forum,
        category=Category.private_sector,
        name_ar="سعيد البنكي",
        organisation_id=make_organisation(name="بنك الأطلس").id,
    )
    services.save_profile(bank, {"offers": ["funding", "skills"], "pitch": {"ar": "نمول مشاريع الواحات"}}, consent=True)
    association = make_registration(
        forum, name_ar="فاطمة الواحية", organisation_id=make_organisation(name="جمعية الواحة").id
    )
    db.session.commit()
    mine = f"/f/{forum.slug}/me/{association.access_key}/partners"
    theirs = f"/f/{forum.slug}/me/{bank.access_key}/partners"

    page = open_page(locale="ar-MA")
    page.goto(f"{mine}/profile")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.check("input[name=needs][value=funding]")
    page.check("input[name=consent]")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/partners/$"))
    card = page.locator(".partner-card", has_text="بنك الأطلس")
    assert "يقدم التمويل" in card.inner_text()  # the reason, in words
    card.locator("h3 a").click()
    page.fill("textarea[name=message]", "نود تمويل مشروع الري بالتنقيط في واحتنا")
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/partners/$"))
    assert "أُرسل طلبك" in page.inner_text("body")

    phone = open_page(locale="ar-MA", **PHONE)
    phone.goto(f"{theirs}/")
    assert "نود تمويل مشروع الري" in phone.inner_text("body")
    phone.click("button:has-text('قبول')")
    phone.wait_for_url(re.compile(r".*/book$"))
    phone.click("form.stack button[type=submit]")
    phone.wait_for_url(re.compile(r".*/partners/$"))
    assert "طاولة 1" in phone.inner_text("#my-meetings")

    for who in (association, bank):
        page.goto(f"/f/{forum.slug}/me/{who.access_key}/agenda")
        assert "طاولة 1" in page.inner_text("body")
        ics = page.request.get(f"/f/{forum.slug}/me/{who.access_key}/calendar.ics").text()
        (event,) = [e for e in Calendar.from_ical(ics).walk("VEVENT") if str(e["UID"]).startswith("meeting-")]
        assert str(event["LOCATION"]) == "طاولة 1"

    # The day comes: the meeting's slot is now under way.
    slot_id, now = slot.id, datetime.now(UTC)
    db.session.rollback()  # let go of this session's read snapshot before writing
    with db.engine.begin() as connection:
        connection.execute(
            sa.update(MeetingSlot)
            .where(MeetingSlot.id == slot_id)
            .values(starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(minutes=15))
        )
    page.goto(f"{mine}/")
    page.fill("input[name=code]", badge_code(bank))
    page.click("button:has-text('تسجيل انعقاد اللقاء')")
    page.wait_for_url(re.compile(r".*/partners/$"))
    assert "انعقد" in page.inner_text("#my-meetings")

    for tab, base in ((page, mine), (phone, theirs)):
        tab.goto(f"{base}/")
        tab.check("input[name=outcome][value=signed]")
        tab.select_option("select[name=kind]", "funding")
        tab.click("button:has-text('حفظ النتيجة')")
        tab.wait_for_url(re.compile(r".*/partners/$"))
        assert "حُفظت نتيجة اللقاء" in tab.inner_text("body")
    db.session.rollback()  # a fresh snapshot, after the browser's writes
    (partnership,) = services.partnerships_of(forum)
    assert partnership.status == PartnershipStatus.signed
