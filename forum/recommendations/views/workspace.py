"""The rapporteurs' and organisers' workspace: the workshops, each workshop's list (with the similar
recommendations of the forum shown while typing), editing, the input window."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.events.services import local_to_utc, utc_to_local
from forum.extensions import db, limiter
from forum.forms import ConfirmForm
from forum.programme.models import Session
from forum.recommendations import bp, services
from forum.recommendations.forms import NewRecommendationForm, RecommendationForm, WindowForm
from forum.recommendations.views._common import (
    MANAGE,
    SIMILAR_RATE_LIMIT,
    duplicates_of,
    editable,
    person_key,
    recommendation_or_404,
    similar_json,
    workshop_or_404,
)
from forum.web import run


@bp.route(f"{MANAGE}/")
@forum_role_required(Role.organiser, Role.rapporteur)
def index():
    sessions = services.workshops_for(current_user, g.forum)
    return render_template(
        "recommendations/index.html",
        forum=g.forum,
        sessions=sessions,
        counts=services.list_sizes(sessions),
        status_counts=services.status_counts(g.forum),
        window=services.input_window(g.forum),
        window_open=services.input_is_open(g.forum),
    )


@bp.route(f"{MANAGE}/workshops/<int:session_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def workspace(session_id: int):
    session = editable(workshop_or_404(session_id))
    form = NewRecommendationForm()
    if request.method == "GET":
        form.theme.data = session.theme or ""
    similar = []
    if (
        form.validate_on_submit()
        and not (similar := duplicates_of(form, session))
        and run(
            lambda: services.add_recommendation(session, actor=current_user, **_entry(form)),
            success=_("The recommendation has been added."),
            field=form.text,
        )
    ):
        return redirect(url_for(".workspace", session_id=session.id) + "#add")
    return _workspace_page(session, form, similar)


@bp.route(f"{MANAGE}/workshops/<int:session_id>/merge-into/<int:recommendation_id>", methods=["POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def merge_into(session_id: int, recommendation_id: int):
    """The typed text repeats a recommendation already entered: added and merged into it at once."""
    session = editable(workshop_or_404(session_id))
    survivor = recommendation_or_404(recommendation_id)
    form = NewRecommendationForm()
    if form.validate_on_submit() and run(
        lambda: services.add_merged_into(survivor, session, actor=current_user, **_entry(form)),
        success=_("The text has been merged into the recommendation it repeats; its wording is kept there."),
        field=form.text,
    ):
        return redirect(url_for(".workspace", session_id=session.id) + "#add")
    return _workspace_page(session, form, services.similar_to(session, form.text.data or ""))


@bp.route(f"{MANAGE}/workshops/<int:session_id>/similar")
@limiter.limit(SIMILAR_RATE_LIMIT, key_func=person_key)
@forum_role_required(Role.organiser, Role.rapporteur)
def workshop_similar(session_id: int):
    """The recommendations of the forum that read like the text being typed (JSON, for the script)."""
    session = editable(workshop_or_404(session_id))
    return similar_json(
        services.similar_to(session, request.args.get("text", "")),
        lambda r: url_for(".merge_into", session_id=session.id, recommendation_id=r.id),
    )


def _workspace_page(session: Session, form: NewRecommendationForm, similar: list[services.Similar]) -> str:
    return render_template(
        "recommendations/workspace.html",
        forum=g.forum,
        session=session,
        form=form,
        similar=similar,
        rows=services.workshop_list(session),
        themes=services.themes_in_use(g.forum),
    )


@bp.route(f"{MANAGE}/<int:recommendation_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def edit(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    editable(recommendation.session)
    form = RecommendationForm(obj=recommendation)
    if form.validate_on_submit() and run(
        lambda: services.edit_recommendation(recommendation, actor=current_user, **_entry(form)),
        success=_("The recommendation has been saved."),
        field=form.text,
    ):
        return redirect(url_for(".workspace", session_id=recommendation.session_id))
    return render_template(
        "recommendations/edit.html",
        forum=g.forum,
        recommendation=recommendation,
        form=form,
        themes=services.themes_in_use(g.forum),
        revisions=services.revisions(recommendation),
    )


def _entry(form: RecommendationForm) -> dict:
    """The recommendation as entered, as the services take it."""
    return {
        "text": form.text.data,
        "theme": form.theme.data or "",
        "target_actor": form.target_actor.data,
        "priority": form.priority.data,
    }


@bp.route(f"{MANAGE}/<int:recommendation_id>/move/<any(up, down):direction>", methods=["POST"])
@forum_role_required(Role.organiser, Role.rapporteur)
def move(recommendation_id: int, direction: str):
    recommendation = recommendation_or_404(recommendation_id)
    editable(recommendation.session)
    if ConfirmForm().validate_on_submit():
        services.move(recommendation, -1 if direction == "up" else 1, actor=current_user)
        db.session.commit()
    return redirect(url_for(".workspace", session_id=recommendation.session_id) + f"#r{recommendation.id}")


@bp.route(f"{MANAGE}/settings", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def settings():
    form = WindowForm()
    if request.method == "GET":
        opens, closes = services.input_window(g.forum)
        form.opens_at.data = utc_to_local(opens, g.forum.timezone)
        form.closes_at.data = utc_to_local(closes, g.forum.timezone)
    if form.validate_on_submit() and run(
        lambda: services.set_input_window(
            g.forum,
            local_to_utc(form.opens_at.data, g.forum.timezone),
            local_to_utc(form.closes_at.data, g.forum.timezone),
            actor=current_user,
        ),
        success=_("The input window has been saved."),
        field=form.closes_at,
    ):
        return redirect(url_for(".index"))
    return render_template("recommendations/settings.html", forum=g.forum, form=form)
