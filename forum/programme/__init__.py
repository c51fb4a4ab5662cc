"""Rooms, sessions, speakers, the timetable, workshop sign-up and iCalendar feeds."""

from flask import Blueprint

bp = Blueprint("programme", __name__)

from forum.programme import integrations, models, seed, views  # noqa: E402, F401
