"""Materials: a session's files (attach, remove), the organisers' list, and the checked download."""

from __future__ import annotations

import io

from flask import abort, g, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.extensions import db, limiter, login_manager
from forum.messages import bp, services
from forum.messages.forms import MaterialForm, MaterialRemoveForm
from forum.messages.models import Material
from forum.messages.services.materials import INLINE
from forum.programme.models import Session
from forum.web import forum_row_or_404, run


def _managed_session(session_id: int) -> Session:
    session = forum_row_or_404(Session, session_id)
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not services.can_manage(current_user, session):
        abort(403)
    return session


def _attach(session: Session, form: MaterialForm) -> Material:
    upload = form.file.data
    return services.add_material(
        session,
        kind=form.kind.data,
        title=form.title.data,
        filename=upload.filename,
        data=upload.read(),
        is_public=form.is_public.data,
        actor=current_user,
    )


@bp.route("/f/<forum_slug>/programme/sessions/<int:session_id>/materials", methods=["GET", "POST"])
@limiter.limit("60 per hour", methods=["POST"])
def session_materials(session_id: int):
    session = _managed_session(session_id)
    form = MaterialForm()
    if form.validate_on_submit() and run(
        lambda: _attach(session, form), success=_("The file is attached to the session."), field=form.file
    ):
        return redirect(url_for(".session_materials", session_id=session.id))
    return render_template(
        "messages/materials.html",
        forum=g.forum,
        session=session,
        form=form,
        materials=services.materials_of(session),
        remove_form=MaterialRemoveForm(formdata=None),
    )


@bp.route("/f/<forum_slug>/materials/<int:material_id>/remove", methods=["POST"])
def remove_material(material_id: int):
    material = forum_row_or_404(Material, material_id)
    session = _managed_session(material.session_id)
    if MaterialRemoveForm().validate_on_submit():
        run(lambda: services.remove_material(material, session, actor=current_user), success=_("File removed."))
    return redirect(url_for(".session_materials", session_id=session.id))


@bp.route("/f/<forum_slug>/materials/<int:material_id>/download")
def material_file(material_id: int):
    material = forum_row_or_404(Material, material_id)
    session = db.session.get(Session, material.session_id)
    if not services.can_download(current_user, material, session):
        abort(404)
    response = send_file(
        io.BytesIO(storage.read(material.storage_key)),
        mimetype=material.content_type,
        as_attachment=material.content_type not in INLINE,
        download_name=material.filename,
    )
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/f/<forum_slug>/manage/materials")
@forum_role_required(Role.organiser)
def materials():
    sessions = services.sessions_with_materials(g.forum)
    return render_template("messages/materials_index.html", forum=g.forum, sessions=sessions)
