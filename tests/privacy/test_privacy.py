"""Personal data under law 09-08: a person's export, erasure that keeps the figures, retention, consent."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from datetime import date, timedelta

import sqlalchemy as sa

from forum.audit import AuditEntry
from forum.badges.services import badge_code
from forum.checkin import services as checkin
from forum.checkin import stats
from forum.checkin.models import CheckIn
from forum.checkin.scan import scan_at_desk
from forum.exhibition import services as exhibition
from forum.exhibition.models import Lead
from forum.privacy.models import ConsentText
from forum.registration import services as registration_services
from forum.registration.models import Registration, RegistrationStatus

EN = {"Accept-Language": "en"}
SIGNUP = {
    "name_ar": "خديجة أوحمان",
    "name_latin": "Khadija Ouahmane",
    "email": "khadija@example.ma",
    "phone": "0612345678",
    "organisation_id": "",
    "organisation_name": "جمعية واحة زيز",
    "organisation_kind": "association",
    "organisation_province": "errachidia",
    "organisation_area": "rural",
    "category": "association",
    "gender": "female",
    "province": "errachidia",
    "area": "rural",
    "locale": "ar",
    "consent": "y",
}


def _pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "data.pdf"
    path.write_bytes(data)
    out = subprocess.run([shutil.which("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True)
    return "".join(ch for ch in out.stdout.decode() if unicodedata.category(ch) != "Cf")


def _visited(db, forum, make_registration, make_exhibitor, **person):
    """A person who came: checked in, scanned at a booth, with a note about them."""
    visitor = make_registration(forum, shares_contact=True, **person)
    desk, _token = checkin.create_desk(forum, "Desk 1", actor=None)
    scan_at_desk(forum, checkin.default_list(forum), code=badge_code(visitor), desk=desk)
    exhibitor = make_exhibitor(forum, "Atlas Solar")
    lead = exhibition.record_lead(exhibitor, badge_code(visitor), actor=exhibitor.staff[0].user).lead
    lead.note = "Wants a partnership"
    db.session.commit()
    return visitor


def test_a_person_downloads_everything_held_about_them_in_json_and_pdf(
    client, db, make_forum, make_registration, make_exhibitor, tmp_path
):
    forum = make_forum(starts_on=date.today(), ends_on=date.today() + timedelta(days=1))
    visitor = _visited(db, forum, make_registration, make_exhibitor, name_ar="خديجة أوحمان", locale="ar")
    base = f"/f/{forum.slug}/me/{visitor.access_key}"
    assert f'href="{base}/privacy"' in client.get(f"{base}/").text
    page = client.get(f"{base}/privacy", headers=EN)
    assert page.status_code == 200 and "Atlas Solar" in page.text and "Wants a partnership" in page.text
    assert page.headers["Cache-Control"] == "no-store"
    data = json.loads(client.get(f"{base}/privacy/data.json").data)
    sections = {section["key"]: section["records"] for section in data["sections"]}
    assert sections["registration"][0]["email"] == visitor.email
    assert sections["leads"][0]["exhibitor"] == "Atlas Solar" and len(sections["scans"]) == 1
    assert {"workshops", "supports"} <= set(sections)
    pdf = client.get(f"{base}/privacy/data.pdf")
    assert pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data, tmp_path)
    assert "خديجة أوحمان" in text and visitor.email in text and "Atlas Solar" in text
    assert "بياناتي الشخصية" in text  # the headings in the person's language
    assert client.get(f"/f/{forum.slug}/me/not-a-key/privacy/data.json").status_code == 404


def test_erasure_keeps_the_figures_removes_leads_and_records_no_personal_data(
    client, db, make_forum, make_registration, make_exhibitor
):
    forum = make_forum(starts_on=date.today(), ends_on=date.today() + timedelta(days=1))
    visitor = _visited(db, forum, make_registration, make_exhibitor)
    make_registration(forum)
    email, code, key = visitor.email, badge_code(visitor), visitor.access_key
    before = (stats.totals(forum), registration_services.balance(forum))
    url = f"/f/{forum.slug}/me/{key}/privacy"
    page = client.post(url, data={}, headers=EN)
    assert page.status_code == 200 and "Tick the box to confirm the erasure." in page.text
    response = client.post(url, data={"understood": "y"}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"] == f"/f/{forum.slug}/privacy/erased"
    assert "has been erased" in client.get(response.headers["Location"], headers=EN).text
    db.session.expire_all()
    assert (stats.totals(forum), registration_services.balance(forum)) == before
    erased = db.session.get(Registration, visitor.id)
    assert erased.status == RegistrationStatus.confirmed and erased.erased_at is not None
    assert erased.email != email and erased.phone is None and "Fatima" not in (erased.name_latin or "")
    assert db.session.scalar(sa.select(sa.func.count(Lead.id))) == 0
    assert db.session.scalar(sa.select(CheckIn.scanned).where(CheckIn.registration_id == visitor.id)) is None
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "privacy.erase"))
    assert entry.target == f"registration:{visitor.id}" and email not in json.dumps(entry.data)
    # The private link and the badge are dead.
    assert client.get(f"/f/{forum.slug}/me/{key}/").status_code == 404
    agent_result = scan_at_desk(forum, checkin.default_list(forum), code=code)
    assert agent_result.outcome == "refused"


def test_erasure_before_the_forum_frees_the_place(client, db, make_forum, make_registration):
    forum = make_forum()
    person = make_registration(forum)
    client.post(f"/f/{forum.slug}/me/{person.access_key}/privacy", data={"understood": "y"})
    db.session.expire_all()
    assert db.session.get(Registration, person.id).status == RegistrationStatus.cancelled


def test_purge_dry_run_says_what_then_the_run_erases(runner, db, make_forum, make_registration):
    old = make_forum(starts_on=date.today() - timedelta(days=400), ends_on=date.today() - timedelta(days=399))
    kept = make_forum(starts_on=date.today() - timedelta(days=400), ends_on=date.today() - timedelta(days=399))
    kept.retention_days = 1000
    recent = make_forum()
    people = [make_registration(old), make_registration(old), make_registration(kept), make_registration(recent)]
    db.session.commit()
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert result.exit_code == 0 and f"would erase 2 registration(s) of {old.slug}" in result.output
    assert kept.slug not in result.output and recent.slug not in result.output
    db.session.expire_all()
    assert all(db.session.get(Registration, p.id).erased_at is None for p in people)
    result = runner.invoke(args=["privacy", "purge"])
    assert f"erased 2 registration(s) of {old.slug}" in result.output
    db.session.expire_all()
    assert [db.session.get(Registration, p.id).erased_at is not None for p in people] == [True, True, False, False]
    assert db.session.get(type(old), old.id).personal_data_purged_at is not None
    assert "No forum is past its retention period" in runner.invoke(args=["privacy", "purge"]).output


def test_each_registration_keeps_the_consent_wording_it_accepted(app, client, db, make_forum):
    forum = make_forum()
    clean = SIGNUP
    client.post(f"/f/{forum.slug}/register", data=clean)
    app.config["PRIVACY_CNDP_NUMBER"] = "D-GC-123/2026"
    try:
        client.post(f"/f/{forum.slug}/register", data={**clean, "email": "second@example.ma"})
    finally:
        app.config["PRIVACY_CNDP_NUMBER"] = ""
    first, second = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert first.consent_text_id != second.consent_text_id
    assert "D-GC-123/2026" not in db.session.get(ConsentText, first.consent_text_id).texts["ar"]
    assert "D-GC-123/2026" in db.session.get(ConsentText, second.consent_text_id).texts["fr"]
    assert "traitement de mes données" in db.session.get(ConsentText, first.consent_text_id).texts["fr"]


def test_the_notice_names_controller_cndp_number_and_retention_in_each_language(app, client):
    app.config.update(PRIVACY_CONTROLLER="Association Draa-Tafilalet", PRIVACY_CNDP_NUMBER="D-GC-77/2026")
    try:
        for language, words in (("ar", "مدة الاحتفاظ"), ("fr", "Conservation"), ("en", "Retention")):
            page = client.get("/privacy", headers={"Accept-Language": language}).text
            assert "Association Draa-Tafilalet" in page and "D-GC-77/2026" in page and words in page
            assert f'lang="{language}"' in page
    finally:
        app.config.update(PRIVACY_CONTROLLER="", PRIVACY_CNDP_NUMBER="")


def test_an_organiser_sets_the_forums_retention_period(as_role, db):
    client, forum, _user = as_role("organiser")
    page = client.get(f"/f/{forum.slug}/manage/edit").text
    assert 'name="retention_days"' in page
    data = {
        "title-fr": "Forum",
        "slug": forum.slug,
        "region": forum.region,
        "city-fr": "Errachidia",
        "starts_on": forum.starts_on.isoformat(),
        "ends_on": forum.ends_on.isoformat(),
        "status": "open",
        "default_locale": "ar",
        "retention_days": "90",
    }
    assert client.post(f"/f/{forum.slug}/manage/edit", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(forum), forum.id).retention_days == 90
    page = client.post(f"/f/{forum.slug}/manage/edit", data={**data, "retention_days": "-4"}, headers=EN).text
    assert "Number must be between 0 and 3650." in page and 'value="Errachidia"' in page
