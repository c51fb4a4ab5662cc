"""The public pages: a workshop's wall, a forum's recommendations and their follow-up, the national
compilation of the series and its follow-up."""

from __future__ import annotations

from flask import abort, g, jsonify, render_template, request

from forum.i18n import region_name
from forum.recommendations import bp, services
from forum.recommendations.models import FollowUpStatus, TargetActor
from forum.recommendations.views._common import workshop_or_404


@bp.route("/f/<forum_slug>/recommendations/wall/<int:session_id>")
def wall(session_id: int):
    session = workshop_or_404(session_id)
    return render_template("recommendations/wall.html", forum=g.forum, session=session, rows=services.ranked(session))


@bp.route("/f/<forum_slug>/recommendations/wall/<int:session_id>/live")
def wall_live(session_id: int):
    session = workshop_or_404(session_id)
    rows = services.ranked(session)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(
            workshop=session.id,
            recommendations=[
                {"id": r.recommendation.id, "text": r.recommendation.text, "supports": r.supports} for r in rows
            ],
        )
    return render_template("recommendations/_wall_list.html", rows=rows)


@bp.route("/f/<forum_slug>/recommendations/")
def follow_up_page():
    return render_template(
        "recommendations/follow_up.html",
        forum=g.forum,
        rows=services.follow_up_rows(g.forum),
        summary=services.follow_up_summary([g.forum.id])[g.forum.id],
        statuses=FollowUpStatus,
    )


@bp.route("/recommendations/")
def national():
    compilation = services.national_compilation()
    labels = {forum.id: f"{region_name(forum.region)} · {forum.name}" for forum, _, _ in compilation.forums}
    return render_template(
        "recommendations/national.html",
        compilation=compilation,
        forum_labels=labels,
        sections=services.national_sections(),
    )


@bp.route("/recommendations/group")
def national_group():
    actor = TargetActor.__members__.get(request.args.get("actor", ""))
    page = request.args.get("page", 1, type=int)
    found = services.national_group(request.args.get("theme", ""), actor, page) if actor else None
    if found is None:
        abort(404)
    labels = {row.forum.id: f"{region_name(row.forum.region)} · {row.forum.name}" for row in found.group.rows}
    return render_template("recommendations/national_group.html", found=found, forum_labels=labels)


@bp.route("/recommendations/follow-up")
def series_follow_up():
    return render_template(
        "recommendations/series_follow_up.html", forums=services.series_follow_up(), statuses=FollowUpStatus
    )
