"""What the public pages and the agenda share: rendered parts of the published programme kept per
process, and the answer of an iCalendar feed."""

from __future__ import annotations

from collections.abc import Callable
from time import monotonic
from typing import Any

from flask import Response, g, render_template, url_for
from flask_babel import get_locale
from markupsafe import Markup

from forum.programme import ical, services

#: rendered parts of the published programme, per process: {key: (rendered at, value)}
_rendered: dict[tuple, tuple[float, Any]] = {}
#: room and speaker edits do not touch the sessions' fingerprint: they show after at most this long
PROGRAMME_CACHE_SECONDS = 30


def cached(what: str, build: Callable[[], Any], *extra: Any, fingerprint: tuple | None = None) -> Any:
    """A rendered part of the forum's published programme, built again only when a published session
    (its times, texts or seats taken) changed, or after PROGRAMME_CACHE_SECONDS. `fingerprint` is
    services.programme_fingerprint(forum) when the caller has already read it."""
    forum = g.forum
    fingerprint = fingerprint or services.programme_fingerprint(forum)
    key = (what, forum.id, forum.updated_at, str(get_locale()), *extra, fingerprint)
    hit = _rendered.get(key)
    if hit is not None and monotonic() - hit[0] < PROGRAMME_CACHE_SECONDS:
        return hit[1]
    value = build()
    if len(_rendered) > 256:
        _rendered.clear()
    _rendered[key] = (monotonic(), value)
    return value


def html(template: str, **context: Any) -> Markup:
    return Markup(render_template(template, **context))  # noqa: S704  (autoescaped template output)


def feed(sessions, name: str, personal=()) -> Response:
    locale = str(get_locale())
    body = ical.calendar_for(
        g.forum,
        sessions,
        name=name,
        locale=locale,
        url_of=lambda s: url_for("programme.session_page", session_id=s.id, _external=True),
        personal=personal,
    )
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, max-age=300"})
