"""Programme pages: the public programme and feeds, a participant's agenda, the organisers' timetable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from time import monotonic
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from forum import storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.db import translated
from forum.errors import ForumError
from forum.events.services import local_to_utc, utc_to_local
from forum.extensions import db
from forum.forms import ConfirmForm, clean_translations
from forum.i18n import local_date, local_time
from forum.programme import bp, ical, services
from forum.programme.cache import RevisionCache
from forum.programme.forms import MoveForm, RoomForm, SessionForm, SpeakerForm
from forum.programme.models import ProgrammeVersion, Room, Session, SessionKind, Speaker
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus

CHANGE_TITLES = {
    "added": _l("New"),
    "moved": _l("Moved"),
    "cancelled": _l("Cancelled"),
    "reinstated": _l("Back in the programme"),
    "updated": _l("Updated"),
    "removed": _l("Removed"),
}


bp.record_once(lambda state: state.app.jinja_env.globals.update(change_titles=CHANGE_TITLES))


@bp.app_template_filter("from_iso")
def from_iso(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


# --- public -----------------------------------------------------------------------------------------


#: rendered parts of the published programme, per process: {key: (rendered at, value)}
_rendered: dict[tuple, tuple[float, Any]] = {}
#: room and speaker edits do not touch the sessions' fingerprint: they show after at most this long
PROGRAMME_CACHE_SECONDS = 30


def _cached(what: str, build: Callable[[], Any], *extra: Any, fingerprint: tuple | None = None) -> Any:
    """A rendered part of the forum's published programme, built again only when a published session
    (its times, texts or seats taken) changed, or after PROGRAMME_CACHE_SECONDS. `fingerprint` is
    services.programme_fingerprint(forum) when the caller has already read it."""
    forum = g.forum
    fingerprint = fingerprint or services.programme_fingerprint(forum)
    key = (what, forum.id, forum.updated_at, str(get_locale()), *extra, fingerprint)
    cached = _rendered.get(key)
    if cached is not None and monotonic() - cached[0] < PROGRAMME_CACHE_SECONDS:
        return cached[1]
    value = build()
    if len(_rendered) > 256:
        _rendered.clear()
    _rendered[key] = (monotonic(), value)
    return value


def _html(template: str, **context: Any) -> Markup:
    return Markup(render_template(template, **context))  # noqa: S704  (autoescaped template output)


def _programme_body(theme: str | None, kind: str | None) -> Markup:
    forum = g.forum
    return _cached(
        "programme",
        lambda: _html(
            "programme/_programme_body.html",
            forum=forum,
            days=services.public_programme(forum, theme=theme, kind=kind),
            themes=services.themes_of(forum),
            kinds=SessionKind,
            theme=theme,
            kind=kind,
        ),
        theme,
        kind,
    )


@dataclass
class ChoiceSlot:
    """Workshops starting at the same time: the slot's heading and each workshop's rendered card."""

    heading: str
    cards: list[tuple[int, Markup]]


def _choices(fingerprint: tuple) -> list[ChoiceSlot]:
    """The workshops open to sign-up, by slot, rendered once per programme state and language."""

    def build() -> list[ChoiceSlot]:
        sessions = [
            s for s in services.sessions_of(g.forum, published_only=True) if s.is_signup_required and not s.is_cancelled
        ]
        return [
            ChoiceSlot(
                f"{local_date(slot.starts_at, 'EEE d MMM')} · {local_time(slot.starts_at)}",
                [(s.id, _html("programme/_session_card.html", session=s)) for s in slot.sessions],
            )
            for day in services.by_day(g.forum, sessions)
            for slot in day.slots
        ]

    return _cached("choices", build, fingerprint=fingerprint)


@dataclass(frozen=True)
class AgendaLine:
    """What a personal agenda shows of a session, in one language, formatted once per revision."""

    when: str
    title: str
    room: str
    url: str


_agenda_lines: RevisionCache[AgendaLine] = RevisionCache()


def _agenda_line(session: Session) -> AgendaLine:
    forum, locale = g.forum, str(get_locale())
    room = translated(session.room.name, locale) if session.room is not None else ""
    key = (forum.slug, forum.timezone, session.id, session.updated_at, locale, room)
    return _agenda_lines.get(
        key,
        lambda: AgendaLine(
            f"{local_date(session.starts_at, 'EEE d MMM')} · "
            f"{local_time(session.starts_at)}–{local_time(session.ends_at)}",
            translated(session.title, locale),
            room,
            url_for("programme.session_page", session_id=session.id),
        ),
    )


@bp.route("/f/<forum_slug>/programme/")
def programme():
    theme, kind = request.args.get("theme") or None, request.args.get("kind") or None
    return render_template("programme/programme.html", forum=g.forum, body=_programme_body(theme, kind))


@bp.route("/f/<forum_slug>/programme/print")
def programme_print():
    lang = request.args.get("lang") or str(get_locale())
    if lang not in ("ar", "fr", "en"):
        abort(404)
    with force_locale(lang):
        return render_template(
            "programme/print.html",
            forum=g.forum,
            days=services.public_programme(g.forum),
            print_lang=lang,
        )


@bp.route("/f/<forum_slug>/programme/sessions/<int:session_id>")
def session_page(session_id: int):
    session = services.published_session(g.forum, session_id) or abort(404)
    return render_template(
        "programme/session.html",
        forum=g.forum,
        session=session,
    )


def _feed(sessions, name: str) -> Response:
    locale = str(get_locale())
    body = ical.calendar_for(
        g.forum,
        sessions,
        name=name,
        locale=locale,
        url_of=lambda s: url_for("programme.session_page", session_id=s.id, _external=True),
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/f/<forum_slug>/programme.ics")
def forum_feed():
    response = _feed(services.sessions_of(g.forum, published_only=True), g.forum.name)
    response.headers["Content-Disposition"] = f'inline; filename="{g.forum.slug}.ics"'
    return response


@bp.route("/f/<forum_slug>/programme/sessions/<int:session_id>.ics")
def session_feed(session_id: int):
    session = services.published_session(g.forum, session_id) or abort(404)
    response = _feed([session], session.name)
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response


@bp.route("/f/<forum_slug>/programme/speakers/<int:speaker_id>/photo")
def speaker_photo(speaker_id: int):
    speaker = db.get_or_404(Speaker, speaker_id)
    if speaker.forum_id != g.forum.id or not speaker.photo_key:
        abort(404)
    mimetype = "image/png" if speaker.photo_key.endswith(".png") else "image/jpeg"
    return Response(storage.read(speaker.photo_key), mimetype=mimetype, headers={"Cache-Control": "max-age=3600"})


# --- participants -----------------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/me/<access_key>/agenda")
@participant_required()
def agenda():
    registration, forum = g.registration, g.forum
    agenda = services.personal_agenda(registration, forum)
    return render_template(
        "programme/agenda.html",
        forum=forum,
        registration=registration,
        entries=[(entry, _agenda_line(entry.session)) for entry in agenda.entries],
        choices=_choices(agenda.fingerprint),
        signups={entry.session.id for entry in agenda.entries if entry.signup is not None},
    )


@bp.route("/f/<forum_slug>/me/<access_key>/calendar.ics")
@participant_required()
def personal_feed():
    agenda = services.personal_agenda(g.registration, g.forum, with_speakers=True)
    response = _feed([entry.session for entry in agenda.entries], g.forum.name)
    response.headers["Content-Disposition"] = f'inline; filename="{g.forum.slug}-agenda.ics"'
    return response


def _chosen_session() -> Session:
    """The session named by the button pressed (name="session_id") in the agenda's form."""
    session_id = request.form.get("session_id", type=int)
    return (session_id and services.published_session(g.forum, session_id)) or abort(404)


