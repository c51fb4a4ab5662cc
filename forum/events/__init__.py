"""The forum series: editions, public pages, organiser dashboards, appointments."""

from flask import Blueprint

bp = Blueprint("events", __name__)
