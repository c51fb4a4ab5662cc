"""Check-in: desk page, scan API, attendance lists, live counts."""

from flask import Blueprint

bp = Blueprint("checkin", __name__)
