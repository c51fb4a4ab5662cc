"""The organisers' moderation: the forum's list by theme, a recommendation's page, accepting, rejecting,
merging duplicates and following up."""

from __future__ import annotations

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.forms import ConfirmForm
from forum.recommendations import bp, services
from forum.recommendations.forms import FollowUpForm, MergeForm, RejectForm
from forum.recommendations.models import Recommendation, RecommendationStatus
from forum.recommendations.views._common import MANAGE, recommendation_or_404
from forum.web import run


@bp.route(f"{MANAGE}/consolidate")
@forum_role_required(Role.organiser)
def consolidate():
    session_id = request.args.get("workshop", type=int)
    status = request.args.get("status")
    status = RecommendationStatus(status) if status in RecommendationStatus.__members__ else None
    rows = services.forum_recommendations(g.forum, session_id=session_id, status=status)
    return render_template(
        "recommendations/consolidate.html",
        forum=g.forum,
        sessions=services.workshops(g.forum),
        session_id=session_id,
        status=status,
        themes=services.group(rows),
        count=len(rows),
        statuses=RecommendationStatus,
    )


def _detail(recommendation: Recommendation, **forms):
    """The recommendation's page, with the forms given (as entered, with their errors) or fresh ones."""
    detail = services.detail(recommendation)
    return render_template(
        "recommendations/detail.html",
        forum=g.forum,
        recommendation=recommendation,
        supports=detail.supports,
        merged=detail.merged,
        merged_revisions=detail.merged_revisions,
        merged_supports=detail.merged_supports,
        revisions=detail.revisions,
        reject_form=forms.get("reject_form") or RejectForm(),
        merge_form=forms.get("merge_form") or MergeForm(candidates=detail.candidates),
        follow_up_form=forms.get("follow_up_form") or FollowUpForm(obj=recommendation.follow_up),
    )


@bp.route(f"{MANAGE}/<int:recommendation_id>")
@forum_role_required(Role.organiser)
def detail(recommendation_id: int):
    return _detail(recommendation_or_404(recommendation_id))


@bp.route(f"{MANAGE}/<int:recommendation_id>/accept", methods=["POST"])
@forum_role_required(Role.organiser)
def accept(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.accept(recommendation, actor=current_user), success=_("The recommendation is accepted."))
    if request.form.get("back") == "list":
        back = url_for(".consolidate", workshop=request.form.get("workshop", type=int))
        return redirect(f"{back}#r{recommendation.id}")
    return redirect(url_for(".detail", recommendation_id=recommendation.id))


@bp.route(f"{MANAGE}/<int:recommendation_id>/reject", methods=["POST"])
@forum_role_required(Role.organiser)
def reject(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    form = RejectForm()
    if form.validate_on_submit() and run(
        lambda: services.reject(recommendation, form.reason.data, actor=current_user),
        success=_("The recommendation is not retained; the author sees the reason."),
        field=form.reason,
    ):
        return redirect(url_for(".detail", recommendation_id=recommendation.id))
    return _detail(recommendation, reject_form=form), 400


@bp.route(f"{MANAGE}/<int:recommendation_id>/merge", methods=["POST"])
@forum_role_required(Role.organiser)
def merge(recommendation_id: int):
    survivor = recommendation_or_404(recommendation_id)
    form = MergeForm(candidates=services.merge_candidates(survivor))
    if form.validate_on_submit():
        duplicates = [recommendation_or_404(i) for i in form.duplicates.data]
        if run(
            lambda: services.merge(duplicates, survivor, actor=current_user),
            success=ngettext(
                "%(num)s recommendation merged into this one.",
                "%(num)s recommendations merged into this one.",
                len(duplicates),
            ),
            field=form.duplicates,
        ):
            return redirect(url_for(".detail", recommendation_id=survivor.id))
    return _detail(survivor, merge_form=form), 400


@bp.route(f"{MANAGE}/<int:recommendation_id>/follow-up", methods=["POST"])
@forum_role_required(Role.organiser)
def follow_up(recommendation_id: int):
    recommendation = recommendation_or_404(recommendation_id)
    form = FollowUpForm()
    if form.validate_on_submit() and run(
        lambda: services.update_follow_up(
            recommendation,
            responsible=form.responsible.data or "",
            status=form.status.data,
            note=form.note.data or "",
            noted_on=form.noted_on.data,
            actor=current_user,
        ),
        success=_("The follow-up has been saved."),
        field=form.status,
    ):
        return redirect(url_for(".detail", recommendation_id=recommendation.id) + "#follow-up")
    return _detail(recommendation, follow_up_form=form), 400
