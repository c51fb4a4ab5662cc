"""Pages of the recommendations module: rapporteur workspace, wall, participant supports,
consolidation, outcomes report, exports, follow-up and the national compilation."""

from __future__ import annotations

import csv
import io
import json

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from forum import jobs, storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.errors import ForumError
from forum.events.services import local_to_utc, utc_to_local
from forum.extensions import db
from forum.forms import ConfirmForm
from forum.i18n import region_name
from forum.recommendations import bp, report, services
from forum.recommendations.forms import (
    FollowUpForm,
    MergeForm,
    ParticipantRecommendationForm,
    RecommendationForm,
    RejectForm,
    WindowForm,
)
from forum.recommendations.models import FollowUpStatus, Priority, Recommendation, RecommendationStatus, TargetActor
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus

MANAGE = "/f/<forum_slug>/manage/recommendations"


@bp.app_template_global()
def supports_label(count: int) -> str:
    """ "12 supports" in the page's language; computed once per number and language (long lists)."""
    labels = g.setdefault("_supports_labels", {})
    key = (str(get_locale()), count)
    if key not in labels:
        labels[key] = ngettext("%(num)s support", "%(num)s supports", count)
    return labels[key]


def _recommendation(recommendation_id: int) -> Recommendation:
    recommendation = db.get_or_404(Recommendation, recommendation_id)
    if recommendation.forum_id != g.forum.id:
        abort(404)
    return recommendation


def _workshop(session_id: int):
    session = services.workshop_of(g.forum, session_id)
    if session is None:
        abort(404)
    return session


def _themes() -> list[str]:
    """Themes already in use in the forum, offered as suggestions."""
    names = {s.theme for s in services.workshops(g.forum) if s.theme}
    names |= {r.recommendation.theme for r in services.forum_recommendations(g.forum) if r.recommendation.theme}
    return sorted(names, key=str.casefold)


# --- rapporteurs and organisers ------------------------------------------------------------------------


@bp.route(f"{MANAGE}/")
@forum_role_required(Role.organiser, Role.rapporteur)
def index():
    sessions = services.workshops_for(current_user, g.forum)
    counts = {s.id: len(services.workshop_list(s)) for s in sessions}
    return render_template(
        "recommendations/index.html",
        forum=g.forum,
        sessions=sessions,
        counts=counts,
        status_counts=services.status_counts(g.forum),
        window=services.input_window(g.forum),
        window_open=services.input_is_open(g.forum),
    )


