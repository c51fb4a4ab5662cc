"""The forum series: listing, creating and editing editions, loading the forum named in the URL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, abort, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forum import audit, hooks, storage
from forum.auth import services as accounts
from forum.auth.models import Membership, Role, User
from forum.db import utcnow
from forum.errors import ForumError
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.registration import services as registrations
from forum.registration.models import Category


class ForumRuleError(ForumError):
    message = _l("The forum could not be saved.")


#: built once (every page with a forum in its address runs it; building a select costs more than running it)
_BY_SLUG = sa.select(Forum).where(Forum.slug == sa.bindparam("slug"))


def get_by_slug(slug: str) -> Forum | None:
    """The forum with this address, or None."""
    return db.session.scalar(_BY_SLUG, {"slug": slug})


def public_forums(*, today: date | None = None) -> tuple[list[Forum], list[Forum]]:
    """(upcoming, past) public forums; upcoming soonest first, past most recent first."""
    today = today or utcnow().date()
    forums = db.session.scalars(sa.select(Forum).where(Forum.status != ForumStatus.draft)).all()
    upcoming = sorted((f for f in forums if f.ends_on >= today), key=lambda f: f.starts_on)
    past = sorted((f for f in forums if f.ends_on < today), key=lambda f: f.starts_on, reverse=True)
    return upcoming, past


def forums_of(user: User) -> list[tuple[Forum, set]]:
    """The forums a user works on, with their roles there (all forums for an admin)."""
    if user.is_admin:
        forums = db.session.scalars(sa.select(Forum).order_by(Forum.starts_on.desc())).all()
        return [(forum, user.roles_in(forum)) for forum in forums]
    rows = db.session.execute(
        sa.select(Forum, Membership.role)
        .join(Membership, Membership.forum_id == Forum.id)
        .where(Membership.user_id == user.id)
        .order_by(Forum.starts_on.desc())
    ).all()
    grouped: dict[int, tuple[Forum, set]] = {}
    for forum, role in rows:
        grouped.setdefault(forum.id, (forum, set()))[1].add(role)
    return list(grouped.values())


def forums_with_links(user: User) -> list[tuple[Forum, set, list[hooks.ForumLink]]]:
    """The forums a user works on, with their roles there and the management links each offers them."""
    return [(forum, roles, hooks.manage_links.collect(forum, user)) for forum, roles in forums_of(user)]


def audit_log(forum: Forum) -> tuple[list[audit.AuditEntry], dict[int, str]]:
    """The forum's latest audit entries, and the names of the people who acted, by id."""
    entries = audit.entries_for(forum)
    return entries, accounts.names_by_id({entry.actor_id for entry in entries if entry.actor_id})


def save_forum(
    forum: Forum | None, data: dict[str, Any], *, actor: User, logo: bytes | None = None, remove_logo: bool = False
) -> Forum:
    """Create (forum None) or update a forum from validated form data; a new logo (a PNG cleaned by
    forum.images) replaces the old one, and `remove_logo` takes the old one away."""
    clash = db.session.scalar(sa.select(Forum).where(Forum.slug == data["slug"]))
    if clash is not None and clash is not forum:
        raise ForumRuleError(_l("Another forum already uses this address."))
    if data["ends_on"] < data["starts_on"]:
        raise ForumRuleError(_l("The forum cannot end before it starts."))
    opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
    if opens and closes and closes <= opens:
        raise ForumRuleError(_l("Registration must close after it opens."))
    creating = forum is None
    if forum is None:
        forum = Forum()
        db.session.add(forum)
    for key, value in data.items():
        setattr(forum, key, value)
    db.session.flush()
    audit.record("forum.create" if creating else "forum.update", actor=actor, forum=forum, target=forum)
    if logo is not None or (forum.logo_key and remove_logo):
        set_logo(forum, logo, actor=actor)
    return forum


def set_logo(forum: Forum, png: bytes | None, *, actor: User) -> None:
    """Give the forum a logo (a PNG already cleaned by forum.images), or take it away (None)."""
    old = forum.logo_key
    forum.logo_key = storage.save(f"forums/{forum.id}", png, ".png") if png is not None else None
    storage.delete(old)
    db.session.flush()
    audit.record("forum.logo", actor=actor, forum=forum, target=forum, removed=png is None)


def appointable_roles(actor: User) -> list[Role]:
    """Only a platform admin appoints organisers; organisers appoint the other roles."""
    return list(Role) if actor.is_admin else [role for role in Role if role != Role.organiser]


def appoint_to_team(
    forum: Forum, email: str, name: str | None, role: Role, *, badge: bool, actor: User, locale: str
) -> Membership:
    """Give someone a role in the forum by e-mail (see auth's `invite`); with `badge`, they also get a
    confirmed registration of the team (kept if they registered), except exhibitor staff, who get
    theirs with their booth."""
    membership = accounts.invite(email, name, forum, role, actor=actor, locale=locale)
    if badge and membership.role != Role.exhibitor_staff:
        registrations.register_team_member(forum, membership.user, Category.organiser)
    return membership


def local_to_utc(value: datetime | None, forum_timezone: str) -> datetime | None:
    """A naive local datetime typed in a form, read in the forum's timezone, as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=ZoneInfo(forum_timezone)).astimezone(UTC)


def utc_to_local(value: datetime | None, forum_timezone: str) -> datetime | None:
    """A stored UTC datetime as the naive local datetime a form shows, in the forum's timezone."""
    if value is None:
        return None
    return value.astimezone(ZoneInfo(forum_timezone)).replace(tzinfo=None)


def forum_or_404(slug: str) -> Forum:
    """The forum named in an address, as its pages show it: 404 for an unknown forum, and for a draft
    one unless the signed-in user holds a role in it."""
    forum = get_by_slug(slug)
    if forum is None:
        abort(404)
    if not forum.is_public and not (current_user.is_authenticated and current_user.has_role(forum, *Role)):
        abort(404)
    return forum


def reads_its_forum(view: Callable) -> Callable:
    """Mark a view that takes `forum_slug` itself and checks the forum within its own reading statement
    (with forum_or_404 whenever that statement finds nothing), so no Forum is loaded before it."""
    view.reads_its_forum = True  # type: ignore[attr-defined]
    return view


def register_forum_url_processors(app: Flask) -> None:
    """Every route with <forum_slug> gets g.forum; url_for fills forum_slug from g.forum."""

    @app.url_value_preprocessor
    def pull_forum(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if not values or "forum_slug" not in values:
            return
        if getattr(app.view_functions.get(endpoint or ""), "reads_its_forum", False):
            return  # the view is given forum_slug and checks the forum in its own reading statement
        g.forum = forum_or_404(values.pop("forum_slug"))

    @app.url_defaults
    def push_forum(endpoint: str, values: dict[str, Any]) -> None:
        if "forum_slug" in values or g.get("forum") is None:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "forum_slug"):
            values["forum_slug"] = g.forum.slug
