"""Who reads the series as a whole: the platform admins and the series analysts (read-only)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user

from forum.extensions import login_manager


def is_series_reader(user: Any) -> bool:
    """A platform admin or a series analyst."""
    return bool(user.is_authenticated and (user.is_admin or user.is_series_analyst))


def series_reader_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Let platform admins and series analysts in; others are asked to sign in or refused."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not is_series_reader(current_user):
            abort(403)
        return view(*args, **kwargs)

    return wrapped
