"""Booth duty: an exhibitor puts its staff on duty at its booth; meanwhile they meet people there only —
in the automatic schedule, in manual bookings — and a duty never lands on a meeting away from the booth."""

from __future__ import annotations

import re
from datetime import time

import pytest
from exhibition_factories import create_booths, create_exhibitor

from forum.errors import NotAllowed
from forum.exhibition.models import BoothAssignment
from forum.partnerships import services
from forum.partnerships.models import BoothDuty
from forum.partnerships.services.errors import BadDutyRange, DutyOverlap, MeetingAwayFromBooth


@pytest.fixture
def keeper(db, make_forum, make_user, make_partner, make_plan):
    """A forum with 3 slots (14:00, 14:25, 14:50) and one table, an exhibitor whose staff member Samira
    offers funding, and an association that needs it."""
    forum = make_forum()
    slots = make_plan(forum, slots=3, tables=1)
    user = make_user(forum=forum, roles=("exhibitor_staff",), name="Samira Atlas")
    exhibitor = create_exhibitor(forum, "Atlas Bank", staff=user)
    staff = exhibitor.staff[0]
    company = services.save_profile(staff.registration, {"offers": ["funding"], "needs": []}, consent=True)
    association = make_partner(forum, needs=("funding",), organisation="Oasis Rural")
    db.session.commit()
    return forum, slots, exhibitor, staff, company, association, user


def _booth_as_meeting_place(db, forum, exhibitor, user):
    booth = create_booths(forum, user, "A1")["A1"]
    db.session.add(BoothAssignment(forum_id=forum.id, booth_id=booth.id, exhibitor_id=exhibitor.id, is_published=True))
    db.session.flush()
    (place,) = services.add_booths(forum)
    db.session.commit()
    return place


def test_the_schedule_keeps_a_person_on_duty_away_from_the_tables(db, keeper, agreed):
    forum, slots, exhibitor, staff, company, association, user = keeper
    services.add_duty(exhibitor, staff.id, day=forum.starts_on, start=time(14), end=time(14, 45), actor=user)
    request = agreed(association, company)
    proposal = services.run_schedule(forum)
    db.session.commit()
    assert proposal.placed == [[request.id, slots[2].id, services.places_of(forum)[0].id]]
    services.add_duty(exhibitor, staff.id, day=forum.starts_on, start=time(14, 45), end=time(15, 30), actor=user)
    proposal = services.run_schedule(forum)
    assert proposal.placed == [] and proposal.unplaced == [[request.id, "on_duty", staff.registration_id]]


def test_the_review_says_who_is_on_duty_and_the_booth_takes_the_meeting(as_role, client, db, keeper, agreed):
    forum, slots, exhibitor, staff, company, association, user = keeper
    as_role("organiser", forum)
    services.add_duty(exhibitor, staff.id, day=forum.starts_on, start=time(13), end=time(16), actor=user)
    agreed(association, company)
    db.session.commit()
    page = client.post(f"/f/{forum.slug}/manage/meetings/schedule", follow_redirects=True).get_data(as_text=True)
    assert "Samira Atlas is on duty at their booth whenever both are free" in page
    place = _booth_as_meeting_place(db, forum, exhibitor, user)
    proposal = services.run_schedule(forum)
    assert [row[2] for row in proposal.placed] == [place.id] and proposal.unplaced == []


def test_a_booking_refuses_a_time_on_duty_away_from_the_booth(db, keeper, agreed):
    forum, slots, exhibitor, staff, company, association, user = keeper
    request = agreed(association, company)
    assert services.free_slots(request) == slots
    services.add_duty(exhibitor, staff.id, day=forum.starts_on, start=time(14), end=time(14, 20), actor=user)
    db.session.commit()
    assert services.free_slots(request) == slots[1:]
    with pytest.raises(services.OnBoothDuty) as refused:
        services.book(request, slots[0], by=association.registration)
    assert str(refused.value) == (
        "Samira Atlas is on duty at their booth at this time, and the meeting cannot be held there. "
        "Choose another time."
    )
    db.session.rollback()
    place = _booth_as_meeting_place(db, forum, exhibitor, user)
    assert services.free_slots(request) == slots
    assert services.book(request, slots[0], by=association.registration).place == place


