"""The organisers' publication: releasing the draft as a numbered version, a version's changes and notices."""

from __future__ import annotations

from datetime import datetime

from flask import abort, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.forms import ConfirmForm
from forum.programme import bp, services
from forum.web import run

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


@bp.route("/f/<forum_slug>/manage/programme/publish", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def publish():
    form = ConfirmForm()
    if form.validate_on_submit() and (
        outcome := run(
            lambda: services.publish(g.forum, actor=current_user),
            success=lambda version: _("Version %(number)s of the programme is published.", number=version.number),
        )
    ):
        return redirect(url_for("programme.version", number=outcome.value.number))
    return render_template(
        "programme/manage/publish.html",
        forum=g.forum,
        changes=services.pending_changes(g.forum),
        versions=services.versions_of(g.forum),
        form=form,
    )


@bp.route("/f/<forum_slug>/manage/programme/versions/<int:number>", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def version(number: int):
    version = services.version_numbered(g.forum, number) or abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        run(
            lambda: services.send_notices(version, actor=current_user),
            success=lambda sent: ngettext(
                "%(num)s notification is on its way.", "%(num)s notifications are on their way.", sent
            ),
        )
        return redirect(url_for("programme.version", number=number))
    return render_template(
        "programme/manage/version.html",
        forum=g.forum,
        version=version,
        notices=services.notices_for(version),
        form=form,
    )
