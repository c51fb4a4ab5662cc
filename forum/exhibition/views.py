"""Exhibition pages: public directory and map, organiser floor plan and allocation, exhibitor portal."""

from __future__ import annotations

from functools import wraps
from typing import Any

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from forum import storage
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.badges.services import BadgeCodeError
from forum.errors import ForumError
from forum.events.services import local_to_utc, utc_to_local
from forum.exhibition import bp, services
from forum.exhibition.forms import (
    ApplicationForm,
    AssignForm,
    BoothForm,
    BoothImportForm,
    DeadlineForm,
    ExhibitRequestForm,
    InviteExhibitorForm,
    NoteForm,
    ProfileForm,
    ScanForm,
    StaffForm,
    TierForm,
    ZoneForm,
)
from forum.exhibition.models import (
    BoothStatus,
    ExhibitorStatus,
    ExhibitorTier,
    Partnership,
    Sector,
)
from forum.extensions import db
from forum.forms import ConfirmForm, clean_translations
from forum.registration.access import participant_required

ORGANISER = "/f/<forum_slug>/manage/exhibition"
PORTAL = "/f/<forum_slug>/exhibitor"


def _locale() -> str:
    return str(get_locale())


# ---------------------------------------------------------------------------------------------------
# Public


@bp.route("/f/<forum_slug>/exhibition/")
def directory():
    filters = {key: request.args.get(key) or None for key in ("kind", "sector", "offer")}
    return render_template(
        "exhibition/directory.html",
        forum=g.forum,
        exhibitors=services.directory(g.forum, **filters),
        filters=filters,
        kinds=[(kind.value, kind.title) for kind in services.EXHIBITOR_KINDS],
        sectors=Sector.choices(),
        offers=Partnership.choices(),
        offer_titles=dict(Partnership.choices()),
        booths=services.booths_of(g.forum),
        zones=services.zones_of(g.forum),
        public=True,
    )


