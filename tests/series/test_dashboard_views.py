"""The series dashboard: who reads it, the tile map by indicator, a region's editions and targets, exports."""

from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from openpyxl import load_workbook

from forum.audit import AuditEntry
from forum.auth import services as accounts
from forum.recommendations.models import FollowUpStatus
from forum.series.models import Target
from forum.series.services import INDICATORS, targets_of
from forum.series.services.figures import BY_FORUM, BY_REGION_YEAR, compute


def test_only_admins_and_series_analysts_read_the_series(client, db, make_user, login, as_role, series):
    assert client.get("/series/").status_code == 302  # sign in first
    organiser, _forum, _user = as_role("organiser", series.forums[0])
    assert organiser.get("/series/").status_code == 403
    assert organiser.get("/series/region/oriental").status_code == 403
    assert organiser.get("/series/indicators.xlsx").status_code == 403
    assert organiser.get("/series/region/oriental/targets.csv").status_code == 403
    analyst = make_user()
    analyst.is_series_analyst = True
    db.session.commit()
    login(analyst)
    page = client.get("/series/")
    assert page.status_code == 200 and "Series dashboard" in page.text
    # read-only: an analyst cannot set targets nor name other analysts
    assert client.post("/series/region/oriental/targets", data={"year": 2026}).status_code == 403
    assert client.get("/series/analysts").status_code == 403
    assert client.get("/series/region/oriental/targets.xlsx").status_code == 200
    assert client.get("/series/region/atlantis/targets.csv").status_code == 404


def test_the_tile_map_follows_the_chosen_indicator(client, make_user, login, series):
    login(make_user(is_admin=True))
    page = client.get("/series/?indicator=rural_share&year=2026").text
    assert 'option value="rural_share" selected' in page
    tiles = dict(
        re.findall(
            r'data-region="([a-z-]+)">\s*<span class="tile-name">[^<]+</span>\s*<span class="tile-value">([^<]+)<', page
        )
    )
    assert len(tiles) == 12
    assert tiles["oriental"] == "46.7 %"  # 7 rural of 15 participants in 2026
    assert tiles["souss-massa"] == "—"
    associations = client.get("/series/?indicator=associations").text
    tiles = dict(
        re.findall(
            r'data-region="([a-z-]+)">\s*<span class="tile-name">[^<]+</span>\s*<span class="tile-value">([^<]+)<',
            associations,
        )
    )
    assert tiles["draa-tafilalet"] == "7" and tiles["oriental"] == "6"


def test_a_region_shows_each_edition_and_exports_it(client, make_user, login, series):
    login(make_user(is_admin=True))
    page = client.get("/series/region/draa-tafilalet")
    assert page.status_code == 200
    assert "Edition 1 · 2025" in page.text and "Edition 3 · 2026" in page.text
    assert client.get("/series/region/atlantis").status_code == 404
    workbook = load_workbook(io.BytesIO(client.get("/series/indicators.xlsx?region=draa-tafilalet").data))
    rows = list(workbook.active.values)
    assert rows[0][:5] == ("Region", "Edition", "Year", "Forum", "Registrations")
    assert [(row[1], row[2], row[4]) for row in rows[1:]] == [(1, 2025, 14), (2, 2026, 15), (3, 2026, 14)]
    # each forum's accepted recommendations by follow-up status, as the region's page shows them
    headings = list(rows[0])
    for forum, row in zip(series.forums, rows[1:], strict=False):
        follow_up = compute(BY_FORUM)[forum.id].follow_up
        for status in FollowUpStatus:
            assert row[headings.index(f"Accepted recommendations: {status.title}")] == follow_up.get(status.value, 0)
    assert (
        sum(rows[1][headings.index(f"Accepted recommendations: {s.title}")] for s in FollowUpStatus)
        == rows[1][headings.index("Recommendations accepted")]
    )
    csv = client.get("/series/indicators.csv").data.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 5


