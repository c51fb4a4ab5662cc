"""Rehearsal: a desk rehearses before the forum, answers as it will on the day, and nothing of it counts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import services, stats
from forum.checkin.models import Admission, CheckIn, CheckInList
from forum.registration.models import RegistrationStatus

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def tomorrows_forum(make_forum):
    """A forum that opens tomorrow: its desks cannot admit anyone today, but can rehearse."""
    tomorrow = datetime.now(UTC).astimezone(ZONE).date() + timedelta(days=1)
    return make_forum(starts_on=tomorrow, ends_on=tomorrow + timedelta(days=1))


def _scan(client, forum, desk, checkin_list, code):
    return client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/scan", json={"code": code, "list": checkin_list}).json


def _rehearsal_list(page_html: str) -> int:
    return int(re.search(r'data-list="(\d+)"', page_html).group(1))


def test_a_desk_rehearses_the_day_before_and_nothing_counts(db, as_role, tomorrows_forum, make_registration):
    forum = tomorrows_forum
    desk, _token = services.create_desk(forum, "Entrée", actor=None)
    people = [make_registration(forum) for _ in range(2)]
    cancelled = make_registration(forum, status=RegistrationStatus.cancelled)
    db.session.commit()
    client, _forum, _agent = as_role("checkin_agent", forum=forum)
    real = services.default_list(forum)
    db.session.commit()
    # the real list is not open today
    assert _scan(client, forum, desk, real.id, badge_code(people[0]))["reason"] == "wrong_day"

    page = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}?rehearsal=1").get_data(as_text=True)
    assert "Rehearsal" in page and "nothing here counts" in page
    twin = _rehearsal_list(page)
    assert twin != real.id
    answers = [_scan(client, forum, desk, twin, badge_code(p)) for p in (people[0], people[0], people[1], cancelled)]
    assert [a["reason"] for a in answers] == ["ok", "already_checked_in", "ok", "cancelled"]
    assert answers[2]["inside"] == 2
    assert _scan(client, forum, desk, twin, badge_code(people[1])[:-3] + "abc")["reason"] == "tampered"
    # the same twin again, not a new one
    again = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}?rehearsal=1&list={real.id}").get_data(as_text=True)
    assert _rehearsal_list(again) == twin

    db.session.expire_all()
    assert services.inside_count(real) == 0
    assert stats.totals(forum, day=real.day) == (0, 2)
    assert [cl.id for cl in services.lists_of(forum)] == [cl.id for cl in services.ensure_lists(forum)]
    assert twin not in [cl.id for cl in services.lists_of(forum)]
    assert services.recent_scans(forum) != [] and all(s.list_id != twin for s in services.recent_scans(forum))
    assert services.rehearsal_scan_count(forum) == 5


def test_an_organiser_clears_the_rehearsal_in_one_click(db, as_role, tomorrows_forum, make_registration):
    forum = tomorrows_forum
    desk, _token = services.create_desk(forum, "Entrée", actor=None)
    person = make_registration(forum)
    db.session.commit()
    client, _forum, _organiser = as_role("organiser", forum=forum)
    page = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}?rehearsal=1").get_data(as_text=True)
    assert "Clear the rehearsal" in page
    twin = _rehearsal_list(page)
    assert _scan(client, forum, desk, twin, badge_code(person))["outcome"] == "ok"
    manage = client.get(f"/f/{forum.slug}/manage/checkin/").get_data(as_text=True)
    assert "1 rehearsal scan kept." in manage

    back = f"/f/{forum.slug}/checkin/desk/{desk.id}?rehearsal=1"
    response = client.post(f"/f/{forum.slug}/manage/checkin/rehearsal/clear", data={"next": back})
    assert response.status_code == 302 and response.headers["Location"].endswith(back)
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(CheckInList.id)).where(CheckInList.is_rehearsal)) == 0
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
    assert "0 rehearsal scans kept." in client.get(f"/f/{forum.slug}/manage/checkin/").get_data(as_text=True)
    # a rehearsal starts afresh: the person is welcomed again
    page = client.get(back).get_data(as_text=True)
    assert _scan(client, forum, desk, _rehearsal_list(page), badge_code(person))["reason"] == "ok"


def test_only_an_organiser_clears_and_a_foreign_next_is_ignored(db, as_role, tomorrows_forum):
    forum = tomorrows_forum
    agent_client, _forum, _agent = as_role("checkin_agent", forum=forum)
    assert agent_client.post(f"/f/{forum.slug}/manage/checkin/rehearsal/clear").status_code == 403
    client, _forum, _organiser = as_role("organiser", forum=forum)
    response = client.post(f"/f/{forum.slug}/manage/checkin/rehearsal/clear", data={"next": "https://evil.example/"})
    assert response.headers["Location"].endswith(f"/f/{forum.slug}/manage/checkin/")
