"""Recommendations: collected in workshops, supported, consolidated, compiled into the outcomes report."""

from flask import Blueprint

bp = Blueprint("recommendations", __name__)
