"""Badge codes: short, signed, and refused with a precise reason when wrong."""

from __future__ import annotations

import pytest

from forum.badges import services
from forum.badges.services import (
    MalformedCode,
    SupersededBadge,
    TamperedCode,
    UnknownBadge,
    WrongForum,
    badge_code,
    read_badge_code,
)


def test_a_code_reads_back_to_its_registration(make_forum, make_registration):
    forum = make_forum()
    registration = make_registration(forum)
    code = badge_code(registration)
    assert code.startswith("MQ1.") and len(code) <= 48
    assert read_badge_code(code, forum_id=forum.id) is registration


def test_an_altered_code_is_refused_and_never_matches_someone_else(make_forum, make_registration):
    forum = make_forum()
    first, second = make_registration(forum), make_registration(forum)
    prefix, payload, signature = badge_code(first).split(".")
    forum_part, _, version_part = payload.split("-")
    other_payload = f"{forum_part}-{services._base36(second.id)}-{version_part}"
    with pytest.raises(TamperedCode):
        read_badge_code(f"{prefix}.{other_payload}.{signature}", forum_id=forum.id)
    flipped = signature[:-1] + ("A" if signature[-1] != "A" else "B")
    with pytest.raises(TamperedCode):
        read_badge_code(f"{prefix}.{payload}.{flipped}", forum_id=forum.id)


def test_a_code_from_another_forum_is_refused(make_forum, make_registration):
    here, there = make_forum(), make_forum()
    with pytest.raises(WrongForum):
        read_badge_code(badge_code(make_registration(there)), forum_id=here.id)


def test_reissuing_supersedes_the_old_code(db, make_forum, make_registration):
    forum = make_forum()
    registration = make_registration(forum)
    old = badge_code(registration)
    new = services.reissue_badge(registration)
    db.session.commit()
    with pytest.raises(SupersededBadge) as refused:
        read_badge_code(old, forum_id=forum.id)
    assert refused.value.reason == "revoked"
    assert read_badge_code(new, forum_id=forum.id) is registration


def test_a_different_secret_key_makes_every_code_invalid(app, make_forum, make_registration):
    forum = make_forum()
    code = badge_code(make_registration(forum))
    app.config["SECRET_KEY"] = "another-key"
    try:
        with pytest.raises(TamperedCode):
            read_badge_code(code, forum_id=forum.id)
    finally:
        app.config["SECRET_KEY"] = "test-secret-key"


@pytest.mark.parametrize("garbage", ["", "hello", "MQ1.x.y", "MQ9.1-1-1.abc", "MQ1.1-zz-.sig", "MQ1.1-2-3-4.s"])
def test_garbage_is_not_a_badge(make_forum, garbage):
    with pytest.raises(MalformedCode):
        read_badge_code(garbage, forum_id=make_forum().id)


def test_unknown_registration(make_forum):
    forum = make_forum()
    with pytest.raises(UnknownBadge):
        read_badge_code(f"MQ1.{services._base36(forum.id)}-zzzz-1.AAAAAAAAAAAAAAAAAAAAAA", forum_id=forum.id)
