"""The desk's scan form as the browser sends it when the desk's script is not running (a scanner typing
while the page still loads, or no JavaScript): the scan is made and the desk page shows its answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import services
from forum.checkin.models import Admission, CheckIn

ZONE = ZoneInfo("Africa/Casablanca")


def _desk(db, as_role, make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    client, forum, _agent = as_role("checkin_agent", forum=make_forum(starts_on=today, ends_on=today))
    desk, _token = services.create_desk(forum, "Desk 1", actor=None)
    entrance = services.default_list(forum)
    db.session.commit()
    return client, forum, desk, entrance


def _scan(client, forum, desk, **form):
    return client.post(f"/f/{forum.slug}/checkin/desk/{desk.id}/scan", data=form)


def test_a_scan_sent_by_the_form_is_made_once_and_its_answer_shown_on_the_desk(
    db, as_role, make_forum, make_registration
):
    client, forum, desk, entrance = _desk(db, as_role, make_forum)
    code = badge_code(make_registration(forum, name_latin="Itto Ait Ali"))
    sent = _scan(client, forum, desk, code=f"  {code} ", list=entrance.id)
    assert sent.status_code == 302 and f"list={entrance.id}" in sent.location and "answer=" in sent.location
    page = client.get(sent.location).text
    assert 'data-reason="ok"' in page and "answer-ok" in page and "Itto Ait Ali" in page
    assert "Welcome" in page and "code=" not in sent.location  # the badge's code is not in any address
    again = client.get(_scan(client, forum, desk, code=code, list=entrance.id).location).text
    assert 'data-reason="already_checked_in"' in again and "answer-duplicate" in again and "Desk 1" in again
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 2


def test_a_rehearsal_form_scan_stays_in_the_rehearsal(db, as_role, make_forum, make_registration):
    client, forum, desk, entrance = _desk(db, as_role, make_forum)
    twin = services.rehearsal_twin(entrance)
    db.session.commit()
    code = badge_code(make_registration(forum))
    sent = _scan(client, forum, desk, code=code, list=twin.id)
    assert f"list={entrance.id}" in sent.location and "rehearsal=1" in sent.location
    page = client.get(sent.location).text
    assert 'data-reason="ok"' in page and "data-rehearsal-banner" in page
    db.session.rollback()
    assert db.session.scalar(sa.select(Admission.list_id)) == twin.id


def test_an_empty_or_unreadable_form_scan_shows_the_desk_as_it_was(db, as_role, make_forum):
    client, forum, desk, entrance = _desk(db, as_role, make_forum)
    empty = _scan(client, forum, desk, code="   ", list=entrance.id)
    assert empty.status_code == 302 and "answer=" not in empty.location
    assert 'data-reason="not_found"' not in client.get(empty.location).text
    unknown = client.get(_scan(client, forum, desk, code="not a badge", list=entrance.id).location).text
    assert "answer-refused" in unknown and "Ready" not in unknown
    for bad in ("x", "9" * 30):
        assert _scan(client, forum, desk, code="abc", list=bad).status_code == 404
    looked_up = client.get(f"/f/{forum.slug}/checkin/desk/{desk.id}?list={entrance.id}&answer={'z' * 60}")
    assert looked_up.status_code == 200 and "Ready" in looked_up.text
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Admission.id))) == 0


def test_a_form_scan_answer_is_shown_at_its_own_desk_only(db, as_role, make_forum, make_registration):
    client, forum, desk, entrance = _desk(db, as_role, make_forum)
    other, _token = services.create_desk(forum, "Desk 2", actor=None)
    db.session.commit()
    sent = _scan(
        client, forum, desk, code=badge_code(make_registration(forum, name_latin="Itto Ait Ali")), list=entrance.id
    )
    nonce = sent.location.split("answer=")[1]
    elsewhere = client.get(f"/f/{forum.slug}/checkin/desk/{other.id}?list={entrance.id}&answer={nonce}").text
    assert "Itto Ait Ali" not in elsewhere and "Ready" in elsewhere
