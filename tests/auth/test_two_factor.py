"""Two-factor sign-in: set up with an authenticator app, asked at sign-in, recovery codes once each,
a code never accepted twice, and required for admins and organisers when the setting says so."""

from __future__ import annotations

import re

import pyotp
from helpers import PASSWORD

from forum.auth.models import User

EN = {"Accept-Language": "en"}


def _browser(app):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def _turn_on(app, db, user) -> tuple[pyotp.TOTP, list[str]]:
    browser = _browser(app)
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    page = browser.get("/account/two-factor").text
    assert "<svg" in page  # the QR to scan
    db.session.refresh(user)
    totp = pyotp.TOTP(user.totp_secret)
    assert "This code is not valid" in browser.post("/account/two-factor", data={"code": "000000"}).text
    page = browser.post("/account/two-factor", data={"code": totp.now()}).text
    assert "Two-factor sign-in is on." in page
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", page)
    assert len(codes) == 10
    return totp, codes


def test_sign_in_asks_for_the_code_and_accepts_each_code_once(app, db, make_user):
    user = make_user()
    totp, codes = _turn_on(app, db, user)
    browser = _browser(app)
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    assert browser.get("/my/forums").status_code == 302  # not signed in before the code
    assert "This code is not valid" in browser.post("/login/code", data={"code": "123456"}).text
    db.session.refresh(user)
    used = totp.at(user.totp_last_step * totp.interval)  # the code that turned it on
    assert "This code is not valid" in browser.post("/login/code", data={"code": used}).text
    assert browser.post("/login/code", data={"code": codes[0]}).status_code == 302
    assert browser.get("/my/forums").status_code == 200
    # A recovery code signs in once only.
    other = _browser(app)
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert "This code is not valid" in other.post("/login/code", data={"code": codes[0]}).text
    assert other.post("/login/code", data={"code": codes[1].upper()}).status_code == 302


def test_without_the_password_first_the_code_page_leads_back_to_sign_in(app):
    browser = _browser(app)
    assert browser.get("/login/code").headers["Location"] == "/login"


def test_turning_it_off_needs_a_code(app, db, make_user):
    user = make_user()
    totp, codes = _turn_on(app, db, user)
    browser = _browser(app)
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    browser.post("/login/code", data={"code": codes[0]})
    browser.post("/account/two-factor/off", data={"code": "000000"})
    db.session.refresh(user)
    assert user.totp_enabled_at is not None
    browser.post("/account/two-factor/off", data={"code": codes[1]})
    db.session.refresh(user)
    assert user.totp_enabled_at is None and user.totp_secret is None


def test_required_for_organisers_and_admins_when_the_setting_says_so(app, db, make_user, make_forum):
    app.config["TWO_FACTOR_REQUIRED"] = True
    try:
        forum = make_forum()
        organiser = make_user(forum=forum, roles=("organiser",))
        browser = _browser(app)
        response = browser.post("/login", data={"email": organiser.email, "password": PASSWORD})
        assert response.headers["Location"] == "/account/two-factor"
        assert browser.get(f"/f/{forum.slug}/manage/").headers["Location"] == "/account/two-factor"
        agent = make_user(forum=forum, roles=("checkin_agent",))
        other = _browser(app)
        other.post("/login", data={"email": agent.email, "password": PASSWORD})
        assert other.get("/my/forums").status_code == 200  # not required of other roles
        assert "<svg" in browser.get("/account/two-factor").text
        db.session.expire_all()
        totp = pyotp.TOTP(db.session.get(User, organiser.id).totp_secret)
        browser.post("/account/two-factor", data={"code": totp.now()})
        assert browser.get(f"/f/{forum.slug}/manage/").status_code == 200
        page = browser.post("/account/two-factor/off", data={"code": "zzz"}, follow_redirects=True).text
        assert "not valid" in page
    finally:
        app.config["TWO_FACTOR_REQUIRED"] = False


def test_codes_in_another_script_are_refused_not_a_server_error(app, db, make_user):
    browser = _browser(app)
    user = make_user()
    browser.post("/login", data={"email": user.email, "password": PASSWORD})
    browser.get("/account/two-factor")
    for code in ("\x80", "١٢٣٤٥٦", "12345678901234567890"):
        page = browser.post("/account/two-factor", data={"code": code})
        assert page.status_code == 200 and "This code is not valid" in page.text
