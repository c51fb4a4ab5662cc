"""Check-in: desk page, scan API, attendance lists, live counts."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)

from forum.checkin import hooks, models, views  # noqa: E402, F401
