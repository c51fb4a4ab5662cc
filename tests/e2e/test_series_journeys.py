"""The series in the browser: an analyst reads the dashboard in Arabic and exports a region; a person
registering picks their association from the suggestions instead of typing it again."""

from __future__ import annotations

import io
import re
from datetime import date

from helpers import PASSWORD
from openpyxl import load_workbook
from playwright.sync_api import expect

from forum.registration.models import Area, Gender


def test_an_analyst_reads_the_series_in_arabic_and_exports_a_region(
    open_page, db, make_forum, make_user, make_organisation, make_registration
):
    draa = make_forum(region="draa-tafilalet", edition=4, starts_on=date(2026, 5, 2), ends_on=date(2026, 5, 3))
    oriental = make_forum(region="oriental", edition=2, starts_on=date(2026, 6, 6), ends_on=date(2026, 6, 7))
    oasis = make_organisation(name="جمعية واحة زيز", province="errachidia")
    for n, area in enumerate((Area.rural, Area.rural, Area.urban, Area.urban)):
        make_registration(draa, organisation_id=oasis.id, area=area, gender=Gender.female if n else Gender.male)
    make_registration(oriental, area=Area.rural, province="figuig")
    analyst = make_user("analyste@ministere.ma", locale="ar")
    analyst.is_series_analyst = True
    db.session.commit()

    page = open_page(locale="ar-MA")
    page.goto("/login")
    page.fill("input[name=email]", analyst.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))
    page.click("nav.main-nav >> text=السلسلة")
    expect(page.locator("h1")).to_have_text("لوحة قيادة السلسلة")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    page.select_option("#indicator", "rural_share")
    with page.expect_navigation():
        page.click("form.series-filter button[type=submit]")
    expect(page.locator("#map-title")).to_contain_text("حصة العالم القروي")
    draa_tile = page.locator('a.tile[data-region="draa-tafilalet"]')
    expect(draa_tile.locator(".tile-value")).to_have_text("50 %")
    expect(page.locator('a.tile[data-region="oriental"] .tile-value')).to_have_text("100 %")
    expect(page.locator('a.tile[data-region="souss-massa"] .tile-value')).to_have_text("—")
    assert page.locator("a.tile").count() == 12
    # the tiles keep the map's layout in Arabic: Oriental stays east (to the right) of Tangier
    tangier = page.locator('a.tile[data-region="tanger-tetouan-al-hoceima"]').bounding_box()
    east = page.locator('a.tile[data-region="oriental"]').bounding_box()
    assert east["x"] > tangier["x"]

    draa_tile.click()
    expect(page.locator("h1")).to_have_text("درعة تافيلالت")
    expect(page.locator("table.series-table")).to_contain_text("الدورة 4")
    with page.expect_download() as download:
        page.click("text=تصدير (XLSX)")
    workbook = load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    sheet = workbook.active
    assert sheet.sheet_view.rightToLeft
    rows = list(sheet.values)
    assert rows[0][:5] == ("الجهة", "الدورة", "السنة", "المنتدى", "التسجيلات")
    assert rows[1][:3] == ("درعة تافيلالت", 4, 2026) and rows[1][4] == 4 and len(rows) == 2


def test_a_person_registering_picks_their_association_from_the_suggestions(
    open_page, db, make_forum, make_organisation
):
    forum = make_forum(region="draa-tafilalet")
    oasis = make_organisation(name="جمعية واحة زيز للتنمية", province="errachidia")
    make_organisation(name="Association Ziz Nador", province="nador")
    page = open_page(locale="ar-MA")
    page.goto(f"/f/{forum.slug}/register")
    page.click("details.new-organisation summary")
    page.fill("#organisation_name", "واحة زيز")
    suggestion = page.locator(".org-suggestions button")
    expect(suggestion).to_have_count(1)
    expect(suggestion).to_contain_text("جمعية واحة زيز للتنمية")
    suggestion.click()
    expect(page.locator("#organisation_id")).to_have_value(str(oasis.id))
    expect(page.locator("#organisation_name")).to_have_value("")
