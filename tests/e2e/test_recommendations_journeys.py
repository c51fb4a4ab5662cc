"""A workshop's recommendations in real browsers: the rapporteur on a phone, a participant, the organiser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import PASSWORD
from playwright.sync_api import expect

from forum.programme.models import Room, Session, SessionKind
from forum.recommendations.models import Recommendation, RecommendationSettings, RecommendationStatus

pytestmark = pytest.mark.e2e


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))


def _open_workshop(db, forum, title: str, *, rapporteur=None) -> Session:
    """A workshop of the forum going on now, the participants' input open since an hour ago."""
    now = datetime.now(UTC)
    db.session.add(RecommendationSettings(forum_id=forum.id, input_opens_at=now - timedelta(hours=1)))
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"fr": title},
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        rapporteur_id=rapporteur.id if rapporteur else None,
    )
    db.session.add(workshop)
    db.session.flush()
    return workshop


def test_rapporteur_participant_and_organiser_reach_the_report(open_page, db, make_forum, make_user, make_registration):
    forum = make_forum()
    now = datetime.now(UTC)
    db.session.add(
        RecommendationSettings(
            forum_id=forum.id, input_opens_at=now - timedelta(hours=1), input_closes_at=now + timedelta(days=1)
        )
    )
    rapporteur = make_user("rapporteur@example.ma", forum=forum, roles=("rapporteur",))
    organiser = make_user("organiser@example.ma", forum=forum, roles=("organiser",))
    room = Room(forum_id=forum.id, name={"fr": "Salle 1"}, capacity=40)
    db.session.add(room)
    db.session.flush()
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"fr": "Atelier : financement participatif", "en": "Workshop: crowdfunding"},
        theme="Crowdfunding",
        room_id=room.id,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        rapporteur_id=rapporteur.id,
    )
    db.session.add(workshop)
    db.session.commit()
    participant = make_registration(forum)

    # The rapporteur, on a phone, adds two recommendations during the session.
    phone = open_page(width=390, height=844)
    _sign_in(phone, rapporteur.email)
    phone.goto(f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}")
    texts = ["منصة وطنية للتمويل الجماعي لفائدة الجمعيات", "Créer une plateforme nationale de crowdfunding"]
    for text in texts:
        phone.fill("textarea[name=text]", text)
        phone.select_option("select[name=target_actor]", "government")
        with phone.expect_navigation():
            phone.click("#add button[type=submit]")
    assert phone.locator(".rec-item").count() == 2
    expect(phone.locator("textarea[name=text]")).to_be_focused(timeout=10_000)  # ready for the next one
    assert phone.locator(".rec-text").first.get_attribute("dir") == "rtl"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling

    # A participant (no account, Arabic browser) supports the first one.
    visitor = open_page(locale="ar-MA")
    visitor.goto(f"/f/{forum.slug}/me/{participant.access_key}/recommendations/")
    assert visitor.locator("html").get_attribute("dir") == "rtl"
    db.session.commit()  # end this test's read snapshot: see the rows the server added
    first = db.session.scalar(sa.select(Recommendation).where(Recommendation.text == texts[0]))
    visitor.click(f"form[action$='/{first.id}/support'] button")
    visitor.wait_for_load_state()
    assert visitor.locator(f"form[action$='/{first.id}/withdraw']").count() == 1

    # The organiser merges the French duplicate into it, accepts it, and downloads the report.
    desk = open_page()
    desk.set_default_timeout(30_000)  # building the PDF takes seconds, more on a loaded machine
    _sign_in(desk, organiser.email)
    desk.goto(f"/f/{forum.slug}/manage/recommendations/{first.id}")
    desk.check("input[name=duplicates]")
    desk.click("form[action$='/merge'] button[type=submit]")
    desk.wait_for_load_state()
    assert "Créer une plateforme nationale de crowdfunding" in desk.locator("figure").first.inner_text()
    desk.click("form[action$='/accept'] button")
    desk.wait_for_load_state()
    expect(desk.locator("body")).to_contain_text("The recommendation is accepted.")
    desk.goto(f"/f/{forum.slug}/manage/recommendations/report")
    assert texts[0] in desk.locator("#section-recommendations").inner_text()
    desk.click("form[action$='/report/pdf'] button")
    download_link = desk.locator("text=Download the PDF")
    download_link.wait_for(timeout=60_000)
    with desk.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename.endswith(".pdf")
    db.session.commit()
    statuses = dict(db.session.execute(sa.select(Recommendation.text, Recommendation.status)).all())
    assert statuses == {texts[0]: RecommendationStatus.accepted, texts[1]: RecommendationStatus.merged}


