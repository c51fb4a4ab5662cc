"""Arabic, French and English: direction, switching, formatting, complete catalogues."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from forum.db import translated

CATALOGUES = Path(__file__).resolve().parents[2] / "forum" / "translations"


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("fr", "ltr"), ("en", "ltr")])
def test_html_carries_language_and_direction(client, language, direction):
    html = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert f'<html lang="{language}" dir="{direction}">' in html


def test_arabic_is_the_default_without_any_preference(app):
    html = app.test_client().get("/").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html


def test_language_choice_is_remembered_for_the_session(client):
    response = client.post("/language/fr", data={"next": "/login"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in html


def test_language_switch_does_not_redirect_off_site(client):
    response = client.post("/language/ar", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/"


def test_a_signed_in_users_language_is_saved_on_the_account(client, login, make_user, db):
    user = make_user()
    login(user)
    client.post("/language/ar", data={"next": "/"})
    db.session.refresh(user)
    assert user.locale == "ar"


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_every_message_is_translated(language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    missing = [m.id for m in catalogue if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert missing == []
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert fuzzy == []


@pytest.mark.parametrize("language", ["ar", "fr"])
def test_translations_keep_their_placeholders(language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    for message in catalogue:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else message.string[0]
        assert sorted(re.findall(r"%\(\w+\)s", source)) == sorted(re.findall(r"%\(\w+\)s", target)), source


def test_arabic_page_has_no_english_left(client, make_forum):
    forum = make_forum()
    for url in ("/", f"/f/{forum.slug}/", "/login", "/password/forgot"):
        html = client.get(url, headers={"Accept-Language": "ar"}).get_data(as_text=True)
        # Language names in the switcher are written in their own language on purpose.
        text = re.sub(r'<button[^>]*\blang="(fr|en)"[^>]*>.*?</button>', "", html, flags=re.S)
        text = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        text = re.sub(r"&\w+;|&#\d+;", " ", text)
        english = re.findall(r"[A-Za-z]{4,}", text)
        assert english == [], f"{url}: {english[:10]}"


def test_dates_are_formatted_per_language(client, make_forum):
    forum = make_forum(starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14))
    french = client.get(f"/f/{forum.slug}/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "13 février 2026" in french
    arabic = client.get(f"/f/{forum.slug}/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "فبراير" in arabic


def test_times_are_shown_in_the_forums_timezone(client, make_forum):
    # 22:30 UTC on 11 Feb 2026 is 23:30 in Casablanca (UTC+1 outside Ramadan).
    forum = make_forum(
        starts_on=date(2026, 2, 13),
        ends_on=date(2026, 2, 14),
        status="closed",
        registration_opens_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        registration_closes_at=datetime(2026, 2, 11, 22, 30, tzinfo=UTC),
    )
    assert forum.registration_closes_at.astimezone(forum.zone).hour == 23
    html = client.get(f"/f/{forum.slug}/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Morocco Time" in html


def test_organiser_texts_fall_back_to_another_language():
    assert translated({"fr": "Forum", "ar": "منتدى"}, "en") == "منتدى"
    assert translated({"fr": "Forum"}, "ar") == "Forum"
    assert translated({}, "ar") == ""


def test_the_arabic_web_font_is_served(client):
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "NotoSansArabic-Regular.woff2" in css
    assert client.get("/static/fonts/NotoSansArabic-Regular.woff2").status_code == 200


def test_long_dates_and_times_read_as_a_person_writes_them(client, make_forum):
    # Registration closes at 22:30 UTC on 20 Jan 2027, 23:30 in Casablanca: said without seconds or offset.
    forum = make_forum(
        starts_on=date(2027, 2, 13),
        ends_on=date(2027, 2, 14),
        registration_opens_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
        registration_closes_at=datetime(2027, 1, 20, 22, 30, tzinfo=UTC),
    )
    pages = {
        language: client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": language}).get_data(as_text=True)
        for language in ("fr", "en", "ar")
    }
    assert "20 janvier 2027, 23:30." in pages["fr"] and "January 20, 2027, 11:30" in pages["en"]
    assert "20 يناير 2027، 11:30" in pages["ar"] and not any(
        "23:30:00" in page or "+0" in page for page in pages.values()
    )
