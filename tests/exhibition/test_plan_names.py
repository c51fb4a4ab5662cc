"""The floor plan for screen readers and keyboards: every booth link is named, and the plan is offered as a list."""

from __future__ import annotations

import re


def test_each_booth_link_is_named_by_code_exhibitor_and_status_and_the_plan_is_a_list(
    client, login, organiser, make_booths, make_exhibitor, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1", "A2")
    exhibitor = make_exhibitor(forum, "Atlas Solar")
    login(user)
    client.post(
        f"/f/{forum.slug}/manage/exhibition/assign", data={"booth_id": booths["A1"].id, "exhibitor_id": exhibitor.id}
    )
    page = client.get(f"/f/{forum.slug}/manage/exhibition/").get_data(as_text=True)
    assert 'role="group"' in page
    links = re.findall(r'<a href="[^"]*/booths/\d+[^"]*"\s+aria-label="([^"]+)"', page)
    assert links == ["A1 · Atlas Solar · Offered", "A2 · Free"]
    rows = dict(re.findall(r'data-booth-row="(\w+)">(.*?)</tr>', page, re.S))
    assert "Atlas Solar" in rows["A1"] and "Offered" in rows["A1"] and "Free" in rows["A2"]
    assert "The floor plan as a list" in page


def test_the_public_plan_says_free_for_an_unpublished_offer_and_names_nobody(
    client, login, organiser, make_booths, make_exhibitor, db
):
    forum, user = organiser
    booths = make_booths(forum, user, "A1")
    exhibitor = make_exhibitor(forum, "Atlas Solar")
    login(user)
    client.post(
        f"/f/{forum.slug}/manage/exhibition/assign", data={"booth_id": booths["A1"].id, "exhibitor_id": exhibitor.id}
    )
    client.post("/logout")
    page = client.get(f"/f/{forum.slug}/exhibition/").get_data(as_text=True)
    row = re.search(r'data-booth-row="A1">(.*?)</tr>', page, re.S).group(1)
    assert "Free" in row and "Atlas Solar" not in row
    assert 'role="img"' in page and 'aria-label="A1' not in page
