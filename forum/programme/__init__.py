"""Rooms, sessions, speakers, the timetable, workshop sign-up and iCalendar feeds."""

from flask import Blueprint

bp = Blueprint("programme", __name__)
