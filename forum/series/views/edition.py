"""A new edition in minutes: the organisers of a forum copy an earlier forum's settings, item by item."""

from __future__ import annotations

from flask import g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.events.models import Forum
from forum.extensions import db
from forum.series import bp
from forum.series.forms import CopyEditionForm
from forum.series.services import edition
from forum.web import run


def _copied(result: edition.CopyResult) -> str:
    message = _("Copied: %(items)s.", items=", ".join(f"{edition.ITEMS[k]} ({n})" for k, n in result.counts.items()))
    if result.skipped_sessions:
        message += " " + _("Sessions left out, outside the new forum's days: %(count)s.", count=result.skipped_sessions)
    if result.skipped_drafts:
        message += " " + _("Drafts left out, meant for sessions not copied: %(count)s.", count=result.skipped_drafts)
    return message


@bp.route("/f/<forum_slug>/manage/copy", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def copy_edition():
    form, tokens = CopyEditionForm(edition.earlier_forums(g.forum)), []
    if form.validate_on_submit():
        source = db.get_or_404(Forum, form.source.data)
        copy = lambda: edition.copy_edition(g.forum, source, form.items.data, actor=current_user)  # noqa: E731
        if done := run(copy, success=_copied, field=form.items):
            if not done.value.tokens:
                return redirect(url_for(".copy_edition", forum_slug=g.forum.slug))
            tokens, form = done.value.tokens, CopyEditionForm(edition.earlier_forums(g.forum), formdata=None)
    page = render_template("series/copy.html", forum=g.forum, form=form, tokens=tokens)
    return page, 422 if form.errors else 200
