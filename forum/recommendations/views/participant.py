"""The participants' pages, through their registration's link: submitting recommendations, supporting them."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum.forms import ConfirmForm
from forum.recommendations import bp, services
from forum.recommendations.forms import ParticipantRecommendationForm
from forum.recommendations.views._common import PARTICIPANT, recommendation_or_404, workshop_or_404
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus
from forum.web import run


@bp.route(f"{PARTICIPANT}/", methods=["GET", "POST"])
@participant_required()
def participant():
    registration, sessions = g.registration, services.workshops(g.forum)
    confirmed = registration.status == RegistrationStatus.confirmed
    if request.method == "POST" and not confirmed:
        abort(403)
    form = ParticipantRecommendationForm(workshops=sessions)
    if form.validate_on_submit() and run(
        lambda: services.add_recommendation(
            workshop_or_404(form.workshop.data),
            text=form.text.data,
            theme=form.theme.data or "",
            target_actor=form.target_actor.data,
            registration=registration,
        ),
        success=_("Thank you: your recommendation has been submitted."),
        field=form.text,
    ):
        return redirect(url_for(".participant"))
    return _participant_page(form, sessions, confirmed)


def _participant_page(form: ParticipantRecommendationForm, sessions: list, confirmed: bool) -> str:
    registration = g.registration
    return render_template(
        "recommendations/participant.html",
        forum=g.forum,
        registration=registration,
        confirmed=confirmed,
        window_open=services.input_is_open(g.forum),
        form=form,
        workshops=services.ranked_workshops(sessions),
        supported=services.supported_by(registration),
        mine=services.by_participant(registration),
    )


@bp.route(f"{PARTICIPANT}/<int:recommendation_id>/support", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def support(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.endorse(recommendation, g.registration), success=_("Your support has been counted."))
    return redirect(url_for(".participant") + f"#r{recommendation.id}")


@bp.route(f"{PARTICIPANT}/<int:recommendation_id>/withdraw", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def withdraw(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.withdraw(recommendation, g.registration), success=_("Your support has been withdrawn."))
    return redirect(url_for(".participant") + f"#r{recommendation.id}")
