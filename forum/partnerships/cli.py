"""`flask partnerships follow-up`: run daily by cron; three months after a forum, ask where its partnerships stand."""

from __future__ import annotations

import click

from forum.extensions import db
from forum.partnerships import bp
from forum.partnerships.services import send_follow_ups

bp.cli.short_help = "Partnerships: follow up the partnerships three months after their forum."


@bp.cli.command("follow-up")
def follow_up() -> None:
    """E-mail both parties of each partnership whose forum ended three months ago a link to update it."""
    count = send_follow_ups()
    db.session.commit()
    click.echo(f"{count} partnership(s) followed up.")