@bp.route("/f/<forum_slug>/exhibition/logo/<int:exhibitor_id>.png")
def logo(exhibitor_id: int):
    exhibitor = services.get_exhibitor(g.forum, exhibitor_id)
    if exhibitor is None or not exhibitor.logo_key:
        abort(404)
    visible = exhibitor.status == ExhibitorStatus.approved or (
        current_user.is_authenticated
        and (
            current_user.has_role(g.forum, Role.organiser) or services.exhibitor_of(current_user, g.forum) is exhibitor
        )
    )
    if not visible:
        abort(404)
    response = Response(storage.read(exhibitor.logo_key), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/f/<forum_slug>/exhibition/apply", methods=["GET", "POST"])
def request_form():
    form = ExhibitRequestForm()
    if form.validate_on_submit():
        try:
            services.request_to_exhibit(
                g.forum,
                name=form.name.data,
                kind=form.kind.data,
                sector=form.sector.data,
                contact_email=form.contact_email.data,
                contact_name=form.contact_name.data,
                description=clean_translations(form.description.data),
            )
        except ForumError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Thank you. The organisers will study your request and write to you."), "success")
            return redirect(url_for("events.forum_page"))
    return render_template("exhibition/request.html", forum=g.forum, form=form)


@bp.route("/f/<forum_slug>/me/<access_key>/leads")
@participant_required()
def my_scans():
    return render_template(
        "exhibition/my_scans.html",
        forum=g.forum,
        registration=g.registration,
        leads=services.scanned_by(g.registration),
    )


# ---------------------------------------------------------------------------------------------------
# Organisers: floor plan


@bp.route(f"{ORGANISER}/")
@forum_role_required(Role.organiser)
def manage():
    exhibition = services.find_exhibition(g.forum)
    deadline = DeadlineForm()
    if exhibition is not None:
        deadline.applications_close_at.data = utc_to_local(exhibition.applications_close_at, g.forum.timezone)
    approved = services.exhibitors_of(g.forum, status=ExhibitorStatus.approved)
    booths = services.booths_of(g.forum)
    assign_form = AssignForm()
    assign_form.booth_id.choices = [(b.id, b.code) for b in booths if b.assignment is None]
    assign_form.exhibitor_id.choices = [(e.id, e.name) for e in approved if e.assignment is None]
    return render_template(
        "exhibition/manage.html",
        forum=g.forum,
        exhibition=exhibition,
        booths=booths,
        zones=services.zones_of(g.forum),
        deadline_form=deadline,
        assign_form=assign_form,
        confirm=ConfirmForm(),
        public=False,
    )


@bp.route(f"{ORGANISER}/deadline", methods=["POST"])
@forum_role_required(Role.organiser)
def deadline():
    form = DeadlineForm()
    if form.validate_on_submit():
        services.set_deadline(
            g.forum, local_to_utc(form.applications_close_at.data, g.forum.timezone), actor=current_user
        )
        db.session.commit()
        flash(_("The deadline has been saved."), "success")
    else:
        flash(_("Give a valid date and time."), "error")
    return redirect(url_for(".manage"))


@bp.route(f"{ORGANISER}/zones/new", methods=["GET", "POST"])
@bp.route(f"{ORGANISER}/zones/<int:zone_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def zone_form(zone_id: int | None = None):
    zone = None
    if zone_id is not None:
        zone = next((z for z in services.zones_of(g.forum) if z.id == zone_id), None) or abort(404)
    form = ZoneForm(obj=zone)
    if form.validate_on_submit():
        try:
            services.save_zone(
                g.forum, zone, code=form.code.data, name=clean_translations(form.name.data), actor=current_user
            )
        except ForumError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The zone has been saved."), "success")
            return redirect(url_for(".manage"))
    return render_template("exhibition/zone_form.html", forum=g.forum, form=form, zone=zone)


def _booth_data(form: BoothForm) -> dict[str, Any]:
    return {
        "code": form.code.data,
        "zone_id": form.zone_id.data,
        "area_m2": form.area_m2.data,
        "x": form.x.data or 0,
        "y": form.y.data or 0,
        "width": form.width.data,
        "height": form.height.data,
        "tier": form.tier.data,
        "has_power": form.has_power.data,
        "has_water": form.has_water.data,
        "has_wall": form.has_wall.data,
    }


@bp.route(f"{ORGANISER}/booths/new", methods=["GET", "POST"])
@bp.route(f"{ORGANISER}/booths/<int:booth_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def booth_form(booth_id: int | None = None):
    booth = None
    if booth_id is not None:
        booth = services.get_booth(g.forum, booth_id) or abort(404)
    zones = services.zones_of(g.forum)
    if not zones:
        flash(_("Create a zone first."), "warning")
        return redirect(url_for(".zone_form"))
    form = BoothForm(obj=booth, zones=zones)
    if booth is not None and request.method == "GET":
        form.tier.data = booth.tier.value
    if form.validate_on_submit():
        try:
            services.save_booth(g.forum, booth, _booth_data(form), actor=current_user)
        except ForumError as error:
            db.session.rollback()
            form.code.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The booth has been saved."), "success")
            return redirect(url_for(".manage"))
    candidates = []
    if booth is not None and booth.assignment is None:
        candidates = [
            e for e in services.exhibitors_of(g.forum, status=ExhibitorStatus.approved) if e.assignment is None
        ]
    return render_template("exhibition/booth_form.html", forum=g.forum, form=form, booth=booth, candidates=candidates)


@bp.route(f"{ORGANISER}/booths/<int:booth_id>/delete", methods=["POST"])
@forum_role_required(Role.organiser)
def booth_delete(booth_id: int):
    booth = services.get_booth(g.forum, booth_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.delete_booth(booth, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(url_for(".booth_form", booth_id=booth_id))
        db.session.commit()
        flash(_("The booth has been deleted."), "success")
    return redirect(url_for(".manage"))


@bp.route(f"{ORGANISER}/booths/import", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def booth_import():
    form = BoothImportForm()
    if form.validate_on_submit():
        try:
            text = form.file.data.read().decode("utf-8-sig")
            result = services.import_booths(g.forum, text, actor=current_user)
        except UnicodeDecodeError:
            form.file.errors.append(_("The file must be CSV in UTF-8."))
        except ForumError as error:
            db.session.rollback()
            form.file.errors.append(str(error))
        else:
            db.session.commit()
            flash(
                _("%(created)s booths created, %(updated)s updated.", created=result.created, updated=result.updated),
                "success",
            )
            return redirect(url_for(".manage"))
    return render_template("exhibition/import.html", forum=g.forum, form=form, columns=", ".join(services.CSV_COLUMNS))


# ---------------------------------------------------------------------------------------------------
# Organisers: exhibitors and allocation


@bp.route(f"{ORGANISER}/exhibitors", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def exhibitors():
    form = InviteExhibitorForm()
    if form.validate_on_submit():
        try:
            services.invite_exhibitor(
                g.forum,
                name=form.name.data,
                kind=form.kind.data,
                contact_email=form.contact_email.data,
                contact_name=form.contact_name.data,
                tier=ExhibitorTier(form.tier.data),
                actor=current_user,
                locale=_locale(),
            )
        except ForumError as error:
            db.session.rollback()
            form.name.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(name)s has been invited.", name=form.name.data), "success")
            return redirect(url_for(".exhibitors"))
    return render_template(
        "exhibition/exhibitors.html",
        forum=g.forum,
        form=form,
        exhibitors=services.exhibitors_of(g.forum),
        confirm=ConfirmForm(),
    )


@bp.route(f"{ORGANISER}/exhibitors/<int:exhibitor_id>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def exhibitor_detail(exhibitor_id: int):
    exhibitor = services.get_exhibitor(g.forum, exhibitor_id) or abort(404)
    form = TierForm(tier=exhibitor.tier.value)
    if form.validate_on_submit():
        services.set_tier(exhibitor, ExhibitorTier(form.tier.data), actor=current_user)
        db.session.commit()
        flash(_("The tier has been saved."), "success")
        return redirect(url_for(".exhibitor_detail", exhibitor_id=exhibitor.id))
    return render_template(
        "exhibition/exhibitor_detail.html", forum=g.forum, exhibitor=exhibitor, form=form, confirm=ConfirmForm()
    )


@bp.route(f"{ORGANISER}/exhibitors/<int:exhibitor_id>/<any(approve, decline):decision>", methods=["POST"])
@forum_role_required(Role.organiser)
def exhibitor_decide(exhibitor_id: int, decision: str):
    exhibitor = services.get_exhibitor(g.forum, exhibitor_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            if decision == "approve":
                services.approve_exhibitor(exhibitor, actor=current_user, locale=_locale())
            else:
                services.decline_exhibitor(exhibitor, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The decision has been saved."), "success")
    return redirect(url_for(".exhibitor_detail", exhibitor_id=exhibitor_id))


@bp.route(f"{ORGANISER}/assign", methods=["POST"])
@forum_role_required(Role.organiser)
def assign():
    booth = services.get_booth(g.forum, request.form.get("booth_id", type=int) or 0) or abort(404)
    exhibitor = services.get_exhibitor(g.forum, request.form.get("exhibitor_id", type=int) or 0) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.assign(booth, exhibitor, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("Booth %(booth)s is now %(name)s's.", booth=booth.code, name=exhibitor.name), "success")
    return redirect(request.form.get("back") == "allocation" and url_for(".allocation") or url_for(".manage"))


@bp.route(f"{ORGANISER}/assignments/<int:assignment_id>/remove", methods=["POST"])
@forum_role_required(Role.organiser)
def unassign(assignment_id: int):
    assignment = services.get_assignment(g.forum, assignment_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        services.unassign(assignment, actor=current_user)
        db.session.commit()
        flash(_("The booth is free again."), "success")
    return redirect(request.form.get("back") == "allocation" and url_for(".allocation") or url_for(".manage"))


@bp.route(f"{ORGANISER}/allocation")
@forum_role_required(Role.organiser)
def allocation():
    rows = services.proposal(g.forum)
    booths = services.booths_of(g.forum)
    return render_template(
        "exhibition/allocation.html",
        forum=g.forum,
        rows=rows,
        free_booths=[b for b in booths if b.assignment is None],
        booths=booths,
        zones=services.zones_of(g.forum),
        exhibition=services.find_exhibition(g.forum),
        unpublished=sum(1 for b in booths if b.status == BoothStatus.offered),
        confirm=ConfirmForm(),
        public=False,
    )


@bp.route(f"{ORGANISER}/allocation/run", methods=["POST"])
@forum_role_required(Role.organiser)
def allocation_run():
    if ConfirmForm().validate_on_submit():
        try:
            result = services.run_allocation(g.forum, actor=current_user)
            db.session.commit()
        except IntegrityError:
            # A booth was assigned by hand while the allocation ran: nothing was stored.
            db.session.rollback()
            flash(_("The plan changed while the allocation ran. Run it again."), "error")
            return redirect(url_for(".allocation"))
        flash(
            _("Proposal ready: %(count)s booths offered. Check it, adjust it, then publish.", count=len(result)),
            "success",
        )
    return redirect(url_for(".allocation"))


@bp.route(f"{ORGANISER}/allocation/publish", methods=["POST"])
@forum_role_required(Role.organiser)
def allocation_publish():
    if ConfirmForm().validate_on_submit():
        count = services.publish_allocation(g.forum, actor=current_user)
        db.session.commit()
        flash(_("%(count)s assignments published; the exhibitors have been e-mailed.", count=count), "success")
    return redirect(url_for(".allocation"))


# ---------------------------------------------------------------------------------------------------
# Exhibitor portal: every page works on the signed-in user's own exhibitor, never one named in the URL.


def exhibitor_required(view):
    @forum_role_required(Role.exhibitor_staff)
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        exhibitor = services.exhibitor_of(current_user, g.forum)
        if exhibitor is None:
            abort(403)
        g.exhibitor = exhibitor
        return view(*args, **kwargs)

    return wrapped


@bp.route(f"{PORTAL}/")
@exhibitor_required
def portal():
    exhibitor = g.exhibitor
    return render_template(
        "exhibition/portal.html",
        forum=g.forum,
        exhibitor=exhibitor,
        booths=services.booths_of(g.forum) if exhibitor.published_booth else [],
        zones=services.zones_of(g.forum),
        mine=exhibitor.published_booth,
        public=True,
    )


@bp.route(f"{PORTAL}/application", methods=["GET", "POST"])
@exhibitor_required
def application():
    exhibitor = g.exhibitor
    current = exhibitor.application
    form = ApplicationForm(obj=current, options=services.choice_options(g.forum))
    if current is not None and request.method == "GET":
        for choice in current.choices:
            getattr(form, f"choice_{choice.rank}").data = (
                f"b{choice.booth_id}" if choice.booth_id else f"z{choice.zone_id}"
            )
    if form.validate_on_submit():
        try:
            services.submit_application(
                exhibitor,
                choices=[form.choice_1.data, form.choice_2.data, form.choice_3.data],
                needs_power=form.needs_power.data,
                needs_water=form.needs_water.data,
                needs_wall=form.needs_wall.data,
                min_area_m2=form.min_area_m2.data or 0,
                showcase=form.showcase.data,
                actor=current_user,
            )
        except ForumError as error:
            db.session.rollback()
            form.choice_1.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your application has been saved."), "success")
            return redirect(url_for(".portal"))
    return render_template(
        "exhibition/application.html",
        forum=g.forum,
        exhibitor=exhibitor,
        form=form,
        exhibition=services.find_exhibition(g.forum),
        booths=services.booths_of(g.forum),
        zones=services.zones_of(g.forum),
        public=True,
    )


@bp.route(f"{PORTAL}/profile", methods=["GET", "POST"])
@exhibitor_required
def profile():
    exhibitor = g.exhibitor
    form = ProfileForm(obj=exhibitor)
    if request.method == "GET":
        form.sector.data = exhibitor.sector.value if exhibitor.sector else ""
    if form.validate_on_submit():
        try:
            services.update_profile(
                exhibitor,
                {
                    "description": clean_translations(form.description.data),
                    "sector": form.sector.data,
                    "website": form.website.data,
                    "offers": form.offers.data,
                    "seeks": form.seeks.data,
                },
                actor=current_user,
            )
            if form.logo.data:
                services.save_logo(exhibitor, form.logo.data.read(), actor=current_user)
        except ForumError as error:
            db.session.rollback()
            form.logo.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for(".profile"))
    return render_template("exhibition/profile.html", forum=g.forum, exhibitor=exhibitor, form=form)


@bp.route(f"{PORTAL}/staff", methods=["GET", "POST"])
@exhibitor_required
def staff():
    exhibitor = g.exhibitor
    form = StaffForm()
    if form.validate_on_submit():
        try:
            services.add_staff(exhibitor, form.email.data, form.name.data, actor=current_user, locale=_locale())
        except ForumError as error:
            db.session.rollback()
            form.email.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("%(email)s now works on your booth and will get a badge.", email=form.email.data), "success")
            return redirect(url_for(".staff"))
    return render_template(
        "exhibition/staff.html", forum=g.forum, exhibitor=exhibitor, form=form, confirm=ConfirmForm()
    )


@bp.route(f"{PORTAL}/staff/<int:staff_id>/remove", methods=["POST"])
@exhibitor_required
def staff_remove(staff_id: int):
    member = services.get_staff(g.exhibitor, staff_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            services.remove_staff(member, actor=current_user)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The person no longer works on your booth."), "success")
    return redirect(url_for(".staff"))


@bp.route(f"{PORTAL}/leads")
@exhibitor_required
def leads():
    return render_template(
        "exhibition/leads.html",
        forum=g.forum,
        exhibitor=g.exhibitor,
        leads=services.leads_of(g.exhibitor),
        note_form=NoteForm(),
    )


@bp.route(f"{PORTAL}/leads/scan", methods=["GET", "POST"])
@exhibitor_required
def scan():
    form = ScanForm()
    outcome, problem = None, None
    if form.validate_on_submit():
        try:
            outcome = services.record_lead(g.exhibitor, form.code.data, actor=current_user)
        except BadgeCodeError as error:
            db.session.rollback()
            problem = error
        except ForumError as error:
            db.session.rollback()
            problem = error
        else:
            db.session.commit()
        form.code.data = ""
    status = 422 if problem is not None else 200
    return (
        render_template(
            "exhibition/scan.html",
            forum=g.forum,
            exhibitor=g.exhibitor,
            form=form,
            outcome=outcome,
            problem=problem,
            note_form=NoteForm(),
        ),
        status,
    )


@bp.route(f"{PORTAL}/leads/<int:lead_id>/note", methods=["POST"])
@exhibitor_required
def lead_note(lead_id: int):
    lead = services.get_lead(g.exhibitor, lead_id) or abort(404)
    form = NoteForm()
    if form.validate_on_submit():
        services.update_note(lead, form.note.data or "", actor=current_user)
        db.session.commit()
        flash(_("The note has been saved."), "success")
    else:
        flash(_("The note is too long."), "error")
    return redirect(url_for(".leads"))


@bp.route(f"{PORTAL}/leads.csv")
@exhibitor_required
def leads_export():
    text = services.leads_csv(g.exhibitor, zone=g.forum.zone)
    response = Response(text, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="leads-{g.forum.slug}.csv"'
    return response


bp.add_app_template_global(services.plan_layout, "plan_layout")
