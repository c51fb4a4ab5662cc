"""The organisers' timetable and sessions: the day's grid, editing, moving (drag and resize) and deleting."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from flask import flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.errors import ForumError
from forum.events.services import local_to_utc, utc_to_local
from forum.extensions import db
from forum.forms import ConfirmForm, clean_translations
from forum.programme import bp, services
from forum.programme.forms import MoveForm, SessionForm
from forum.programme.models import Session
from forum.web import forum_row_or_404, run


def _day_arg() -> date:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = g.forum.starts_on
    return day if day in g.forum.days else g.forum.starts_on


@bp.route("/f/<forum_slug>/manage/programme/")
@forum_role_required(Role.organiser)
def timetable():
    day = _day_arg()
    return render_template(
        "programme/manage/timetable.html",
        forum=g.forum,
        grid=services.timetable(g.forum, day),
        day=day,
        pending=services.pending_changes(g.forum),
        version=services.latest_version(g.forum),
        timedelta_hour=timedelta(hours=1),
    )


def _session_form(draft: services.DraftSession | None = None) -> SessionForm:
    """The edit form, filled from the session as the organisers' draft has it."""
    forum = g.forum
    form = SessionForm(
        obj=draft,
        rooms=services.rooms_of(forum),
        speakers=services.speakers_of(forum),
        rapporteurs=services.rapporteurs_of(forum),
    )
    if request.method == "GET":
        if draft is not None:
            form.starts_at.data = utc_to_local(draft.starts_at, forum.timezone)
            form.ends_at.data = utc_to_local(draft.ends_at, forum.timezone)
            form.speaker_ids.data = list(draft.speaker_ids)
        else:
            form.room_id.data = request.args.get("room_id", type=int)
            form.starts_at.data = _local_arg("starts_at")
            form.ends_at.data = _local_arg("ends_at")
    return form


def _local_arg(name: str) -> datetime | None:
    try:
        return datetime.strptime(request.args.get(name, ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


def _session_data(form: SessionForm) -> dict:
    tz = g.forum.timezone
    return {
        "kind": form.kind.data,
        "title": clean_translations(form.title.data),
        "description": clean_translations(form.description.data),
        "theme": (form.theme.data or "").strip() or None,
        "room_id": form.room_id.data,
        "starts_at": local_to_utc(form.starts_at.data, tz),
        "ends_at": local_to_utc(form.ends_at.data, tz),
        "capacity": form.capacity.data,
        "is_signup_required": form.is_signup_required.data,
        "speaker_ids": form.speaker_ids.data or [],
        "moderator_id": form.moderator_id.data,
        "rapporteur_id": form.rapporteur_id.data,
        "is_cancelled": form.is_cancelled.data,
    }


@dataclass
class _Saved:
    """What saving a session gave: the session saved and its soft conflicts, or the hard conflicts or
    the error that refused it (the transaction then rolled back)."""

    session: Session | None = None
    warnings: list[services.Conflict] = field(default_factory=list)
    conflicts: list[services.Conflict] = field(default_factory=list)
    error: str | None = None


def _save(session: Session | None, data: dict[str, Any]) -> _Saved:
    """Save a session and commit, or roll back keeping the hard conflicts apart: the edit form lists
    them and the timetable's JSON answer returns them, where other errors are a single message."""
    try:
        saved, warnings = services.save_session(g.forum, session, data, actor=current_user)
    except services.ScheduleConflict as error:
        db.session.rollback()
        return _Saved(conflicts=error.conflicts)
    except ForumError as error:
        db.session.rollback()
        return _Saved(error=str(error))
    db.session.commit()
    return _Saved(saved, warnings)


def _flash_warnings(warnings) -> None:
    for warning in warnings:
        flash(warning.message, "warning")


@bp.route("/f/<forum_slug>/manage/programme/sessions/new", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def session_edit(session_id: int | None = None):
    session = forum_row_or_404(Session, session_id) if session_id else None
    draft = services.draft_of(session) if session is not None else None
    form = _session_form(draft)
    saved = _Saved()
    if form.validate_on_submit():
        saved = _save(session, _session_data(form))
        if saved.error:
            flash(saved.error, "error")
        elif saved.session is not None:
            flash(_("The session has been saved (draft until you publish)."), "success")
            _flash_warnings(saved.warnings)
            day = services.draft_day(g.forum, saved.session)
            return redirect(url_for("programme.timetable", day=day.isoformat()))
    return render_template(
        "programme/manage/session_form.html",
        forum=g.forum,
        form=form,
        session=draft,
        conflicts=saved.conflicts,
        delete_form=ConfirmForm(),
    )


@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/move", methods=["POST"])
@forum_role_required(Role.organiser)
def session_move(session_id: int):
    """Used by the timetable's drag and resize (JSON answer); the edit form is the no-JS way."""
    session = forum_row_or_404(Session, session_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return jsonify(ok=False, errors=[_("The new place is not valid.")]), 400
    tz = g.forum.timezone
    data = {
        "room_id": form.room_id.data,
        "starts_at": local_to_utc(form.starts_at.data, tz),
        "ends_at": local_to_utc(form.ends_at.data, tz),
    }
    saved = _save(session, data)
    if saved.session is None:
        return jsonify(ok=False, errors=[saved.error] if saved.error else [c.message for c in saved.conflicts]), 409
    _flash_warnings(saved.warnings)
    return jsonify(ok=True, warnings=[w.message for w in saved.warnings])


@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/delete", methods=["POST"])
@forum_role_required(Role.organiser)
def session_delete(session_id: int):
    session = forum_row_or_404(Session, session_id)
    if ConfirmForm().validate_on_submit() and not run(
        lambda: services.delete_session(session, actor=current_user), success=_("The session has been deleted.")
    ):
        return redirect(url_for("programme.session_edit", session_id=session_id))
    return redirect(url_for("programme.timetable"))
