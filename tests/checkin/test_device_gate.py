"""The devices' gate: on PostgreSQL a device's first welcome is answered ahead of the request
pipeline, exactly as the scan view answers it; everything else is still the view's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import scan, services
from forum.checkin.device_gate import DeviceScanGate
from forum.checkin.models import Admission, CheckIn
from forum.checkin.services._common import own_statements
from forum.programme.models import Session, SessionKind, Signup
from forum.registration.models import Organisation, OrganisationKind
from forum.security import SECURITY_HEADERS

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def gate(app, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the gate serves PostgreSQL (SQLite's welcome is three statements, in the view)")
    return next(layer for layer in _layers(app.wsgi_app) if isinstance(layer, DeviceScanGate))


def _layers(wsgi):
    while wsgi is not None:
        yield wsgi
        wsgi = getattr(wsgi, "app", None) if not isinstance(wsgi, DeviceScanGate) else None


@pytest.fixture
def forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


@pytest.fixture
def token(db, forum):
    _desk, token = services.create_desk(forum, "Gate desk", actor=None)
    db.session.commit()
    return token


def scan_of(client, forum, token, language="en", **body):
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    return client.post(f"/api/f/{forum.slug}/checkin/scan", json=body, headers=headers)


def twins(db, forum, make_registration):
    """Two people alike but for their ids, each with an organisation and a seat in a session today."""
    now = datetime.now(UTC)
    session = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"ar": "ورشة التمويل", "fr": "Atelier financement", "en": "Financing workshop"},
        starts_at=now,
        ends_at=now + timedelta(hours=1),
    )
    organisation = Organisation(name="Jamiyat Al Amal", kind=OrganisationKind.association)
    db.session.add_all([session, organisation])
    people = [
        make_registration(forum, name_ar="أمل الإدريسي", name_latin="Amal Idrissi", organisation=organisation)
        for _ in range(2)
    ]
    db.session.add_all(Signup(session=session, registration=person) for person in people)
    db.session.commit()
    return people


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_the_gate_answers_a_welcome_as_the_view_does(
    app, db, client, gate, forum, token, make_registration, monkeypatch, language
):
    first, second = twins(db, forum, make_registration)
    gated = scan_of(client, forum, token, language, code=badge_code(first), nonce="g-1")
    monkeypatch.setattr(app, "wsgi_app", gate.wsgi_app)  # the same request, through the view
    viewed = scan_of(client, forum, token, language, code=badge_code(second), nonce="v-1")
    assert gated.status_code == viewed.status_code == 200
    assert gated.mimetype == viewed.mimetype == "application/json"
    mine, theirs = gated.json, viewed.json
    assert mine["registration"].pop("id") == first.id and theirs["registration"].pop("id") == second.id
    assert (mine.pop("inside"), theirs.pop("inside")) == (1, 2)
    assert mine == theirs and mine["outcome"] == "ok" and mine["agenda"][0]["room"] == ""
    assert mine["registration"]["organisation"] == "Jamiyat Al Amal"
    for name, value in SECURITY_HEADERS:
        assert gated.headers[name] == value == viewed.headers[name]
    db.session.rollback()
    kept = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
    assert [row.response["inside"] for row in kept] == [1, 2]
    assert {row.reason for row in kept} == {"ok"} and kept[0].nonce.endswith(":g-1")


def test_the_gate_leaves_everything_else_to_the_view(db, client, gate, forum, token, make_registration):
    person, other = make_registration(forum), make_registration(forum)
    db.session.commit()
    code = badge_code(person)
    assert scan_of(client, forum, token, code=code, nonce="n-1").json["reason"] == "ok"
    replay = scan_of(client, forum, token, code=code, nonce="n-1").json
    assert replay["replayed"] is True and replay["reason"] == "ok"
    assert scan_of(client, forum, token, code=code, nonce="n-2").json["reason"] == "already_checked_in"
    assert scan_of(client, forum, token, code=code[:-2] + "xx").json["reason"] == "tampered"
    assert scan_of(client, forum, token, code=code, direction="out").json["reason"] == "exits_not_recorded"
    assert scan_of(client, forum, "mqd_wrong", code=badge_code(other)).status_code == 401
    assert scan_of(client, forum, token, code=badge_code(other), list="x").status_code == 400
    client.set_cookie("session", "a-stale-cookie")  # a session to read: the view's
    assert scan_of(client, forum, token, code=badge_code(other)).json["reason"] == "ok"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 2


def test_the_devices_statements_read_the_same_on_the_driver_as_through_sqlalchemy(
    app, db, gate, forum, token, make_registration
):
    first, _second = twins(db, forum, make_registration)
    services.ensure_lists(forum)
    db.session.commit()
    with app.test_request_context():
        reading = scan.read_with_token(forum.slug, token, code=badge_code(first), nonce="x")
        with own_statements():
            driven = scan.read_with_token(forum.slug, token, code=badge_code(first), nonce="x")
    assert len(driven.rows) == len(reading.rows) == 1
    assert tuple(driven.rows[0]) == tuple(reading.rows[0])
    assert [type(value) for value in driven.rows[0]] == [type(value) for value in reading.rows[0]]
    assert driven.forum == reading.forum


def test_the_gates_answer_carries_hsts_in_production_over_https(
    app, db, client, gate, forum, token, make_registration, monkeypatch
):
    first, second = make_registration(forum), make_registration(forum)
    db.session.commit()
    monkeypatch.setitem(app.config, "MULTAQA_ENV", "production")
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/f/{forum.slug}/checkin/scan"
    gated = client.post(url, json={"code": badge_code(first)}, headers=headers, base_url="https://localhost")
    monkeypatch.setattr(app, "wsgi_app", gate.wsgi_app)
    viewed = client.post(url, json={"code": badge_code(second)}, headers=headers, base_url="https://localhost")
    assert gated.json["reason"] == viewed.json["reason"] == "ok"
    assert gated.headers["Strict-Transport-Security"] == viewed.headers["Strict-Transport-Security"]
