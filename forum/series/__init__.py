"""The series as a whole: people and organisations across forums, indicators and targets, open data."""

from flask import Blueprint

bp = Blueprint("series", __name__)
