"""The feedback survey: the organisers' builder and results, a person's answers."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import spreadsheets
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.forms import ConfirmForm, clean_translations
from forum.messages import bp, services
from forum.messages.forms import QuestionForm, answer_form
from forum.messages.models import Question
from forum.registration.access import participant_required
from forum.web import run


def _add(form: QuestionForm):
    return services.add_question(
        g.forum,
        kind=form.kind.data,
        text=clean_translations(form.text.data),
        choices=form.choice_list,
        session_id=form.session_id.data or None,
        actor=current_user,
    )


@bp.route("/f/<forum_slug>/manage/messages/survey", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def survey():
    form = QuestionForm()
    form.offer(services.workshop_choices(g.forum))
    if form.validate_on_submit() and run(lambda: _add(form), success=_("Question added."), field=form.kind):
        return redirect(url_for(".survey"))
    survey = services.survey_of(g.forum)
    answered, results = services.results(survey) if survey else (0, [])
    return render_template(
        "messages/survey.html",
        forum=g.forum,
        form=form,
        survey=survey,
        answered=answered,
        results=results,
    )


@bp.route("/f/<forum_slug>/manage/messages/survey/<any(open, close):action>", methods=["POST"])
@forum_role_required(Role.organiser)
def survey_state(action: str):
    change = services.open_survey if action == "open" else services.close_survey
    if ConfirmForm().validate_on_submit():
        run(
            lambda: change(g.forum, actor=current_user),
            success=_("Survey opened.") if action == "open" else _("Survey closed."),
        )
    return redirect(url_for(".survey"))


@bp.route("/f/<forum_slug>/manage/messages/survey/questions/<int:question_id>/delete", methods=["POST"])
@forum_role_required(Role.organiser)
def remove_question(question_id: int):
    survey = services.survey_of(g.forum) or abort(404)
    question = next((q for q in survey.questions if q.id == question_id), None) or abort(404)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.remove_question(g.forum, question, actor=current_user), success=_("Question removed."))
    return redirect(url_for(".survey"))


@bp.route("/f/<forum_slug>/manage/messages/survey/answers.<any(csv, xlsx):fmt>")
@forum_role_required(Role.organiser)
def survey_answers(fmt: str):
    survey = services.survey_of(g.forum) or abort(404)
    headings = [_("Question"), _("Workshop"), _("Answer"), _("When")]
    rows = services.free_text_rows(survey)
    data = spreadsheets.to_csv(headings, rows) if fmt == "csv" else spreadsheets.to_xlsx(headings, rows)
    mimetype = "text/csv" if fmt == "csv" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = f'attachment; filename="feedback-{g.forum.slug}.{fmt}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


@bp.route("/f/<forum_slug>/me/<access_key>/feedback", methods=["GET", "POST"])
@participant_required()
def feedback():
    survey = services.survey_of(g.forum)
    if survey is None or survey.opened_at is None:
        abort(404)
    questions = services.questions_for(survey, g.registration)
    form = answer_form(questions)
    if form.validate_on_submit() and run(
        lambda: services.submit(survey, g.registration, {q.id: _value(q) for q in questions}),
        success=_("Thank you for your answers."),
    ):
        return redirect(url_for(".feedback"))
    return render_template(
        "messages/feedback.html",
        forum=g.forum,
        form=form,
        survey=survey,
        questions=questions,
        answered=services.response_of(survey, g.registration),
        present=services.was_present(g.registration),
    )


def _value(question: Question):
    name = f"q{question.id}"
    return request.form.getlist(name) if question.kind.value == "multiple" else request.form.get(name)
