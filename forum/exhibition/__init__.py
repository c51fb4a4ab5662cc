"""The exhibition: floor plan, booths, exhibitors, applications, allocation, booth portal and leads."""

from flask import Blueprint

bp = Blueprint("exhibition", __name__)
