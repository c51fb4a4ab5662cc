"""The national compilation's partnerships section: figures per forum and in total, counted in SQL, checked
here against counts made independently from the rows the test created."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from forum.partnerships import services
from forum.partnerships.models import Meeting, MeetingPlace, MeetingRequest, Partnership, PartnershipStatus, PlaceKind
from forum.registration.models import Area, Category


@pytest.fixture
def series(db, make_forum, make_registration, make_plan):
    """Two forums with requests, meetings (some held) and partnerships of every status; a third with none."""
    rng = random.Random(7)
    made = {"requests": [], "meetings": [], "partnerships": []}
    forums = [make_forum(slug="north"), make_forum(slug="south"), make_forum(slug="quiet")]
    categories = [Category.association, Category.cooperative, Category.private_sector, Category.donor]
    for forum in forums[:2]:
        slots = make_plan(forum, slots=1, tables=5)
        places = db.session.query(MeetingPlace).filter_by(forum_id=forum.id, kind=PlaceKind.table).all()
        people = [make_registration(forum, category=rng.choice(categories)) for _ in range(12)]
        for n in range(10):
            a, b = people[n], people[n + 1]
            request = MeetingRequest(forum_id=forum.id, requester_id=a.id, recipient_id=b.id, message="")
            db.session.add(request)
            db.session.flush()
            made["requests"].append(request)
            if n % 2:
                continue
            meeting = Meeting(forum_id=forum.id, request_id=request.id, slot_id=slots[0].id, place_id=places[n // 2].id)
            meeting.held_at = slots[0].starts_at if n % 4 == 0 else None
            db.session.add(meeting)
            made["meetings"].append(meeting)
            partnership = Partnership(
                forum_id=forum.id, first_party_id=a.id, second_party_id=b.id, status=rng.choice(list(PartnershipStatus)),  # noqa: E501
                kind=rng.choice(["funding", "training", None]), province=rng.choice(["errachidia", "midelt"]),
                area=rng.choice([Area.rural, Area.urban, None]),
            )  # fmt: skip
            db.session.add(partnership)
            made["partnerships"].append((partnership, a.category, b.category))
    db.session.commit()
    return forums, made


def test_figures_per_forum_and_in_total_match_independent_counts(db, series):
    forums, made = series
    figures = services.national_figures(forums)
    assert [line.forum for line in figures["lines"]] == forums[:2]  # the quiet forum is left out
    for line in [*figures["lines"], figures["total"]]:
        ids = {line.forum.id} if line.forum else {f.id for f in forums}
        ours = [p for p, _, _ in made["partnerships"] if p.forum_id in ids]
        assert line.requested == sum(r.forum_id in ids for r in made["requests"])
        assert line.held == sum(m.forum_id in ids and m.held_at is not None for m in made["meetings"])
        assert line.intended == sum(p.status == PartnershipStatus.intended for p in ours)
        assert line.signed == sum(p.status in (PartnershipStatus.signed, PartnershipStatus.active) for p in ours)
        located = [p for p in ours if p.area is not None]
        assert line.rural_share == round(100 * sum(p.area == Area.rural for p in located) / len(located))
    everything = [p for p, _, _ in made["partnerships"]]
    assert dict(figures["by_kind"]) == Counter(p.kind for p in everything)
    assert dict(figures["by_province"]) == Counter(p.province for p in everything)
    sectors = Counter(c for _, a, b in made["partnerships"] for c in {a, b})
    assert dict(figures["by_sector"]) == sectors
    assert figures["total"].requested == 20 and figures["total"].held == 6


def test_the_national_page_shows_the_section(client, db, series):
    forums, made = series
    html = client.get("/recommendations/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    section = html[html.index('id="national-partnerships"') :]
    assert "Meetings and partnerships" in html and "By sector of the parties" in section
    total = re.search(r"<tfoot><tr><th>Total</th><th>(\d+)</th><th>(\d+)</th>", section)
    assert total.groups() == ("20", "6")
    ar = client.get("/recommendations/", headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert "اللقاءات المطلوبة" in ar


def test_no_section_without_meeting_requests(client, db, make_forum):
    make_forum()
    html = client.get("/recommendations/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert 'id="national-partnerships"' not in html
