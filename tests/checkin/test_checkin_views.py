"""Check-in pages and API: who may open what, token auth, the desk's JSON, the dashboard."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from babel.dates import format_time

from forum.badges.services import badge_code
from forum.checkin import services
from forum.checkin.models import Admission, CheckIn, CheckInList, Desk, ListKind
from forum.checkin.scan import scan_at_desk
from forum.programme.models import Session, SessionKind
from forum.registration.models import Category, RegistrationStatus

ZONE = ZoneInfo("Africa/Casablanca")


@pytest.fixture
def forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


@pytest.fixture
def desk_and_token(db, forum):
    desk, token = services.create_desk(forum, "Desk 1", actor=None)
    db.session.commit()
    return desk, token


def api(client, forum, token, **body):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/api/f/{forum.slug}/checkin/scan", json=body, headers=headers)


def test_the_api_needs_a_live_desk_token(db, client, forum, desk_and_token, make_registration):
    desk, token = desk_and_token
    code = badge_code(make_registration(forum))
    assert api(client, forum, None, code=code).status_code == 401
    assert api(client, forum, "mqd_wrong", code=code).status_code == 401
    response = api(client, forum, token, code=code, nonce="abc")
    assert response.status_code == 200 and response.json["outcome"] == "ok"
    services.revoke_desk(desk, actor=None)
    db.session.commit()
    assert api(client, forum, token, code=code).status_code == 401


def test_the_api_answers_with_explicit_reasons_and_replays_a_nonce(
    db, client, forum, desk_and_token, make_registration
):
    _desk, token = desk_and_token
    code = badge_code(make_registration(forum))
    first = api(client, forum, token, code=code, nonce="n1").json
    replay = api(client, forum, token, code=code, nonce="n1").json
    second = api(client, forum, token, code=code, nonce="n2").json
    assert first["outcome"] == "ok" and replay["outcome"] == "ok" and replay["replayed"] is True
    assert second["reason"] == "already_checked_in" and second["desk"] == "Desk 1" and second["when"]
    assert api(client, forum, token, code=code[:-2] + "xx").json["reason"] == "tampered"
    assert api(client, forum, token, code="garbage").json["reason"] == "unknown"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 4


def test_a_token_of_another_forum_is_refused(db, client, forum, make_forum, desk_and_token):
    _desk, token = desk_and_token
    other = make_forum()
    assert api(client, other, token, code="x").status_code == 401


def test_an_agent_sees_the_desk_and_nothing_else(db, as_role, forum, desk_and_token, make_registration):
    desk, _token = desk_and_token
    client, _forum, _agent = as_role("checkin_agent", forum=forum)
    assert client.get(f"/f/{forum.slug}/checkin/").status_code == 200
    page = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}")
    assert page.status_code == 200 and 'name="csrf-token"' in page.get_data(as_text=True)
    for url in ("manage/", "manage/checkin/", "manage/checkin/live", "manage/checkin/trail", "manage/badges/"):
        assert client.get(f"/f/{forum.slug}/{url}").status_code == 403, url
    person = make_registration(forum)
    answer = client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/scan", json={"code": badge_code(person)}).json
    assert answer["outcome"] == "ok"
    found = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}/search?q={person.name_latin[:8]}").json
    assert person.id in [row["id"] for row in found]
    assert client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/undo").json["outcome"] == "undone"
    assert client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/undo").status_code == 409


def test_the_dashboard_says_what_each_count_of_confirmed_people_counts(
    db, as_role, forum, desk_and_token, make_registration
):
    desk, _token = desk_and_token
    here, _away = make_registration(forum), make_registration(forum)
    make_registration(forum, category=Category.speaker)  # the team holds a badge, not a place
    scan_at_desk(forum, services.default_list(forum), code=badge_code(here), desk=desk)
    db.session.commit()
    client, _forum, _organiser = as_role("organiser", forum=forum)
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(f"/f/{forum.slug}/manage/").get_data(as_text=True)))
    assert "Confirmed participants (in the places) 2 " in page and "Team, outside the places 1 " in page
    assert "1 / 3 came in at the entrance / confirmed, team included" in page


def test_the_name_search_offers_a_badge_to_print_only_to_the_confirmed(
    db, as_role, forum, desk_and_token, make_registration
):
    desk, _token = desk_and_token
    client, _forum, _agent = as_role("checkin_agent", forum=forum)
    confirmed = make_registration(forum, name_latin="Itto Ouchen")
    pending = make_registration(forum, name_latin="Itto Ouchen", status=RegistrationStatus.pending)
    found = {row["id"]: row for row in client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}/search?q=Itto").json}
    assert found[pending.id]["badge_url"] is None  # its print button led to a "page not found"
    printed = client.post(found[confirmed.id]["badge_url"])
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"


def test_undo_at_a_desk_undoes_the_last_check_in_of_its_own_list(db, as_role, forum, desk_and_token, make_registration):
    desk, _token = desk_and_token
    client, _forum, _agent = as_role("checkin_agent", forum=forum)
    now = datetime.now(UTC)
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"en": "Crowdfunding"},
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    db.session.add(workshop)
    db.session.commit()
    entrance = services.default_list(forum)
    room = next(cl for cl in services.ensure_lists(forum) if cl.kind == ListKind.session)
    db.session.commit()
    person = make_registration(forum)
    desk_url = f"/f/{forum.slug}/checkin/desk/{desk.id}"
    assert (
        client.post(f"{desk_url}/scan", json={"code": badge_code(person), "list": entrance.id}).json["outcome"] == "ok"
    )
    # The desk moves to the workshop door: its undo does not reach back to the entrance's welcome.
    assert client.post(f"{desk_url}/undo", json={"list": room.id}).status_code == 409
    assert services.inside_count(entrance) == 1
    assert client.post(f"{desk_url}/undo", json={"list": entrance.id}).json["outcome"] == "undone"


def test_strangers_and_participants_get_no_desk(client, as_role, forum, desk_and_token):
    desk, _token = desk_and_token
    assert client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}").status_code == 302  # to the sign-in page
    rapporteur, _forum, _user = as_role("rapporteur", forum=forum)
    assert rapporteur.get(f"/f/{forum.slug}/checkin/desk/{desk.id}").status_code == 403


def test_a_desk_of_another_forum_is_not_found(db, as_role, forum, make_forum):
    other_desk, _ = services.create_desk(make_forum(), "Elsewhere", actor=None)
    db.session.commit()
    client, _forum, _user = as_role("checkin_agent", forum=forum)
    assert client.get(f"/f/{forum.slug}/checkin/desk/{other_desk.id}").status_code == 404


def test_organiser_creates_a_desk_and_sees_its_token_once(db, as_role, forum):
    client, _forum, _user = as_role("organiser", forum=forum)
    page = client.post(f"/f/{forum.slug}/manage/checkin/", data={"name": "Entrance 3"}).get_data(as_text=True)
    desk = db.session.scalar(sa.select(Desk).where(Desk.name == "Entrance 3"))
    token = page.split("data-select-all>")[1].split("<")[0]
    assert services.desk_for_token(forum, token) == desk
    assert token not in client.get(f"/f/{forum.slug}/manage/checkin/").get_data(as_text=True)


def test_each_list_on_the_organisers_page_shows_how_many_are_inside(
    db, as_role, forum, desk_and_token, make_registration
):
    desk, _token = desk_and_token
    client, _forum, _user = as_role("organiser", forum=forum)
    entrance = services.default_list(forum)
    for person in (make_registration(forum), make_registration(forum)):
        scan_at_desk(forum, entrance, code=badge_code(person), desk=desk)
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/manage/checkin/").get_data(as_text=True)
    card = page.split(f'action="/f/{forum.slug}/manage/checkin/lists/{entrance.id}"')[1].split("</form>")[0]
    assert "inside now: <strong data-inside>2</strong>" in card


def test_list_settings_and_live_dashboard(db, as_role, forum, desk_and_token, make_registration):
    desk, token = desk_and_token
    client, _forum, _user = as_role("organiser", forum=forum)
    checkin_list = services.default_list(forum)
    db.session.commit()
    response = client.post(
        f"/f/{forum.slug}/manage/checkin/lists/{checkin_list.id}", data={"allows_reentry": "y", "records_exits": "y"}
    )
    assert response.status_code == 302
    db.session.refresh(checkin_list)
    assert checkin_list.allows_reentry and checkin_list.records_exits
    for _ in range(3):
        scan_at_desk(forum, checkin_list, code=badge_code(make_registration(forum)), desk=desk)
    make_registration(forum)
    db.session.commit()
    html = client.get(f"/f/{forum.slug}/manage/checkin/live").get_data(as_text=True)
    assert 'data-poll="' in html and "3 <span" in html and "/ 4" in html
    panel = client.get(f"/f/{forum.slug}/manage/checkin/live/panel").get_data(as_text=True)
    assert "<svg" in panel and "<html" not in panel
    trail = client.get(f"/f/{forum.slug}/manage/checkin/trail").get_data(as_text=True)
    assert trail.count("outcome-ok") == 3
    assert "css/checkin.css" in trail  # where the outcomes' colours are


def test_the_trail_gives_each_reason_in_the_readers_language(db, as_role, forum, desk_and_token, make_registration):
    desk, _token = desk_and_token
    client, _forum, _user = as_role("organiser", forum=forum)
    code = badge_code(make_registration(forum))
    with client.application.test_request_context(headers={"Accept-Language": "en"}):
        for _ in range(2):  # scanned at an English desk
            scan_at_desk(forum, services.default_list(forum), code=code, desk=desk)
    db.session.commit()
    trail = client.get(f"/f/{forum.slug}/manage/checkin/trail", headers={"Accept-Language": "fr"}).get_data(
        as_text=True
    )
    assert "Déjà enregistré" in trail and "Already checked in" not in trail


def test_attendance_report_section_is_plain_html_and_svg(db, forum, desk_and_token, make_registration):
    from flask import render_template_string

    from forum import hooks

    desk, _token = desk_and_token
    people = [make_registration(forum) for _ in range(4)]
    checkin_list = services.default_list(forum)
    scan_at_desk(forum, checkin_list, code=badge_code(people[0]), desk=desk)
    db.session.commit()
    section = next(s for s in hooks.report_sections.collect(forum) if s.key == "attendance")
    assert section.context["present"] == 1 and section.context["confirmed"] == 4
    html = render_template_string('{% include "checkin/_report.html" %}', **section.context)
    assert "<svg" in html and "<script" not in html and "<text" not in html  # the figures are the table's
    assert '<th scope="row">الرشيدية</th>' in html  # the label is text: shaped wherever it is drawn
    assert '<td class="bars-figure">1</td>' in html and '<td class="bars-figure">4</td>' in html


def test_the_attendance_sentence_takes_the_plural_form_of_its_count(db, forum, desk_and_token, make_registration):
    from flask import render_template_string
    from flask_babel import force_locale

    from forum import hooks

    desk, _token = desk_and_token
    person = make_registration(forum)
    scan_at_desk(forum, services.default_list(forum), code=badge_code(person), desk=desk)
    db.session.commit()
    section = next(s for s in hooks.report_sections.collect(forum) if s.key == "attendance")
    pages = {}
    for locale in ("fr", "ar"):
        with force_locale(locale):
            pages[locale] = render_template_string('{% include "checkin/_report.html" %}', **section.context)
    assert "1 sur 1 personne confirmée" in pages["fr"] and "personnes" not in pages["fr"].split("</p>")[0]
    assert "من أصل شخص واحد مؤكَّد" in pages["ar"]
    assert "<th" in pages["fr"] and "Confirmées" in pages["fr"]  # the count column is headed in the plural


def test_the_api_refuses_a_list_that_is_not_this_forums(db, client, forum, make_forum, desk_and_token):
    _desk, token = desk_and_token
    elsewhere = services.default_list(make_forum())
    db.session.commit()
    assert api(client, forum, token, code="x", list=elsewhere.id).status_code == 404
    assert api(client, forum, token, code="x", list="drop table").status_code == 400


def test_a_desk_closed_by_the_organiser_is_refused_from_its_next_scan(
    db, client, as_role, forum, desk_and_token, make_registration
):
    # Workers keep nothing of a desk: each scan reads the desk with the badge, so closing it has no delay.
    desk, token = desk_and_token
    first, second = make_registration(forum), make_registration(forum)
    assert api(client, forum, token, code=badge_code(first), nonce="before").json["outcome"] == "ok"
    organiser, _forum, _user = as_role("organiser", forum=forum)
    assert organiser.post(f"/f/{forum.slug}/manage/checkin/desks/{desk.id}/revoke").status_code == 302
    assert api(client, forum, token, code=badge_code(second)).status_code == 401
    assert api(client, forum, token, code=badge_code(first), nonce="before").status_code == 401
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_list_settings_changed_by_the_organiser_apply_to_the_next_scan(
    db, client, as_role, forum, desk_and_token, make_registration
):
    _desk, token = desk_and_token
    code = badge_code(make_registration(forum))
    checkin_list = services.default_list(forum)
    db.session.commit()
    assert api(client, forum, token, code=code).json["inside"] == 1
    assert api(client, forum, token, code=code, direction="out").json["reason"] == "exits_not_recorded"
    organiser, _forum, _user = as_role("organiser", forum=forum)
    settings = f"/f/{forum.slug}/manage/checkin/lists/{checkin_list.id}"
    organiser.post(settings, data={"allows_reentry": "y", "records_exits": "y"})
    out = api(client, forum, token, code=code, direction="out").json
    assert (out["outcome"], out["reason"], out["inside"]) == ("exit", "exit", 0)
    back = api(client, forum, token, code=code).json
    assert (back["outcome"], back["reason"], back["inside"]) == ("ok", "reentry", 1)
    organiser.post(settings, data={})
    assert api(client, forum, token, code=code, direction="out").json["reason"] == "exits_not_recorded"
    again = api(client, forum, token, code=code).json
    assert (again["reason"], again["desk"], again["inside"]) == ("already_checked_in", "Desk 1", 1)


def test_a_registration_cancelled_after_its_welcome_is_refused_at_the_next_list(
    db, client, forum, desk_and_token, make_registration
):
    from forum.registration.models import RegistrationStatus

    _desk, token = desk_and_token
    person = make_registration(forum)
    tomorrow = services.ensure_lists(forum)[1]
    db.session.commit()
    assert api(client, forum, token, code=badge_code(person)).json["outcome"] == "ok"
    person.status = RegistrationStatus.cancelled
    db.session.commit()
    refused = api(client, forum, token, code=badge_code(person), list=tomorrow.id).json
    assert (refused["outcome"], refused["reason"], refused["registration"]["id"]) == ("refused", "cancelled", person.id)


def test_the_api_of_an_unknown_or_draft_forum_is_not_found(db, client, forum, desk_and_token, make_registration):
    # The device's scan checks the forum within its reading statement: the same 404 as any page.
    from forum.events.models import ForumStatus

    _desk, token = desk_and_token
    code = badge_code(make_registration(forum))
    unknown = client.post(
        "/api/f/no-such-forum/checkin/scan", json={"code": code}, headers={"Authorization": f"Bearer {token}"}
    )
    assert unknown.status_code == 404
    forum.status = ForumStatus.draft
    db.session.commit()
    assert api(client, forum, token, code=code).status_code == 404
    assert api(client, forum, None, code=code).status_code == 404
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0


def test_the_api_answers_in_the_forums_time_and_takes_its_own_today(db, client, make_forum, make_registration):
    # A forum far east of UTC, today by its clock: the default list is its today's entrance (whatever
    # the UTC day), and the answer's times are its local times, as on its pages.
    zone = ZoneInfo("Pacific/Kiritimati")  # UTC+14
    today = datetime.now(UTC).astimezone(zone).date()
    forum = make_forum(starts_on=today - timedelta(days=1), ends_on=today + timedelta(days=1), timezone=zone.key)
    _desk, token = services.create_desk(forum, "East gate", actor=None)
    person = make_registration(forum)
    db.session.commit()
    first = api(client, forum, token, code=badge_code(person))
    # no language asked for: the forum's own (as on its pages)
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": ""}
    again = client.post(f"/api/f/{forum.slug}/checkin/scan", json={"code": badge_code(person)}, headers=headers)
    assert first.json["outcome"] == "ok" and again.json["reason"] == "already_checked_in"
    db.session.rollback()
    admission = db.session.scalars(sa.select(Admission)).one()
    assert db.session.get(CheckInList, admission.list_id).day == today
    expected = format_time(admission.admitted_at, "short", tzinfo=zone, locale=forum.default_locale)
    assert again.json["when_local"] == expected and again.json["message"] != "Already checked in"
