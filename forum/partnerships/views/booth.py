"""The exhibitor's meetings page: the meetings at its booth or with its people, and who keeps the booth when."""

from __future__ import annotations

from datetime import date

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.exhibition import services as exhibition
from forum.exhibition.models import Exhibitor
from forum.forms import ConfirmForm
from forum.partnerships import bp, services
from forum.partnerships.forms import DutyForm
from forum.web import run

BOOTH = "/f/<forum_slug>/exhibitor/meetings"
exhibitor_staff = forum_role_required(Role.exhibitor_staff)


def _exhibitor() -> Exhibitor:
    """The signed-in person's own exhibitor (never one named in the address)."""
    return exhibition.exhibitor_of(current_user, g.forum) or abort(403)


def _page(exhibitor: Exhibitor, form: DutyForm | None = None):
    return render_template(
        "partnerships/booth.html",
        forum=g.forum,
        exhibitor=exhibitor,
        meetings=services.booth_meetings(exhibitor),
        duties=services.duties_of(exhibitor),
        form=form or DutyForm(staff=exhibitor.staff, days=g.forum.days),
    )


@bp.route(BOOTH)
@exhibitor_staff
def booth_meetings():
    return _page(_exhibitor())


@bp.route(f"{BOOTH}/duty", methods=["POST"])
@exhibitor_staff
def add_duty():
    exhibitor = _exhibitor()
    form = DutyForm(staff=exhibitor.staff, days=g.forum.days)
    if form.validate_on_submit() and run(
        lambda: services.add_duty(
            exhibitor, form.staff.data, day=date.fromisoformat(form.day.data), start=form.start.data,
            end=form.end.data, actor=current_user,
        ),
        success=_("The time on duty is saved: no meeting takes this person away from the booth then."),
        field=form.end,
    ):  # fmt: skip
        return redirect(url_for(".booth_meetings"))
    return _page(exhibitor, form)


@bp.route(f"{BOOTH}/duty/<int:duty_id>/remove", methods=["POST"])
@exhibitor_staff
def remove_duty(duty_id: int):
    duty = services.duty_of(_exhibitor(), duty_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.remove_duty(duty, actor=current_user), success=_("The time on duty is removed."))
    return redirect(url_for(".booth_meetings"))
