"""Accessibility in a real browser: axe-core on the main pages in Arabic and French (the contrast rule proves
something only in French), a registration done by keyboard alone through the error summary, and a check
that the axe fixture does catch a violation."""

from __future__ import annotations

import re

import pytest
from e2e.axe import Audit
from exhibition_factories import create_booths, create_exhibitor
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.auth.models import Role
from forum.exhibition import services as exhibition
from forum.registration import services
from forum.registration.models import ApprovalMode, RegistrationStatus

pytestmark = pytest.mark.e2e


def sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))


@pytest.mark.parametrize("locale", ["ar-MA", "fr-FR"])
def test_the_main_pages_have_no_serious_violation(
    open_page, axe_audit, make_forum, make_user, make_registration, db, locale
):
    forum = make_forum(capacity=40)
    services.save_settings(forum, {"approval": ApprovalMode.manual}, actor=None)
    organiser = make_user(f"organiser-{locale[:2]}@example.ma", forum=forum, roles=(Role.organiser,))
    create_booths(forum, organiser, "A1", "A2")
    exhibitor = create_exhibitor(forum, "Atlas Solar")
    exhibition.assign(exhibition.booths_of(forum)[0], exhibitor, actor=organiser)
    make_registration(forum, status=RegistrationStatus.pending, name_latin="Itto Amghar")
    db.session.commit()
    public = [
        "/",
        f"/f/{forum.slug}/",
        f"/f/{forum.slug}/register",
        f"/f/{forum.slug}/exhibition/",
        f"/f/{forum.slug}/recommendations/",
        "/login",
    ]
    manage = [
        f"/f/{forum.slug}/manage/",
        f"/f/{forum.slug}/manage/registration/",
        f"/f/{forum.slug}/manage/exhibition/",
        f"/f/{forum.slug}/manage/checkin/",
    ]
    for width in (1280, 390):
        page = open_page(locale=locale, width=width, height=844)
        for path in public:
            page.goto(path)
        page.goto(f"/f/{forum.slug}/register")
        page.click("form.registration-form button[type=submit]")  # the same page with its errors
        page.locator("#error-summary").wait_for()
        if width == 1280:
            sign_in(page, organiser.email)
            for path in manage:
                page.goto(path)
        page.goto("/")  # the previous page is checked before the browser leaves it
    language = locale[:2]
    checked = {(re.sub(r"^https?://[^/]+", "", url), lang) for url, lang in axe_audit.checked}
    for path in [*public, *manage]:
        assert (path, language) in checked, path


def test_a_registration_by_keyboard_alone_through_the_error_summary(open_page, make_forum, db):
    forum = make_forum(capacity=40)
    page = open_page(locale="fr-FR")
    page.goto(f"/f/{forum.slug}/register")

    def focused() -> str:
        return page.evaluate("(e => e.id || e.getAttribute('href') || e.type)(document.activeElement)")

    def tab_to(target: str, key: str = "Tab") -> None:
        for _ in range(150):
            page.keyboard.press(key)
            if focused() == target:
                return
        pytest.fail(f"{target} cannot be reached with {key}")

    tab_to("name_latin")
    page.keyboard.type("Khadija Ouahmane")
    tab_to("email")
    page.keyboard.type("khadija@example")
    tab_to("phone")
    page.keyboard.type("06 12 34")
    page.keyboard.press("Enter")  # submits the form
    page.wait_for_load_state()
    expect(page.locator("#error-summary")).to_be_focused()  # app.js moves it there once it has run
    links = []
    for _ in range(12):
        page.keyboard.press("Tab")
        if not page.evaluate("!!document.activeElement.closest('#error-summary')"):
            break
        links.append(focused())
    assert set(links) == {"#email", "#phone", "#category", "#gender-0", "#province", "#area-0", "#consent"}

    def follow(link: str) -> None:
        tab_to(link, "Shift+Tab")
        page.keyboard.press("Enter")
        assert focused() == link[1:]

    follow("#email")
    page.keyboard.press("Control+A")
    page.keyboard.type("khadija@example.ma")
    follow("#phone")
    page.keyboard.press("End")
    page.keyboard.type(" 56 78")
    follow("#category")
    page.keyboard.press("ArrowDown")
    follow("#gender-0")
    page.keyboard.press("Space")
    follow("#province")
    page.keyboard.press("ArrowDown")
    follow("#area-0")
    page.keyboard.press("Space")
    follow("#consent")
    page.keyboard.press("Space")
    tab_to("submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/register/sent$"))
    db.session.commit()  # end the test's read snapshot to see what the server wrote
    registration = services.find(forum, "khadija@example.ma")
    assert registration is not None and registration.name_latin == "Khadija Ouahmane"


def test_the_axe_fixture_catches_a_serious_violation(browser):
    audit = Audit()
    context = browser.new_context()
    audit.watch(context)
    context.route(
        "http://a11y.invalid/**",
        lambda route: route.fulfill(
            content_type="text/html",
            body='<!doctype html><html lang="fr"><title>t</title><main><h1>t</h1><img src="data:,"></main></html>',
        ),
    )
    page = context.new_page()
    page.goto("http://a11y.invalid/")
    audit.finish(page)
    context.close()
    assert audit.checked == [("http://a11y.invalid/", "fr")]
    assert any("image-alt" in violation for violation in audit.violations)
