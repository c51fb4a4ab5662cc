"""Public home and forum pages; forum editing, team and dashboard for the people who run it."""

from __future__ import annotations

from flask import Response, abort, current_app, g, redirect, render_template, request, send_from_directory, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from forum import hooks, storage
from forum.auth import services as accounts
from forum.auth.access import admin_required, forum_role_required
from forum.auth.models import Membership, Role
from forum.events import bp, services
from forum.events.forms import AppointForm, ForumForm
from forum.events.models import Forum
from forum.forms import ConfirmForm, clean_translations
from forum.web import forum_row_or_404, run


@bp.route("/")
def home():
    upcoming, past = services.public_forums()
    return render_template("events/home.html", upcoming=upcoming, past=past)


@bp.route("/favicon.ico")
def favicon():
    """The site's icon where browsers look for it without reading the page (pages link the SVG one)."""
    static = current_app.static_folder or "static"
    return send_from_directory(static, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.route("/f/<forum_slug>/")
def forum_page():
    links = hooks.forum_links.collect(g.forum)
    return render_template("events/forum.html", forum=g.forum, links=links)


@bp.route("/f/<forum_slug>/logo.png")
def logo():
    """The forum's logo, for whoever may see the forum's page."""
    if not g.forum.logo_key:
        abort(404)
    response = Response(storage.read(g.forum.logo_key), mimetype="image/png")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/my/forums")
@login_required
def my_forums():
    return render_template("events/my_forums.html", rows=services.forums_with_links(current_user))


def _form_data(form: ForumForm, timezone: str) -> dict:
    return {
        "title": clean_translations(form.title.data),
        "theme": clean_translations(form.theme.data),
        "description": clean_translations(form.description.data),
        "venue": clean_translations(form.venue.data),
        "slug": form.slug.data,
        "edition": form.edition.data,
        "region": form.region.data,
        "city": clean_translations(form.city.data),
        "starts_on": form.starts_on.data,
        "ends_on": form.ends_on.data,
        "registration_opens_at": services.local_to_utc(form.registration_opens_at.data, timezone),
        "registration_closes_at": services.local_to_utc(form.registration_closes_at.data, timezone),
        "capacity": form.capacity.data,
        "retention_days": form.retention_days.data,
        "status": form.status.data,
        "default_locale": form.default_locale.data,
    }


@bp.route("/admin/forums/new", methods=["GET", "POST"])
@admin_required
def forum_create():
    form = ForumForm()
    del form.remove_logo  # a new forum has none to remove
    if form.validate_on_submit() and (
        outcome := run(
            lambda: services.save_forum(
                None, _form_data(form, "Africa/Casablanca"), actor=current_user, logo=form.logo_png
            ),
            success=_("The forum has been created."),
        )
    ):
        return redirect(url_for("events.dashboard", forum_slug=outcome.value.slug))
    return render_template("events/forum_form.html", form=form, forum=None)


@bp.route("/f/<forum_slug>/manage/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def forum_edit():
    forum: Forum = g.forum
    form = ForumForm(obj=forum)
    if not forum.logo_key:
        del form.remove_logo
    if request.method == "GET":
        form.registration_opens_at.data = services.utc_to_local(forum.registration_opens_at, forum.timezone)
        form.registration_closes_at.data = services.utc_to_local(forum.registration_closes_at, forum.timezone)
    if form.validate_on_submit() and run(
        lambda: services.save_forum(
            forum,
            _form_data(form, forum.timezone),
            actor=current_user,
            logo=form.logo_png,
            remove_logo=bool(forum.logo_key) and form.remove_logo.data,
        ),
        success=_("The forum has been saved."),
    ):
        return redirect(url_for("events.dashboard", forum_slug=forum.slug))
    return render_template("events/forum_form.html", form=form, forum=forum)


@bp.route("/f/<forum_slug>/manage/")
@forum_role_required(Role.organiser)
def dashboard():
    panels = hooks.dashboard_panels.collect(g.forum, current_user)
    links = hooks.manage_links.collect(g.forum, current_user)
    return render_template("events/dashboard.html", forum=g.forum, panels=panels, links=links)


@bp.route("/f/<forum_slug>/manage/team", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def team():
    form = AppointForm()
    form.role.offer(services.appointable_roles(current_user))
    if form.validate_on_submit() and run(
        lambda: services.appoint_to_team(
            g.forum,
            form.email.data,
            form.name.data,
            form.role.data,
            badge=form.badge.data,
            actor=current_user,
            locale=str(get_locale()),
        ),
        success=_("%(email)s now has this role.", email=form.email.data),
        field=form.email,
    ):
        return redirect(url_for("events.team"))
    return render_template(
        "events/team.html", forum=g.forum, form=form, members=accounts.members_of(g.forum), remove_form=ConfirmForm()
    )


@bp.route("/f/<forum_slug>/manage/team/<int:membership_id>/remove", methods=["POST"])
@forum_role_required(Role.organiser)
def team_remove(membership_id: int):
    membership = forum_row_or_404(Membership, membership_id)
    if membership.role == Role.organiser and not current_user.is_admin:
        abort(403)
    if ConfirmForm().validate_on_submit():
        run(lambda: accounts.dismiss(membership, actor=current_user), success=_("The role has been removed."))
    return redirect(url_for("events.team"))


@bp.route("/f/<forum_slug>/manage/audit")
@forum_role_required(Role.organiser)
def audit_log():
    entries, actor_names = services.audit_log(g.forum)
    return render_template("events/audit.html", forum=g.forum, entries=entries, actor_names=actor_names)
