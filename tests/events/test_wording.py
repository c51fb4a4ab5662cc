"""What people read: examples that keep their direction, counts in plural forms, places and zones in
the page's language and script, actions worded, and sign-ups that say what they sign up to."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.extensions import db as _db
from forum.programme import services as programme
from forum.programme.models import SessionKind

ARABIC = {"Accept-Language": "ar"}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_arabic_sign_up_form_isolates_the_phone_examples_left_to_right(client, make_forum):
    forum = make_forum()
    html = client.get(f"/f/{forum.slug}/register", headers=ARABIC).get_data(as_text=True)
    assert 'مثلًا <bdi dir="ltr">0612345678</bdi> أو <bdi dir="ltr">+212 612 345 678</bdi>.' in html
    assert "\u2066" not in html  # no invisible marks that copying the number would carry along


def test_arabic_workshop_sign_up_is_worded_apart_from_registering_for_the_forum(client, make_forum, make_registration):
    forum = make_forum(starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14))
    zone = ZoneInfo(forum.timezone)
    workshop, _warnings = programme.save_session(
        forum,
        None,
        {
            "kind": SessionKind.workshop,
            "title": {"ar": "ورشة التمويل التشاركي", "fr": "Atelier", "en": "Workshop"},
            "starts_at": datetime.combine(date(2026, 2, 14), time(9, 30), zone).astimezone(UTC),
            "ends_at": datetime.combine(date(2026, 2, 14), time(12, 30), zone).astimezone(UTC),
            "is_signup_required": True,
        },
        actor=None,
    )
    workshop.published_at = datetime.now(UTC)
    person = make_registration(forum)
    agenda = client.get(f"/f/{forum.slug}/me/{person.access_key}/agenda", headers=ARABIC).get_data(as_text=True)
    button = re.search(rf'<button[^>]*value="{workshop.id}"[^>]*>([^<]+)</button>', agenda).group(1)
    page = client.get(f"/f/{forum.slug}/", headers=ARABIC).get_data(as_text=True)
    register = re.search(r'<a[^>]*href="/f/[^"]+/register"[^>]*><strong>([^<]+)</strong>', page).group(1)
    assert button.strip() != register.strip()
    assert "ورشة" in button


def test_the_forums_city_is_named_in_the_pages_language(client, make_forum):
    forum = make_forum(city={"ar": "الرشيدية", "fr": "Errachidia"})
    arabic = _text(client.get(f"/f/{forum.slug}/", headers=ARABIC).get_data(as_text=True))
    home = _text(client.get("/", headers=ARABIC).get_data(as_text=True))
    register = _text(client.get(f"/f/{forum.slug}/register", headers=ARABIC).get_data(as_text=True))
    assert all("الرشيدية" in page and "Errachidia" not in page for page in (arabic, home, register))
    french = _text(client.get(f"/f/{forum.slug}/", headers={"Accept-Language": "fr"}).get_data(as_text=True))
    assert "Errachidia" in french and "الرشيدية" not in french


def test_a_demo_laid_out_before_cities_had_names_per_language_gets_the_arabic_names(db, runner):
    from forum.events.models import Forum

    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    draa = db.session.scalar(sa.select(Forum).where(Forum.slug == "draa-tafilalet-2026"))
    draa.city = {"fr": "Errachidia"}  # what the migration left of "Errachidia"
    db.session.commit()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    db.session.refresh(draa)
    assert draa.city == {"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"}


def test_the_migration_keeps_a_forums_city_as_its_french_name_and_back(scratch_app):
    from flask_migrate import downgrade, upgrade

    row = sa.text(
        "INSERT INTO forum (slug, title, theme, description, venue, region, city, timezone, starts_on, ends_on,"
        " status, default_locale, created_at, updated_at) VALUES ('old', '{}', '{}', '{}', '{}', 'souss-massa',"
        " 'Agadir', 'Africa/Casablanca', '2027-02-19', '2027-02-20', 'open', 'ar', :at, :at)"
    )
    with scratch_app.app_context():
        upgrade(revision="5a7d3c1e9f20")
        with _db.engine.begin() as conn:
            conn.execute(row, {"at": datetime(2026, 12, 1)})
        upgrade()
        with _db.engine.connect() as conn:
            city = conn.execute(sa.text("SELECT city FROM forum")).scalar()
        assert (json.loads(city) if isinstance(city, str) else city) == {"fr": "Agadir"}
        downgrade(revision="5a7d3c1e9f20")
        with _db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT city FROM forum")).scalar() == "Agadir"
        _db.engine.dispose()


def test_times_say_which_clock_in_words_not_as_a_timezone_identifier(client, as_role, make_forum):
    forum = make_forum()
    pages = [f"/f/{forum.slug}/", f"/f/{forum.slug}/programme/"]
    for url in pages:
        arabic = client.get(url, headers=ARABIC).get_data(as_text=True)
        french = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert "توقيت المغرب" in arabic and "heure : Maroc" in french, url
        assert "Africa/Casablanca" not in arabic + french, url
    organiser, forum, _ = as_role("organiser")
    editing = organiser.get(f"/f/{forum.slug}/manage/edit", headers=ARABIC).get_data(as_text=True)
    assert "توقيت المغرب" in editing and "Africa/Casablanca" not in editing


def test_the_audit_trail_words_each_action_in_the_readers_language(as_role, db):
    organiser, forum, _ = as_role("organiser")
    organiser.post(
        f"/f/{forum.slug}/manage/team", data={"email": "rapporteur@example.ma", "name": "Khadija", "role": "rapporteur"}
    )
    arabic = _text(organiser.get(f"/f/{forum.slug}/manage/audit", headers=ARABIC).get_data(as_text=True))
    assert "إسناد دور" in arabic and "membership.add" not in arabic


def test_every_action_a_service_records_has_its_worded_line():
    import ast
    from pathlib import Path

    from forum import audit

    recorded = set()
    for path in (Path(__file__).resolve().parents[2] / "forum").rglob("*.py"):
        tree = ast.parse(path.read_text())
        imports_record = any(
            isinstance(node, ast.ImportFrom)
            and node.module == "forum.audit"
            and "record" in {a.name for a in node.names}
            for node in ast.walk(tree)
        )
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            called = node.func
            if (
                isinstance(called, ast.Attribute)
                and called.attr == "record"
                and getattr(called.value, "id", "") == "audit"
            ) or (imports_record and isinstance(called, ast.Name) and called.id == "record"):
                action = node.args[0]
                for value in [action.body, action.orelse] if isinstance(action, ast.IfExp) else [action]:
                    recorded.add(value.value if isinstance(value, ast.Constant) else ast.unparse(value))
    assert len(recorded) > 50
    assert sorted(recorded - audit.TITLES.keys()) == []


def test_a_column_of_counts_is_headed_in_the_plural(as_role, make_registration):
    organiser, forum, _ = as_role("organiser")
    make_registration(forum)
    balance = organiser.get(f"/f/{forum.slug}/manage/registration/balance", headers={"Accept-Language": "fr"})
    assert "<th>Confirmées</th>" in balance.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "count", "expected"),
    [
        ("en", 1, "Capacity: 1 place."),
        ("en", 2, "Capacity: 2 places."),
        ("fr", 1, "Capacité : 1 place."),
        ("fr", 2, "Capacité : 2 places."),
        ("ar", 1, "الطاقة الاستيعابية: مقعد واحد."),
        ("ar", 2, "الطاقة الاستيعابية: مقعدان."),
        ("ar", 3, "الطاقة الاستيعابية: 3 مقاعد."),
        ("ar", 11, "الطاقة الاستيعابية: 11 مقعدًا."),
        ("ar", 100, "الطاقة الاستيعابية: 100 مقعد."),
    ],
)
def test_counts_take_the_plural_form_of_the_language(as_role, make_forum, language, count, expected):
    organiser, forum, _ = as_role("organiser", make_forum(capacity=count))
    page = organiser.get(f"/f/{forum.slug}/manage/registration/settings", headers={"Accept-Language": language})
    assert expected in _text(page.get_data(as_text=True))


def test_one_seat_left_and_one_badge_are_said_in_the_singular(app):
    from flask_babel import force_locale, ngettext

    with app.test_request_context(), force_locale("fr"):
        assert ngettext("%(num)s seat left", "%(num)s seats left", 1) == "1 place restante"
        assert ngettext("%(num)s badge", "%(num)s badges", 1) == "1 badge"
    with app.test_request_context(), force_locale("ar"):
        forms = {ngettext("%(num)s badge", "%(num)s badges", n) for n in (1, 2, 3, 11)}
        assert forms == {"شارة واحدة", "شارتان", "3 شارات", "11 شارةً"}
