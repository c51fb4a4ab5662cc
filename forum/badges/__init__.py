"""Badges: signed codes, badge rendering (Pillow + qrcode), print batches."""

from flask import Blueprint

bp = Blueprint("badges", __name__)

from forum.badges import hooks, models, services, tasks, views  # noqa: E402, F401
