"""Scan bodies a client may send — of the wrong type, too large, in another script — are refused with
a reason (4xx), never a server error; a nonce is replayed only to the desk that sent it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import services
from forum.checkin.models import CheckIn

ZONE = ZoneInfo("Africa/Casablanca")
HUGE = 10**30
BAD_BODIES = [
    ([{"code": "x"}], "body_not_object"),
    ("MQ1.1-1-1.abc", "body_not_object"),
    (42, "body_not_object"),
    ({"code": 12}, "code_not_text"),
    ({"code": ["a"]}, "code_not_text"),
    ({"code": "x", "nonce": 7}, "bad_nonce"),
    ({"code": "x", "nonce": {"a": 1}}, "bad_nonce"),
    ({"code": "x", "nonce": "n" * 49}, "bad_nonce"),
    ({"code": "x", "list": HUGE}, "bad_list"),
    ({"code": "x", "list": str(HUGE)}, "bad_list"),
    ({"code": "x", "list": "١٢"}, "bad_list"),
    ({"code": "x", "list": -3}, "bad_list"),
    ({"code": "x", "list": [1]}, "bad_list"),
    ({"registration_id": HUGE}, "bad_registration"),
    ({"registration_id": "²"}, "bad_registration"),
    ({"code": "x", "direction": 1}, "bad_direction"),
]


@pytest.fixture
def forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


@pytest.fixture
def desks(db, forum):
    first, first_token = services.create_desk(forum, "Desk 1", actor=None)
    second, second_token = services.create_desk(forum, "Desk 2", actor=None)
    db.session.commit()
    return (first, first_token), (second, second_token)


def _api(client, forum, token, body):
    return client.post(f"/api/f/{forum.slug}/checkin/scan", json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(("body", "reason"), BAD_BODIES)
def test_a_body_the_scan_cannot_use_is_refused_with_its_reason(db, client, as_role, forum, desks, body, reason):
    (desk, token), _ = desks
    assert _api(client, forum, token, body).json == _api(client, forum, token, body).json
    answer = _api(client, forum, token, body)
    assert answer.status_code == 400 and answer.json["reason"] == reason and answer.json["message"]
    agent, _forum, _user = as_role("checkin_agent", forum=forum)
    answer = agent.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/scan", json=body)
    assert answer.status_code == 400 and answer.json["reason"] == reason
    assert agent.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/undo", json=[1]).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


@pytest.mark.parametrize(
    "code",
    [
        "MQ1.é-1-1.abc",  # an accent in the payload
        "MQ1.1-1-1.سلام",  # Arabic in the signature (hmac refuses to compare non-ASCII text)
        "MQ1.١-١-١.abcdef",  # Arabic-Indic digits, which int() reads
        "MQ1.zzzzzzzzzzzzzzzz-1-1.abc",  # a forum id too large for the database
        f"MQ1.1-{'z' * 30}-1.abc",  # a registration id too large for the database
        "MQ1." + "1" * 5000 + ".x",
    ],
)
def test_codes_in_another_script_or_with_huge_ids_are_not_badges(
    db, client, login, forum, desks, make_registration, code
):
    (_desk, token), _ = desks
    answer = _api(client, forum, token, {"code": code})
    assert answer.status_code == 200 and answer.json["outcome"] == "refused" and answer.json["reason"] == "unknown"


def test_a_nonce_is_replayed_only_to_the_desk_that_sent_it(db, client, as_role, forum, desks, make_registration):
    (first, first_token), (_second, second_token) = desks
    person, other = make_registration(forum), make_registration(forum)
    answer = _api(client, forum, first_token, {"code": badge_code(person), "nonce": "same"}).json
    replay = _api(client, forum, first_token, {"code": badge_code(person), "nonce": "same"}).json
    assert answer["outcome"] == "ok" and replay["replayed"] is True
    # Another device, the same nonce, another person: a scan of its own, not the first desk's answer.
    elsewhere = _api(client, forum, second_token, {"code": badge_code(other), "nonce": "same"}).json
    assert elsewhere["outcome"] == "ok" and not elsewhere.get("replayed")
    assert elsewhere["registration"]["id"] == other.id
    agent, _forum, _user = as_role("checkin_agent", forum=forum)
    at_desk = agent.post(
        f"/f/{forum.slug}/checkin/desk/{first.id}/scan", json={"code": badge_code(person), "nonce": "same"}
    )
    assert at_desk.json["reason"] == "already_checked_in" and not at_desk.json.get("replayed")
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 3
