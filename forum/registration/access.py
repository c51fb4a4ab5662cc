"""A participant's private pages: /f/<forum_slug>/me/<access_key>/... (no account needed).

The access key is an unguessable per-registration secret (192 bits) sent only to the person's e-mail
address; every module that serves a participant (self-service, agenda, calendar, badge, endorsements,
leads) hangs its pages under this prefix and guards them with `participant_required`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

import sqlalchemy as sa
from flask import Flask, abort, g

from forum.extensions import db
from forum.registration.models import Registration, RegistrationStatus


def participant_required(*statuses: RegistrationStatus) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Load g.registration from the URL's access_key (404 if it is not this forum's); optionally
    require one of `statuses` (403 otherwise, e.g. workshop sign-up needs a confirmed registration)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            registration = g.get("registration")
            if registration is None:
                abort(404)
            if statuses and registration.status not in statuses:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def register_participant_url_processors(app: Flask) -> None:
    """Routes with <access_key> get g.registration; url_for fills access_key from g.registration."""

    @app.url_value_preprocessor
    def pull_registration(endpoint: str | None, values: dict[str, Any] | None) -> None:
        if not values or "access_key" not in values:
            return
        key = values.pop("access_key")
        forum = g.get("forum")
        registration = db.session.scalar(sa.select(Registration).where(Registration.access_key == key))
        if registration is None or forum is None or registration.forum_id != forum.id:
            abort(404)
        if not hmac.compare_digest(registration.access_key, key):
            abort(404)
        g.registration = registration

    @app.url_defaults
    def push_registration(endpoint: str, values: dict[str, Any]) -> None:
        if "access_key" in values or g.get("registration") is None:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "access_key"):
            values["access_key"] = g.registration.access_key
