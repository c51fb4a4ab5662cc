"""Public exhibition pages: the directory and map, exhibitors' logos, the request to exhibit, my scans."""

from __future__ import annotations

from flask import Response, abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum import storage
from forum.exhibition import bp, services
from forum.exhibition.forms import ExhibitRequestForm
from forum.exhibition.models import Exhibitor, Sector
from forum.forms import clean_translations
from forum.partnerships.vocabulary import Support
from forum.registration.access import participant_required
from forum.web import forum_row_or_404, run


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
        offers=Support.choices(),
        offer_titles=dict(Support.choices()),
        booths=services.booths_of(g.forum),
        zones=services.zones_of(g.forum),
        public=True,
    )


@bp.route("/f/<forum_slug>/exhibition/logo/<int:exhibitor_id>.png")
def logo(exhibitor_id: int):
    exhibitor = forum_row_or_404(Exhibitor, exhibitor_id)
    if not exhibitor.logo_key or not services.logo_visible(exhibitor, current_user):
        abort(404)
    response = Response(storage.read(exhibitor.logo_key), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/f/<forum_slug>/exhibition/apply", methods=["GET", "POST"])
def request_form():
    form = ExhibitRequestForm()
    if form.validate_on_submit() and run(
        lambda: services.request_to_exhibit(
            g.forum,
            name=form.name.data,
            kind=form.kind.data,
            sector=form.sector.data,
            contact_email=form.contact_email.data,
            contact_name=form.contact_name.data,
            description=clean_translations(form.description.data),
        ),
        success=_("Thank you. The organisers will study your request and write to you."),
        field=form.name,
    ):
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
