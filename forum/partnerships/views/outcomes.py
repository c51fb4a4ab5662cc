"""After the meeting: each party records its outcome; the partnerships tracker; the status link (no account)."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from forum.partnerships import bp, services
from forum.partnerships.forms import OutcomeForm, StatusForm
from forum.partnerships.views.organiser import MANAGE, organiser
from forum.partnerships.views.participant import ME, confirmed
from forum.web import run


@bp.route(f"{ME}/meetings/<int:meeting_id>/outcome", methods=["POST"])
@confirmed
def outcome(meeting_id: int):
    meeting, form = services.meeting_of(g.registration, meeting_id) or abort(404), OutcomeForm()
    if form.validate_on_submit():
        run(
            lambda: services.record_outcome(
                meeting, by=g.registration, outcome=form.outcome.data, kind=form.kind.data, amount=form.amount.data
            ),
            success=_("Thank you: the outcome of the meeting is saved."),
        )
    else:
        flash(_("Choose what came of the meeting; an amount is a whole number of dirhams."), "error")
    return redirect(url_for(".hub"))


@bp.route(f"{MANAGE}/partnerships")
@organiser
def tracker():
    return render_template("partnerships/tracker.html", forum=g.forum, partnerships=services.partnerships_of(g.forum))


@bp.route("/f/<forum_slug>/partnership/<token>", methods=["GET", "POST"])
def status(token: str):
    found = services.read_status_token(token)
    if found is None or found[0].forum_id != g.forum.id:
        abort(404)
    partnership, party = found
    form = StatusForm(data={"status": partnership.status, "amount": partnership.amount})
    if form.validate_on_submit() and run(
        lambda: services.update_status(partnership, by=party, status=form.status.data, amount=form.amount.data),
        success=_("Thank you: the partnership's status is updated."),
        field=form.status,
    ):
        return redirect(url_for(".status", token=token))
    return render_template("partnerships/status.html", forum=g.forum, partnership=partnership, party=party, form=form)