@bp.route(f"{MANAGE}/workshops/<int:session_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def workspace(session_id: int):
    session = _workshop(session_id)
    if not services.can_edit_workshop(current_user, session):
        abort(403)
    form = RecommendationForm()
    if request.method == "GET":
        form.theme.data = session.theme or ""
    if form.validate_on_submit():
        try:
            services.add_recommendation(
                session,
                text=form.text.data,
                theme=form.theme.data or "",
                target_actor=TargetActor(form.target_actor.data),
                priority=Priority(form.priority.data),
                actor=current_user,
            )
        except ForumError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The recommendation has been added."), "success")
            return redirect(url_for(".workspace", session_id=session.id) + "#add")
    return render_template(
        "recommendations/workspace.html",
        forum=g.forum,
        session=session,
        form=form,
        rows=services.workshop_list(session),
        themes=_themes(),
    )


@bp.route(f"{MANAGE}/<int:recommendation_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def edit(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    if not services.can_edit_workshop(current_user, recommendation.session):
        abort(403)
    form = RecommendationForm(obj=recommendation)
    if request.method == "GET":
        form.target_actor.data = recommendation.target_actor.value
        form.priority.data = recommendation.priority.value
    if form.validate_on_submit():
        try:
            services.edit_recommendation(
                recommendation,
                text=form.text.data,
                theme=form.theme.data or "",
                target_actor=TargetActor(form.target_actor.data),
                priority=Priority(form.priority.data),
                actor=current_user,
            )
        except ForumError as error:
            db.session.rollback()
            form.text.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The recommendation has been saved."), "success")
            return redirect(url_for(".workspace", session_id=recommendation.session_id))
    return render_template(
        "recommendations/edit.html",
        forum=g.forum,
        recommendation=recommendation,
        form=form,
        themes=_themes(),
        revisions=services.revisions(recommendation),
    )


@bp.route(f"{MANAGE}/<int:recommendation_id>/move/<any(up, down):direction>", methods=["POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def move(recommendation_id: int, direction: str):
    recommendation = _recommendation(recommendation_id)
    if not services.can_edit_workshop(current_user, recommendation.session):
        abort(403)
    if ConfirmForm().validate_on_submit():
        services.move(recommendation, -1 if direction == "up" else 1, actor=current_user)
        db.session.commit()
    return redirect(url_for(".workspace", session_id=recommendation.session_id) + f"#r{recommendation.id}")


# --- consolidation (organisers) ------------------------------------------------------------------------


@bp.route(f"{MANAGE}/consolidate")
@forum_role_required(Role.organiser)
def consolidate():
    sessions = services.workshops(g.forum)
    session_id = request.args.get("workshop", type=int)
    status = request.args.get("status")
    status = RecommendationStatus(status) if status in RecommendationStatus.__members__ else None
    rows = services.forum_recommendations(g.forum, session_id=session_id, status=status)
    return render_template(
        "recommendations/consolidate.html",
        forum=g.forum,
        sessions=sessions,
        session_id=session_id,
        status=status,
        themes=services.group(rows),
        count=len(rows),
        statuses=RecommendationStatus,
    )


def _detail(recommendation: Recommendation, **forms):
    candidates = [
        row.recommendation
        for row in services.forum_recommendations(g.forum)
        if row.recommendation.id != recommendation.id and row.recommendation.is_open
    ]
    candidates.sort(key=lambda r: (r.session_id != recommendation.session_id, r.session_id, r.position))
    follow_up = recommendation.follow_up
    follow_up_form = forms.get("follow_up_form") or FollowUpForm(
        responsible=follow_up.responsible if follow_up else "",
        status=(follow_up.status if follow_up else FollowUpStatus.not_started).value,
    )
    counts = services.support_counts([g.forum.id])
    merged = services.merged_into(recommendation)
    return render_template(
        "recommendations/detail.html",
        forum=g.forum,
        recommendation=recommendation,
        supports=counts.get(recommendation.id, 0),
        merged=merged,
        merged_revisions={m.id: services.revisions(m) for m in merged},
        merged_supports={m.id: counts.get(m.id, 0) for m in merged},
        revisions=services.revisions(recommendation),
        reject_form=forms.get("reject_form") or RejectForm(),
        merge_form=forms.get("merge_form") or MergeForm(candidates=candidates),
        follow_up_form=follow_up_form,
    )


@bp.route(f"{MANAGE}/<int:recommendation_id>")
@forum_role_required(Role.organiser)
def detail(recommendation_id: int):
    return _detail(_recommendation(recommendation_id))


@bp.route(f"{MANAGE}/<int:recommendation_id>/accept", methods=["POST"])
@forum_role_required(Role.organiser)
def accept(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.accept(recommendation, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The recommendation is accepted."), "success")
    if request.form.get("back") == "list":
        back = url_for(".consolidate", workshop=request.form.get("workshop", type=int))
        return redirect(f"{back}#r{recommendation.id}")
    return redirect(url_for(".detail", recommendation_id=recommendation.id))


@bp.route(f"{MANAGE}/<int:recommendation_id>/reject", methods=["POST"])
@forum_role_required(Role.organiser)
def reject(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    form = RejectForm()
    if form.validate_on_submit():
        try:
            services.reject(recommendation, form.reason.data, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            form.reason.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The recommendation is not retained; the author sees the reason."), "success")
            return redirect(url_for(".detail", recommendation_id=recommendation.id))
    return _detail(recommendation, reject_form=form), 400


@bp.route(f"{MANAGE}/<int:recommendation_id>/merge", methods=["POST"])
@forum_role_required(Role.organiser)
def merge(recommendation_id: int):
    survivor = _recommendation(recommendation_id)
    candidates = [r.recommendation for r in services.forum_recommendations(g.forum) if r.recommendation.is_open]
    form = MergeForm(candidates=[c for c in candidates if c.id != survivor.id])
    if form.validate_on_submit():
        duplicates = [_recommendation(i) for i in form.duplicates.data]
        try:
            services.merge(duplicates, survivor, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            form.duplicates.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(count)s recommendation(s) merged into this one.", count=len(duplicates)), "success")
            return redirect(url_for(".detail", recommendation_id=survivor.id))
    return _detail(survivor, merge_form=form), 400


@bp.route(f"{MANAGE}/<int:recommendation_id>/follow-up", methods=["POST"])
@forum_role_required(Role.organiser)
def follow_up(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    form = FollowUpForm()
    if form.validate_on_submit():
        try:
            services.update_follow_up(
                recommendation,
                responsible=form.responsible.data or "",
                status=FollowUpStatus(form.status.data),
                note=form.note.data or "",
                noted_on=form.noted_on.data,
                actor=current_user,
            )
        except ForumError as error:
            db.session.rollback()
            form.status.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The follow-up has been saved."), "success")
            return redirect(url_for(".detail", recommendation_id=recommendation.id) + "#follow-up")
    return _detail(recommendation, follow_up_form=form), 400


@bp.route(f"{MANAGE}/settings", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def settings():
    form = WindowForm()
    if request.method == "GET":
        opens, closes = services.input_window(g.forum)
        form.opens_at.data = utc_to_local(opens, g.forum.timezone)
        form.closes_at.data = utc_to_local(closes, g.forum.timezone)
    if form.validate_on_submit():
        try:
            services.set_input_window(
                g.forum,
                local_to_utc(form.opens_at.data, g.forum.timezone),
                local_to_utc(form.closes_at.data, g.forum.timezone),
                actor=current_user,
            )
        except ForumError as error:
            db.session.rollback()
            form.closes_at.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The input window has been saved."), "success")
            return redirect(url_for(".index"))
    return render_template("recommendations/settings.html", forum=g.forum, form=form)


# --- report and exports --------------------------------------------------------------------------------


@bp.route(f"{MANAGE}/report")
@forum_role_required(Role.organiser)
def report_page():
    return report.render_report(g.forum)


@bp.route(f"{MANAGE}/report/pdf", methods=["POST"])
@forum_role_required(Role.organiser)
def report_pdf():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.enqueue("recommendations.report_pdf", g.forum.id, str(get_locale()), forum=g.forum, user=current_user)
    db.session.commit()
    return redirect(url_for(".report_job", job_id=job.id))


def _job(job_id: int) -> jobs.Job:
    job = db.get_or_404(jobs.Job, job_id)
    if job.forum_id != g.forum.id or job.kind != "recommendations.report_pdf":
        abort(404)
    return job


@bp.route(f"{MANAGE}/report/jobs/<int:job_id>")
@forum_role_required(Role.organiser)
def report_job(job_id: int):
    return render_template("recommendations/report/job.html", forum=g.forum, job=_job(job_id))


@bp.route(f"{MANAGE}/report/jobs/<int:job_id>/status")
@forum_role_required(Role.organiser)
def report_job_status(job_id: int):
    return render_template("recommendations/report/_job_status.html", job=_job(job_id))


@bp.route(f"{MANAGE}/report/jobs/<int:job_id>/download")
@forum_role_required(Role.organiser)
def report_download(job_id: int):
    job = _job(job_id)
    if job.status != jobs.JobStatus.done:
        abort(404)
    return send_file(
        storage.path_of(job.result["key"]),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=job.result["filename"],
    )


def _spreadsheet_safe(value):
    """Text that a spreadsheet would run as a formula (=, +, -, @ first) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@bp.route(f"{MANAGE}/export.csv")
@forum_role_required(Role.organiser)
def export_csv():
    rows = services.export_rows(g.forum)
    buffer = io.StringIO()
    columns = ["id", "workshop", "text", "theme", "target_actor", "priority", "status", "merged_into", "supports"]
    writer = csv.DictWriter(buffer, fieldnames=columns + ["supporters"], extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        cells = {key: _spreadsheet_safe(value) for key, value in row.items()}
        writer.writerow({**cells, "supporters": " ".join(str(s["registration_id"]) for s in row["supporters"])})
    return Response(
        "\ufeff" + buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{g.forum.slug}-recommendations.csv"'},
    )


@bp.route(f"{MANAGE}/export.json")
@forum_role_required(Role.organiser)
def export_json():
    payload = {"forum": g.forum.slug, "recommendations": services.export_rows(g.forum)}
    return Response(
        json.dumps(payload, ensure_ascii=False, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{g.forum.slug}-recommendations.json"'},
    )


# --- the wall -----------------------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/recommendations/wall/<int:session_id>")
def wall(session_id: int):
    session = _workshop(session_id)
    return render_template("recommendations/wall.html", forum=g.forum, session=session, rows=services.ranked(session))


@bp.route("/f/<forum_slug>/recommendations/wall/<int:session_id>/live")
def wall_live(session_id: int):
    session = _workshop(session_id)
    rows = services.ranked(session)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(
            workshop=session.id,
            recommendations=[
                {"id": r.recommendation.id, "text": r.recommendation.text, "supports": r.supports} for r in rows
            ],
        )
    return render_template("recommendations/_wall_list.html", rows=rows)


# --- participants -------------------------------------------------------------------------------------

PARTICIPANT = "/f/<forum_slug>/me/<access_key>/recommendations"


@bp.route(f"{PARTICIPANT}/", methods=["GET", "POST"])
@participant_required()
def participant():
    registration = g.registration
    sessions = services.workshops(g.forum)
    confirmed = registration.status == RegistrationStatus.confirmed
    form = ParticipantRecommendationForm(workshops=sessions)
    if request.method == "POST":
        if not confirmed:
            abort(403)
        if form.validate_on_submit():
            session = _workshop(form.workshop.data)
            try:
                services.add_recommendation(
                    session,
                    text=form.text.data,
                    theme=form.theme.data or "",
                    target_actor=TargetActor(form.target_actor.data),
                    registration=registration,
                )
            except ForumError as error:
                db.session.rollback()
                form.text.errors.append(str(error))
            else:
                db.session.commit()
                flash(_("Thank you: your recommendation has been submitted."), "success")
                return redirect(url_for(".participant"))
    return render_template(
        "recommendations/participant.html",
        forum=g.forum,
        registration=registration,
        confirmed=confirmed,
        window_open=services.input_is_open(g.forum),
        form=form,
        workshops=[(s, services.ranked(s)) for s in sessions],
        supported=services.supported_by(registration),
        mine=services.by_participant(registration),
    )


@bp.route(f"{PARTICIPANT}/<int:recommendation_id>/support", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def support(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.endorse(recommendation, g.registration)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your support has been counted."), "success")
    return redirect(url_for(".participant") + f"#r{recommendation.id}")


@bp.route(f"{PARTICIPANT}/<int:recommendation_id>/withdraw", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def withdraw(recommendation_id: int):
    recommendation = _recommendation(recommendation_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.withdraw(recommendation, g.registration)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your support has been withdrawn."), "success")
    return redirect(url_for(".participant") + f"#r{recommendation.id}")


# --- public outcomes ----------------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/recommendations/")
def follow_up_page():
    rows = services.follow_up_rows(g.forum)
    return render_template(
        "recommendations/follow_up.html",
        forum=g.forum,
        rows=rows,
        summary=services.follow_up_summary([g.forum.id])[g.forum.id],
        statuses=FollowUpStatus,
    )


@bp.route("/recommendations/")
def national():
    compilation = services.national_compilation()
    labels = {forum.id: f"{region_name(forum.region)} · {forum.name}" for forum, _, _ in compilation.forums}
    return render_template("recommendations/national.html", compilation=compilation, forum_labels=labels)


@bp.route("/recommendations/follow-up")
def series_follow_up():
    forums = services.series_forums()
    summary = services.follow_up_summary([f.id for f in forums])
    return render_template(
        "recommendations/series_follow_up.html",
        forums=[(forum, summary[forum.id]) for forum in forums if sum(summary[forum.id].values())],
        statuses=FollowUpStatus,
    )
