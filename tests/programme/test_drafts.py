"""Draft and publish: edits to a published programme stay in the draft until the next publication."""

from __future__ import annotations

from datetime import date

import pytest
from helpers import local
from icalendar import Calendar

from forum.programme import services

DAY1, DAY2 = date(2026, 2, 13), date(2026, 2, 14)


def _events(client, url: str) -> dict[str, object]:
    calendar = Calendar.from_ical(client.get(url).data)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


@pytest.fixture
def published(db, forum, make_room, make_session):
    """A workshop in room A on day 2 at 9:00, published as version 1."""
    room_a, room_b = make_room(forum, "A"), make_room(forum, "B")
    workshop = make_session(forum, room_a, DAY2, (9, 0), (10, 0), published=False, title={"en": "Crowdfunding"})
    services.publish(forum, actor=None)
    db.session.commit()
    return workshop, room_a, room_b


def test_an_edit_after_publication_shows_only_once_published(client, db, forum, published, make_registration):
    workshop, _room_a, room_b = published
    person = make_registration(forum)
    services.sign_up(person, workshop)
    db.session.commit()
    uid = f"session-{workshop.id}.{forum.slug}@multaqa"
    feeds = (f"/f/{forum.slug}/programme.ics", f"/f/{forum.slug}/me/{person.access_key}/calendar.ics")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    services.save_session(
        forum,
        workshop,
        {"title": {"en": "Crowdfunding platforms"}, "room_id": room_b.id},
        actor=None,
    )
    db.session.commit()
    services.save_session(
        forum, workshop, {"starts_at": local(forum, DAY2, 14), "ends_at": local(forum, DAY2, 15)}, actor=None
    )
    db.session.commit()

    for page in (f"/f/{forum.slug}/programme/", f"/f/{forum.slug}/programme/sessions/{workshop.id}"):
        text = client.get(page).get_data(as_text=True)
        assert "Crowdfunding platforms" not in text and "Crowdfunding" in text
    agenda = client.get(f"/f/{forum.slug}/me/{person.access_key}/agenda").get_data(as_text=True)
    assert "Crowdfunding platforms" not in agenda
    for feed in feeds:
        event = _events(client, feed)[uid]
        assert str(event["SUMMARY"]) == "Crowdfunding" and event["SEQUENCE"] == 0
        assert event.decoded("DTSTART").hour == 9 and str(event["LOCATION"]) == "قاعة A"

    version = services.publish(forum, actor=None)
    db.session.commit()
    (change,) = version.changes
    assert change["kind"] == "moved" and change["title"] == {"en": "Crowdfunding platforms"}
    assert change["before"]["room"]["fr"] == "A" and change["after"]["room"]["fr"] == "B"
    assert "Crowdfunding platforms" in client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    for feed in feeds:
        event = _events(client, feed)[uid]
        assert str(event["SUMMARY"]) == "Crowdfunding platforms" and event["SEQUENCE"] == 1  # once, for two edits
        assert event.decoded("DTSTART").hour == 14 and str(event["LOCATION"]) == "قاعة B"
    with pytest.raises(services.ProgrammeError, match="Nothing has changed"):
        services.publish(forum, actor=None)


def test_a_new_session_appears_only_once_published(client, db, forum, published, make_room, make_session):
    workshop, _room_a, room_b = published
    added = make_session(forum, room_b, DAY1, (11, 0), (12, 0), published=False, title={"en": "Youth and CSR"})
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "Youth and CSR" not in client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    assert client.get(f"/f/{forum.slug}/programme/sessions/{added.id}").status_code == 404
    assert f"session-{added.id}." not in str(_events(client, f"/f/{forum.slug}/programme.ics"))

    version = services.publish(forum, actor=None)
    db.session.commit()
    assert [(c["kind"], c["session_id"]) for c in version.changes] == [("added", added.id)]
    assert "Youth and CSR" in client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    assert _events(client, f"/f/{forum.slug}/programme.ics")[f"session-{added.id}.{forum.slug}@multaqa"]
    assert workshop.sequence == 0  # untouched sessions keep their SEQUENCE


