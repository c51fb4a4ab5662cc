"""The organisers' automatic schedule: run it, review what it placed and left out (and why), publish."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import ngettext

from forum.forms import ConfirmForm
from forum.partnerships import bp, services
from forum.partnerships.forms import ScheduleForm
from forum.partnerships.views.organiser import MANAGE, organiser
from forum.web import run


@bp.route(f"{MANAGE}/schedule", methods=["GET", "POST"])
@organiser
def schedule():
    form = ScheduleForm()
    if form.validate_on_submit() and run(
        lambda: services.run_schedule(g.forum, favour_sectors=form.favour_sectors.data),
        success=lambda proposal: ngettext(
            "The schedule places %(num)d meeting: review it, then publish.",
            "The schedule places %(num)d meetings: review it, then publish.",
            len(proposal.placed),
        ),
    ):
        return redirect(url_for(".schedule"))
    return render_template(
        "partnerships/schedule.html",
        forum=g.forum,
        form=form,
        proposal=services.proposal_of(g.forum),
        reasons=services.REASONS,
    )


@bp.route(f"{MANAGE}/schedule/publish", methods=["POST"])
@organiser
def publish_schedule():
    if ConfirmForm().validate_on_submit():
        keep = {int(value) for value in request.form.getlist("keep") if value.isdigit()}
        run(
            lambda: services.publish_schedule(g.forum, keep),
            success=lambda count: ngettext(
                "%(num)d meeting is published to both parties.",
                "%(num)d meetings are published to both parties.",
                count,
            ),
        )
    return redirect(url_for(".manage"))
