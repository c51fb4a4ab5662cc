"""Recommendations: collected in workshops, supported, consolidated, compiled into the outcomes report."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)

from forum.recommendations import models, report, seed, views  # noqa: E402, F401
