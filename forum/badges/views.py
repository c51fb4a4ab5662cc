"""Badge pages: the participant's own badge, print batches and reissuing for organisers."""

from __future__ import annotations

from flask import Response, abort, flash, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.badges import bp, services
from forum.badges.forms import BadgeSchemeForm, PrintForm, ReissueForm
from forum.badges.models import PrintBatch
from forum.badges.render import badge_png
from forum.extensions import db
from forum.jobs import Job
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus
from forum.web import forum_row_or_404, run


@bp.route("/f/<forum_slug>/me/<access_key>/badge.png")
@participant_required(RegistrationStatus.confirmed)
def my_badge():
    return Response(badge_png(g.registration), mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@bp.route("/f/<forum_slug>/manage/badges/", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def manage():
    form = PrintForm()
    if form.validate_on_submit() and (
        printing := run(
            lambda: services.request_print(
                g.forum,
                form.selection.data,
                form.layout.data,
                actor=current_user,
                category=form.category.data,
                emails=form.email_list,
            ),
            field=form.selection,
        )
    ):
        return redirect(url_for(".batch", batch_id=printing.value.id))
    return render_template(
        "badges/manage.html",
        forum=g.forum,
        form=form,
        reissue_form=ReissueForm(formdata=None),
        scheme_form=BadgeSchemeForm(formdata=None, scheme=services.scheme_of(g.forum.id)),
        batches=services.print_batches(g.forum),
        unprinted=len(services.registrations_to_print(g.forum.id, "unprinted")),
    )


def _batch(batch_id: int) -> tuple[PrintBatch, Job | None]:
    batch = forum_row_or_404(PrintBatch, batch_id)
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
        run(
            lambda: services.reissue_for_email(g.forum, form.email.data, actor=current_user),
            success=_("A new badge has been issued; the old one no longer opens any door."),
        )
    else:
        flash(_("Give a valid e-mail address."), "error")
    return redirect(url_for(".manage"))


@bp.route("/f/<forum_slug>/manage/badges/scheme", methods=["POST"])
@forum_role_required(Role.organiser)
def scheme():
    """Choose how the forum's badge codes are signed (version 2 lets desks check them offline)."""
    form = BadgeSchemeForm()
    if form.validate_on_submit():
        run(
            lambda: services.set_scheme(g.forum, form.scheme.data, reissue=form.reissue.data, actor=current_user),
            success=_("The badge codes have been saved."),
        )
    else:
        flash(_("Choose a scheme for the badge codes."), "error")
    return redirect(url_for(".manage"))
