"""Pages of the recommendations module: access, validation, participants' supports, wall, report, exports."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest
import sqlalchemy as sa

from forum import hooks
from forum.jobs import Job, JobStatus
from forum.recommendations import services
from forum.recommendations.models import Endorsement, Recommendation, RecommendationStatus, TargetActor
from forum.registration.models import Category, Gender, RegistrationStatus


@pytest.fixture
def switch_to(client, login):
    """Sign out whoever is signed in, then sign this user in."""

    def do(user):
        client.post("/logout")
        return login(user)

    return do


def _add(workshop, actor, text="Créer un fonds régional", **kw):
    kw.setdefault("target_actor", TargetActor.government)
    return services.add_recommendation(workshop, text=text, actor=actor, **kw)


def test_workspace_is_for_the_workshops_rapporteur_and_organisers(
    client, switch_to, make_user, workshop_setup, make_workshop
):
    forum, rapporteur, organiser, workshop = workshop_setup
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}"
    assert client.get(url).status_code == 302  # sign in first
    other = make_user(forum=forum, roles=("rapporteur",))
    make_workshop(forum, rapporteur=other, title="RSE")
    switch_to(other)
    assert client.get(url).status_code == 403
    assert client.post(url, data={"text": "x", "target_actor": "donors", "priority": "low"}).status_code == 403
    agent = make_user(forum=forum, roles=("checkin_agent",))
    switch_to(agent)
    assert client.get(url).status_code == 403
    switch_to(organiser)
    assert client.get(url).status_code == 200


def test_rapporteur_adds_edits_and_reorders(client, switch_to, db, workshop_setup):
    forum, rapporteur, organiser, workshop = workshop_setup
    switch_to(rapporteur)
    url = f"/f/{forum.slug}/manage/recommendations/workshops/{workshop.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="Crowdfunding"' in page  # the workshop's theme is the default
    response = client.post(url, data={"text": "", "target_actor": "donors", "priority": "high", "theme": "RSE"})
    assert response.status_code == 200 and "This field is required." in response.get_data(as_text=True)
    assert 'value="RSE"' in response.get_data(as_text=True)  # the form comes back filled
    for text in ("تحفيز المقاولات جبائياً", "Former les jeunes au numérique"):
        response = client.post(url, data={"text": text, "target_actor": "private_sector", "priority": "high"})
        assert response.status_code == 302
    first, second = db.session.scalars(sa.select(Recommendation).order_by(Recommendation.id)).all()
    page = client.get(url).get_data(as_text=True)
    assert '<p class="rec-text" dir="rtl">تحفيز المقاولات جبائياً</p>' in page
    assert client.post(f"/f/{forum.slug}/manage/recommendations/{second.id}/move/up").status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert page.index("Former les jeunes") < page.index("تحفيز المقاولات")
    edit = f"/f/{forum.slug}/manage/recommendations/{first.id}/edit"
    data = {"text": "تحفيز المقاولات جبائياً على تمويل الجمعيات", "target_actor": "government", "priority": "low"}
    assert client.post(edit, data=data).status_code == 302
    page = client.get(edit).get_data(as_text=True)
    assert "تحفيز المقاولات جبائياً</blockquote>" in page  # the earlier wording is kept


def test_participant_supports_once_and_withdraws(client, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    recommendation = _add(workshop, rapporteur)
    db.session.commit()
    person = make_registration(forum)
    base = f"/f/{forum.slug}/me/{person.access_key}/recommendations"
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "Créer un fonds régional" in page and "Support</button>" in page
    for _ in range(2):
        assert client.post(f"{base}/{recommendation.id}/support").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement)) == 1
    page = client.get(f"{base}/").get_data(as_text=True)
    assert "1 support" in page and "Withdraw my support" in page
    assert client.post(f"{base}/{recommendation.id}/withdraw").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement)) == 0


def test_participant_submits_and_reads_why_it_was_not_retained(client, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    person = make_registration(forum)
    base = f"/f/{forum.slug}/me/{person.access_key}/recommendations/"
    data = {"workshop": workshop.id, "text": "Une plateforme régionale", "target_actor": "donors", "theme": ""}
    assert client.post(base, data=data).status_code == 302
    recommendation = db.session.scalar(sa.select(Recommendation))
    assert recommendation.author_registration_id == person.id
    services.reject(recommendation, "Déjà couverte par l'atelier 2", actor=organiser)
    db.session.commit()
    assert "Déjà couverte par l&#39;atelier 2" in client.get(base).get_data(as_text=True)


def test_unconfirmed_participants_cannot_support(client, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    recommendation = _add(workshop, rapporteur)
    db.session.commit()
    pending = make_registration(forum, status=RegistrationStatus.pending)
    base = f"/f/{forum.slug}/me/{pending.access_key}/recommendations"
    assert client.post(f"{base}/{recommendation.id}/support").status_code == 403
    assert (
        client.post(f"{base}/", data={"workshop": workshop.id, "text": "x", "target_actor": "donors"}).status_code
        == 403
    )
    assert "Support</button>" not in client.get(f"{base}/").get_data(as_text=True)


def test_live_wall_ranks_by_support(client, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    low, high = _add(workshop, rapporteur, text="Moins soutenue"), _add(workshop, rapporteur, text="Plus soutenue")
    services.endorse(high, make_registration(forum))
    db.session.commit()
    page = client.get(f"/f/{forum.slug}/recommendations/wall/{workshop.id}").get_data(as_text=True)
    assert f'data-poll="/f/{forum.slug}/recommendations/wall/{workshop.id}/live"' in page
    fragment = client.get(f"/f/{forum.slug}/recommendations/wall/{workshop.id}/live").get_data(as_text=True)
    assert fragment.index("Plus soutenue") < fragment.index("Moins soutenue")
    data = client.get(
        f"/f/{forum.slug}/recommendations/wall/{workshop.id}/live", headers={"Accept": "application/json"}
    ).get_json()
    assert [(r["id"], r["supports"]) for r in data["recommendations"]] == [(high.id, 1), (low.id, 0)]


def test_organiser_merges_accepts_and_rejects(client, switch_to, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    survivor, duplicate = _add(workshop, rapporteur), _add(workshop, rapporteur, text="Un fonds pour la région")
    services.endorse(duplicate, make_registration(forum))
    db.session.commit()
    switch_to(rapporteur)
    base = f"/f/{forum.slug}/manage/recommendations"
    assert client.post(f"{base}/{survivor.id}/accept").status_code == 403
    switch_to(organiser)
    assert client.post(f"{base}/{survivor.id}/merge", data={}).status_code == 400
    response = client.post(f"{base}/{survivor.id}/merge", data={"duplicates": [duplicate.id]})
    assert response.status_code == 302
    page = client.get(f"{base}/{survivor.id}").get_data(as_text=True)
    assert "Un fonds pour la région" in page and "1 support" in page
    assert client.post(f"{base}/{survivor.id}/accept").status_code == 302
    assert client.post(f"{base}/{duplicate.id}/reject", data={"reason": ""}).status_code == 400
    db.session.expire_all()
    assert db.session.get(Recommendation, survivor.id).status == RecommendationStatus.accepted
    assert db.session.get(Recommendation, duplicate.id).status == RecommendationStatus.merged
    page = client.get(f"{base}/consolidate?status=accepted").get_data(as_text=True)
    assert "Créer un fonds régional" in page


def test_follow_up_is_public(client, switch_to, db, workshop_setup):
    forum, rapporteur, organiser, workshop = workshop_setup
    recommendation = _add(workshop, rapporteur)
    services.accept(recommendation, actor=organiser)
    db.session.commit()
    switch_to(organiser)
    data = {
        "responsible": "Conseil régional",
        "status": "in_progress",
        "note": "Étude lancée",
        "noted_on": "2026-04-01",
    }
    assert (
        client.post(f"/f/{forum.slug}/manage/recommendations/{recommendation.id}/follow-up", data=data).status_code
        == 302
    )
    client.post("/logout")
    page = client.get(f"/f/{forum.slug}/recommendations/").get_data(as_text=True)
    assert "In charge: Conseil régional" in page and "Étude lancée" in page and "In progress" in page
    assert forum.title["en"] in client.get("/recommendations/follow-up").get_data(as_text=True)
    assert "Créer un fonds régional" in client.get("/recommendations/").get_data(as_text=True)


def test_report_sections_come_in_a_fixed_order(client, switch_to, db, workshop_setup, connect_hook):
    forum, rapporteur, organiser, workshop = workshop_setup
    services.accept(_add(workshop, rapporteur), actor=organiser)
    db.session.commit()

    def attendance(forum):
        return hooks.ReportSection(
            key="attendance",
            title="Attendance",
            template="recommendations/_text.html",
            context={"recommendation": type("R", (), {"text": "ATTENDANCE-PART", "direction": "ltr"})},
        )

    def exhibitors(forum):
        return hooks.ReportSection(
            key="exhibitors",
            title="Exhibitors",
            template="recommendations/_text.html",
            context={"recommendation": type("R", (), {"text": "EXHIBITORS-PART", "direction": "ltr"})},
        )

    connect_hook(hooks.report_sections, exhibitors, order=99)
    connect_hook(hooks.report_sections, attendance, order=98)
    switch_to(rapporteur)
    assert client.get(f"/f/{forum.slug}/manage/recommendations/report").status_code == 403
    switch_to(organiser)
    page = client.get(f"/f/{forum.slug}/manage/recommendations/report").get_data(as_text=True)
    order = [
        page.index(marker)
        for marker in ('id="section-facts"', "ATTENDANCE-PART", 'id="section-recommendations"', "EXHIBITORS-PART")
    ]
    assert order == sorted(order)
    assert "Créer un fonds régional" in page


def _tool(name: str) -> str:
    path = shutil.which(name)
    assert path, f"{name} (poppler-utils) is needed: scripts/system-deps.sh installs it"
    return path


def _text_of(pdf: Path) -> str:
    out = subprocess.run(
        [_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    # pdftotext marks embedded right-to-left runs with bidi controls; the letters themselves are logical.
    return "".join(ch for ch in out if unicodedata.category(ch) != "Cf")


def _words_of(pdf: Path) -> list[tuple[str, float, float, float]]:
    """Each word pdftotext finds, with where it starts and ends on the line and its height (points)."""
    out = subprocess.run([_tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    found = re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<', out.decode())
    return [(word, float(x0), float(x1), round(float(y1) - float(y0), 1)) for x0, y0, x1, y1, word in found]


def _report_pdf(client, db, forum, language: str, folder: Path) -> Path:
    """The report's PDF as the signed-in organiser builds it in `language` and downloads it."""
    client.post(f"/language/{language}")
    response = client.post(f"/f/{forum.slug}/manage/recommendations/report/pdf")
    assert response.status_code == 302
    job = db.session.scalars(sa.select(Job).order_by(Job.id.desc())).first()
    assert job.status == JobStatus.done, job.error
    status = client.get(f"/f/{forum.slug}/manage/recommendations/report/jobs/{job.id}/status").get_data(as_text=True)
    assert "data-poll-stop" in status and f"/jobs/{job.id}/download" in status
    download = client.get(f"/f/{forum.slug}/manage/recommendations/report/jobs/{job.id}/download")
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    pdf = folder / f"report-{language}.pdf"
    pdf.write_bytes(download.data)
    return pdf


