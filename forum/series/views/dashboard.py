"""The series dashboard and its tile map, a region's editions and targets, the exports, and the
analysts' accounts (platform admins)."""

from __future__ import annotations

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from forum import geo
from forum.auth.access import admin_required
from forum.auth.models import User
from forum.extensions import db
from forum.forms import ConfirmForm
from forum.i18n import text_direction
from forum.recommendations.models import FollowUpStatus
from forum.series import bp, services
from forum.series.access import series_reader_required
from forum.series.forms import AnalystForm, TargetForm
from forum.series.models import Target
from forum.web import run

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _region_or_404(code: str) -> geo.Region:
    try:
        return geo.region(code)
    except KeyError:
        abort(404)


def _year() -> int | None:
    return request.args.get("year", type=int)


@bp.route("/series/")
@series_reader_required
def dashboard():
    indicator = services.indicator_or_default(request.args.get("indicator"))
    data = services.overview()
    year = _year() if _year() in data.years else None
    key = (data.computed_at, indicator.key, year, str(get_locale()), current_user.is_admin)
    body = services.rendered(key, lambda: _dashboard_body(data, indicator, year))
    return render_template("series/dashboard.html", body=body)


def _dashboard_body(data: services.Overview, indicator: services.Indicator, year: int | None) -> str:
    tiles, legend = services.tile_map(indicator, services.figures_of_year(data, year))
    return render_template(
        "series/_dashboard_body.html", data=data, indicator=indicator, indicators=services.INDICATORS,
        tiles=tiles, legend=legend, year=year, regions=geo.REGIONS,
    )  # fmt: skip


@bp.route("/series/region/<code>")
@series_reader_required
def region(code: str):
    return _region_page(_region_or_404(code), TargetForm())


def _region_page(place: geo.Region, form: TargetForm, status: int = 200):
    data = services.overview()
    forums = [f for f in data.forums if f.region == place.code]
    progress = services.targets_of(place.code, data.by_region_year, services.INDICATORS)
    return render_template(
        "series/region.html", region=place, data=data, forums=forums, progress=progress,
        indicators=services.INDICATORS, form=form, confirm=ConfirmForm(), follow_up_statuses=FollowUpStatus,
    ), status  # fmt: skip


@bp.route("/series/region/<code>/targets", methods=["POST"])
@admin_required
def target_save(code: str):
    place, form = _region_or_404(code), TargetForm()
    if form.validate_on_submit():
        values = (place.code, form.year.data, form.indicator.data, form.value.data)
        save = lambda: services.set_target(*values, from_year=form.from_year.data, actor=current_user)  # noqa: E731
        if run(save, success=_("The target has been saved."), field=form.value):
            return redirect(url_for(".region", code=place.code))
    return _region_page(place, form, 422)


@bp.route("/series/targets/<int:target_id>/remove", methods=["POST"])
@admin_required
def target_remove(target_id: int):
    target = db.get_or_404(Target, target_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.remove_target(target, actor=current_user), success=_("The target has been removed."))
    return redirect(url_for(".region", code=target.region))


def _spreadsheet(body: bytes, fmt: str, name: str) -> Response:
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.route("/series/indicators.<any(csv, xlsx):fmt>")
@series_reader_required
def export(fmt: str):
    code = request.args.get("region") or None
    if code:
        _region_or_404(code)
    body = services.export(services.overview(), fmt, region=code, right_to_left=text_direction() == "rtl")
    return _spreadsheet(body, fmt, f"series-indicators{'-' + code if code else ''}")


@bp.route("/series/region/<code>/targets.<any(csv, xlsx):fmt>")
@series_reader_required
def targets_export(code: str, fmt: str):
    place = _region_or_404(code)
    progress = services.targets_of(place.code, services.overview().by_region_year, services.INDICATORS)
    body = services.export_targets(progress, fmt, right_to_left=text_direction() == "rtl")
    return _spreadsheet(body, fmt, f"series-targets-{place.code}")


@bp.route("/series/analysts", methods=["GET", "POST"])
@admin_required
def analysts():
    form = AnalystForm()
    if form.validate_on_submit():
        grant = lambda: services.set_analyst(form.email.data, True, actor=current_user)  # noqa: E731
        if run(grant, success=lambda user: _("%(email)s now reads the series.", email=user.email), field=form.email):
            return redirect(url_for(".analysts"))
    status = 422 if form.errors else 200
    return render_template(
        "series/analysts.html", form=form, analysts=services.analysts(), confirm=ConfirmForm()
    ), status


@bp.route("/series/analysts/<int:user_id>/remove", methods=["POST"])
@admin_required
def analyst_remove(user_id: int):
    user = db.get_or_404(User, user_id)
    if ConfirmForm().validate_on_submit():
        revoke = lambda: services.set_analyst(user.email, False, actor=current_user)  # noqa: E731
        run(revoke, success=_("The role has been taken back."))
    return redirect(url_for(".analysts"))
