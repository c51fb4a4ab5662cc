"""Partnerships: offers and needs, matchmaking, one-to-one meetings at the forum."""

from flask import Blueprint

bp = Blueprint("partnerships", __name__)
