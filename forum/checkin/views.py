"""Check-in pages: the desk (agents), the scanning API (devices), desks, lists and the live dashboard."""

from __future__ import annotations

import io
import uuid
from datetime import date

from flask import Response, abort, g, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

import forum.checkin.offline_views  # noqa: F401  (the offline desk's routes, on the same blueprint)
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.badges.pdf import write_badges
from forum.badges.render import badge_parts
from forum.badges.services import mark_printed
from forum.checkin import bp, scan, services, stats
from forum.checkin.forms import DeskForm, ListSettingsForm
from forum.checkin.models import CheckInList, Desk
from forum.checkin.scan_input import BadScanBody, ScanBody, device_scope, read_scan_body
from forum.db import writes_on_get
from forum.errors import ForumError
from forum.events.services import forum_or_404, reads_its_forum
from forum.extensions import csrf, db, limiter
from forum.forms import ConfirmForm
from forum.inputs import MAX_ID
from forum.registration.models import Registration
from forum.security import is_safe_next
from forum.web import forum_row_or_404, run

DESK_ROLES = (Role.organiser, Role.checkin_agent)


def _desk(desk_id: int) -> Desk:
    desk = forum_row_or_404(Desk, desk_id)
    if not desk.is_active:
        abort(404)
    return desk


def _scan_body() -> ScanBody:
    try:
        return read_scan_body(request.get_json(silent=True))
    except BadScanBody as error:
        abort(make_response(jsonify(error=400, reason=error.reason, message=str(error)), 400))


def _list(list_id: int | str | None) -> CheckInList:
    if list_id and str(list_id).isascii() and str(list_id).isdigit() and int(list_id) <= MAX_ID:
        return forum_row_or_404(CheckInList, int(list_id))
    checkin_list = services.default_list(g.forum) if not list_id else None
    if checkin_list is None:
        abort(404)
    return checkin_list


# --- the desk ----------------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/checkin/")
@forum_role_required(*DESK_ROLES)
def choose_desk():
    lists = services.ensure_lists(g.forum)
    db.session.commit()
    default = services.default_list(g.forum)
    desks = services.open_desks_of(g.forum)
    return render_template(
        "checkin/choose.html", forum=g.forum, desks=desks, lists=lists, default=default, label=services.list_label
    )


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>")
@forum_role_required(*DESK_ROLES)
@writes_on_get  # a rehearsal makes its list's twin the first time
def desk(desk_id: int):
    desk = _desk(desk_id)
    real_list = _list(request.args.get("list"))
    checkin_list = services.rehearsal_twin(real_list) if request.args.get("rehearsal") == "1" else real_list
    db.session.commit()
    return render_template(
        "checkin/desk.html",
        forum=g.forum,
        desk=desk,
        checkin_list=checkin_list,
        real_list=real_list,
        is_organiser=current_user.has_role(g.forum, Role.organiser),
        list_label=services.list_label(checkin_list),
        lists=services.lists_of(g.forum),
        label=services.list_label,
        inside=services.inside_count(checkin_list),
        answer=_answer_shown(desk),
    )


def _answer_shown(desk: Desk) -> services.ScanResult | None:
    """The answer to the scan the desk's form sent without its script (see `_form_scan`), if any."""
    try:
        shown = read_scan_body({"nonce": request.args.get("answer")})
    except BadScanBody:
        return None
    return services.stored_answer(g.forum, shown.nonce_for(f"d{desk.id}")) if shown.nonce else None


