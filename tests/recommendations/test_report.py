"""The outcomes report's page: the most supported recommendations of each workshop, theme and target
actor, the rest one link away on pages of their own; the PDF holds them all."""

from __future__ import annotations

import re

import pytest
from flask import g

from forum.recommendations import report
from forum.recommendations.models import TargetActor
from forum.recommendations.services import outcomes


@pytest.fixture
def crowded_report(client, login, db, workshop_setup, make_registration, make_accepted):
    """A workshop with eight accepted recommendations to the government on one theme (supported 0 to 3
    times) and two to donors; the organiser signed in."""
    forum, _rapporteur, organiser, workshop = workshop_setup
    people = [make_registration(forum) for _ in range(3)]
    government = [
        make_accepted(workshop, f"Recommandation {n}", by=organiser, supporters=people[: n % 4]) for n in range(8)
    ]
    for n in range(2):
        make_accepted(workshop, f"Aux bailleurs {n}", by=organiser, target_actor=TargetActor.donors)
    db.session.commit()
    login(organiser)
    ranked = sorted(government, key=lambda r: (-(government.index(r) % 4), r.position, r.id))
    return forum, workshop, [r.text for r in ranked]


def _listed(page: str) -> list[str]:
    return re.findall(r"(Recommandation \d+|Aux bailleurs \d+)\s*<", page)


def test_the_page_shows_the_top_of_each_group_and_links_to_the_rest(client, crowded_report):
    forum, workshop, ranked = crowded_report
    page = client.get(f"/f/{forum.slug}/manage/recommendations/report").get_data(as_text=True)
    assert _listed(page) == ranked[: outcomes.TOP] + ["Aux bailleurs 0", "Aux bailleurs 1"]
    assert "10 recommendations" in page  # the workshop's count, of every one
    links = re.findall(r'href="([^"]*/report/group\?[^"]*)">([^<]+)<', page)
    assert [text for _, text in links] == ["See all 8 recommendations"]  # none for a group shown whole
    group = client.get(links[0][0].replace("&amp;", "&")).get_data(as_text=True)
    assert _listed(group) == ranked and "Financement" in group


def test_the_groups_pages_follow_each_other_and_stop(client, crowded_report, monkeypatch):
    forum, workshop, ranked = crowded_report
    monkeypatch.setattr(outcomes, "GROUP_PAGE", 3)
    base = f"/f/{forum.slug}/manage/recommendations/report/group?workshop={workshop.id}&theme=Financement"
    second = client.get(f"{base}&actor=government&page=2").get_data(as_text=True)
    assert _listed(second) == ranked[3:6] and 'start="4"' in second and "Page 2 of 3" in second
    assert client.get(f"{base}&actor=government&page=4").status_code == 404
    assert client.get(f"{base}&actor=government&page=0").status_code == 404
    assert client.get(f"{base}&actor=nobody").status_code == 404
    other_theme = f"/f/{forum.slug}/manage/recommendations/report/group?workshop={workshop.id}&theme=Autre"
    assert client.get(f"{other_theme}&actor=donors").status_code == 404
    assert client.get(f"/f/{forum.slug}/manage/recommendations/report/group?workshop=0&actor=donors").status_code == 404


def test_others_do_not_open_a_groups_page(client, login, crowded_report, make_user, make_forum):
    forum, workshop, _ = crowded_report
    url = f"/f/{forum.slug}/manage/recommendations/report/group?workshop={workshop.id}&theme=Financement&actor=donors"
    assert client.get(url).status_code == 200
    login(make_user(forum=forum, roles=("rapporteur",)))
    assert client.get(url).status_code == 403
    elsewhere = make_forum()
    login(make_user(forum=elsewhere, roles=("organiser",)))
    url = url.replace(f"/f/{forum.slug}/", f"/f/{elsewhere.slug}/")
    assert client.get(url).status_code == 404  # another forum's workshop is unknown there


def test_the_pdf_document_holds_every_recommendation(app, crowded_report):
    forum, workshop, ranked = crowded_report
    with app.test_request_context(f"/f/{forum.slug}/manage/recommendations/report"):
        g.forum = forum
        document = report.render_report(forum, pdf=True)
    assert _listed(document) == ranked + ["Aux bailleurs 0", "Aux bailleurs 1"]
    assert "/report/group?" not in document


def test_the_pdf_reads_the_static_builds_versioned_stylesheet_from_its_source(app, monkeypatch):
    """Served from the static build, a page names `bars.<hash>.css`: without it the Arabic PDF's attendance
    bars had no size and WeasyPrint failed on them."""
    from pathlib import Path

    static = Path(app.static_folder).resolve()
    monkeypatch.setitem(app.extensions, "static_manifest", {"css/bars.css": "css/bars.0123456789ab.css"})
    with app.app_context():
        fetcher = report._static_only_fetcher(static)
    answer = fetcher.fetch("http://multaqa.invalid/static/css/bars.0123456789ab.css")
    assert answer.read() == (static / "css" / "bars.css").read_bytes()
    with pytest.raises(ValueError, match="refused"):
        fetcher.fetch("http://multaqa.invalid/static/../forum/config.py")