@bp.route("/f/<forum_slug>/me/<access_key>/signup", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def signup():
    session = _chosen_session()
    if ConfirmForm().validate_on_submit():
        try:
            result = services.sign_up(g.registration, session)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            if result.status.value == "confirmed":
                flash(_("You are signed up to “%(title)s”.", title=session.name), "success")
            else:
                flash(_("The session is full: you are on its waiting list."), "warning")
    return redirect(url_for("programme.agenda"))


@bp.route("/f/<forum_slug>/me/<access_key>/signup/cancel", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def signup_cancel():
    session = _chosen_session()
    if ConfirmForm().validate_on_submit():
        try:
            services.cancel_signup(g.registration, session)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Your place in “%(title)s” has been given back.", title=session.name), "success")
    return redirect(url_for("programme.agenda"))


# --- organisers: timetable and sessions ---------------------------------------------------------------


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
            form.kind.data = draft.kind.value
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
        "kind": SessionKind(form.kind.data),
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


def _flash_warnings(warnings) -> None:
    for warning in warnings:
        flash(warning.message, "warning")


@bp.route("/f/<forum_slug>/manage/programme/sessions/new", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def session_edit(session_id: int | None = None):
    session = _own(Session, session_id) if session_id else None
    draft = services.draft_of(session) if session is not None else None
    form = _session_form(draft)
    conflicts = []
    if form.validate_on_submit():
        try:
            saved, warnings = services.save_session(g.forum, session, _session_data(form), actor=current_user)
        except services.ScheduleConflict as error:
            db.session.rollback()
            conflicts = error.conflicts
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The session has been saved (draft until you publish)."), "success")
            _flash_warnings(warnings)
            day = services.draft_of(saved).starts_at.astimezone(g.forum.zone).date()
            return redirect(url_for("programme.timetable", day=day.isoformat()))
    return render_template(
        "programme/manage/session_form.html",
        forum=g.forum,
        form=form,
        session=draft,
        conflicts=conflicts,
        delete_form=ConfirmForm(),
    )


@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/move", methods=["POST"])
@forum_role_required(Role.organiser)
def session_move(session_id: int):
    """Used by the timetable's drag and resize (JSON answer); the edit form is the no-JS way."""
    session = _own(Session, session_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return jsonify(ok=False, errors=[_("The new place is not valid.")]), 400
    tz = g.forum.timezone
    data = {
        "room_id": form.room_id.data,
        "starts_at": local_to_utc(form.starts_at.data, tz),
        "ends_at": local_to_utc(form.ends_at.data, tz),
    }
    try:
        _saved, warnings = services.save_session(g.forum, session, data, actor=current_user)
    except services.ScheduleConflict as error:
        db.session.rollback()
        return jsonify(ok=False, errors=[c.message for c in error.conflicts]), 409
    except ForumError as error:
        db.session.rollback()
        return jsonify(ok=False, errors=[str(error)]), 409
    db.session.commit()
    _flash_warnings(warnings)
    return jsonify(ok=True, warnings=[w.message for w in warnings])


@bp.route("/f/<forum_slug>/manage/programme/sessions/<int:session_id>/delete", methods=["POST"])
@forum_role_required(Role.organiser)
def session_delete(session_id: int):
    session = _own(Session, session_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_session(session, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for("programme.session_edit", session_id=session_id))
        db.session.commit()
        flash(_("The session has been deleted."), "success")
    return redirect(url_for("programme.timetable"))


def _own(model, object_id: int):
    obj = db.get_or_404(model, object_id)
    if obj.forum_id != g.forum.id:
        abort(404)
    return obj


# --- organisers: rooms and speakers -------------------------------------------------------------------


@bp.route("/f/<forum_slug>/manage/programme/rooms", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/rooms/<int:room_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def rooms(room_id: int | None = None):
    room = _own(Room, room_id) if room_id else None
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        data = {
            "name": clean_translations(form.name.data),
            "capacity": form.capacity.data,
            "is_accessible": form.is_accessible.data,
            "position": form.position.data or 0,
        }
        services.save_room(g.forum, room, data, actor=current_user)
        db.session.commit()
        flash(_("The room has been saved."), "success")
        return redirect(url_for("programme.rooms"))
    return render_template(
        "programme/manage/rooms.html", forum=g.forum, form=form, room=room, rooms=services.rooms_of(g.forum)
    )


@bp.route("/f/<forum_slug>/manage/programme/speakers", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/speakers/<int:speaker_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def speakers(speaker_id: int | None = None):
    speaker = _own(Speaker, speaker_id) if speaker_id else None
    form = SpeakerForm(obj=speaker, registrations=services.speaker_registrations(g.forum, speaker))
    if form.validate_on_submit():
        data = {
            "registration_id": form.registration_id.data,
            "name_ar": (form.name_ar.data or "").strip() or None,
            "name_latin": (form.name_latin.data or "").strip() or None,
            "job_title": (form.job_title.data or "").strip() or None,
            "organisation": (form.organisation.data or "").strip() or None,
            "bio": clean_translations(form.bio.data),
        }
        upload = form.photo.data
        if upload and getattr(upload, "filename", ""):
            suffix = ".png" if upload.filename.lower().endswith(".png") else ".jpg"
            data["photo"] = (upload.read(), suffix)
        try:
            services.save_speaker(g.forum, speaker, data, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The speaker has been saved."), "success")
            return redirect(url_for("programme.speakers"))
    return render_template(
        "programme/manage/speakers.html",
        forum=g.forum,
        form=form,
        speaker=speaker,
        speakers=services.speakers_of(g.forum),
    )


# --- organisers: publication ----------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/manage/programme/publish", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def publish():
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            version = services.publish(g.forum, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Version %(number)s of the programme is published.", number=version.number), "success")
            return redirect(url_for("programme.version", number=version.number))
    return render_template(
        "programme/manage/publish.html",
        forum=g.forum,
        changes=services.pending_changes(g.forum),
        versions=services.versions_of(g.forum),
        form=form,
    )


def _version(number: int) -> ProgrammeVersion:
    version = db.session.scalar(
        sa.select(ProgrammeVersion).where(ProgrammeVersion.forum_id == g.forum.id, ProgrammeVersion.number == number)
    )
    return version or abort(404)


@bp.route("/f/<forum_slug>/manage/programme/versions/<int:number>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def version(number: int):
    version = _version(number)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            sent = services.send_notices(version, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("%(count)s notifications are on their way.", count=sent), "success")
        return redirect(url_for("programme.version", number=number))
    return render_template(
        "programme/manage/version.html",
        forum=g.forum,
        version=version,
        notices=services.notices_for(version),
        form=form,
    )
