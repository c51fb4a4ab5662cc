"""Badges: signed codes, badge rendering (Pillow + qrcode), print batches."""

from flask import Blueprint

bp = Blueprint("badges", __name__)
