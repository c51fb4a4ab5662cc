"""The offline desk's routes: its roster, the upload of scans made offline, the service worker that
keeps the desk page working without a network, and the web app manifest."""

from __future__ import annotations

from flask import Response, abort, g, jsonify, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.checkin import bp, roster, sync
from forum.checkin.models import CheckInList, Desk
from forum.extensions import db
from forum.web import forum_row_or_404

DESK_ROLES = (Role.organiser, Role.checkin_agent)


def _closed_desk():
    """A closed desk's answer: the desk page wipes its roster and queue when it gets it."""
    return jsonify(error="desk_closed", message=_("This desk has been closed.")), 403


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>/roster")
@forum_role_required(*DESK_ROLES)
def desk_roster(desk_id: int):
    """The roster of a list for a desk to answer offline, and the list's conflicts so far."""
    desk = forum_row_or_404(Desk, desk_id)
    if not desk.is_active:
        return _closed_desk()
    list_id = request.args.get("list", "")
    if not (list_id.isascii() and list_id.isdigit() and int(list_id) <= sync.MAX_ID):
        abort(404)
    checkin_list = forum_row_or_404(CheckInList, int(list_id))
    data = roster.roster_of(g.forum, checkin_list)
    data.update(desk={"id": desk.id, "name": desk.name}, user=current_user.id)
    data["conflicts"] = sync.conflicts_of(checkin_list)
    response = jsonify(data)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>/sync", methods=["POST"])
@forum_role_required(*DESK_ROLES)
def desk_sync(desk_id: int):
    """Scans made offline, in batches ({list, scans: [{nonce, code, at, exit?, offline}]}): idempotent."""
    desk = forum_row_or_404(Desk, desk_id)
    if not desk.is_active:
        return _closed_desk()
    try:
        list_id, scans = sync.read_upload(request.get_json(silent=True))
    except sync.BadSync as error:
        return jsonify(error="bad_upload", message=str(error.message), index=error.index), 400
    checkin_list = db.session.get(CheckInList, list_id)
    if checkin_list is None or checkin_list.forum_id != g.forum.id:
        return jsonify(error="no_such_list", message=_("No such check-in list.")), 404
    results = sync.apply_upload(g.forum, desk, checkin_list, scans, agent=current_user)
    db.session.commit()
    return jsonify(results=results, conflicts=sync.conflicts_of(checkin_list))


@bp.route("/f/<forum_slug>/checkin/sw.js")
@forum_role_required(*DESK_ROLES)
def desk_service_worker():
    """The desk's service worker (scope: the forum's check-in pages)."""
    script = render_template("checkin/sw.js", static_prefix=url_for("static", filename=""))
    return Response(script, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.route("/f/<forum_slug>/checkin/manifest.webmanifest")
@forum_role_required(*DESK_ROLES)
def desk_manifest():
    """The web app manifest: the forum's desk chooser installs as an app of its own."""
    start = url_for("checkin.choose_desk")
    manifest = {
        "name": f"{_('Check-in desk')} · {g.forum.slug}",
        "short_name": _("Check-in"),
        "start_url": start,
        "scope": start,
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#1e7d46",
        "icons": [{"src": url_for("static", filename="favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }
    return Response(jsonify(manifest).get_data(), mimetype="application/manifest+json")
