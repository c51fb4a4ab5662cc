"""Badge pages: the participant's own badge, print batches and reissuing for organisers."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import audit, storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.badges import bp, services
from forum.badges.forms import PrintForm, ReissueForm
from forum.badges.models import PrintBatch
from forum.badges.render import badge_png
from forum.errors import ForumError
from forum.extensions import db
from forum.jobs import Job
from forum.registration.access import participant_required
from forum.registration.models import Registration, RegistrationStatus


@bp.route("/f/<forum_slug>/me/<access_key>/badge.png")
@participant_required(RegistrationStatus.confirmed)
def my_badge():
    return Response(badge_png(g.registration), mimetype="image/png", headers={"Cache-Control": "private, no-store"})


def _batches() -> list[tuple[PrintBatch, Job | None]]:
    rows = db.session.execute(
        sa.select(PrintBatch, Job)
        .outerjoin(Job, Job.id == PrintBatch.job_id)
        .where(PrintBatch.forum_id == g.forum.id)
        .order_by(PrintBatch.id.desc())
        .limit(30)
    ).all()
    return [(batch, job) for batch, job in rows]


@bp.route("/f/<forum_slug>/manage/badges/", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def manage():
    form = PrintForm()
    if form.validate_on_submit():
        try:
            batch = services.request_print(
                g.forum,
                form.selection.data,
                form.layout.data,
                actor=current_user,
                category=form.category.data,
                emails=form.email_list,
            )
        except ForumError as error:
            db.session.rollback()
            form.selection.errors.append(str(error))
        else:
            db.session.commit()
            return redirect(url_for(".batch", batch_id=batch.id))
    unprinted = len(services.registrations_to_print(g.forum.id, "unprinted"))
    return render_template(
        "badges/manage.html",
        forum=g.forum,
        form=form,
        reissue_form=ReissueForm(formdata=None),
        batches=_batches(),
        unprinted=unprinted,
    )


def _batch(batch_id: int) -> tuple[PrintBatch, Job | None]:
    batch = db.get_or_404(PrintBatch, batch_id)
    if batch.forum_id != g.forum.id:
        abort(404)
    return batch, db.session.get(Job, batch.job_id) if batch.job_id else None


@bp.route("/f/<forum_slug>/manage/badges/batches/<int:batch_id>")
@forum_role_required(Role.organiser)
def batch(batch_id: int):
    batch, job = _batch(batch_id)
    return render_template("badges/batch.html", forum=g.forum, batch=batch, job=job)


@bp.route("/f/<forum_slug>/manage/badges/batches/<int:batch_id>/progress")
@forum_role_required(Role.organiser)
def batch_progress(batch_id: int):
    batch, job = _batch(batch_id)
    return render_template("badges/_progress.html", batch=batch, job=job)


@bp.route("/f/<forum_slug>/manage/badges/batches/<int:batch_id>/badges.pdf")
@forum_role_required(Role.organiser)
def batch_download(batch_id: int):
    batch, _job = _batch(batch_id)
    if not batch.file_key:
        abort(404)
    return send_file(
        storage.path_of(batch.file_key),
        mimetype="application/pdf",
        as_attachment=True,
        download_name=f"badges-{g.forum.slug}-{batch.id}.pdf",
    )


@bp.route("/f/<forum_slug>/manage/badges/reissue", methods=["POST"])
@forum_role_required(Role.organiser)
def reissue():
    form = ReissueForm()
    if form.validate_on_submit():
        registration = db.session.scalar(
            sa.select(Registration).where(
                Registration.forum_id == g.forum.id, Registration.email == form.email.data.strip().lower()
            )
        )
        if registration is None:
            flash(_("No registration of this forum has this e-mail address."), "error")
        else:
            services.reissue_badge(registration)
            audit.record(
                "badges.reissue",
                actor=current_user,
                forum=g.forum,
                target=registration,
                version=registration.badge_version,
            )
            db.session.commit()
            flash(_("A new badge has been issued; the old one no longer opens any door."), "success")
    else:
        flash(_("Give a valid e-mail address."), "error")
    return redirect(url_for(".manage"))
