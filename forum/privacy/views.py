"""The privacy notice, and a person's own data: see it, download it (JSON, PDF), have it erased."""

from __future__ import annotations

from flask import Response, current_app, g, redirect, render_template, url_for
from flask_babel import gettext as _

from forum.extensions import limiter
from forum.privacy import bp, services
from forum.privacy.forms import ErasureForm
from forum.registration.access import participant_required
from forum.web import run

MINE = "/f/<forum_slug>/me/<access_key>/privacy"


def _privacy_limit() -> str:
    return current_app.config["PRIVACY_RATE_LIMIT"]


def _download(body: bytes, mimetype: str, extension: str) -> Response:
    name = f"multaqa-{g.forum.slug}-{g.registration.id}.{extension}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, mimetype=mimetype, headers=headers)


@bp.route("/privacy")
def notice():
    config = current_app.config
    return render_template("privacy/notice.html", config=config, retention_days=config["PRIVACY_RETENTION_DAYS"])


@bp.route(MINE, methods=["GET", "POST"])
@participant_required()
def mine():
    """The person's data as Multaqa holds it, the downloads, and the erasure form."""
    form = ErasureForm()
    if form.validate_on_submit() and run(
        lambda: services.erase(g.registration, reason="request"),
        success=_("Your personal data has been erased."),
    ):
        return redirect(url_for("privacy.erased"))
    sections = services.personal_sections(g.registration)
    page = render_template(
        "privacy/mine.html", forum=g.forum, registration=g.registration, sections=sections, form=form
    )
    return page, 200, {"Cache-Control": "no-store"}


@bp.route(f"{MINE}/data.json")
@participant_required()
@limiter.limit(_privacy_limit)
def data_json():
    return _download(services.export_json(g.registration), "application/json", "json")


@bp.route(f"{MINE}/data.pdf")
@participant_required()
@limiter.limit(_privacy_limit)
def data_pdf():
    return _download(services.export_pdf(g.registration), "application/pdf", "pdf")


@bp.route("/f/<forum_slug>/privacy/erased")
def erased():
    return render_template("privacy/erased.html", forum=g.forum)
