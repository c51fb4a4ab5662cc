"""The offline desk's server side: the roster (least personal data, the list's rules, the public key)
and the upload of scans made offline (idempotent, decided by the server, malformed bodies refused)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges import keys
from forum.badges.models import BadgeScheme
from forum.badges.services import badge_code, reissue_badge, set_scheme
from forum.checkin import services
from forum.checkin.models import Admission, CheckIn
from forum.registration.models import RegistrationStatus

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def desk_setup(db, as_role, make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    forum = make_forum(starts_on=today, ends_on=today)
    set_scheme(forum, BadgeScheme.ed25519, reissue=False, actor=None)
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    entrance = services.default_list(forum)
    db.session.commit()
    client, _forum, _agent = as_role("checkin_agent", forum=forum)
    return client, forum, desk, entrance


def _scan(code, nonce, minutes_ago=5, outcome="ok", reason="ok"):
    """A scan made that many minutes ago; in the forum's first 45 minutes of the day, the minutes
    shrink so that every scan still falls on its day, in the same order."""
    now = datetime.now(UTC)
    since_midnight = now - datetime.combine(now.astimezone(ZONE).date(), time.min, tzinfo=ZONE)
    minute = min(timedelta(minutes=1), since_midnight / 45)
    at = (now - minutes_ago * minute).isoformat()
    return {"nonce": nonce, "code": code, "at": at, "offline": {"outcome": outcome, "reason": reason}}


def _sync(client, forum, desk, body):
    return client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/sync", json=body)


def test_the_roster_holds_what_an_answer_needs_and_no_contact_details(desk_setup, make_registration):
    client, forum, desk, entrance = desk_setup
    here = make_registration(forum, email="itto@example.ma", phone="+212600000000")
    gone = make_registration(forum, status=RegistrationStatus.cancelled)
    roster = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}/roster?list={entrance.id}")
    assert roster.status_code == 200 and roster.headers["Cache-Control"] == "no-store"
    data = roster.json
    assert data["public_key"] == keys.public_key(forum.id) and data["list"]["day"] == entrance.day.isoformat()
    assert data["people"][str(here.id)] == {
        "v": 1,
        "s": "ok",
        "a": here.name_ar,
        "l": here.name_latin,
        "o": here.organisation.name if here.organisation else "",
        "c": here.category.value,
    }
    assert data["people"][str(gone.id)] == {"v": 1, "s": "cancelled"}
    assert "itto@example.ma" not in roster.text and "600000000" not in roster.text
    for bad in ("x", "9" * 30, "١٢"):
        assert client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}/roster?list={bad}").status_code == 404


def test_an_upload_is_applied_once_with_its_time_and_the_server_decides(db, desk_setup, make_registration):
    client, forum, desk, entrance = desk_setup
    first, second, cancelled, reissued = (make_registration(forum) for _ in range(4))
    codes = {r.id: badge_code(r) for r in (first, second, cancelled, reissued)}
    cancelled.status = RegistrationStatus.cancelled  # after the roster was loaded
    reissue_badge(reissued)
    db.session.commit()
    prefix, payload, _signature = codes[first.id].split(".")
    forged = f"{prefix}.{payload}.{keys.b64url(bytes(64))}"
    batch = {
        "list": entrance.id,
        "scans": [
            _scan(codes[first.id], "n1", 30),
            _scan(codes[first.id], "n2", 20),  # the same badge again: duplicate
            _scan(codes[cancelled.id], "n3", 10),
            _scan(codes[reissued.id], "n4", 9),
            _scan(forged, "n5", 8),
        ],
    }
    answer = _sync(client, forum, desk, batch)
    assert answer.status_code == 200
    reasons = [(r["nonce"], r["reason"], r["conflict"]) for r in answer.json["results"]]
    assert reasons == [
        ("n1", "ok", False),
        ("n2", "already_checked_in", True),
        ("n3", "cancelled", True),
        ("n4", "revoked", True),
        ("n5", "tampered", True),
    ]
    assert len(answer.json["conflicts"]) == 4
    # the same upload again (the answer was lost in a cut): nothing changes
    again = _sync(client, forum, desk, batch).json
    assert [r["reason"] for r in again["results"]] == [r[1] for r in reasons]
    # a later batch arriving first, then an earlier one: still one admission per person
    later = {"list": entrance.id, "scans": [_scan(codes[second.id], "n7", 1)]}
    earlier = {"list": entrance.id, "scans": [_scan(codes[second.id], "n6", 40)]}
    assert _sync(client, forum, desk, later).json["results"][0]["reason"] == "ok"
    assert _sync(client, forum, desk, earlier).json["results"][0]["reason"] == "already_checked_in"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 7
    admitted = db.session.scalar(sa.select(Admission.admitted_at).where(Admission.registration_id == first.id))
    assert abs((admitted - datetime.fromisoformat(batch["scans"][0]["at"])).total_seconds()) < 1
    trail = client.get(f"/f/{forum.slug}/manage/checkin/trail")
    assert trail.status_code == 403  # an agent does not read the trail; the organiser does (below)


def test_the_trail_shows_the_conflicts(db, desk_setup, as_role, make_registration):
    client, forum, desk, entrance = desk_setup
    person = make_registration(forum)
    code = badge_code(person)
    _sync(client, forum, desk, {"list": entrance.id, "scans": [_scan(code, "a", 3), _scan(code, "b", 2)]})
    organiser, _forum, _user = as_role("organiser", forum=forum)
    page = organiser.get(f"/f/{forum.slug}/manage/checkin/trail").text
    assert page.count("made offline") == 2 and "the desk answered: Welcome" in page


def test_a_closed_desk_is_refused_and_malformed_uploads_get_a_clear_400(db, desk_setup, make_registration):
    client, forum, desk, entrance = desk_setup
    code = badge_code(make_registration(forum))
    good = _scan(code, "ok1")
    now = datetime.now(UTC)
    bad_bodies = [
        None,
        [],
        {"scans": [good]},
        {"list": "1", "scans": [good]},
        {"list": 2**63, "scans": [good]},
        {"list": entrance.id, "scans": [{**good, "code": None, "registration_id": 2**40}]},
        {"list": entrance.id, "scans": []},
        {"list": entrance.id, "scans": "x"},
        {"list": entrance.id, "scans": [good] * 501},
        {"list": entrance.id, "scans": [1]},
        {"list": entrance.id, "scans": [{**good, "nonce": ""}]},
        {"list": entrance.id, "scans": [{**good, "nonce": "x" * 65}]},
        {"list": entrance.id, "scans": [{**good, "code": 12}]},
        {"list": entrance.id, "scans": [{**good, "code": "é\x00"}]},
        {"list": entrance.id, "scans": [{**good, "registration_id": 5}]},
        {"list": entrance.id, "scans": [{**good, "at": "yesterday"}]},
        {"list": entrance.id, "scans": [{**good, "at": now.replace(tzinfo=None).isoformat()}]},
        {"list": entrance.id, "scans": [{**good, "at": (now + timedelta(hours=2)).isoformat()}]},
        {"list": entrance.id, "scans": [{**good, "at": (now - timedelta(days=5)).isoformat()}]},
        {"list": entrance.id, "scans": [good, good]},
    ]
    for body in bad_bodies:
        response = _sync(client, forum, desk, body)
        assert response.status_code == 400, body
        assert response.json["error"] == "bad_upload" and response.json["message"]
    raw = client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/sync", data=b"\xff{", content_type="application/json")
    assert raw.status_code == 400
    assert _sync(client, forum, desk, {"list": 999999, "scans": [good]}).status_code == 404
    services.revoke_desk(desk, actor=None)
    db.session.commit()
    refused = _sync(client, forum, desk, {"list": entrance.id, "scans": [good]})
    assert refused.status_code == 403 and refused.json["error"] == "desk_closed"
    assert client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}/roster?list={entrance.id}").status_code == 403
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_the_service_worker_and_the_manifest_are_served_to_desks_only(desk_setup, client):
    agent, forum, _desk, _entrance = desk_setup
    worker = agent.get(f"/f/{forum.slug}/checkin/sw.js")
    assert worker.status_code == 200 and worker.mimetype == "text/javascript"
    assert '"/static/"' in worker.text and "caches.open" in worker.text
    manifest = agent.get(f"/f/{forum.slug}/checkin/manifest.webmanifest")
    assert manifest.mimetype == "application/manifest+json"
    assert manifest.json["start_url"] == f"/f/{forum.slug}/checkin/"
    agent.post("/logout")
    assert agent.get(f"/f/{forum.slug}/checkin/sw.js").status_code in (302, 403)