def _form_scan(desk: Desk):
    """The scan form as the browser sends it when the desk's script is not running (still loading
    when a scanner typed, or no JavaScript): the scan is made with a nonce of its own and the desk page
    shows its answer, where the browser would have dropped the code into the page's address."""
    checkin_list = _list(request.form.get("list"))
    body = read_scan_body(
        {"code": request.form.get("code", "").strip(), "exit": "exit" in request.form, "nonce": str(uuid.uuid4())}
    )
    if body.code:
        scan.scan_at_desk(
            g.forum,
            checkin_list,
            code=body.code,
            desk=desk,
            agent=current_user,
            nonce=body.nonce_for(f"d{desk.id}"),
            exit=body.exit,
        )
        db.session.commit()
    rehearsal = checkin_list.is_rehearsal
    return redirect(
        url_for(
            "checkin.desk",
            forum_slug=g.forum.slug,
            desk_id=desk.id,
            list=(services.real_list_of(checkin_list) if rehearsal else checkin_list).id,
            rehearsal="1" if rehearsal else None,
            answer=body.nonce if body.code else None,
        )
    )


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>/scan", methods=["POST"])
@forum_role_required(*DESK_ROLES)
def desk_scan(desk_id: int):
    """The desk page's scan: JSON from its script (CSRF token in the X-CSRFToken header), a code or a
    person found by name; or the page's form itself, sent by the browser (`_form_scan`)."""
    desk = _desk(desk_id)
    if not request.is_json:
        return _form_scan(desk)
    body = _scan_body()
    checkin_list = _list(body.list_id)
    registration = forum_row_or_404(Registration, body.registration_id) if body.registration_id else None
    result = scan.scan_at_desk(
        g.forum,
        checkin_list,
        code=body.code,
        registration=registration,
        desk=desk,
        agent=current_user,
        nonce=body.nonce_for(f"d{desk.id}"),
        exit=body.exit,
    )
    db.session.commit()
    return jsonify(result.as_dict())


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>/undo", methods=["POST"])
@forum_role_required(*DESK_ROLES)
def desk_undo(desk_id: int):
    desk = _desk(desk_id)
    checkin_list = _list(_scan_body().list_id)
    try:
        result = services.undo_last(g.forum, desk, agent=current_user, checkin_list=checkin_list)
    except ForumError as error:
        return jsonify(outcome="refused", reason="nothing_to_undo", message=str(error)), 409
    db.session.commit()
    return jsonify(result.as_dict())


@bp.route("/f/<forum_slug>/checkin/desk/<int:desk_id>/search")
@forum_role_required(*DESK_ROLES)
def desk_search(desk_id: int):
    _desk(desk_id)
    people = services.search(g.forum, request.args.get("q", ""))
    return jsonify(
        [
            {
                "id": r.id,
                "name_ar": r.name_ar,
                "name_latin": r.name_latin,
                "organisation": r.organisation.name if r.organisation else None,
                "status": r.status.title,
                # only a confirmed registration has a badge to print
                "badge_url": url_for(".print_badge", registration_id=r.id) if r.is_confirmed else None,
            }
            for r in people
        ]
    )


@bp.route("/f/<forum_slug>/checkin/badge/<int:registration_id>.pdf", methods=["POST"])
@forum_role_required(*DESK_ROLES)
def print_badge(registration_id: int):
    """Print (or reprint) a badge on the spot: a one-page A6 PDF, which prints at its exact size (an
    image would print at whatever size the browser chooses), and the print recorded."""
    registration = forum_row_or_404(Registration, registration_id)
    if not registration.is_confirmed:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    pdf = io.BytesIO()
    write_badges(pdf, [badge_parts(registration)], layout="a6")
    mark_printed([registration], actor=current_user)
    db.session.commit()
    return Response(
        pdf.getvalue(),
        mimetype="application/pdf",
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'inline; filename="badge-{g.forum.slug}-{registration.id}.pdf"',
        },
    )


# --- the API for scanning devices --------------------------------------------------------------


def _unreadable_scan(forum_slug: str, token: str):
    """A request the scan cannot read (no token, or a list that is not a number): checked as any page
    would, the desk's token first."""
    g.forum = forum_or_404(forum_slug)
    if not token or services.desk_for_token(g.forum, token) is None:
        raise services.DeskRefused()
    return jsonify(error=400, message=_("No such check-in list.")), 400


