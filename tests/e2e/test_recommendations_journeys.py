"""A workshop's recommendations in real browsers: the rapporteur on a phone, a participant, the organiser."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import PASSWORD

from forum.programme.models import Room, Session, SessionKind
from forum.recommendations.models import Recommendation, RecommendationSettings, RecommendationStatus

pytestmark = pytest.mark.e2e


def _sign_in(page, email: str) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(re.compile(r".*/my/forums$"))


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
        phone.click("#add button[type=submit]")
        phone.wait_for_load_state()
    assert phone.locator(".rec-item").count() == 2
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
    _sign_in(desk, organiser.email)
    desk.goto(f"/f/{forum.slug}/manage/recommendations/{first.id}")
    desk.check("input[name=duplicates]")
    desk.click("form[action$='/merge'] button[type=submit]")
    desk.wait_for_load_state()
    assert "Créer une plateforme nationale de crowdfunding" in desk.locator("figure").first.inner_text()
    desk.click("form[action$='/accept'] button")
    desk.wait_for_load_state()
    assert "The recommendation is accepted." in desk.content()
    desk.goto(f"/f/{forum.slug}/manage/recommendations/report")
    assert texts[0] in desk.locator("#section-recommendations").inner_text()
    desk.click("form[action$='/report/pdf'] button")
    download_link = desk.locator("text=Download the PDF")
    download_link.wait_for()
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
    now = datetime.now(UTC)
    db.session.add(RecommendationSettings(forum_id=forum.id, input_opens_at=now - timedelta(hours=1)))
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"fr": "Atelier RSE"},
        starts_at=now,
        ends_at=now + timedelta(hours=2),
    )
    db.session.add(workshop)
    db.session.flush()
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
