"""The error every service raises for a broken rule, and the localised error pages."""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from forum.extensions import db


class ForumError(Exception):
    """A business rule refused the action; the message is shown to the user as it is."""

    message: Any = _l("This action is not possible.")

    def __init__(self, message: Any = None, **params: Any) -> None:
        self.message = message if message is not None else self.message
        self.params = params
        super().__init__(str(self.message))

    def __str__(self) -> str:
        text = str(self.message)
        return text % self.params if self.params else text


class NotAllowed(ForumError):
    message = _l("You are not allowed to do this.")


def _wants_json() -> bool:
    return request.path.startswith("/api/") or (request.accept_mimetypes.best == "application/json")


def register_error_handlers(app: Flask) -> None:
    """Localised pages for 400/403/404/405/413/429/500, JSON for the API."""

    def render(code: int, description: str | None = None):
        if _wants_json():
            return jsonify(error=code, message=description or ""), code
        return render_template("errors/error.html", code=code, description=description), code

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render(400, str(_l("The form expired or was sent from elsewhere. Please try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return render(error.code)

    @app.errorhandler(500)
    def internal_error(error: Exception):
        db.session.rollback()
        return render(500)
