"""The organisers' list of registrations read page by page: every registration once, in the list's
order, the filters kept from page to page, the count, and addresses that do not lead to a page."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from forum.registration import services
from forum.registration.models import Category, Registration, RegistrationStatus
from forum.registration.services import queue

Status = RegistrationStatus
ROW = re.compile(r'<tr id="registration-(\d+)"')


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def _walk(client, url: str, rel: str = "next") -> list[list[int]]:
    """The ids of each page, following the `rel` links from `url` until there is none."""
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        pages.append([int(n) for n in ROW.findall(page)])
        url = _link(page, rel)
    return pages


@pytest.fixture
def crowded(as_role, make_registration, db, monkeypatch):
    """A forum whose list fills five pages of 7: every status, arrivals at the same instant (ties broken
    by the id), a waiting list in its own order."""
    monkeypatch.setattr(queue, "PAGE_SIZE", 7)
    client, forum, _ = as_role("organiser")
    at = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    statuses = [Status.confirmed, Status.pending, Status.waitlisted, Status.rejected, Status.cancelled]
    for n in range(32):
        status = statuses[n % len(statuses)]
        make_registration(
            forum,
            status=status,
            created_at=at + timedelta(minutes=n // 4),  # four at each instant
            waitlisted_at=at - timedelta(hours=n) if status == Status.waitlisted else None,
            category=Category.cooperative if n % 3 == 0 else Category.association,
            name_latin=f"Person {n}",
        )
    return client, forum


def test_the_pages_show_every_registration_once_in_the_lists_order(crowded, db):
    client, forum = crowded
    pages = _walk(client, f"/f/{forum.slug}/manage/registration/")
    seen = [n for page in pages for n in page]
    assert [len(page) for page in pages] == [7, 7, 7, 7, 4]
    expected = db.session.scalars(services.search(forum, {})).all()
    assert seen == [r.id for r in expected]
    assert [r.status for r in expected[:7]] == [Status.pending] * 7  # awaiting a decision first
    waiting = [r for r in expected if r.status == Status.waitlisted]
    assert waiting == sorted(waiting, key=lambda r: r.waitlisted_at)  # then the waiting list in its order
    # and back, from the last page: the same pages, the first one full
    last = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    for _ in range(4):
        last = client.get(_link(last, "next")).get_data(as_text=True)
    assert "Page 5" in last and _link(last, "next") is None
    back = _walk(client, _link(last, "prev"), rel="prev")
    assert back == pages[3::-1]  # down to the first page, whole, which has no "previous"


def test_filters_and_search_stay_with_the_pages(crowded, db):
    client, forum = crowded
    url = f"/f/{forum.slug}/manage/registration/?category=cooperative&q=person"
    pages = _walk(client, url)
    assert len(pages) == 2
    expected = db.session.scalars(services.search(forum, {"category": "cooperative", "q": "person"})).all()
    assert [n for page in pages for n in page] == [r.id for r in expected]
    assert {r.category for r in expected} == {Category.cooperative} and len(expected) == 11
    second = client.get(url).get_data(as_text=True)
    assert "category=cooperative" in _link(second, "next") and "q=person" in _link(second, "next")
    confirmed = _walk(client, f"/f/{forum.slug}/manage/registration/?status=confirmed")
    assert [len(page) for page in confirmed] == [7]
    ids = [n for page in confirmed for n in page]
    assert {db.session.get(Registration, n).status for n in ids} == {Status.confirmed}


def test_the_export_keeps_the_filters_and_the_order(crowded):
    client, forum = crowded
    text = client.get(f"/f/{forum.slug}/manage/registration/export.csv?status=waitlisted").data.decode("utf-8-sig")
    names = re.findall(r"Person (\d+)", text)
    assert len(names) == 6 and [int(n) for n in names] == sorted(int(n) for n in names)[::-1]


@pytest.mark.parametrize(
    "query",
    ["after=nonsense", "after=2.1.1", "before=9.1767225600000000.4", "after=1.99999999999999999999999.3", "after=..."],
)
def test_an_address_that_is_no_page_shows_the_first_page_with_a_message(crowded, query):
    client, forum = crowded
    response = client.get(f"/f/{forum.slug}/manage/registration/?{query}&status=pending")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This page of the list no longer exists: here is its first page." in page
    assert len(ROW.findall(page)) == 7 and "Person 1<" in page


def test_the_count_is_exact_up_to_its_cap_and_labelled_beyond(crowded, db, monkeypatch):
    client, forum = crowded
    page = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    assert "32 registrations" in page
    monkeypatch.setattr(queue, "COUNT_CAP", 10)
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE registration"))
        db.session.commit()
    page = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    if db.engine.dialect.name == "postgresql":
        assert re.search(r"About \d+ registrations \(an estimate\)", page)
    else:
        assert "More than 10 registrations" in page
    assert services.queue_count(forum, {"status": "pending"}) == services.QueueCount(7, exact=True, cap=10)


def test_positions_on_the_waiting_list_are_shown_on_any_page(crowded):
    client, forum = crowded
    first = client.get(f"/f/{forum.slug}/manage/registration/").get_data(as_text=True)
    second = client.get(_link(first, "next")).get_data(as_text=True)
    assert "Position" not in first  # awaiting a decision only
    assert [f"Position {n}<" in second for n in range(1, 7)] == [True] * 6
