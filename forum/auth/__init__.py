"""Accounts, per-forum roles, login, logout and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from forum.auth import models, views  # noqa: E402, F401
