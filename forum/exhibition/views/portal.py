"""Exhibitor portal: the booth, the application, the public profile, the staff and the leads.

Every page works on the signed-in user's own exhibitor, never one named in the URL.
"""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.errors import ForumError
from forum.exhibition import bp, services
from forum.exhibition.forms import ApplicationForm, NoteForm, ProfileForm, ScanForm, StaffForm
from forum.exhibition.models import ExhibitorStaff
from forum.exhibition.views._common import PORTAL, locale
from forum.extensions import db
from forum.forms import ConfirmForm
from forum.web import forum_row_or_404, run


def exhibitor_required(view):
    """Only for the staff of an exhibitor of the forum; puts their exhibitor in `g.exhibitor`."""

    @forum_role_required(Role.exhibitor_staff)
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        exhibitor = services.exhibitor_of(current_user, g.forum)
        if exhibitor is None:
            abort(403)
        g.exhibitor = exhibitor
        return view(*args, **kwargs)

    return wrapped


@bp.route(f"{PORTAL}/")
@exhibitor_required
def portal():
    exhibitor = g.exhibitor
    return render_template(
        "exhibition/portal.html",
        forum=g.forum,
        exhibitor=exhibitor,
        booths=services.booths_of(g.forum) if exhibitor.published_booth else [],
        zones=services.zones_of(g.forum),
        mine=exhibitor.published_booth,
        public=True,
    )


@bp.route(f"{PORTAL}/application", methods=["GET", "POST"])
@exhibitor_required
def application():
    exhibitor = g.exhibitor
    form = ApplicationForm(obj=exhibitor.application, options=services.choice_options(g.forum))
    if request.method == "GET":
        form.fill_choices(services.choice_tokens(exhibitor.application))
    if form.validate_on_submit() and run(
        lambda: services.submit_application(exhibitor, **form.application(), actor=current_user),
        success=_("Your application has been saved."),
        field=form.choice_1,
    ):
        return redirect(url_for(".portal"))
    return render_template(
        "exhibition/application.html",
        forum=g.forum,
        exhibitor=exhibitor,
        form=form,
        exhibition=services.find_exhibition(g.forum),
        booths=services.booths_of(g.forum),
        zones=services.zones_of(g.forum),
        public=True,
    )


@bp.route(f"{PORTAL}/profile", methods=["GET", "POST"])
@exhibitor_required
def profile():
    exhibitor = g.exhibitor
    form = ProfileForm(obj=exhibitor)
    if form.validate_on_submit() and run(
        lambda: services.update_profile(
            exhibitor, form.profile(), logo=form.logo.data.read() if form.logo.data else None, actor=current_user
        ),
        success=_("Your profile has been saved."),
        field=form.logo,
    ):
        return redirect(url_for(".profile"))
    return render_template("exhibition/profile.html", forum=g.forum, exhibitor=exhibitor, form=form)


@bp.route(f"{PORTAL}/staff", methods=["GET", "POST"])
@exhibitor_required
def staff():
    form = StaffForm()
    if form.validate_on_submit() and run(
        lambda: services.add_staff(g.exhibitor, form.email.data, form.name.data, actor=current_user, locale=locale()),
        success=_("%(email)s now works on your booth and will get a badge.", email=form.email.data),
        field=form.email,
    ):
        return redirect(url_for(".staff"))
    return render_template(
        "exhibition/staff.html", forum=g.forum, exhibitor=g.exhibitor, form=form, confirm=ConfirmForm()
    )


@bp.route(f"{PORTAL}/staff/<int:staff_id>/remove", methods=["POST"])
@exhibitor_required
def staff_remove(staff_id: int):
    member = forum_row_or_404(ExhibitorStaff, staff_id, exhibitor_id=g.exhibitor.id)
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.remove_staff(member, actor=current_user),
            success=_("The person no longer works on your booth."),
        )
    return redirect(url_for(".staff"))


@bp.route(f"{PORTAL}/leads")
@exhibitor_required
def leads():
    return render_template(
        "exhibition/leads.html",
        forum=g.forum,
        exhibitor=g.exhibitor,
        leads=services.leads_of(g.exhibitor),
        note_form=NoteForm(),
    )


@bp.route(f"{PORTAL}/leads/scan", methods=["GET", "POST"])
@exhibitor_required
def scan():
    """The answer is the page itself (a scanner types the next code at once), not a flash."""
    form = ScanForm()
    outcome = problem = None
    if form.validate_on_submit():
        try:
            outcome = services.record_lead(g.exhibitor, form.code.data, actor=current_user)
        except ForumError as error:  # a BadgeCodeError too: its reason is the message
            db.session.rollback()
            problem = error
        else:
            db.session.commit()
        form.code.data = ""
    page = render_template(
        "exhibition/scan.html",
        forum=g.forum,
        exhibitor=g.exhibitor,
        form=form,
        outcome=outcome,
        problem=problem,
        note_form=NoteForm(),
    )
    return page, 422 if problem is not None else 200


@bp.route(f"{PORTAL}/leads/<int:lead_id>/note", methods=["POST"])
@exhibitor_required
def lead_note(lead_id: int):
    lead = services.get_lead(g.exhibitor, lead_id) or abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        run(
            lambda: services.update_note(lead, form.note.data or "", actor=current_user),
            success=_("The note has been saved."),
        )
    else:
        flash(_("The note is too long."), "error")
    return redirect(url_for(".leads"))


@bp.route(f"{PORTAL}/leads.csv")
@exhibitor_required
def leads_export():
    text = services.leads_csv(g.exhibitor, zone=g.forum.zone)
    response = Response(text, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="leads-{g.forum.slug}.csv"'
    return response
