"""Open data: aggregated figures for anyone, small counts withheld so no person can be singled out."""

from __future__ import annotations

import csv
import io

from forum.registration.models import Area, Category, Gender


def test_a_forum_with_three_rural_women_from_one_province_shows_no_exact_three(
    client, make_forum, make_registration, make_user
):
    small = make_forum(region="oriental", slug="small-forum")
    big = make_forum(region="oriental", slug="big-forum")
    for _ in range(3):
        make_registration(
            small, gender=Gender.female, area=Area.rural, province="figuig", category=Category.association
        )
    for n in range(40):
        gender = Gender.female if n % 2 else Gender.male
        make_registration(big, gender=gender, area=Area.urban, province="oujda-angad" if n < 30 else "nador")
    make_registration(big, gender=Gender.unspecified, area=Area.rural, province="figuig")
    data = client.get("/open-data/series.json").get_json()
    small_rows = [row for row in data["rows"] if row["forum"] == "small-forum"]
    assert small_rows and all(row["value"] in (None, 0) for row in small_rows)
    assert {row["breakdown"] for row in small_rows} >= {"gender=female", "area=rural", "province=figuig"}
    region = {(r["measure"], r["breakdown"]): r["value"] for r in data["rows"] if r["level"] == "region"}
    big_rows = {(r["measure"], r["breakdown"]): r["value"] for r in data["rows"] if r["forum"] == "big-forum"}
    # the region's 44 participants are published; the big forum's 41 would give the small one's 3 by
    # subtraction, so it is withheld too, and so are the cells that would give the women or the rural
    assert region[("participants", None)] == 44
    assert big_rows[("participants", None)] is None
    assert big_rows[("participants", "gender=male")] == 20
    assert big_rows[("participants", "gender=unspecified")] is None  # a single person
    assert 3 not in {r["value"] for r in data["rows"] if r["forum"] == "small-forum"}
    assert (region[("participants", "gender=female")], big_rows[("participants", "gender=female")]) != (23, 20)
    table = list(csv.DictReader(io.StringIO(client.get("/open-data/series.csv").data.decode("utf-8-sig"))))
    small_csv = [row for row in table if row["forum"] == "small-forum"]
    assert len(small_csv) == len(small_rows) and "3" not in {row["value"] for row in small_csv}
    assert {row["value"] for row in small_csv} <= {"<5", "0"}


def test_the_open_data_page_is_public_and_in_arabic(client):
    page = client.get("/open-data/", headers={"Accept-Language": "ar"})
    assert page.status_code == 200 and 'dir="rtl"' in page.text
