"""Feedback surveys: questions per language (rating, one or several choices, free text, per workshop),
opened after the forum to those present, one answer per person, and the results."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from forum import audit
from forum.checkin.models import Admission, CheckInList, ListKind
from forum.db import translated, utcnow
from forum.errors import ForumError
from forum.events.models import Forum
from forum.extensions import db
from forum.messages.models import Answer, Question, QuestionKind, Response, Survey
from forum.programme.models import Session, SessionKind, Signup, SignupStatus
from forum.registration.models import Registration

MAX_TEXT = 2000


class SurveyError(ForumError):
    message = _l("This survey cannot be changed.")


def survey_of(forum: Forum) -> Survey | None:
    """The forum's survey, once one has been started."""
    return db.session.scalar(sa.select(Survey).where(Survey.forum_id == forum.id))


def add_question(
    forum: Forum,
    *,
    kind: QuestionKind,
    text: dict[str, str],
    choices: list[dict[str, str]],
    session_id: int | None,
    actor: Any,
) -> Question:
    """Add a question at the end of the survey (not once it is open: answers would not compare)."""
    survey = survey_of(forum)
    if survey is None:
        survey = Survey(forum_id=forum.id)
        db.session.add(survey)
        db.session.flush()
    if survey.opened_at is not None:
        raise SurveyError(_l("The survey is open: its questions can no longer change."))
    if kind in (QuestionKind.single, QuestionKind.multiple) and len(choices) < 2:
        raise SurveyError(_l("Give at least two choices, one a line."))
    if (
        session_id is not None
        and db.session.scalar(
            sa.select(Session.id).where(
                Session.id == session_id, Session.forum_id == forum.id, Session.kind == SessionKind.workshop
            )
        )
        is None
    ):
        raise SurveyError(_l("Choose one of the forum's workshops."))
    position = len(survey.questions)
    question = Question(
        survey_id=survey.id,
        position=position,
        kind=kind,
        text=text,
        choices=choices if kind in (QuestionKind.single, QuestionKind.multiple) else [],
        session_id=session_id,
    )
    db.session.add(question)
    db.session.flush()
    db.session.refresh(survey)
    audit.record("message.survey_question", actor=actor, forum=forum, target=question)
    return question


def remove_question(forum: Forum, question: Question, *, actor: Any) -> None:
    """Take a question out of a survey that is not open yet."""
    survey = db.session.get(Survey, question.survey_id)
    if survey.forum_id != forum.id or survey.opened_at is not None:
        raise SurveyError(_l("The survey is open: its questions can no longer change."))
    db.session.delete(question)
    db.session.flush()
    audit.record("message.survey_question_remove", actor=actor, forum=forum)


def open_survey(forum: Forum, *, actor: Any, now: datetime | None = None) -> Survey:
    """Open the survey to those present, from the forum's last day on."""
    now = now or utcnow()
    survey = survey_of(forum)
    if survey is None or not survey.questions:
        raise SurveyError(_l("Add at least one question first."))
    if now.astimezone(forum.zone).date() < forum.ends_on:
        raise SurveyError(_l("The survey opens on the forum's last day at the earliest."))
    survey.opened_at, survey.closed_at = survey.opened_at or now, None
    db.session.flush()
    audit.record("message.survey_open", actor=actor, forum=forum)
    return survey


def close_survey(forum: Forum, *, actor: Any, now: datetime | None = None) -> Survey:
    """Stop taking answers."""
    survey = survey_of(forum)
    if survey is None or not survey.is_open:
        raise SurveyError(_l("The survey is not open."))
    survey.closed_at = now or utcnow()
    db.session.flush()
    audit.record("message.survey_close", actor=actor, forum=forum)
    return survey


def _admitted(registration_id: int, *where: Any) -> sa.Select:
    return (
        sa.select(Admission.id)
        .join(CheckInList, CheckInList.id == Admission.list_id)
        .where(Admission.registration_id == registration_id, Admission.undone_at.is_(None), *where)
        .limit(1)
    )


def was_present(registration: Registration) -> bool:
    """Whether the person was welcomed at the entrance at least once."""
    query = _admitted(
        registration.id, CheckInList.forum_id == registration.forum_id, CheckInList.kind == ListKind.entrance
    )
    return db.session.scalar(query) is not None


def questions_for(survey: Survey, registration: Registration) -> list[Question]:
    """The questions this person is asked: the general ones and those of the workshops they attended
    (let in by the room's desk, or holding a confirmed seat)."""
    sessions = {q.session_id for q in survey.questions if q.session_id is not None}
    attended: set[int] = set()
    if sessions:
        rooms = (
            sa.select(CheckInList.session_id)
            .join(Admission, Admission.list_id == CheckInList.id)
            .where(
                Admission.registration_id == registration.id,
                Admission.undone_at.is_(None),
                CheckInList.session_id.in_(sessions),
            )
        )
        seats = sa.select(Signup.session_id).where(
            Signup.registration_id == registration.id,
            Signup.status == SignupStatus.confirmed,
            Signup.session_id.in_(sessions),
        )
        attended = set(db.session.scalars(rooms.union(seats)))
    return [q for q in survey.questions if q.session_id is None or q.session_id in attended]


