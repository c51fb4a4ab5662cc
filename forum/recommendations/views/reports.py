"""The outcomes report (the page, and the PDF built in a job) and the exports of a forum's recommendations."""

from __future__ import annotations

import json

from flask import Response, abort, g, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_login import current_user

from forum import jobs, storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.extensions import db
from forum.forms import ConfirmForm
from forum.recommendations import bp, report, services
from forum.recommendations.models import TargetActor
from forum.recommendations.views._common import MANAGE, workshop_or_404
from forum.web import forum_row_or_404


@bp.route(f"{MANAGE}/report")
@forum_role_required(Role.organiser)
def report_page():
    return report.render_report(g.forum)


@bp.route(f"{MANAGE}/report/group")
@forum_role_required(Role.organiser)
def report_group():
    """Every accepted recommendation of one workshop, theme and target actor, a page at a time."""
    workshop = workshop_or_404(request.args.get("workshop", 0, type=int))
    actor = TargetActor.__members__.get(request.args.get("actor", ""))
    page = request.args.get("page", 1, type=int)
    found = services.outcome_group(g.forum, workshop, request.args.get("theme", ""), actor, page) if actor else None
    if found is None:
        abort(404)
    return render_template("recommendations/report/group.html", forum=g.forum, found=found)


@bp.route(f"{MANAGE}/report/pdf", methods=["POST"])
@forum_role_required(Role.organiser)
def report_pdf():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    job = jobs.enqueue(report.PDF_JOB, g.forum.id, str(get_locale()), forum=g.forum, user=current_user)
    db.session.commit()
    return redirect(url_for(".report_job", job_id=job.id))


def _job(job_id: int) -> jobs.Job:
    """A PDF build of the forum in the address, or 404."""
    return forum_row_or_404(jobs.Job, job_id, kind=report.PDF_JOB)


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


@bp.route(f"{MANAGE}/export.csv")
@forum_role_required(Role.organiser)
def export_csv():
    return Response(
        services.export_csv(g.forum),
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