def test_an_admin_sets_targets_and_sees_the_progress(client, db, make_user, login, series):
    login(make_user(is_admin=True))
    bad = client.post(
        "/series/region/draa-tafilalet/targets", data={"year": "2026", "indicator": "associations", "value": "-3"}
    )
    assert bad.status_code == 422 and 'value="-3"' in bad.text
    response = client.post(
        "/series/region/draa-tafilalet/targets", data={"year": "2026", "indicator": "associations", "value": "30"}
    )
    assert response.status_code == 302
    page = client.get("/series/region/draa-tafilalet").text
    # 2026 in Drâa-Tafilalet: 7 distinct associations of 30 → 23 %
    assert "23 %" in page
    client.post(
        "/series/region/draa-tafilalet/targets", data={"year": "2026", "indicator": "associations", "value": "7"}
    )
    assert db.session.scalars(sa.select(Target.value)).all() == [7]
    assert "100 %" in client.get("/series/region/draa-tafilalet").text
    assert set(db.session.scalars(sa.select(AuditEntry.action))) == {"series.target"}


def test_a_target_over_several_years_is_entered_and_shown_with_its_years(client, db, make_user, login, series):
    login(make_user(is_admin=True))
    values = {"year": "2026", "indicator": "associations", "value": "650"}
    bad = client.post("/series/region/draa-tafilalet/targets", data={**values, "from_year": "2027"})
    assert bad.status_code == 422 and 'value="2027"' in bad.text and 'value="650"' in bad.text
    assert "cannot come after the target" in bad.text and db.session.scalar(sa.select(Target)) is None
    assert client.post("/series/region/draa-tafilalet/targets", data={**values, "from_year": "2025"}).status_code == 302
    target = db.session.scalar(sa.select(Target))
    assert (target.from_year, target.year, target.value) == (2025, 2026, 650)
    page = client.get("/series/region/draa-tafilalet", headers={"Accept-Language": "en"}).text
    assert "2025 to 2026" in page
    women = {"year": "2026", "indicator": "women_share", "value": "40"}
    client.post("/series/region/draa-tafilalet/targets", data=women)
    body = client.get("/series/region/draa-tafilalet/targets.csv", headers={"Accept-Language": "en"}).data
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    progress = {p.target.indicator: p for p in targets_of("draa-tafilalet", compute(BY_REGION_YEAR), INDICATORS)}
    reached = progress["associations"].reached
    assert rows == [
        ["Year", "Indicator", "Target", "Reached", "Progress"],
        ["2025 to 2026", "Associations reached", "650", str(reached), str(progress["associations"].percent)],
        ["2026", "Women share", "40", str(progress["women_share"].reached), str(progress["women_share"].percent)],
    ]
    assert 0 < reached < 650
    sheet = load_workbook(io.BytesIO(client.get("/series/region/draa-tafilalet/targets.xlsx").data)).active
    assert [cell.value for cell in sheet[2]][:3] == ["2025 to 2026", "Associations reached", 650]


def test_an_admin_names_a_series_analyst(client, db, make_user, login):
    login(make_user(is_admin=True))
    unknown = client.post("/series/analysts", data={"email": "nobody@example.ma"})
    assert unknown.status_code == 422 and "create the account first" in unknown.text
    analyst = make_user(email="analyste@ministere.ma")
    assert client.post("/series/analysts", data={"email": "Analyste@ministere.ma"}).status_code == 302
    db.session.refresh(analyst)
    assert analyst.is_series_analyst
    assert "analyste@ministere.ma" in client.get("/series/analysts").text


def test_the_demo_has_a_series_analyst_and_targets(runner, client, db, login):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    analyst = accounts.find_user("analyst@multaqa.ma")
    assert analyst.is_series_analyst
    regions = set(db.session.scalars(sa.select(Target.region)))
    assert "draa-tafilalet" in regions
    login(analyst, password="multaqa-demo-2026")
    page = client.get("/series/region/draa-tafilalet")
    assert page.status_code == 200 and "الجمعيات المستفيدة" in page.text and "650" in page.text  # in her language
    assert db.session.scalar(sa.select(Target.from_year).where(Target.indicator == "associations")) == 2022
