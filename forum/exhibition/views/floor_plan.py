"""Organisers' floor plan: the plan itself, the application deadline, zones, booths and their import."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.events.services import local_to_utc, utc_to_local
from forum.exhibition import bp, services
from forum.exhibition.forms import AssignForm, BoothForm, BoothImportForm, DeadlineForm, ZoneForm
from forum.exhibition.models import Booth, Zone
from forum.exhibition.views._common import ORGANISER
from forum.forms import ConfirmForm, clean_translations
from forum.web import forum_row_or_404, run


@bp.route(f"{ORGANISER}/")
@forum_role_required(Role.organiser)
def manage():
    exhibition = services.find_exhibition(g.forum)
    closes_at = exhibition.applications_close_at if exhibition is not None else None
    booths = services.booths_of(g.forum)
    assign_form = AssignForm(booths=services.free_booths(booths), exhibitors=services.exhibitors_without_booth(g.forum))
    return render_template(
        "exhibition/manage.html",
        forum=g.forum,
        exhibition=exhibition,
        booths=booths,
        zones=services.zones_of(g.forum),
        deadline_form=DeadlineForm(applications_close_at=utc_to_local(closes_at, g.forum.timezone)),
        assign_form=assign_form,
        confirm=ConfirmForm(),
        public=False,
    )


@bp.route(f"{ORGANISER}/deadline", methods=["POST"])
@forum_role_required(Role.organiser)
def deadline():
    form = DeadlineForm()
    if form.validate_on_submit():
        closes_at = local_to_utc(form.applications_close_at.data, g.forum.timezone)
        run(
            lambda: services.set_deadline(g.forum, closes_at, actor=current_user),
            success=_("The deadline has been saved."),
        )
    else:
        flash(_("Give a valid date and time."), "error")
    return redirect(url_for(".manage"))


@bp.route(f"{ORGANISER}/zones/new", methods=["GET", "POST"])
@bp.route(f"{ORGANISER}/zones/<int:zone_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def zone_form(zone_id: int | None = None):
    zone = forum_row_or_404(Zone, zone_id) if zone_id is not None else None
    form = ZoneForm(obj=zone)
    if form.validate_on_submit() and run(
        lambda: services.save_zone(
            g.forum, zone, code=form.code.data, name=clean_translations(form.name.data), actor=current_user
        ),
        success=_("The zone has been saved."),
        field=form.code,
    ):
        return redirect(url_for(".manage"))
    return render_template("exhibition/zone_form.html", forum=g.forum, form=form, zone=zone)


@bp.route(f"{ORGANISER}/booths/new", methods=["GET", "POST"])
@bp.route(f"{ORGANISER}/booths/<int:booth_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def booth_form(booth_id: int | None = None):
    booth = forum_row_or_404(Booth, booth_id) if booth_id is not None else None
    zones = services.zones_of(g.forum)
    if not zones:
        flash(_("Create a zone first."), "warning")
        return redirect(url_for(".zone_form"))
    form = BoothForm(obj=booth, zones=zones)
    if form.validate_on_submit() and run(
        lambda: services.save_booth(g.forum, booth, form.booth_data(), actor=current_user),
        success=_("The booth has been saved."),
        field=form.code,
    ):
        return redirect(url_for(".manage"))
    free = booth is not None and booth.assignment is None
    candidates = services.exhibitors_without_booth(g.forum) if free else []
    return render_template("exhibition/booth_form.html", forum=g.forum, form=form, booth=booth, candidates=candidates)


@bp.route(f"{ORGANISER}/booths/<int:booth_id>/delete", methods=["POST"])
@forum_role_required(Role.organiser)
def booth_delete(booth_id: int):
    booth = forum_row_or_404(Booth, booth_id)
    if ConfirmForm().validate_on_submit() and not run(
        lambda: services.delete_booth(booth, actor=current_user), success=_("The booth has been deleted.")
    ):
        return redirect(url_for(".booth_form", booth_id=booth_id))
    return redirect(url_for(".manage"))


@bp.route(f"{ORGANISER}/booths/import", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def booth_import():
    form = BoothImportForm()
    if form.validate_on_submit() and run(
        lambda: services.import_booths(g.forum, form.file.data.read(), actor=current_user),
        success=lambda result: " ".join(
            (
                ngettext("%(num)s booth created.", "%(num)s booths created.", result.created),
                ngettext("%(num)s booth updated.", "%(num)s booths updated.", result.updated),
            )
        ),
        field=form.file,
    ):
        return redirect(url_for(".manage"))
    return render_template("exhibition/import.html", forum=g.forum, form=form, columns=", ".join(services.CSV_COLUMNS))
