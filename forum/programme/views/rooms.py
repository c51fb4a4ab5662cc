"""The organisers' rooms and speakers: their lists and the form to add or edit one."""

from __future__ import annotations

from typing import Any

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.forms import clean_translations
from forum.programme import bp, services
from forum.programme.forms import RoomForm, SpeakerForm
from forum.programme.models import Room, Speaker
from forum.web import forum_row_or_404, run


@bp.route("/f/<forum_slug>/manage/programme/rooms", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/rooms/<int:room_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def rooms(room_id: int | None = None):
    room = forum_row_or_404(Room, room_id) if room_id else None
    form = RoomForm(obj=room)
    if form.validate_on_submit():
        data = {
            "name": clean_translations(form.name.data),
            "capacity": form.capacity.data,
            "is_accessible": form.is_accessible.data,
            "position": form.position.data or 0,
        }
        if run(
            lambda: services.save_room(g.forum, room, data, actor=current_user), success=_("The room has been saved.")
        ):
            return redirect(url_for("programme.rooms"))
    return render_template(
        "programme/manage/rooms.html", forum=g.forum, form=form, room=room, rooms=services.rooms_of(g.forum)
    )


def _speaker_data(form: SpeakerForm) -> dict[str, Any]:
    """What the form gives of a speaker, with the photo uploaded as (bytes, suffix)."""
    data = {
        "registration_id": form.registration_id.data,
        "name_ar": (form.name_ar.data or "").strip() or None,
        "name_latin": (form.name_latin.data or "").strip() or None,
        "job_title": (form.job_title.data or "").strip() or None,
        "organisation": (form.organisation.data or "").strip() or None,
        "bio": clean_translations(form.bio.data),
    }
    if form.photo_png is not None:
        data["photo"] = (form.photo_png, ".png")
    return data


@bp.route("/f/<forum_slug>/manage/programme/speakers", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/programme/speakers/<int:speaker_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def speakers(speaker_id: int | None = None):
    speaker = forum_row_or_404(Speaker, speaker_id) if speaker_id else None
    form = SpeakerForm(obj=speaker, registrations=services.speaker_registrations(g.forum, speaker))
    if form.validate_on_submit() and run(
        lambda: services.save_speaker(g.forum, speaker, _speaker_data(form), actor=current_user),
        success=_("The speaker has been saved."),
    ):
        return redirect(url_for("programme.speakers"))
    return render_template(
        "programme/manage/speakers.html",
        forum=g.forum,
        form=form,
        speaker=speaker,
        speakers=services.speakers_of(g.forum),
    )
