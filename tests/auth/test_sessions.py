"""Sign-ins that end: sign-out, password change and reset stop the cookies of the sign-ins they end,
copies included; a person sees and ends their own sign-ins; the remember cookie is Lax and lasts weeks."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from helpers import PASSWORD

from forum.auth import services
from forum.auth.models import UserSession
from forum.db import utcnow

NEW = "a brand new long password"


def _sign_in(app, user, *, remember: bool = True):
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    data = {"email": user.email, "password": PASSWORD, **({"remember": "y"} if remember else {})}
    assert browser.post("/login", data=data).status_code == 302
    return browser


def _copy_of_remember_cookie(app, browser):
    """Another browser holding only the first one's remember cookie (as a thief would)."""
    copy = app.test_client()
    copy.set_cookie("remember_token", browser.get_cookie("remember_token").value)
    return copy


def _signed_in(browser) -> bool:
    return browser.get("/my/forums").status_code == 200


def test_the_remember_cookie_is_lax_http_only_and_lasts_weeks(app, make_user):
    browser = app.test_client()
    user = make_user()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD, "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    expires = browser.get_cookie("remember_token").expires
    assert timedelta(days=7) < expires - utcnow() <= timedelta(days=15)
    assert app.config["SESSION_MAX_AGE"] == timedelta(days=14)


def test_signing_out_ends_every_sign_in_of_the_account_and_their_remember_cookies(app, make_user):
    user = make_user()
    browser, phone = _sign_in(app, user), _sign_in(app, user, remember=False)
    copy = _copy_of_remember_cookie(app, browser)
    other = _sign_in(app, make_user())
    assert _signed_in(copy) and _signed_in(phone)
    browser.post("/logout")
    assert not any(_signed_in(b) for b in (browser, phone, copy))
    assert _signed_in(other)


def test_a_password_reset_ends_every_sign_in(app, make_user):
    user = make_user()
    laptop, phone = _sign_in(app, user), _sign_in(app, user, remember=False)
    stolen = _copy_of_remember_cookie(app, laptop)
    token = services.password_reset_token(user)
    response = app.test_client().post(f"/password/reset/{token}", data={"password": NEW, "confirm": NEW})
    assert response.status_code == 302
    assert not any(_signed_in(browser) for browser in (laptop, phone, stolen))


def test_changing_the_password_keeps_this_sign_in_and_ends_the_others(app, db, make_user):
    user = make_user()
    here, elsewhere = _sign_in(app, user), _sign_in(app, user)
    page = here.post("/account/password", data={"current": "wrong", "password": NEW, "confirm": NEW})
    assert page.status_code == 200 and "This is not your current password." in page.text
    assert _signed_in(elsewhere)
    response = here.post("/account/password", data={"current": PASSWORD, "password": NEW, "confirm": NEW})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert _signed_in(here) and not _signed_in(elsewhere)
    assert app.test_client().post("/login", data={"email": user.email, "password": NEW}).status_code == 302


def test_a_person_sees_and_ends_their_own_sign_ins_only(app, db, make_user):
    user, other = make_user(), make_user()
    here, elsewhere, third = _sign_in(app, user), _sign_in(app, user), _sign_in(app, user)
    theirs = _sign_in(app, other)
    page = here.get("/account/").text
    assert page.count("End this session") == 2 and "this session" in page
    ids = db.session.scalars(sa.select(UserSession.id).where(UserSession.user_id == user.id)).all()
    other_id = db.session.scalar(sa.select(UserSession.id).where(UserSession.user_id == other.id))
    # Another account's sign-in is not theirs to end.
    here.post(f"/account/sessions/{other_id}/end")
    assert _signed_in(theirs)
    here.post(f"/account/sessions/{ids[1]}/end")
    assert not _signed_in(elsewhere) and _signed_in(third) and _signed_in(here)
    here.post("/account/sessions/end-others")
    assert not _signed_in(third) and _signed_in(here)


def test_a_sign_in_older_than_the_limit_no_longer_opens(app, db, make_user):
    user = make_user()
    browser = _sign_in(app, user)
    db.session.execute(sa.update(UserSession).values(created_at=utcnow() - timedelta(days=15)))
    db.session.commit()
    assert not _signed_in(browser)
