"""The organisers' meeting plan (window, limit, slots, places) and their live board of meetings."""

from __future__ import annotations

from datetime import date

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.events.services import local_to_utc, utc_to_local
from forum.forms import ConfirmForm
from forum.partnerships import bp, services
from forum.partnerships.forms import SettingsForm, SlotsForm, TablesForm
from forum.partnerships.models import MeetingPlace, MeetingSlot
from forum.web import forum_row_or_404, run

MANAGE = "/f/<forum_slug>/manage/meetings"
organiser = forum_role_required(Role.organiser)


def _settings_form() -> SettingsForm:
    settings = services.settings_of(g.forum)
    zone = g.forum.timezone
    return SettingsForm(
        data={
            "booking_opens_at": utc_to_local(settings.booking_opens_at, zone),
            "booking_closes_at": utc_to_local(settings.booking_closes_at, zone),
            "max_meetings": settings.max_meetings,
        }
    )


def _page(**forms):
    forms = {
        "settings_form": _settings_form(),
        "slots_form": SlotsForm(days=g.forum.days),
        "tables_form": TablesForm(),
    } | forms
    return render_template(
        "partnerships/manage.html",
        forum=g.forum,
        slots=services.slots_of(g.forum),
        places=services.places_of(g.forum),
        board=services.board(g.forum),
        **forms,
    )


@bp.route(f"{MANAGE}/")
@organiser
def manage():
    return _page()


@bp.route(f"{MANAGE}/settings", methods=["POST"])
@organiser
def settings():
    form, zone = SettingsForm(), g.forum.timezone
    if form.validate_on_submit() and run(
        lambda: services.save_settings(
            g.forum,
            booking_opens_at=local_to_utc(form.booking_opens_at.data, zone),
            booking_closes_at=local_to_utc(form.booking_closes_at.data, zone),
            max_meetings=form.max_meetings.data,
        ),
        success=_("The meeting settings are saved."),
        field=form.booking_closes_at,
    ):
        return redirect(url_for(".manage"))
    return _page(settings_form=form)


@bp.route(f"{MANAGE}/slots", methods=["POST"])
@organiser
def generate_slots():
    form = SlotsForm(days=g.forum.days)
    if form.validate_on_submit() and run(
        lambda: services.generate_slots(
            g.forum,
            day=date.fromisoformat(form.day.data),
            start=form.start.data,
            end=form.end.data,
            minutes=form.minutes.data,
            pause=form.pause.data,
        ),
        success=lambda slots: ngettext("%(num)d slot added.", "%(num)d slots added.", len(slots)),
        field=form.end,
    ):
        return redirect(url_for(".manage"))
    return _page(slots_form=form)


@bp.route(f"{MANAGE}/slots/<int:slot_id>/delete", methods=["POST"])
@organiser
def delete_slot(slot_id: int):
    slot = forum_row_or_404(MeetingSlot, slot_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.delete_slot(slot), success=_("The slot is removed."))
    return redirect(url_for(".manage"))


@bp.route(f"{MANAGE}/tables", methods=["POST"])
@organiser
def add_tables():
    form = TablesForm()
    if form.validate_on_submit() and run(
        lambda: services.add_tables(g.forum, form.count.data),
        success=lambda tables: ngettext("%(num)d table added.", "%(num)d tables added.", len(tables)),
        field=form.count,
    ):
        return redirect(url_for(".manage"))
    return _page(tables_form=form)


@bp.route(f"{MANAGE}/booths", methods=["POST"])
@organiser
def add_booths():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.add_booths(g.forum),
            success=lambda booths: ngettext("%(num)d booth added.", "%(num)d booths added.", len(booths)),
        )
    return redirect(url_for(".manage"))


@bp.route(f"{MANAGE}/places/<int:place_id>/delete", methods=["POST"])
@organiser
def delete_place(place_id: int):
    place = forum_row_or_404(MeetingPlace, place_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.delete_place(place), success=_("The place is removed."))
    return redirect(url_for(".manage"))