def test_a_cancellation_shows_only_once_published(client, db, forum, published, make_registration):
    workshop, _room_a, _room_b = published
    first, second = make_registration(forum), make_registration(forum)
    services.sign_up(first, workshop)
    services.save_session(forum, workshop, {"is_cancelled": True}, actor=None)
    db.session.commit()
    uid = f"session-{workshop.id}.{forum.slug}@multaqa"

    assert str(_events(client, f"/f/{forum.slug}/programme.ics")[uid]["STATUS"]) == "CONFIRMED"
    assert services.sign_up(second, workshop).status.value == "confirmed"  # still open until published
    db.session.commit()

    version = services.publish(forum, actor=None)
    db.session.commit()
    assert [c["kind"] for c in version.changes] == ["cancelled"]
    assert {n.registration.id for n in services.notices_for(version)} == {first.id, second.id}
    event = _events(client, f"/f/{forum.slug}/programme.ics")[uid]
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 1
    with pytest.raises(services.SignupError, match="cancelled"):
        services.sign_up(make_registration(forum), workshop)


def test_sign_up_rules_follow_the_published_times(db, forum, published, make_room, make_session, make_registration):
    workshop, _room_a, room_b = published
    other = make_session(forum, room_b, DAY2, (11, 0), (12, 0))
    person = make_registration(forum)
    services.sign_up(person, other)
    services.save_session(
        forum, workshop, {"starts_at": local(forum, DAY2, 11), "ends_at": local(forum, DAY2, 12)}, actor=None
    )
    services.sign_up(person, workshop)  # 9:00 as published: no clash yet
    assert services.draft_of(workshop).starts_at == local(forum, DAY2, 11)
    assert workshop.starts_at == local(forum, DAY2, 9)


def test_conflicts_are_checked_against_the_draft(db, english, forum, published, make_session):
    workshop, room_a, room_b = published
    services.save_session(forum, workshop, {"room_id": room_b.id}, actor=None)
    db.session.commit()
    # Room A is free in the draft at 9:00, room B is taken there by the moved workshop.
    make_session(forum, room_a, DAY2, (9, 0), (10, 0), published=False)
    with pytest.raises(services.ScheduleConflict, match="already taken"):
        make_session(forum, room_b, DAY2, (9, 30), (10, 30), published=False)


def test_edits_that_undo_each_other_leave_nothing_to_publish(db, forum, published):
    workshop, room_a, room_b = published
    services.save_session(forum, workshop, {"room_id": room_b.id}, actor=None)
    assert [c["kind"] for c in services.pending_changes(forum)] == ["moved"]
    services.save_session(forum, workshop, {"room_id": room_a.id}, actor=None)
    db.session.commit()
    assert services.pending_changes(forum) == [] and workshop.draft is None


def test_the_timetable_shows_unpublished_changes_where_the_draft_puts_them(as_role, db, forum, published):
    workshop, _room_a, _room_b = published
    client, _, _ = as_role("organiser", forum=forum)
    base = f"/f/{forum.slug}/manage/programme"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(
        f"{base}/sessions/{workshop.id}/move",
        data={"room_id": workshop.room_id, "starts_at": "2026-02-13T15:00", "ends_at": "2026-02-13T16:00"},
    )
    assert response.json["ok"] is True
    day1 = client.get(f"{base}/?day=2026-02-13").get_data(as_text=True)
    assert "Crowdfunding" in day1 and "unpublished changes" in day1
    assert "Crowdfunding" not in client.get(f"{base}/?day=2026-02-14").get_data(as_text=True)
    edit = client.get(f"{base}/sessions/{workshop.id}/edit").get_data(as_text=True)
    assert "This session has unpublished changes" in edit and 'value="2026-02-13T15:00"' in edit
    public = client.get(f"/f/{forum.slug}/programme/").get_data(as_text=True)
    assert "Saturday, February 14, 2026" in public and "Friday" not in public


def test_new_seats_open_only_once_published(client, db, forum, published, make_registration):
    workshop, _room_a, _room_b = published
    services.save_session(forum, workshop, {"capacity": 1}, actor=None)
    db.session.commit()
    first, second = make_registration(forum), make_registration(forum)
    services.sign_up(first, workshop)
    assert services.sign_up(second, workshop).status.value == "confirmed"  # the room's 50 seats, as published
    services.save_session(forum, workshop, {"capacity": 3}, actor=None)
    db.session.commit()
    page = f"/f/{forum.slug}/programme/sessions/{workshop.id}"
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert "<dd>48</dd>" in client.get(page).get_data(as_text=True)
    assert [c["kind"] for c in services.publish(forum, actor=None).changes] == ["updated"]
    db.session.commit()
    assert "<dd>1</dd>" in client.get(page).get_data(as_text=True) and workshop.sequence == 0
