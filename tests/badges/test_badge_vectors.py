"""Badge codes v2 (Ed25519): the one reader against the vectors the desk's verifier shares, the
organiser's choice of scheme, and the QR of a signed code read back from print size."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from badge_checks import decode_all
from PIL import Image

from forum.badges import keys, render
from forum.badges.models import BadgeScheme
from forum.badges.services import BadgeCodeError, badge_code, read_badge_code, set_scheme
from forum.checkin import services as checkin
from forum.checkin.scan import scan_at_desk
from forum.registration.models import Registration

VECTORS = json.loads((Path(__file__).parent / "badge_vectors.json").read_text())


@pytest.fixture
def vector_forum(app, db, monkeypatch, make_forum, make_registration):
    """The vectors' forums and registrations, under the vectors' secret key."""
    monkeypatch.setitem(app.config, "SECRET_KEY", VECTORS["secret_key"])
    forums = {n: make_forum(id=n) for n in (VECTORS["forum_id"], 8)}
    for row in VECTORS["registrations"]:
        make_registration(
            forums[row["forum_id"]], id=row["id"], badge_version=row["badge_version"], badge_secret=row["badge_secret"]
        )
    db.session.commit()
    return forums[VECTORS["forum_id"]]


def _reason(code: str, forum_id: int) -> str:
    try:
        read_badge_code(code, forum_id=forum_id)
    except BadgeCodeError as error:
        return error.reason
    return "ok"


def test_the_reader_gives_each_vector_its_reason(vector_forum):
    assert keys.public_key(vector_forum.id) == VECTORS["public_key"]
    results = {v["name"]: _reason(v["code"], vector_forum.id) for v in VECTORS["vectors"]}
    assert results == {v["name"]: v["server"] for v in VECTORS["vectors"]}
    assert {v["server"] for v in VECTORS["vectors"]} >= {"ok", "tampered", "unknown", "wrong_forum", "revoked"}


def test_the_server_issues_the_vectors_valid_codes(db, vector_forum):
    person = db.session.get(Registration, 41)
    codes = {v["name"]: v["code"] for v in VECTORS["vectors"]}
    assert badge_code(person) == codes["old version (v1, HMAC)"]
    set_scheme(vector_forum, BadgeScheme.ed25519, reissue=False, actor=None)
    assert badge_code(person) == codes["valid"]  # Ed25519 signatures are deterministic


def test_a_forum_switches_to_signed_codes_and_reissues(db, make_forum, make_registration):
    forum = make_forum()
    person = make_registration(forum)
    old = badge_code(person)
    assert old.startswith("MQ1.")
    assert set_scheme(forum, BadgeScheme.ed25519, reissue=False, actor=None) == 0
    new = badge_code(person)
    assert new.startswith("MQ2.") and len(new) <= 110
    # both read, until the organiser reissues
    assert read_badge_code(old, forum_id=forum.id) is person and read_badge_code(new, forum_id=forum.id) is person
    assert set_scheme(forum, BadgeScheme.ed25519, reissue=True, actor=None) == 1
    db.session.refresh(person)
    assert _reason(old, forum.id) == "revoked" and _reason(new, forum.id) == "revoked"
    assert read_badge_code(badge_code(person), forum_id=forum.id) is person


def test_a_desk_admits_a_signed_badge_and_refuses_a_forged_one(db, make_forum, make_registration):
    forum = make_forum()
    set_scheme(forum, BadgeScheme.ed25519, reissue=False, actor=None)
    person = make_registration(forum)
    desk, _token = checkin.create_desk(forum, "Desk", actor=None)
    entrance = checkin.default_list(forum)
    code = badge_code(person)
    prefix, payload, signature = code.split(".")
    forged = f"{prefix}.{payload}.{keys.b64url(bytes(64))}"
    answers = [scan_at_desk(forum, entrance, code=c, desk=desk).reason for c in (forged, code)]
    assert answers[0] == "tampered"
    assert answers[1] in ("ok", "wrong_day")


def test_a_signed_codes_qr_reads_back_printed_25_mm_wide(db, make_forum, make_registration):
    forum = make_forum()
    set_scheme(forum, BadgeScheme.ed25519, reissue=False, actor=None)
    code = badge_code(make_registration(forum))
    qr = render.qr_image(code, module_px=1)
    assert qr.width <= 53, "a signed code must fit a version 7 QR at error correction M"
    # 25 mm at 300 dpi is 295 px for the symbol and its quiet zone
    printed = qr.convert("L").resize((295, 295), Image.Resampling.BILINEAR)
    assert decode_all(printed) == [code]


def test_the_organiser_chooses_signed_codes_on_the_badges_page(db, as_role, make_registration):
    client, forum, _organiser = as_role("organiser")
    person = make_registration(forum)
    assert "Version 2: signed, desks can check it offline" in client.get(f"/f/{forum.slug}/manage/badges/").text
    refused = client.post(f"/f/{forum.slug}/manage/badges/scheme", data={"scheme": "rsa"}, follow_redirects=True)
    assert "Choose a scheme for the badge codes." in refused.text
    assert badge_code(person).startswith("MQ1.")
    response = client.post(f"/f/{forum.slug}/manage/badges/scheme", data={"scheme": "ed25519", "reissue": "y"})
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.badge_version == 2 and badge_code(person).startswith("MQ2.")
    agent, _forum, _user = as_role("checkin_agent", forum=forum)
    assert agent.post(f"/f/{forum.slug}/manage/badges/scheme", data={"scheme": "hmac"}).status_code == 403
