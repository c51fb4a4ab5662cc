"""The static build, served: versioned URLs in the pages, a year of caching, gzip and Brotli, subset fonts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forum import create_app
from forum.assets.build import build

STATIC = Path(__file__).resolve().parents[2] / "static"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("static") / "build"
    build(STATIC, folder, log=lambda line: None)
    return folder


@pytest.fixture(scope="module")
def served(built, app):
    application = create_app(dict(app.config) | {"STATIC_BUILD_DIR": str(built)})
    return application.test_client()


def test_pages_name_static_files_by_version_and_they_are_cached_for_a_year_and_compressed(served, db):
    page = served.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page).group(1)
    script = re.search(r'src="(/static/js/app\.[0-9a-f]{12}\.js)"', page).group(1)
    response = served.get(css, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    assert response.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert int(response.headers["Content-Length"]) < len(served.get(css).get_data()) / 2
    assert served.get(script, headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
    assert "immutable" not in served.get("/static/css/app.css").headers["Cache-Control"]


def test_the_stylesheet_points_at_versioned_subset_fonts_much_lighter_than_the_full_ones(served, built):
    css = served.get(
        re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', served.get("/login").get_data(as_text=True)).group(1)
    )
    fonts = re.findall(
        r'url\("\.\./fonts/(NotoSans(?:Arabic)?-\w+\.[0-9a-f]{12}\.woff2)"\)', css.get_data(as_text=True)
    )
    assert len(fonts) == 4
    for name in fonts:
        response = served.get(f"/static/fonts/{name}")
        assert response.status_code == 200 and response.mimetype == "font/woff2"
        full = (STATIC / "fonts" / (name.split(".")[0] + ".woff2")).stat().st_size
        assert len(response.get_data()) < full / 2.5  # Arabic keeps every letter and its joining forms
    assert not list(built.rglob("*.ttf"))


def test_a_changed_file_gets_a_new_name(tmp_path):
    source = tmp_path / "static"
    (source / "css").mkdir(parents=True)
    (source / "fonts").mkdir()
    (source / "css" / "a.css").write_text("body { background: url('../img/x.svg'); }")
    (source / "img").mkdir()
    (source / "img" / "x.svg").write_text("<svg/>")
    first = build(source, tmp_path / "one", log=lambda line: None)
    (source / "img" / "x.svg").write_text("<svg></svg>")
    second = build(source, tmp_path / "two", log=lambda line: None)
    assert first["img/x.svg"] != second["img/x.svg"] and first["css/a.css"] != second["css/a.css"]
    assert second["img/x.svg"].split("/")[1] in (tmp_path / "two" / second["css/a.css"]).read_text()


def test_pages_are_compressed_for_a_browser_that_accepts_it(client, make_forum):
    forum = make_forum()
    plain = client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": "ar"})
    packed = client.get(f"/f/{forum.slug}/register", headers={"Accept-Language": "ar", "Accept-Encoding": "br"})
    assert "Content-Encoding" not in plain.headers and packed.headers["Content-Encoding"] == "br"
    assert len(packed.get_data()) < len(plain.get_data()) / 4
