"""`flask registration expire`: run by cron to expire unconfirmed sign-ups and lapsed place offers."""

from __future__ import annotations

import click

from forum.extensions import db
from forum.registration import bp
from forum.registration.services import expire_unconfirmed

bp.cli.short_help = "Registrations: expire unconfirmed sign-ups and lapsed offers."


@bp.cli.command("expire")
def expire() -> None:
    """Cancel registrations whose e-mail was not confirmed in time and offers not taken up in time;
    their places go to the waiting lists."""
    count = expire_unconfirmed()
    db.session.commit()
    click.echo(f"{count} registration(s) expired.")
