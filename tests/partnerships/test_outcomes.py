"""After the meeting: outcomes, the partnership and its history, the three-month link, the report section."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

import pytest

from forum.errors import NotAllowed
from forum.partnerships import services
from forum.partnerships.models import Outcome, PartnershipStatus
from forum.registration.models import Area, Category


@pytest.fixture
def meeting(db, make_forum, make_partner, make_plan, agreed):
    forum = make_forum()
    slots = make_plan(forum, slots=1, tables=1)
    association = make_partner(forum, needs=("funding",), organisation="Oasis Rural")
    company = make_partner(forum, offers=("funding",), category=Category.private_sector, organisation="Atlas Bank")
    booked = services.book(agreed(company, association), slots[0], by=company.registration)
    db.session.commit()
    return booked


def test_both_sides_record_the_outcome_and_the_partnership_follows(db, meeting):
    company, association = meeting.request.requester, meeting.request.recipient
    after = meeting.slot.ends_at
    with pytest.raises(NotAllowed):
        services.record_outcome(
            meeting, by=company, outcome=Outcome.intended, now=meeting.slot.starts_at - timedelta(1)
        )
    services.record_outcome(meeting, by=company, outcome=Outcome.intended, kind="funding", amount=50000, now=after)
    (partnership,) = services.partnerships_of(meeting.request.requester.forum)
    assert partnership.status == PartnershipStatus.intended and partnership.amount == 50000
    assert partnership.province == association.province and partnership.area == Area.rural  # the association's
    services.record_outcome(meeting, by=association, outcome=Outcome.signed, kind="funding", now=after)
    services.record_outcome(meeting, by=company, outcome=Outcome.intended, now=after)  # never goes back
    assert partnership.status == PartnershipStatus.signed
    assert [c.status for c in partnership.history] == [PartnershipStatus.intended, PartnershipStatus.signed]


def test_three_months_later_both_parties_get_a_link_that_updates_the_status(client, db, meeting, mailbox):
    company = meeting.request.requester
    forum = company.forum
    services.record_outcome(meeting, by=company, outcome=Outcome.signed, kind="funding", now=meeting.slot.ends_at)
    db.session.commit()
    early = forum.ends_on
    assert services.send_follow_ups(now=datetime.combine(early + timedelta(days=30), time(9), tzinfo=UTC)) == 0
    later = datetime.combine(early + timedelta(days=91), time(9), tzinfo=UTC)
    assert services.send_follow_ups(now=later) == 1
    db.session.commit()
    assert services.send_follow_ups(now=later) == 0  # once
    messages = mailbox.wait_for(2)
    assert {m["To"] for m in messages} == {company.email, meeting.request.recipient.email}
    body = next(m for m in messages if m["To"] == company.email).get_body(("plain",)).get_content()
    link = re.search(r"https?://\S+/partnership/\S+", body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    page = client.get(f"/{path}")
    assert page.status_code == 200
    client.post(f"/{path}", data={"status": "active", "amount": "120000"})
    (partnership,) = services.partnerships_of(forum)
    assert partnership.status == PartnershipStatus.active and partnership.amount == 120000
    assert partnership.history[-1].by_id == company.id
    assert client.get(f"/{path[:-3]}abc").status_code == 404  # an altered link


def test_the_report_gains_a_partnerships_section(client, db, meeting, make_user, login):
    company = meeting.request.requester
    services.mark_held(meeting, by=company, now=meeting.slot.starts_at)
    services.record_outcome(meeting, by=company, outcome=Outcome.signed, kind="funding", now=meeting.slot.ends_at)
    db.session.commit()
    forum = company.forum
    login(make_user(forum=forum, roles=("organiser",)))
    html = client.get(f"/f/{forum.slug}/manage/recommendations/report").get_data(as_text=True)
    assert "Meetings and partnerships" in html
    assert "Meetings requested: 1 · booked: 1 · held: 1." in html
    assert "Partnerships intended: 0 · signed or under way: 1." in html
    assert "Rural share of the partnerships: 100 %" in html


def test_a_party_records_the_outcome_on_its_page(client, db, make_forum, make_partner, make_plan):
    from datetime import date

    forum = make_forum(starts_on=date.today() - timedelta(days=1), ends_on=date.today())
    slots = make_plan(forum, slots=1, tables=1)
    association = make_partner(forum, needs=("funding",))
    company = make_partner(forum, offers=("funding",), category=Category.private_sector)
    before = slots[0].starts_at - timedelta(days=2)
    request = services.request_meeting(association.registration, company, message="Hello", now=before)
    services.accept(request, by=company.registration, now=before)
    meeting = services.book(request, slots[0], by=association.registration, now=before)
    db.session.commit()
    base = f"/f/{forum.slug}/me/{association.registration.access_key}/partners"
    assert "What came of the meeting" in client.get(f"{base}/").get_data(as_text=True)
    refused = client.post(f"{base}/meetings/{meeting.id}/outcome", data={"amount": "lots"}, follow_redirects=True)
    assert "Choose what came of the meeting" in refused.get_data(as_text=True)
    done = client.post(
        f"{base}/meetings/{meeting.id}/outcome", data={"outcome": "signed", "kind": "funding"}, follow_redirects=True
    )
    assert "the outcome of the meeting is saved" in done.get_data(as_text=True)
    assert services.partnerships_of(forum)[0].status == PartnershipStatus.signed
