"""Rooms, sessions, speakers, the timetable, workshop sign-up and iCalendar feeds."""

from flask import Blueprint

bp = Blueprint("programme", __name__)

from forum.programme import models  # noqa: E402, F401