@bp.route("/api/f/<forum_slug>/checkin/scan", methods=["POST"])
@reads_its_forum
@csrf.exempt
@limiter.exempt
def api_scan(forum_slug: str):
    """Scan with a desk token (`Authorization: Bearer <token>`): {code, list?, nonce?, direction?}."""
    auth = request.authorization
    token = (auth.token or "") if auth is not None and auth.type == "bearer" else ""
    body = _scan_body()
    try:
        if not token:
            return _unreadable_scan(forum_slug, token)
        reading = scan.read_with_token(
            forum_slug,
            token,
            list_id=body.list_id,
            code=body.code or "",
            nonce=body.nonce_for(device_scope(token)),
        )
        g.forum = reading.forum  # the forum the scan read, for the answer's language and times
        result = scan.scan_with_token(reading, exit=body.exit)
    except services.DeskRefused:
        return jsonify(error=401, message=_("A valid desk token is needed.")), 401
    except services.NoSuchList:
        return jsonify(error=404, message=_("No such check-in list.")), 404
    db.session.commit()
    return jsonify(result.as_dict())


# --- organisers: desks, lists, live dashboard, trail -------------------------------------------


@bp.route("/f/<forum_slug>/manage/checkin/", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def manage():
    form = DeskForm()
    token = None
    if form.validate_on_submit() and (
        created := run(
            lambda: services.create_desk(g.forum, form.name.data, actor=current_user),
            success=_("The desk has been created. Copy its device token now: it will not be shown again."),
        )
    ):
        token = created.value[1]
        form = DeskForm(formdata=None)
    lists = services.ensure_lists(g.forum)
    db.session.commit()
    return render_template(
        "checkin/manage.html",
        forum=g.forum,
        form=form,
        token=token,
        desks=services.desks_of(g.forum),
        rehearsal_scans=services.rehearsal_scan_count(g.forum),
        lists=lists,
        label=services.list_label,
        settings_form=ListSettingsForm,
        confirm_form=ConfirmForm(),
    )


@bp.route("/f/<forum_slug>/manage/checkin/desks/<int:desk_id>/revoke", methods=["POST"])
@forum_role_required(Role.organiser)
def revoke_desk(desk_id: int):
    desk = _desk(desk_id)
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.revoke_desk(desk, actor=current_user),
            success=_("The desk has been closed; its token no longer works."),
        )
    return redirect(url_for(".manage"))


@bp.route("/f/<forum_slug>/manage/checkin/rehearsal/clear", methods=["POST"])
@forum_role_required(Role.organiser)
def clear_rehearsal():
    """Clear every rehearsal scan of the forum in one click (back to the desk the organiser came from)."""
    if ConfirmForm().validate_on_submit():
        run(lambda: services.clear_rehearsal(g.forum, actor=current_user), success=_("The rehearsal has been cleared."))
    back = request.form.get("next")
    return redirect(back if is_safe_next(back) else url_for(".manage"))


@bp.route("/f/<forum_slug>/manage/checkin/lists/<int:list_id>", methods=["POST"])
@forum_role_required(Role.organiser)
def list_settings(list_id: int):
    checkin_list = _list(list_id)
    form = ListSettingsForm()
    if form.validate_on_submit():
        run(
            lambda: services.update_list(
                checkin_list,
                allows_reentry=form.allows_reentry.data,
                records_exits=form.records_exits.data,
                actor=current_user,
            ),
            success=_("The list has been saved."),
        )
    return redirect(url_for(".manage"))


def _live_context() -> dict:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = None
    return {"forum": g.forum, **stats.live_figures(g.forum, day)}


@bp.route("/f/<forum_slug>/manage/checkin/live")
@forum_role_required(Role.organiser)
def live():
    return render_template("checkin/live.html", **_live_context())


@bp.route("/f/<forum_slug>/manage/checkin/live/panel")
@forum_role_required(Role.organiser)
def live_panel():
    return render_template("checkin/_live_panel.html", **_live_context())


@bp.route("/f/<forum_slug>/manage/checkin/trail")
@forum_role_required(Role.organiser)
def trail():
    scans, people, agents = services.trail_of(g.forum, limit=300)
    return render_template(
        "checkin/trail.html", forum=g.forum, scans=scans, people=people, agents=agents, reasons=services.REASONS
    )
