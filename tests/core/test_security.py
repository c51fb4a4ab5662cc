"""Security headers, CSRF on forms, safe redirects."""

from __future__ import annotations

import re

from forum.security import is_safe_next


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_pages_have_no_inline_scripts(client):
    html = client.get("/login").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "onclick=" not in html and "style=" not in html


def test_forms_refuse_posts_without_csrf_token(app, client, make_user):
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/login", data={"email": user.email, "password": "x"})
        assert response.status_code == 400
        assert "The form expired" in response.get_data(as_text=True)
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        response = client.post("/login", data={"email": user.email, "password": "wrong", "csrf_token": token})
        assert response.status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_only_local_paths_are_accepted_as_next():
    assert is_safe_next("/f/x/manage/")
    for bad in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)", "", None, "f/x"):
        assert not is_safe_next(bad)


def test_unknown_page_is_a_localised_404(client):
    response = client.get("/no/such/page", headers={"Accept-Language": "fr"})
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)


def test_a_crash_shows_a_localised_500_page_not_a_traceback(app):
    from forum import create_app

    crashing = create_app(dict(app.config, TESTING=False, PROPAGATE_EXCEPTIONS=False))

    @crashing.route("/boom")
    def boom():
        raise RuntimeError("internal detail that must not leak")

    response = crashing.test_client().get("/boom", headers={"Accept-Language": "fr"})
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert '<html lang="fr" dir="ltr">' in html and "internal detail" not in html
    assert "Erreur 500" in html


def _proxied_app(database_url: str, **config):
    from forum import create_app

    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_STORAGE_URI": "memory://",
            "TRUSTED_PROXIES": 1,
            **config,
        }
    )


def _failed_logins(client, email: str, times: int, **headers) -> list[int]:
    return [
        client.post("/login", data={"email": email, "password": "bad"}, headers=headers).status_code
        for _ in range(times)
    ]


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client, make_user):
    user = make_user()
    codes = [
        client.post(
            "/login", data={"email": user.email, "password": "bad"}, headers={"X-Forwarded-For": f"203.0.113.{n}"}
        ).status_code
        for n in range(11)
    ]
    assert codes[-1] == 429  # a forged header does not buy a fresh allowance


def test_behind_a_trusted_proxy_limits_count_per_real_client(database_url, make_user):
    user = make_user()
    app = _proxied_app(database_url)
    with app.app_context():
        client = app.test_client()
        assert _failed_logins(client, user.email, 11, **{"X-Forwarded-For": "203.0.113.7"})[-1] == 429
        assert _failed_logins(client, user.email, 1, **{"X-Forwarded-For": "203.0.113.8"}) == [200]
        from forum.extensions import db

        db.engine.dispose()


def test_https_seen_through_a_trusted_proxy_turns_on_hsts(monkeypatch, database_url):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("MULTAQA_ENV", "production")
    app = _proxied_app(database_url)
    with app.app_context():
        client = app.test_client()
        # The proxy speaks plain HTTP to the app; only its header says the visitor used HTTPS.
        assert "Strict-Transport-Security" not in client.get("/", base_url="http://localhost").headers
        secure = client.get("/", base_url="http://localhost", headers={"X-Forwarded-Proto": "https"})
        assert secure.headers["Strict-Transport-Security"].startswith("max-age=")
        from forum.extensions import db

        db.engine.dispose()
