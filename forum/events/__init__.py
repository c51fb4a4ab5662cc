"""The forum series: editions, public pages, organiser dashboards, appointments."""

from flask import Blueprint

bp = Blueprint("events", __name__)

from forum.events import models, views  # noqa: E402, F401
