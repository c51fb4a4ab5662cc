"""The series-wide partnerships tracker and its export (platform admins and series analysts, read-only)."""

from __future__ import annotations

from flask import Response, render_template, request

from forum import geo
from forum.i18n import text_direction
from forum.partnerships import bp, services
from forum.partnerships.models import PartnershipStatus
from forum.partnerships.vocabulary import Support
from forum.series.access import series_reader_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/series/partnerships")
@series_reader_required
def series_tracker():
    filters = services.Filters.parse(request.args)
    page = services.series_partnerships(filters, request.args.get("page", 1, type=int))
    return render_template(
        "partnerships/series_tracker.html", page=page, filters=filters, statuses=PartnershipStatus,
        kinds=Support, regions=geo.REGIONS, forums=services.forums_with_partnerships(),
    )  # fmt: skip


@bp.route("/series/partnerships.<any(csv, xlsx):fmt>")
@series_reader_required
def series_tracker_export(fmt: str):
    filters = services.Filters.parse(request.args)
    body = services.export_series_partnerships(filters, fmt, right_to_left=text_direction() == "rtl")
    mimetype = "text/csv; charset=utf-8" if fmt == "csv" else XLSX
    headers = {"Content-Disposition": f'attachment; filename="series-partnerships.{fmt}"'}
    return Response(body, mimetype=mimetype, headers=headers)
