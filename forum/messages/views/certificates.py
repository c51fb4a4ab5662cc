"""Certificates of attendance: the organisers' page and batch, a person's own PDF, the public check."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.db import writes_on_get
from forum.extensions import db, limiter
from forum.forms import clean_translations
from forum.jobs import Job
from forum.messages import bp, services
from forum.messages.forms import CertificateIssueForm, CertificateSettingsForm
from forum.registration.access import participant_required
from forum.web import forum_row_or_404, run

JOB = "messages.certificates"


def _latest_job() -> Job | None:
    query = sa.select(Job).where(Job.forum_id == g.forum.id, Job.kind == JOB).order_by(Job.id.desc()).limit(1)
    return db.session.scalar(query)


@bp.route("/f/<forum_slug>/manage/messages/certificates", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def certificates():
    form = CertificateSettingsForm(obj=services.certificate_settings(g.forum))
    if form.validate_on_submit() and run(
        lambda: services.save_certificate_settings(
            g.forum,
            layout=form.layout.data,
            signatory=clean_translations(form.signatory.data),
            signature_png=form.signature_png,
            remove_signature=form.remove_signature.data,
            actor=current_user,
        ),
        success=_("Certificate settings saved."),
        field=form.layout,
    ):
        return redirect(url_for(".certificates"))
    return render_template(
        "messages/certificates.html",
        forum=g.forum,
        form=form,
        issue_form=CertificateIssueForm(formdata=None),
        present=len(services.attendance_of(g.forum)),
        job=_latest_job(),
    )


@bp.route("/f/<forum_slug>/manage/messages/certificates/issue", methods=["POST"])
@forum_role_required(Role.organiser)
def issue_certificates():
    form = CertificateIssueForm()
    if form.validate_on_submit():
        links = services.certificate_links(g.forum)
        run(
            lambda: services.request_certificates(
                g.forum, send_mail=form.send_mail.data, links=links, actor=current_user
            ),
            success=_("The certificates are being issued."),
        )
    return redirect(url_for(".certificates"))


@bp.route("/f/<forum_slug>/manage/messages/certificates/progress")
@forum_role_required(Role.organiser)
def certificates_progress():
    return render_template("messages/_certificates_progress.html", job=_latest_job())


@bp.route("/f/<forum_slug>/manage/messages/certificates/<int:job_id>/certificates.pdf")
@forum_role_required(Role.organiser)
def certificates_download(job_id: int):
    job = forum_row_or_404(Job, job_id, kind=JOB)
    if not (job.result or {}).get("key"):
        abort(404)
    name = f"certificates-{g.forum.slug}-{job.id}.pdf"
    return send_file(storage.path_of(job.result["key"]), mimetype="application/pdf", download_name=name)


@bp.route("/f/<forum_slug>/me/<access_key>/certificate.pdf")
@participant_required()
@writes_on_get
def my_certificate():
    certificate = services.certificate_of(g.registration) or abort(404)
    pdf = services.certificate_pdf(certificate, g.registration, g.forum, services.certificate_links(g.forum))
    db.session.commit()  # the PDF of this version is kept for the next download
    name = f"certificate-{g.forum.slug}.pdf"
    headers = {"Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "private, no-store"}
    return Response(pdf, mimetype="application/pdf", headers=headers)


@bp.route("/f/<forum_slug>/certificates/<code>")
@limiter.limit("60 per minute")
def verify(code: str):
    verification = services.verify(g.forum, code)
    status = 200 if verification.status == "valid" else 404
    return render_template("messages/verify.html", forum=g.forum, verification=verification), status
