"""Every page reachable from the home page works, in all three languages, for visitors and organisers."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from forum.auth.models import Role
from forum.seed import seed

LINK = re.compile(r'href="(/[^"#]*)"')


def crawl(client, language: str, limit: int = 400) -> dict[str, int]:
    """Follow every same-site link (GET only) from the home page; returns {url: status}."""
    seen: dict[str, int] = {}
    queue = ["/"]
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen or url.startswith("/static/"):
            continue
        response = client.get(url, headers={"Accept-Language": language})
        seen[url] = response.status_code
        if response.status_code == 200 and response.mimetype == "text/html":
            for link in LINK.findall(response.get_data(as_text=True)):
                path = urlsplit(link.replace("&amp;", "&")).path
                if path not in seen:
                    queue.append(path)
    return seen


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_visitor_pages_all_work(client, db, language):
    seed(lambda line: None)
    statuses = crawl(client, language)
    assert len(statuses) >= 5
    broken = {url: code for url, code in statuses.items() if code >= 500 or code == 404}
    assert broken == {}


@pytest.mark.parametrize("language", ["ar", "fr", "en"])
def test_organiser_pages_all_work(client, login, db, language):
    seed(lambda line: None)
    from forum.auth.services import find_user

    organiser = find_user("organiser@multaqa.ma")
    organiser.set_password("correct horse battery")
    db.session.commit()
    login(organiser)
    statuses = crawl(client, language)
    assert any("/manage/" in url for url in statuses)
    broken = {url: code for url, code in statuses.items() if code >= 500 or code == 404}
    assert broken == {}
    assert Role.organiser in organiser.roles_in(next(m.forum for m in organiser.memberships))


def test_every_page_has_an_icon_and_favicon_ico_answers(client, db):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert client.get("/static/favicon.svg").mimetype == "image/svg+xml"
    icon = client.get("/favicon.ico")  # browsers ask for it whatever the page links
    assert icon.status_code == 200 and icon.mimetype.startswith("image/")
    assert icon.data[:4] == b"\x00\x00\x01\x00"  # an ICO file
