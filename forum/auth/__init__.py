"""Accounts, per-forum roles, login, logout and password reset."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
