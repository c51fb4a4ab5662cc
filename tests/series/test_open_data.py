"""Open data: aggregated figures for anyone, small counts withheld so no person can be singled out."""

from __future__ import annotations

import csv
import io

from forum.events.models import ForumStatus
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
    assert big_rows[("participants", "gender=unspecified")] is None  # a single person
    # nor can it be worked out: not from the region's genders, nor from the forums' men
    known = _worked_out(data["rows"])
    assert known[("oriental", "participants", "gender=unspecified")] is None
    assert all(value is None or not 0 < value < 5 for key, value in known.items() if key[2])
    assert 3 not in {r["value"] for r in data["rows"] if r["forum"] == "small-forum"}
    assert (region[("participants", "gender=female")], big_rows[("participants", "gender=female")]) != (23, 20)
    table = list(csv.DictReader(io.StringIO(client.get("/open-data/series.csv").data.decode("utf-8-sig"))))
    small_csv = [row for row in table if row["forum"] == "small-forum"]
    assert len(small_csv) == len(small_rows) and "3" not in {row["value"] for row in small_csv}
    assert {row["value"] for row in small_csv} <= {"<5", "0"}


def test_the_open_data_page_is_public_and_in_arabic(client):
    page = client.get("/open-data/", headers={"Accept-Language": "ar"})
    assert page.status_code == 200 and 'dir="rtl"' in page.text


def _worked_out(rows: list[dict]) -> dict[tuple, int]:
    """What a reader can work out from the published rows: each sum (the parts of a breakdown and the
    participants; new and returning associations; a region's forums and the region) with a single
    unknown term gives it, again and again."""
    known = {(r["forum"] or r["region"], r["measure"], r["breakdown"]): r["value"] for r in rows}
    sums = []
    for unit in {r["forum"] or r["region"] for r in rows}:
        for name in ("gender", "area", "province"):
            parts = [k for k in known if k[0] == unit and (k[2] or "").startswith(f"{name}=")]
            sums.append((parts, (unit, "participants", None)))
        sums.append(
            ([(unit, "associations_new", None), (unit, "associations_returning", None)], (unit, "associations", None))
        )
    for region in {r["region"] for r in rows}:
        forums = {r["forum"] for r in rows if r["region"] == region and r["forum"]}
        for key in [k for k in known if k[0] == region and k[1] == "participants"]:
            sums.append(([(forum, key[1], key[2]) for forum in forums], key))
    changed = True
    while changed:
        changed = False
        for parts, total in sums:
            terms = [*parts, total]
            unknown = [t for t in terms if known.get(t, 0) is None]
            if len(unknown) == 1:
                found = unknown[0]
                others = sum(known.get(p, 0) for p in parts if p != found)
                known[found] = known[total] - others if found != total else others
                changed = True
    return known


def test_no_withheld_count_can_be_worked_out_from_the_published_ones(client, make_forum, make_registration):
    small = make_forum(region="oriental", slug="small-forum")
    big = make_forum(region="oriental", slug="big-forum")
    for _ in range(3):
        make_registration(small, gender=Gender.female, area=Area.rural, province="figuig")
    # every breakdown of the big forum is large: adding up its women and men gives its participants,
    # and the region's participants less those would give the small forum's 3
    for n in range(40):
        make_registration(big, gender=Gender.female if n % 2 else Gender.male, area=Area.urban, province="nador")
    rows = client.get("/open-data/series.json").get_json()["rows"]
    known = _worked_out(rows)
    assert known[("small-forum", "participants", None)] is None
    assert all(value is None or not 0 < value < 5 for key, value in known.items() if key[0] == "small-forum")
    assert {r["value"] for r in rows if r["forum"] == "small-forum"} <= {None, 0}


def test_a_forum_still_in_draft_counts_nowhere(client, db, make_forum, make_registration, make_user, login):
    held = make_forum(region="oriental", slug="held-forum")
    draft = make_forum(region="oriental", slug="draft-forum", status=ForumStatus.draft)
    for n in range(30):
        make_registration(held, gender=Gender.female if n % 2 else Gender.male)
    # guests and the press registered by the organisers while the forum is prepared
    for category in (Category.guest, Category.media):
        make_registration(draft, category=category, gender=Gender.female)
    rows = client.get("/open-data/series.json").get_json()["rows"]
    assert {r["forum"] for r in rows if r["forum"]} == {"held-forum"}
    region = {(r["measure"], r["breakdown"]): r["value"] for r in rows if r["level"] == "region"}
    assert region[("participants", None)] == 30
    assert region[("participants", "gender=female")] + region[("participants", "gender=male")] == 30
    login(make_user(is_admin=True))
    page = client.get("/series/?indicator=registrations").text
    assert '<span class="tile-value">30</span>' in page.split('data-region="oriental"')[1].split("</a>")[0]
