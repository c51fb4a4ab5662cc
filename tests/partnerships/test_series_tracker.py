"""The series-wide partnerships tracker: who reads it, its filters, its pages, no personal contact shown."""

from __future__ import annotations

import csv
import io

import pytest

from forum.partnerships import services
from forum.partnerships.models import Partnership, PartnershipStatus
from forum.registration.models import Area, Category


@pytest.fixture
def two_forums(db, make_forum, make_registration, make_organisation):
    north = make_forum(slug="north", region="tanger-tetouan-al-hoceima")
    south = make_forum(slug="south", region="draa-tafilalet")
    made = []
    for forum, status, kind, org in [
        (north, PartnershipStatus.intended, "funding", "Bank of the North"),
        (south, PartnershipStatus.signed, "training", "Oasis Cooperative"),
        (south, PartnershipStatus.signed, "funding", "Desert Foundation"),
    ]:
        company = make_registration(
            forum,
            category=Category.private_sector,
            organisation_id=make_organisation(name=org).id,
            email=f"{org[:4]}@x.ma",
        )
        association = make_registration(forum, category=Category.association)
        partnership = Partnership(
            forum_id=forum.id, first_party_id=company.id, second_party_id=association.id, status=status,
            kind=kind, province="errachidia", area=Area.rural,
        )  # fmt: skip
        db.session.add(partnership)
        made.append(partnership)
    db.session.commit()
    return north, south


def test_only_admins_and_series_analysts_read_it(client, db, two_forums, make_user, login):
    assert client.get("/series/partnerships").status_code == 302
    login(make_user())
    assert client.get("/series/partnerships").status_code == 403
    assert client.get("/series/partnerships.csv").status_code == 403
    client.post("/logout")
    analyst = make_user()
    analyst.is_series_analyst = True
    db.session.commit()
    login(analyst)
    html = client.get("/series/partnerships", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Bank of the North" in html and "Oasis Cooperative" in html and "Desert Foundation" in html
    assert "3 partnerships" in html
    assert "@x.ma" not in html


def test_filters_narrow_the_list_and_the_export(client, two_forums, make_user, login):
    north, south = two_forums
    login(make_user(is_admin=True))
    html = client.get("/series/partnerships?status=signed&kind=funding").get_data(as_text=True)
    assert "Desert Foundation" in html and "Oasis Cooperative" not in html and "Bank of the North" not in html
    html = client.get(f"/series/partnerships?forum={north.id}").get_data(as_text=True)
    assert "Bank of the North" in html and "Desert Foundation" not in html
    html = client.get("/series/partnerships?region=draa-tafilalet").get_data(as_text=True)
    assert "Bank of the North" not in html and "Oasis Cooperative" in html
    body = client.get("/series/partnerships.csv?status=signed", headers={"Accept-Language": "en"}).data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(rows) == 3 and {rows[1][2], rows[2][2]} == {"Oasis Cooperative", "Desert Foundation"}
    assert not any("@x.ma" in cell for row in rows for cell in row)


def test_pages_are_bounded(db, two_forums, monkeypatch):
    monkeypatch.setattr("forum.partnerships.services.series.PAGE_SIZE", 2)
    first = services.series_partnerships(services.Filters(), 1)
    second = services.series_partnerships(services.Filters(), 2)
    assert (first.total, first.pages, len(first.rows), len(second.rows)) == (3, 2, 2, 1)
    assert {r.id for r in first.rows}.isdisjoint(r.id for r in second.rows)
    assert services.series_partnerships(services.Filters(), 99).number == 2


def test_the_series_dashboard_counts_the_partnerships_recorded_and_signed(client, two_forums, make_user, login):
    north, south = two_forums
    login(make_user(is_admin=True))
    html = client.get("/series/?indicator=partnerships_signed", headers={"Accept-Language": "en"}).text
    assert '<h2 id="map-title">Partnerships signed</h2>' in html
    draa = html.split('data-region="draa-tafilalet"')[1]
    assert '<span class="tile-value">2</span>' in draa.split("</a>")[0]
    tangier = html.split('data-region="tanger-tetouan-al-hoceima"')[1]
    assert '<span class="tile-value">0</span>' in tangier.split("</a>")[0]
    body = client.get("/series/indicators.csv", headers={"Accept-Language": "en"}).data
    rows = {row["Forum"]: row for row in csv.DictReader(io.StringIO(body.decode("utf-8-sig")))}
    north_row, south_row = rows[north.title["en"]], rows[south.title["en"]]
    assert (north_row["Partnerships recorded"], south_row["Partnerships recorded"]) == ("1", "2")
    assert (north_row["Partnerships signed"], south_row["Partnerships signed"]) == ("0", "2")
