"""Open data of the series: aggregated, anonymised figures for anyone."""

from __future__ import annotations

from flask import Response, render_template

from forum.extensions import limiter
from forum.series import bp
from forum.series.services import opendata


@bp.route("/open-data/")
def open_data_page():
    return render_template("series/open_data.html", threshold=opendata.THRESHOLD)


@bp.route("/open-data/series.<any(csv, json):fmt>")
@limiter.limit("60/minute")
def open_data(fmt: str):
    data = opendata.open_data()
    if fmt == "json":
        return Response(opendata.as_json(data), mimetype="application/json")
    headers = {"Content-Disposition": 'attachment; filename="multaqa-series-open-data.csv"'}
    return Response(opendata.as_csv(data), mimetype="text/csv; charset=utf-8", headers=headers)
