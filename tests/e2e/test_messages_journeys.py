"""Journey of an organiser writing to "workshop 2, confirmed" in Arabic and French: the count as the
boxes are ticked, the preview as one recipient, the progress bar of the sending, the record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import PASSWORD, body_of, local
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.extensions import db
from forum.programme.models import Session, SessionKind, Signup, SignupStatus
from forum.registration.models import RegistrationStatus

pytestmark = pytest.mark.e2e


@pytest.fixture
def forum_with_workshops(make_forum, make_registration, make_user):
    forum = make_forum()
    day = forum.starts_on + timedelta(days=1)
    workshops = []
    for n in (1, 2):
        session = Session(
            forum_id=forum.id,
            kind=SessionKind.workshop,
            title={"ar": f"الورشة {n}", "fr": f"Atelier {n}"},
            starts_at=local(forum, day, 8 + 2 * n),
            ends_at=local(forum, day, 9 + 2 * n),
            is_signup_required=True,
            published_at=forum.created_at,
        )
        db.session.add(session)
        workshops.append(session)
    db.session.commit()
    people = {
        "salma": ("ar", RegistrationStatus.confirmed, workshops[1]),
        "youssef": ("fr", RegistrationStatus.confirmed, workshops[1]),
        "nadia": ("fr", RegistrationStatus.confirmed, workshops[0]),
        "omar": ("ar", RegistrationStatus.waitlisted, None),
    }
    for name, (locale, status, workshop) in people.items():
        registration = make_registration(
            forum, email=f"{name}@example.ma", name_latin=name.title(), locale=locale, status=status
        )
        if workshop is not None:
            db.session.add(
                Signup(session_id=workshop.id, registration_id=registration.id, status=SignupStatus.confirmed)
            )
    db.session.commit()
    organiser = make_user("organiser@example.ma", forum=forum, roles=(Role.organiser,))
    return forum, organiser


def test_organiser_writes_to_workshop_2_confirmed_and_watches_it_go(forum_with_workshops, browser_login, app, mailbox):
    forum, organiser = forum_with_workshops
    page = browser_login(organiser.email, PASSWORD)
    page.goto(f"/f/{forum.slug}/manage/messages/")
    page.get_by_role("link", name="New message").click()

    page.get_by_label("Confirmed").check()
    expect(page.locator("[data-count-output]")).to_have_text("3 people will receive it.")
    page.get_by_label("الورشة 2").check()
    expect(page.locator("[data-count-output]")).to_have_text("2 people will receive it.")

    page.fill("#subject-ar", "تغيير القاعة")
    page.fill("#subject-fr", "Changement de salle")
    page.fill("#body-ar", "مرحبا {name}، الورشة 2 تنتقل إلى القاعة ب.")
    page.fill("#body-fr", "Bonjour {name}, l'atelier 2 passe en salle B.")
    page.get_by_role("button", name="Save and preview").click()

    expect(page.locator(".reach")).to_have_text("Its group holds 2 people now.")
    page.select_option("#recipient", label="Youssef · youssef@example.ma")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".mail-text")).to_contain_text("Bonjour Youssef, l'atelier 2 passe en salle B.")

    app.config["JOBS_BACKEND"] = "thread"  # as deployed: the sending leaves the request, the page polls it
    try:
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Send now").click()
        expect(page.locator("progress")).to_be_visible()
        expect(page.locator("[data-poll]")).to_contain_text("2 people reached", timeout=15_000)
    finally:
        app.config["JOBS_BACKEND"] = "eager"
    expect(page.locator("progress")).to_have_attribute("value", "100")

    page.reload()
    record = page.locator("table.table")
    expect(record).to_contain_text("salma@example.ma")
    expect(record).to_contain_text("youssef@example.ma")
    expect(record).not_to_contain_text("nadia@example.ma")
    mails = {m["To"]: m for m in mailbox.wait_for(2)}
    assert mails["salma@example.ma"]["Subject"] == "تغيير القاعة"
    assert "الورشة 2 تنتقل إلى القاعة ب." in body_of(mails["salma@example.ma"])
    assert mails["youssef@example.ma"]["Subject"] == "Changement de salle"
