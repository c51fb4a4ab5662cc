"""Participants and their organisations: sign-up, confirmation, moderation, quotas, waiting list."""

from flask import Blueprint

bp = Blueprint("registration", __name__)

from forum.registration import models  # noqa: E402, F401
