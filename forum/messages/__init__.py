"""Messages: e-mails to segments of a forum's people, automatic reminders, and their delivery record."""

from flask import Blueprint

bp = Blueprint("messages", __name__)
