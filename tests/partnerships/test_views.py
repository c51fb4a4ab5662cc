"""The pages: organisers' plan (access, slots from a range, bad input kept), the whole request journey."""

from __future__ import annotations

import re

from forum.partnerships import services
from forum.registration.models import Category


def test_only_organisers_open_the_meeting_plan(as_role, client):
    _, forum, _ = as_role("checkin_agent")
    assert client.get(f"/f/{forum.slug}/manage/meetings/").status_code == 403
    client.post("/logout")
    assert client.get(f"/f/{forum.slug}/manage/meetings/").status_code == 302  # to the sign-in page


def test_organisers_generate_slots_and_add_tables(as_role, client):
    _, forum, _ = as_role("organiser")
    base = f"/f/{forum.slug}/manage/meetings"
    data = {"day": forum.starts_on.isoformat(), "start": "14:00", "end": "17:30", "minutes": "20", "pause": "5"}
    response = client.post(f"{base}/slots", data=data, follow_redirects=True)
    assert "8 slots added." in response.get_data(as_text=True)
    assert len(services.slots_of(forum)) == 8
    client.post(f"{base}/tables", data={"count": "12"})
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "Table 12" in page and "Table 13" not in page


def test_a_range_without_room_for_a_slot_comes_back_with_its_values(as_role, client):
    _, forum, _ = as_role("organiser")
    data = {"day": forum.starts_on.isoformat(), "start": "14:00", "end": "14:10", "minutes": "20", "pause": "5"}
    response = client.post(f"/f/{forum.slug}/manage/meetings/slots", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "The range must end after it starts and hold at least one slot." in page
    assert 'value="14:10"' in page


def test_request_accept_book_and_scan_through_the_pages(client, db, make_forum, make_partner, make_plan):
    forum = make_forum()
    slots = make_plan(forum, slots=2, tables=1)
    association = make_partner(forum, needs=("funding",), organisation="Oasis Rural")
    company = make_partner(forum, offers=("funding",), category=Category.private_sector, organisation="Atlas Bank")
    mine, theirs = (f"/f/{forum.slug}/me/{p.registration.access_key}/partners" for p in (association, company))
    hub = client.get(f"{mine}/").get_data(as_text=True)
    assert "Offers Funding, which you need." in hub
    client.post(f"{mine}/p/{company.id}", data={"message": "We would like funding for our oasis project"})
    hub = client.get(f"{theirs}/").get_data(as_text=True)
    assert "We would like funding for our oasis project" in hub
    request_id = re.search(r"/requests/(\d+)/accept", hub).group(1)
    accepted = client.post(f"{theirs}/requests/{request_id}/accept")
    assert accepted.headers["Location"].endswith(f"/requests/{request_id}/book")
    booked = client.post(f"{theirs}/requests/{request_id}/book", data={"slot": slots[1].id}, follow_redirects=True)
    assert "Your meeting is booked at Table 1." in booked.get_data(as_text=True)
    other = client.get(f"{mine}/").get_data(as_text=True)
    assert "Atlas Bank" in other and "Table 1" in other


def test_nobody_answers_someone_elses_request(client, db, make_forum, make_partner, make_registration):
    forum = make_forum()
    association = make_partner(forum, needs=("funding",))
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    request = services.request_meeting(association.registration, company, message="Hello")
    db.session.commit()
    stranger = make_registration(forum)
    response = client.post(f"/f/{forum.slug}/me/{stranger.access_key}/partners/requests/{request.id}/accept")
    assert response.status_code == 404
    assert request.status.value == "pending"


def test_the_booth_page_lists_the_exhibitors_meetings(as_role, client, db, make_partner, make_plan, agreed):
    from exhibition_factories import create_exhibitor

    _, forum, user = as_role("exhibitor_staff")
    exhibitor = create_exhibitor(forum, "Atlas Bank", staff=user)
    slots = make_plan(forum, slots=1, tables=1)
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    company.registration.organisation_id = exhibitor.organisation_id
    association = make_partner(forum, needs=("funding",), organisation="Oasis Rural")
    services.book(agreed(association, company), slots[0], by=association.registration)
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/exhibitor/meetings").get_data(as_text=True)
    assert "Oasis Rural" in page and "Table 1" in page


def test_requests_are_rate_limited_per_person(app, client, db, make_forum, make_partner):
    from forum.extensions import limiter

    forum = make_forum()
    me = make_partner(forum, needs=("funding",))
    others = [make_partner(forum, offers=("funding",), category=Category.donor) for _ in range(31)]
    base = f"/f/{forum.slug}/me/{me.registration.access_key}/partners"
    enabled = limiter.enabled
    limiter.enabled = True
    try:
        answers = [client.post(f"{base}/p/{o.id}", data={"message": "Hello"}).status_code for o in others]
    finally:
        limiter.enabled = enabled
    assert answers[:30] == [302] * 30 and answers[30] == 429
