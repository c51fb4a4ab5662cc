"""The devices' scan, answered ahead of the application's request pipeline.

A scanning device's request is the platform's hottest: a queue at the entrance waits on it. It needs
none of what the pipeline does for a page (the session, the signed-in account, CSRF, rate limits,
URL processors, compression): the device's token and the badge are checked in the scan's own reading
statement. So, on PostgreSQL, the gate reads the request itself and answers the common case, a first
welcome, in the application's context, with the same statements, rules and answer as the view
(`scan.read_with_token`, then `scan.plain_welcome`). Anything else — a body it cannot read, a refusal,
a replay, a second scan, an exit, an unknown forum, list or desk — writes nothing here and goes on to
the view (checkin/views.py, `api_scan`), which answers it as before. Its answer carries the same
security headers as every response (`security.add_security_headers`).

SQLite has no data-modifying CTE, so its welcome is three statements in a transaction: there every
scan goes through the view.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, g
from flask.ctx import RequestContext
from flask.sessions import NullSession
from werkzeug.exceptions import HTTPException

from forum.checkin import scan
from forum.checkin.scan_input import BadScanBody, device_scope, read_scan_body
from forum.checkin.services._common import own_statements
from forum.security import add_security_headers

_PATH = re.compile(r"/api/f/(?P<slug>[^/]{1,200})/checkin/scan")
#: a scan's body is a few short fields; a longer one goes to the view (which refuses what it must)
MAX_BODY = 4096

StartResponse = Callable[..., Any]


class _ScanContext(RequestContext):
    """The request context of a scan the gate answers: the gate matched the address itself, so the
    application's URL map is not searched (the rule, the view and its arguments are not needed)."""

    def match_request(self) -> None:
        return None


class DeviceScanGate:
    """WSGI middleware around the Flask application's own `wsgi_app`."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]) -> None:
        self.app, self.wsgi_app = app, wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        match = _PATH.fullmatch(environ.get("PATH_INFO", "")) if environ.get("REQUEST_METHOD") == "POST" else None
        if match is None:
            return self.wsgi_app(environ, start_response)
        body = _body(environ)
        answer = self._welcome(environ, match["slug"], body) if body is not None else None
        if answer is None:
            if body is not None:
                environ["wsgi.input"] = io.BytesIO(body)  # the view reads the body again
            return self.wsgi_app(environ, start_response)
        return answer(environ, start_response)

    def _welcome(self, environ: dict, slug: str, body: bytes) -> Response | None:
        """The answer to a plain first welcome, or None (nothing written) for the view to answer."""
        kind, _, token = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        token = token.strip()
        if kind.lower() != "bearer" or not token or "HTTP_COOKIE" in environ:
            return None
        try:
            request = read_scan_body(json.loads(body))
        except (ValueError, BadScanBody):
            return None
        if request.exit or not request.code or request.registration_id is not None:
            return None
        # no session: a device sends no cookie (one that does goes to the view, which reads its session)
        with _ScanContext(self.app, environ, session=NullSession()), own_statements():
            try:
                reading = scan.read_with_token(
                    slug,
                    token,
                    list_id=request.list_id,
                    code=request.code,
                    nonce=request.nonce_for(device_scope(token)),
                )
            except HTTPException:  # an unknown or draft forum: the view answers as any page would
                return None
            g.forum = reading.forum  # the answer's language and times, as in the view
            result = scan.plain_welcome(reading)
            if result is None:
                return None
            return add_security_headers(self.app, self.app.json.response(result.as_dict()))


def _body(environ: dict) -> bytes | None:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None
    if not 0 < length <= MAX_BODY:
        return None
    return environ["wsgi.input"].read(length)


def install(app: Flask) -> None:
    """Put the gate in front of the application's pipeline, on PostgreSQL."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        app.wsgi_app = DeviceScanGate(app, app.wsgi_app)
