"""Feedback: the organiser builds and opens the survey, those present answer once, results and export."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time

import pytest
import sqlalchemy as sa

from forum.auth.models import Role
from forum.messages import services
from forum.messages.models import QuestionKind, Response


def _after(forum) -> datetime:
    return datetime.combine(forum.ends_on, time(18), tzinfo=forum.zone).astimezone(UTC)


def test_the_survey_opens_only_from_the_forums_last_day(population, db):
    forum = population.forum
    services.add_question(forum, kind=QuestionKind.rating, text={"fr": "Note"}, choices=[], session_id=None, actor=None)
    with pytest.raises(services.SurveyError):
        services.open_survey(forum, actor=None, now=datetime.combine(forum.starts_on, time(10), tzinfo=UTC))
    services.open_survey(forum, actor=None, now=_after(forum))
    with pytest.raises(services.SurveyError):  # its questions are fixed once open
        services.add_question(
            forum, kind=QuestionKind.text, text={"fr": "Autre"}, choices=[], session_id=None, actor=None
        )


def test_a_person_present_answers_once_even_when_submitting_twice(survey, population, client, db):
    amina = population.people["amina"]
    url = f"/f/{population.forum.slug}/me/{amina.access_key}/feedback"
    page = client.get(url).get_data(as_text=True)
    assert "Note globale" in page or "التقييم العام" in page
    assert "Votre avis sur l&#39;atelier" in page or "Votre avis sur l'atelier" in page  # she attended workshop 2
    questions = survey.questions
    data = {f"q{questions[0].id}": "4", f"q{questions[1].id}": ["0", "2"], f"q{questions[2].id}": "Très utile"}
    assert client.post(url, data=data).status_code == 302
    again = client.post(url, data=data)
    assert "You have already answered" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 1


def test_the_database_keeps_one_response_per_person(survey, population, db):
    db.session.add(Response(survey_id=survey.id, registration_id=population.people["amina"].id))
    db.session.commit()
    db.session.add(Response(survey_id=survey.id, registration_id=population.people["amina"].id))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_an_absent_person_cannot_answer(survey, population, client, db):
    brahim = population.people["brahim"]  # confirmed, never welcomed at the entrance
    url = f"/f/{population.forum.slug}/me/{brahim.access_key}/feedback"
    assert "Only the people who came to the forum can answer." in client.get(url).get_data(as_text=True)
    client.post(url, data={f"q{survey.questions[0].id}": "5"})
    assert db.session.scalar(sa.select(sa.func.count(Response.id))) == 0
    with pytest.raises(services.SurveyError):
        services.submit(survey, brahim, {survey.questions[0].id: "5"})


def test_results_show_bars_and_texts_and_the_free_text_exports(survey, population, as_role, db):
    for name, rating, picked in (("amina", "5", ["0", "1"]), ("fadwa", "3", ["0"]), ("hamza", "5", [])):
        values = {survey.questions[0].id: rating, survey.questions[1].id: picked}
        if name == "amina":
            values[survey.questions[2].id] = '=HYPERLINK("x") utile'
        services.submit(survey, population.people[name], values)
    db.session.commit()
    answered, results = services.results(survey)
    assert answered == 3
    assert [bar.count for bar in results[0].bars] == [0, 0, 1, 0, 2] and round(results[0].average, 2) == 4.33
    assert [bar.count for bar in results[1].bars] == [2, 1, 0]
    assert results[2].texts == ['=HYPERLINK("x") utile']

    client, forum, _user = as_role(Role.organiser, population.forum)
    page = client.get(f"/f/{forum.slug}/manage/messages/survey").get_data(as_text=True)
    assert "3 people answered." in page and '<table class="bars">' in page and "Average: 4.3 out of 5" in page
    exported = client.get(f"/f/{forum.slug}/manage/messages/survey/answers.csv")
    rows = list(csv.reader(io.StringIO(exported.data.decode("utf-8-sig"))))
    assert rows[1][2].startswith("'=HYPERLINK")  # the one writer keeps a formula as text
    report = client.get(f"/f/{forum.slug}/manage/recommendations/report").get_data(as_text=True)
    assert "Participants&#39; feedback" in report or "Participants' feedback" in report


def test_only_organisers_build_the_survey(population, as_role):
    client, forum, _user = as_role(Role.rapporteur, population.forum)
    assert client.get(f"/f/{forum.slug}/manage/messages/survey").status_code == 403
    organiser, _forum, _user = as_role(Role.organiser, population.forum)
    answer = organiser.post(
        f"/f/{forum.slug}/manage/messages/survey",
        data={"kind": "single", "text-fr": "Votre province", "choices-fr": "Errachidia", "session_id": "0"},
    )
    assert "Give at least two choices, one a line." in answer.get_data(as_text=True)
    assert "Votre province" in answer.get_data(as_text=True)
