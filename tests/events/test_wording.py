"""What people read: examples that keep their direction, counts in plural forms, places and zones in
the page's language and script, actions worded, and sign-ups that say what they sign up to."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

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