def test_the_booking_page_gives_the_reason_when_a_duty_came_in_between(client, db, keeper, agreed):
    forum, slots, exhibitor, staff, company, association, user = keeper
    request = agreed(association, company)
    url = f"/f/{forum.slug}/me/{association.registration.access_key}/partners/requests/{request.id}/book"
    assert f'value="{slots[0].id}"' in client.get(url).get_data(as_text=True)
    services.add_duty(exhibitor, staff.id, day=forum.starts_on, start=time(14), end=time(15, 30), actor=user)
    db.session.commit()
    page = client.post(url, data={"slot": slots[0].id}).get_data(as_text=True)
    assert "Samira Atlas is on duty at their booth at this time" in page
    assert services.meetings_of(association.registration) == []


def test_a_duty_is_refused_when_it_is_wrong_overlaps_or_lands_on_a_meeting_elsewhere(
    db, keeper, agreed, make_user, make_forum
):
    forum, slots, exhibitor, staff, company, association, user = keeper
    day = forum.starts_on
    with pytest.raises(BadDutyRange):
        services.add_duty(exhibitor, staff.id, day=day, start=time(15), end=time(14), actor=user)
    with pytest.raises(BadDutyRange):
        services.add_duty(
            exhibitor, staff.id, day=forum.ends_on.replace(year=2000), start=time(9), end=time(10), actor=user
        )
    services.add_duty(exhibitor, staff.id, day=day, start=time(9), end=time(12), actor=user)
    with pytest.raises(DutyOverlap, match="already on duty from"):
        services.add_duty(exhibitor, staff.id, day=day, start=time(11), end=time(13), actor=user)
    services.book(agreed(association, company), slots[1], by=association.registration)
    with pytest.raises(MeetingAwayFromBooth, match="Samira Atlas has a meeting at Table 1 at"):
        services.add_duty(exhibitor, staff.id, day=day, start=time(14), end=time(15), actor=user)
    other = create_exhibitor(forum, "Oasis Solar", staff=make_user(forum=forum, roles=("exhibitor_staff",)))
    with pytest.raises(NotAllowed):
        services.add_duty(other, staff.id, day=day, start=time(16), end=time(17), actor=user)


def test_an_exhibitor_sets_its_staffs_duty_on_its_meetings_page(as_role, client, db, keeper, make_user, login):
    forum, slots, exhibitor, staff, company, association, user = keeper
    as_role(None, forum)  # signed in, without the exhibitor role
    base = f"/f/{forum.slug}/exhibitor/meetings"
    assert client.get(base).status_code == 403
    login(user)
    day = forum.starts_on.isoformat()
    bad = client.post(f"{base}/duty", data={"staff": staff.id, "day": day, "start": "15:00", "end": "14:00"})
    assert "A time on duty ends after it starts, on a day of the forum." in bad.get_data(as_text=True)
    assert 'value="15:00"' in bad.get_data(as_text=True)
    saved = client.post(
        f"{base}/duty", data={"staff": staff.id, "day": day, "start": "14:00", "end": "15:00"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The time on duty is saved" in saved and re.search(r"Samira Atlas</td>\s*<td>[^<]*2:00[^<]*–3:00", saved)
    (duty,) = services.duties_of(exhibitor)
    stranger = make_user(forum=forum, roles=("exhibitor_staff",))
    create_exhibitor(forum, "Oasis Solar", staff=stranger)
    login(stranger)
    assert client.post(f"{base}/duty/{duty.id}/remove").status_code == 404
    foreign = client.post(f"{base}/duty", data={"staff": staff.id, "day": day, "start": "16:00", "end": "17:00"})
    assert foreign.status_code == 200 and len(services.duties_of(exhibitor)) == 1
    login(user)
    client.post(f"{base}/duty/{duty.id}/remove")
    assert db.session.get(BoothDuty, duty.id) is None
