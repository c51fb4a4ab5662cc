"""The participants' pages, through their registration's link: submitting recommendations (shown the
similar ones first), supporting them."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from forum.extensions import limiter
from forum.forms import ConfirmForm
from forum.recommendations import bp, services
from forum.recommendations.forms import ParticipantRecommendationForm
from forum.recommendations.models import Recommendation
from forum.recommendations.views._common import (
    PARTICIPANT,
    SIMILAR_RATE_LIMIT,
    duplicates_of,
    person_key,
    recommendation_or_404,
    similar_json,
    workshop_or_404,
)
from forum.registration.access import participant_required
from forum.registration.models import Registration, RegistrationStatus
from forum.web import run


@bp.route(f"{PARTICIPANT}/", methods=["GET", "POST"])
@participant_required()
def participant():
    registration, sessions = g.registration, services.workshops(g.forum)
    confirmed = registration.status == RegistrationStatus.confirmed
    if request.method == "POST" and not confirmed:
        abort(403)
    form = ParticipantRecommendationForm(workshops=sessions)
    similar = []
    if (
        form.validate_on_submit()
        and not (similar := duplicates_of(form, workshop_or_404(form.workshop.data)))
        and run(
            lambda: _submit(form, registration),
            success=_("Thank you: your recommendation has been submitted."),
            field=form.text,
        )
    ):
        return redirect(url_for(".participant"))
    return _participant_page(form, sessions, confirmed, similar)


@bp.route(f"{PARTICIPANT}/similar")
@limiter.limit(SIMILAR_RATE_LIMIT, key_func=person_key)
@participant_required(RegistrationStatus.confirmed)
def participant_similar():
    """The recommendations of the forum that read like the text being typed (JSON, for the script);
    those of the chosen workshop first, each with the address to support it (none when supported)."""
    workshop_id = request.args.get("workshop", type=int)
    supported = services.supported_by(g.registration)
    return similar_json(
        services.similar_to(workshop_or_404(workshop_id) if workshop_id else g.forum, request.args.get("text", "")),
        lambda r: None if r.id in supported else url_for(".support", recommendation_id=r.id),
    )


def _submit(form: ParticipantRecommendationForm, registration: Registration) -> Recommendation:
    return services.add_recommendation(
        workshop_or_404(form.workshop.data),
        text=form.text.data,
        theme=form.theme.data or "",
        target_actor=form.target_actor.data,
        registration=registration,
    )


def _participant_page(
    form: ParticipantRecommendationForm, sessions: list, confirmed: bool, similar: list[services.Similar]
) -> str:
    registration = g.registration
    return render_template(
        "recommendations/participant.html",
        forum=g.forum,
        registration=registration,
        confirmed=confirmed,
        window_open=services.input_is_open(g.forum),
        form=form,
        similar=similar,
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