def test_the_wall_refreshes_by_itself(open_page, db, make_forum, make_user, make_registration):
    from forum.recommendations import services
    from forum.recommendations.models import TargetActor

    forum = make_forum()
    organiser = make_user(forum=forum, roles=("organiser",))
    workshop = _open_workshop(db, forum, "Atelier RSE")
    recommendation = services.add_recommendation(
        workshop, text="Un guichet entreprises–associations", target_actor=TargetActor.private_sector, actor=organiser
    )
    db.session.commit()
    wall = open_page()
    wall.goto(f"/f/{forum.slug}/recommendations/wall/{workshop.id}")
    assert wall.locator(".rec-wall-count").inner_text() == "0"
    services.endorse(recommendation, make_registration(forum))
    db.session.commit()
    wall.locator(".rec-wall-count", has_text="1").wait_for(timeout=10_000)  # no reload: the page polls


def test_similar_recommendations_show_while_typing_and_are_merged_or_supported(
    open_page, db, make_forum, make_user, make_registration
):
    from forum.recommendations import services
    from forum.recommendations.models import Endorsement, TargetActor

    forum = make_forum()
    rapporteur = make_user("rapporteur@example.ma", forum=forum, roles=("rapporteur",))
    workshop = _open_workshop(db, forum, "Atelier : eau", rapporteur=rapporteur)
    existing = services.add_recommendation(
        workshop,
        text="تعميم الربط بشبكة الماء الصالح للشرب في الدواوير",
        target_actor=TargetActor.government,
        actor=rapporteur,
    )
    db.session.commit()
    participant = make_registration(forum)

    # The rapporteur types the same idea with other letter forms: it shows, and is merged at once.
    phone = open_page(width=390, height=844)
    _sign_in(phone, rapporteur.email)
    phone.goto(f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}")
    phone.locator("textarea[name=text]").press_sequentially("تعميمُ الربط بشبكة الماء الصالح للشرب فى الدواوير")
    match = phone.locator(".rec-similar li")
    expect(match).to_have_count(1, timeout=10_000)
    assert "Similar recommendations already entered" in phone.locator(".rec-similar").inner_text()
    phone.select_option("select[name=target_actor]", "government")
    with phone.expect_navigation():
        match.locator("button", has_text="Merge into this one").click()
    expect(phone.locator("body")).to_contain_text("its wording is kept there")
    assert phone.locator(".rec-item").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # A participant starts typing it too, and supports the one there instead.
    visitor = open_page()
    visitor.goto(f"/f/{forum.slug}/me/{participant.access_key}/recommendations/")
    visitor.locator("#propose textarea[name=text]").fill("تعميم الربط بشبكة الماء الصالح للشرب")
    with visitor.expect_navigation():
        visitor.locator(".rec-similar button", has_text="Support this one instead").click(timeout=10_000)
    expect(visitor.locator("body")).to_contain_text("Your support has been counted.")
    db.session.commit()
    assert db.session.scalar(sa.select(Endorsement.recommendation_id)) == existing.id
    statuses = sorted(s.value for s in db.session.scalars(sa.select(Recommendation.status)))
    assert statuses == ["merged", "submitted"]
