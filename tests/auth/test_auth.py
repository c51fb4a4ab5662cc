"""Sign in and out, password reset by e-mail, roles per forum, rate limits."""

from __future__ import annotations

import re

import pytest
from helpers import PASSWORD, body_of

from forum.auth import services
from forum.auth.models import Role, User


def test_sign_in_with_the_right_password(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email.upper(), "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/my/forums"
    assert client.get("/my/forums").status_code == 200


def test_wrong_password_keeps_the_email_and_says_why(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wrong e-mail or password." in html
    assert f'value="{user.email}"' in html
    assert client.get("/my/forums").status_code == 302


def test_unknown_email_gets_the_same_answer(client):
    response = client.post("/login", data={"email": "nobody@example.ma", "password": "whatever1"})
    assert "Wrong e-mail or password." in response.get_data(as_text=True)


def test_disabled_accounts_cannot_sign_in(client, make_user, db):
    user = make_user()
    user.is_enabled = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 200


def test_next_url_is_followed_only_when_local(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "/f/x/manage/"})
    assert response.headers["Location"] == "/f/x/manage/"
    client.post("/logout")
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/my/forums"


def test_protected_page_sends_to_login_and_back(client):
    response = client.get("/my/forums")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]


def test_logout_is_post_only(client, login, make_user):
    login(make_user())
    assert client.get("/logout").status_code == 405
    client.post("/logout")
    assert client.get("/my/forums").status_code == 302


def test_passwords_are_hashed(make_user):
    user = make_user()
    assert PASSWORD not in user.password_hash and user.password_hash.startswith(("scrypt:", "pbkdf2:"))


def test_login_is_rate_limited(client, make_user):
    user = make_user()
    codes = [client.post("/login", data={"email": user.email, "password": "bad"}).status_code for _ in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429
    assert "Too many attempts" in client.post("/login", data={"email": user.email, "password": "x"}).get_data(
        as_text=True
    )


def test_password_reset_by_emailed_link(client, mailbox, make_user):
    user = make_user(locale="fr")
    response = client.post("/password/forgot", data={"email": user.email})
    assert response.status_code == 302
    message = mailbox.wait_for(1)[0]
    assert message["To"] == user.email and message["Content-Language"] == "fr"
    link = re.search(r"http://localhost(/password/reset/\S+)", body_of(message)).group(1)
    response = client.post(link, data={"password": "a new long password", "confirm": "a new long password"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 200
    assert client.post("/login", data={"email": user.email, "password": "a new long password"}).status_code == 302
    # The link dies once used.
    client.post("/logout")
    response = client.get(link, follow_redirects=True)
    assert response.request.path == "/password/forgot"
    assert 'class="flash flash-error"' in response.get_data(as_text=True)


def test_password_reset_for_unknown_email_reveals_nothing(client, mailbox):
    response = client.post("/password/forgot", data={"email": "nobody@example.ma"}, follow_redirects=True)
    assert "If an account exists" in response.get_data(as_text=True)
    assert mailbox.messages == []


def test_expired_reset_link_is_refused(app, make_user):
    user = make_user()
    token = services.password_reset_token(user)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        with (
            app.test_request_context(headers={"Accept-Language": "en"}),
            pytest.raises(services.AccountError, match="expired"),
        ):
            services.user_from_reset_token(token)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600


def test_reset_form_refuses_mismatched_passwords_and_keeps_the_page(client, make_user):
    user = make_user()
    link = f"/password/reset/{services.password_reset_token(user)}"
    response = client.post(link, data={"password": "a new long password", "confirm": "another one"})
    assert response.status_code == 200
    assert "The two passwords differ." in response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.checkin_agent, Role.rapporteur, Role.exhibitor_staff, None])
def test_other_roles_get_a_403_page_on_the_organiser_dashboard(as_role, role):
    client, forum, _ = as_role(role)
    response = client.get(f"/f/{forum.slug}/manage/")
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


def test_organiser_role_does_not_carry_over_to_another_forum(as_role, make_forum):
    client, _forum, _ = as_role(Role.organiser)
    other = make_forum()
    assert client.get(f"/f/{other.slug}/manage/").status_code == 403


def test_admin_passes_every_role_check(as_role, make_forum):
    client, forum, _ = as_role(None, is_admin=True)
    assert client.get(f"/f/{forum.slug}/manage/").status_code == 200


def test_create_admin_command(runner, db):
    result = runner.invoke(
        args=["create-admin", "--email", "Root@Example.ma", "--name", "Root", "--password", "long enough password"],
        input="long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = services.find_user("root@example.ma")
    assert isinstance(user, User) and user.is_admin and user.check_password("long enough password")
