"""Route guards: the platform admin, and a role in the forum named by the URL."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g
from flask_login import current_user

from forum.auth.models import Role
from forum.extensions import login_manager


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def forum_role_required(*roles: Role | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow the view to users holding one of `roles` in g.forum (set from the URL); admins pass."""
    wanted = tuple(Role(role) for role in roles)

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            forum = g.get("forum")
            if forum is None:
                abort(404)
            if not current_user.has_role(forum, *wanted):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = wanted  # type: ignore[attr-defined]
        return wrapped

    return decorator


def can(forum: Any, *roles: Role | str) -> bool:
    """For templates and services: does the current user hold one of these roles in the forum?"""
    return bool(current_user.is_authenticated and current_user.has_role(forum, *(Role(r) for r in roles)))