def response_of(survey: Survey, registration: Registration) -> Response | None:
    """The person's answers, once given."""
    query = sa.select(Response).where(Response.survey_id == survey.id, Response.registration_id == registration.id)
    return db.session.scalar(query)


def _answer(question: Question, value: Any) -> Answer | None:
    if value in (None, "", []):
        return None
    if question.kind == QuestionKind.rating:
        if not str(value).isdigit() or not 1 <= int(value) <= 5:
            raise SurveyError(_l("A rating goes from 1 to 5."))
        return Answer(question_id=question.id, rating=int(value), picked=[])
    if question.kind == QuestionKind.text:
        return Answer(question_id=question.id, text=str(value).strip()[:MAX_TEXT], picked=[])
    picked = sorted({int(v) for v in (value if isinstance(value, list) else [value]) if str(v).isdigit()})
    if not picked or picked[-1] >= len(question.choices) or (question.kind == QuestionKind.single and len(picked) > 1):
        raise SurveyError(_l("Pick among the choices given."))
    return Answer(question_id=question.id, picked=picked)


def submit(survey: Survey, registration: Registration, values: dict[int, Any]) -> Response:
    """Record one person's answers: only while open, only for those present, only once."""
    if not survey.is_open:
        raise SurveyError(_l("The survey is closed."))
    if not was_present(registration):
        raise SurveyError(_l("Only the people who came to the forum can answer."))
    answers = [a for q in questions_for(survey, registration) if (a := _answer(q, values.get(q.id))) is not None]
    if not answers:
        raise SurveyError(_l("Answer at least one question."))
    response = Response(survey_id=survey.id, registration_id=registration.id)
    try:
        with db.session.begin_nested():
            db.session.add(response)
            db.session.flush()
    except IntegrityError:
        raise SurveyError(_l("You have already answered: thank you.")) from None
    for answer in answers:
        answer.response_id = response.id
    db.session.add_all(answers)
    db.session.flush()
    return response


@dataclass
class Bar:
    label: str
    count: int
    share: float


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    bars: list[Bar] = field(default_factory=list)
    average: float | None = None
    texts: list[str] = field(default_factory=list)


def results(survey: Survey) -> tuple[int, list[QuestionResult]]:
    """How many answered, and for each question its bars (ratings and choices), average or texts."""
    rows = db.session.execute(
        sa.select(Answer).join(Response, Response.id == Answer.response_id).where(Response.survey_id == survey.id)
    ).scalars()
    by_question: dict[int, list[Answer]] = {}
    for answer in rows:
        by_question.setdefault(answer.question_id, []).append(answer)
    total = db.session.scalar(sa.select(sa.func.count(Response.id)).where(Response.survey_id == survey.id)) or 0
    out = []
    for question in survey.questions:
        answers = by_question.get(question.id, [])
        result = QuestionResult(question, len(answers))
        if question.kind == QuestionKind.rating:
            counts = [sum(1 for a in answers if a.rating == n) for n in range(1, 6)]
            result.bars = [
                Bar(str(n), c, c / len(answers) if answers else 0) for n, c in zip(range(1, 6), counts, strict=True)
            ]
            result.average = sum(a.rating for a in answers) / len(answers) if answers else None
        elif question.kind == QuestionKind.text:
            result.texts = [a.text for a in answers if a.text]
        else:
            counts = [sum(1 for a in answers if n in a.picked) for n in range(len(question.choices))]
            result.bars = [
                Bar(translated(c), n, n / len(answers) if answers else 0)
                for c, n in zip(question.choices, counts, strict=True)
            ]
        out.append(result)
    return total, out


def free_text_rows(survey: Survey) -> list[tuple[str, str, str, datetime]]:
    """Every free-text answer, for the export: question, workshop, text, when (no name: opinions, not people)."""
    rows = db.session.execute(
        sa.select(Question, Answer.text, Response.submitted_at)
        .join(Answer, Answer.question_id == Question.id)
        .join(Response, Response.id == Answer.response_id)
        .where(Question.survey_id == survey.id, Question.kind == QuestionKind.text, Answer.text.is_not(None))
        .order_by(Question.position, Response.submitted_at)
    ).all()
    sessions = {s.id: s for s in db.session.scalars(sa.select(Session).where(Session.forum_id == survey.forum_id))}
    return [
        (translated(q.text), translated(sessions[q.session_id].title) if q.session_id in sessions else "", text, at)
        for q, text, at in rows
    ]
