"""A participant's meetings: choosing a time, cancelling, marking held (badge scan or tick)."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum.forms import ConfirmForm
from forum.partnerships import bp, services
from forum.partnerships.forms import BookForm, ScanForm
from forum.partnerships.models import MeetingSlot
from forum.partnerships.views.participant import ME, confirmed
from forum.web import forum_row_or_404, run


@bp.route(f"{ME}/requests/<int:request_id>/book", methods=["GET", "POST"])
@confirmed
def book(request_id: int):
    meeting_request = services.request_of(g.registration, request_id) or abort(404)
    slots = services.free_slots(meeting_request)
    form = BookForm(slots=services.slots_of(g.forum) if request.method == "POST" else slots)
    if form.validate_on_submit() and run(
        lambda: services.book(meeting_request, forum_row_or_404(MeetingSlot, form.slot.data), by=g.registration),
        success=lambda meeting: _("Your meeting is booked at %(place)s.", place=meeting.place.name),
        field=form.slot,
    ):
        return redirect(url_for(".hub"))
    form.offer(slots)
    other = meeting_request.other(g.registration)
    return render_template("partnerships/book.html", forum=g.forum, form=form, slots=slots, other=other)


def _meeting(meeting_id: int):
    return services.meeting_of(g.registration, meeting_id) or abort(404)


@bp.route(f"{ME}/meetings/<int:meeting_id>/cancel", methods=["POST"])
@confirmed
def cancel(meeting_id: int):
    meeting = _meeting(meeting_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.cancel_meeting(meeting, by=g.registration), success=_("The meeting is cancelled."))
    return redirect(url_for(".hub"))


@bp.route(f"{ME}/meetings/<int:meeting_id>/held", methods=["POST"])
@confirmed
def held(meeting_id: int):
    meeting = _meeting(meeting_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.mark_held(meeting, by=g.registration), success=_("The meeting is marked as held."))
    return redirect(url_for(".hub"))


@bp.route(f"{ME}/scan", methods=["POST"])
@confirmed
def scan():
    form = ScanForm()
    if form.validate_on_submit():
        run(
            lambda: services.held_by_scan(g.registration, form.code.data.strip()),
            success=lambda meeting: _(
                "Meeting with %(name)s marked as held.",
                name=services.public_name(meeting.request.other(g.registration)),
            ),
        )
    return redirect(url_for(".hub"))
