"""Organisers' exhibitors: invitations, requests and their decision, tiers, booths by hand, the allocation."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.exhibition import bp, services
from forum.exhibition.forms import InviteExhibitorForm, TierForm
from forum.exhibition.models import Booth, BoothAssignment, Exhibitor
from forum.exhibition.views._common import ORGANISER, locale
from forum.forms import ConfirmForm
from forum.web import forum_row_or_404, run


@bp.route(f"{ORGANISER}/exhibitors", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def exhibitors():
    form = InviteExhibitorForm()
    if form.validate_on_submit() and run(
        lambda: services.invite_exhibitor(
            g.forum,
            name=form.name.data,
            kind=form.kind.data,
            contact_email=form.contact_email.data,
            contact_name=form.contact_name.data,
            tier=form.tier.data,
            actor=current_user,
            locale=locale(),
        ),
        success=_("%(name)s has been invited.", name=form.name.data),
        field=form.name,
    ):
        return redirect(url_for(".exhibitors"))
    return render_template(
        "exhibition/exhibitors.html",
        forum=g.forum,
        form=form,
        exhibitors=services.exhibitors_of(g.forum),
        confirm=ConfirmForm(),
    )


@bp.route(f"{ORGANISER}/exhibitors/<int:exhibitor_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def exhibitor_detail(exhibitor_id: int):
    exhibitor = forum_row_or_404(Exhibitor, exhibitor_id)
    form = TierForm(obj=exhibitor)
    if form.validate_on_submit() and run(
        lambda: services.set_tier(exhibitor, form.tier.data, actor=current_user), success=_("The tier has been saved.")
    ):
        return redirect(url_for(".exhibitor_detail", exhibitor_id=exhibitor.id))
    return render_template(
        "exhibition/exhibitor_detail.html", forum=g.forum, exhibitor=exhibitor, form=form, confirm=ConfirmForm()
    )


@bp.route(f"{ORGANISER}/exhibitors/<int:exhibitor_id>/<any(approve, decline):decision>", methods=["POST"])
@forum_role_required(Role.organiser)
def exhibitor_decide(exhibitor_id: int, decision: str):
    exhibitor = forum_row_or_404(Exhibitor, exhibitor_id)
    if ConfirmForm().validate_on_submit():
        run(
            lambda: (
                services.approve_exhibitor(exhibitor, actor=current_user, locale=locale())
                if decision == "approve"
                else services.decline_exhibitor(exhibitor, actor=current_user)
            ),
            success=_("The decision has been saved."),
        )
    return redirect(url_for(".exhibitor_detail", exhibitor_id=exhibitor_id))


def _back() -> str:
    """Where a booth given or taken back from a page returns: the allocation or the plan."""
    return url_for(".allocation") if request.form.get("back") == "allocation" else url_for(".manage")


@bp.route(f"{ORGANISER}/assign", methods=["POST"])
@forum_role_required(Role.organiser)
def assign():
    booth = forum_row_or_404(Booth, request.form.get("booth_id", type=int) or 0)
    exhibitor = forum_row_or_404(Exhibitor, request.form.get("exhibitor_id", type=int) or 0)
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.assign(booth, exhibitor, actor=current_user),
            success=_("Booth %(booth)s is now %(name)s's.", booth=booth.code, name=exhibitor.name),
        )
    return redirect(_back())


@bp.route(f"{ORGANISER}/assignments/<int:assignment_id>/remove", methods=["POST"])
@forum_role_required(Role.organiser)
def unassign(assignment_id: int):
    assignment = forum_row_or_404(BoothAssignment, assignment_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.unassign(assignment, actor=current_user), success=_("The booth is free again."))
    return redirect(_back())


@bp.route(f"{ORGANISER}/allocation")
@forum_role_required(Role.organiser)
def allocation():
    board = services.allocation_board(g.forum)
    return render_template(
        "exhibition/allocation.html",
        forum=g.forum,
        rows=board.rows,
        free_booths=board.free_booths,
        booths=board.booths,
        zones=board.zones,
        exhibition=board.exhibition,
        unpublished=board.unpublished,
        confirm=ConfirmForm(),
        public=False,
    )


@bp.route(f"{ORGANISER}/allocation/run", methods=["POST"])
@forum_role_required(Role.organiser)
def allocation_run():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.run_allocation(g.forum, actor=current_user),
            success=lambda result: ngettext(
                "Proposal ready: %(num)s booth offered. Check it, adjust it, then publish.",
                "Proposal ready: %(num)s booths offered. Check it, adjust it, then publish.",
                len(result),
            ),
        )
    return redirect(url_for(".allocation"))


@bp.route(f"{ORGANISER}/allocation/publish", methods=["POST"])
@forum_role_required(Role.organiser)
def allocation_publish():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.publish_allocation(g.forum, actor=current_user),
            success=lambda count: ngettext(
                "%(num)s assignment published; the exhibitor has been e-mailed.",
                "%(num)s assignments published; the exhibitors have been e-mailed.",
                count,
            ),
        )
    return redirect(url_for(".allocation"))
