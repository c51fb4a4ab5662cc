"""Invitation campaigns: the organisers' import, sending and follow-up; the invitee's link and "no thank you"."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, session, url_for
from flask_babel import ngettext

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.extensions import db, limiter
from forum.forms import ConfirmForm
from forum.partnerships import bp
from forum.partnerships.forms import InvitationImportForm
from forum.partnerships.services import invitations
from forum.web import run

MANAGE = "/f/<forum_slug>/manage/meetings/invitations"
organiser = forum_role_required(Role.organiser)


def _page(form: InvitationImportForm | None = None):
    rows = invitations.invitations_of(g.forum)
    db.session.commit()  # the registrations linked since the last visit
    return render_template(
        "partnerships/invitations.html",
        forum=g.forum,
        invitations=rows,
        form=form or InvitationImportForm(),
        columns=", ".join(invitations.CSV_COLUMNS),
    )


@bp.route(f"{MANAGE}/")
@organiser
def invitations_page():
    return _page()


@bp.route(f"{MANAGE}/import", methods=["POST"])
@organiser
def import_invitations():
    form = InvitationImportForm()
    if form.validate_on_submit() and run(
        lambda: invitations.import_invitations(g.forum, form.file.data.read()),
        success=lambda result: " ".join(
            (
                ngettext("%(num)s invitation added.", "%(num)s invitations added.", result.created),
                ngettext("%(num)s e-mail already invited.", "%(num)s e-mails already invited.", result.skipped),
            )
        ),
        field=form.file,
    ):
        return redirect(url_for(".invitations_page"))
    return _page(form)


@bp.route(f"{MANAGE}/send", methods=["POST"])
@organiser
def send_invitations():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: invitations.send_invitations(g.forum),
            success=lambda n: ngettext("%(num)s invitation sent.", "%(num)s invitations sent.", n),
        )
    return redirect(url_for(".invitations_page"))


@bp.route(f"{MANAGE}/remind", methods=["POST"])
@organiser
def remind_invitations():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: invitations.send_reminders(g.forum),
            success=lambda n: ngettext("%(num)s reminder sent.", "%(num)s reminders sent.", n),
        )
    return redirect(url_for(".invitations_page"))


@bp.route("/f/<forum_slug>/invited/<token>")
@limiter.limit("30 per minute")
def invited(token: str):
    invitation = invitations.read_token(g.forum, token) or abort(404)
    prefill = run(lambda: invitations.open_invitation(invitation)).value
    session["registration_prefill"] = {str(g.forum.id): prefill}
    return redirect(url_for("registration.register", forum_slug=g.forum.slug))


@bp.route("/f/<forum_slug>/invited/<token>/decline", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def decline_invitation(token: str):
    invitation = invitations.read_token(g.forum, token) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run(lambda: invitations.decline(invitation))
    return render_template("partnerships/invitation_decline.html", forum=g.forum, invitation=invitation, form=form)