def test_pdf_report_is_built_in_a_job_with_shaped_rtl_arabic(client, switch_to, db, workshop_setup, tmp_path):
    forum, rapporteur, organiser, workshop = workshop_setup
    text = "تسريع إصدار النصوص التطبيقية المتعلقة بالتمويل التعاوني"
    services.accept(_add(workshop, rapporteur, text=text), actor=organiser)
    db.session.commit()
    switch_to(organiser)
    pdf = _report_pdf(client, db, forum, "ar", tmp_path)

    extracted = _text_of(pdf)
    assert text in re.sub(r"\s+", " ", extracted)  # logical order, not reversed
    assert "تقرير المخرجات" in extracted
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", extracted)  # no unshaped presentation-form fallbacks
    fonts = subprocess.run([_tool("pdffonts"), str(pdf)], capture_output=True, check=True).stdout.decode()
    assert "Noto-Sans-Arabic" in fonts

    subprocess.run(
        [_tool("pdftoppm"), "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True
    )
    from PIL import Image

    [png] = tmp_path.glob("page*.png")
    image = Image.open(png).convert("L")
    width, height = image.size
    # The title block of an RTL page starts at the right margin: ink in the right half, the left is empty.
    top = image.crop((0, int(height * 0.04), width, int(height * 0.12)))
    ink = [x for x in range(width) if any(top.getpixel((x, y)) < 128 for y in range(top.size[1]))]
    assert ink and min(ink) > width * 0.3 and max(ink) > width * 0.8


def test_pdf_attendance_charts_draw_their_labels_as_text_shaped_and_whole(
    client, switch_to, db, workshop_setup, make_registration, tmp_path
):
    forum, _rapporteur, organiser, _workshop = workshop_setup
    make_registration(forum, province="errachidia", category=Category.cooperative)
    make_registration(forum, province="errachidia", gender=Gender.unspecified)
    switch_to(organiser)
    arabic = re.sub(r"\s+", " ", _text_of(_report_pdf(client, db, forum, "ar", tmp_path)))
    # logical order, as typed: an SVG <text> came out reversed, its letters unjoined
    assert "الرشيدية" in arabic and "تعاونية" in arabic
    assert not re.search("[\ufb50-\ufdff\ufe70-\ufeff]", arabic)
    assert "ةيديشرلا" not in arabic  # what an SVG <text> gave: the letters reversed
    french_pdf = _report_pdf(client, db, forum, "fr", tmp_path)
    assert "Je préfère ne pas répondre" in re.sub(r"\s+", " ", _text_of(french_pdf))
    words = _words_of(french_pdf)
    body = {height for word, _x0, _x1, height in words if word == "Lieu"}  # the facts' text size
    labels = [(x0, x1, height) for word, x0, x1, height in words if word == "répondre"]
    assert labels and all(height in body for *_x, height in labels)  # the size of the text, not twice it
    margin = 16 * 72 / 25.4  # the page's side margins (16 mm): nothing drawn past them
    assert all(margin - 1 < x0 and x1 < 595 - margin + 1 for x0, x1, _h in labels)


def test_exports_list_recommendations_with_supports(client, switch_to, db, workshop_setup, make_registration):
    forum, rapporteur, organiser, workshop = workshop_setup
    recommendation = _add(workshop, rapporteur, text="تعزيز الشفافية")
    _add(workshop, rapporteur, text='=HYPERLINK("http://evil.example","clic")')
    person = make_registration(forum)
    services.endorse(recommendation, person)
    db.session.commit()
    switch_to(organiser)
    response = client.get(f"/f/{forum.slug}/manage/recommendations/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0]["text"] == "تعزيز الشفافية" and rows[0]["supports"] == "1"
    assert rows[0]["supporters"] == str(person.id)
    assert rows[1]["text"].startswith("'=HYPERLINK")  # not run as a formula by a spreadsheet
    payload = json.loads(client.get(f"/f/{forum.slug}/manage/recommendations/export.json").data)
    assert payload["recommendations"][0]["supporters"][0]["registration_id"] == person.id
    switch_to(rapporteur)
    assert client.get(f"/f/{forum.slug}/manage/recommendations/export.csv").status_code == 403


def test_organiser_pages_links_and_input_window(client, switch_to, db, workshop_setup):
    forum, rapporteur, organiser, workshop = workshop_setup
    _add(workshop, rapporteur)
    db.session.commit()
    switch_to(rapporteur)
    page = client.get(f"/f/{forum.slug}/manage/recommendations/").get_data(as_text=True)
    assert f"/manage/recommendations/workshops/{workshop.id}" in page and "Export CSV" not in page
    assert client.get(f"/f/{forum.slug}/manage/recommendations/settings").status_code == 403
    switch_to(organiser)
    dashboard = client.get(f"/f/{forum.slug}/manage/").get_data(as_text=True)
    assert f'href="/f/{forum.slug}/manage/recommendations/"' in dashboard
    url = f"/f/{forum.slug}/manage/recommendations/settings"
    bad = client.post(url, data={"opens_at": "2026-02-14T18:00", "closes_at": "2026-02-14T09:00"})
    assert bad.status_code == 200 and "The input window must close after it opens." in bad.get_data(as_text=True)
    assert client.post(url, data={"opens_at": "2026-02-13T09:00", "closes_at": "2026-02-14T18:00"}).status_code == 302
    opens, closes = services.input_window(forum)
    assert (opens.hour, closes.hour) == (8, 17)  # typed in Casablanca time (UTC+1 in February), stored in UTC
    assert not services.input_is_open(forum)
    assert f"/f/{forum.slug}/recommendations/" not in client.get(f"/f/{forum.slug}/").get_data(as_text=True)
    services.accept(db.session.scalar(sa.select(Recommendation)), actor=organiser)
    db.session.commit()
    assert f"/f/{forum.slug}/recommendations/" in client.get(f"/f/{forum.slug}/").get_data(as_text=True)


def test_report_and_compilation_queries_do_not_grow_with_the_recommendations(
    client, switch_to, db, workshop_setup, make_workshop, make_registration, count_queries
):
    forum, rapporteur, organiser, workshop = workshop_setup
    people = [make_registration(forum) for _ in range(3)]
    switch_to(organiser)

    def grow(count: int) -> None:
        for n in range(count):
            recommendation = _add(make_workshop(forum, title=f"Thème {n}"), organiser, text=f"Texte {n}")
            for person in people:
                services.endorse(recommendation, person)
            services.accept(recommendation, actor=organiser)
        db.session.commit()

    def queries(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return sum(1 for statement in counter.statements if statement.strip().upper() != "BEGIN")

    grow(2)
    before = {url: queries(url) for url in (f"/f/{forum.slug}/manage/recommendations/report", "/recommendations/")}
    grow(5)
    after = {url: queries(url) for url in before}
    assert after == before


def test_nobody_reaches_another_workshops_or_forums_recommendations(
    client, switch_to, db, workshop_setup, make_forum, make_user, make_workshop, make_registration, open_input
):
    forum, rapporteur, organiser, workshop = workshop_setup
    other_rapporteur = make_user(forum=forum, roles=("rapporteur",))
    theirs = _add(make_workshop(forum, rapporteur=other_rapporteur, title="RSE"), other_rapporteur)
    elsewhere_forum = make_forum()
    open_input(elsewhere_forum)
    elsewhere = _add(make_workshop(elsewhere_forum), make_user(is_admin=True))
    db.session.commit()
    switch_to(rapporteur)
    base = f"/f/{forum.slug}/manage/recommendations"
    assert client.get(f"{base}/{theirs.id}/edit").status_code == 403
    assert client.post(f"{base}/{theirs.id}/move/down").status_code == 403
    assert client.get(f"{base}/{elsewhere.id}/edit").status_code == 404
    person = make_registration(forum)
    mine = f"/f/{forum.slug}/me/{person.access_key}/recommendations"
    assert client.post(f"{mine}/{elsewhere.id}/support").status_code == 404
    assert client.get(f"/f/{elsewhere_forum.slug}/me/{person.access_key}/recommendations/").status_code == 404
