"""`flask messages remind`: run by cron (hourly is plenty) to send the reminders whose day has come."""

from __future__ import annotations

import click

from forum.messages import bp
from forum.messages.services import run_due_reminders

bp.cli.short_help = "Messages: send the automatic reminders that are due."


@bp.cli.command("remind")
def remind() -> None:
    """Send each forum's reminder on its day (and to people confirmed since, until the forum begins);
    nobody gets it twice."""
    started = run_due_reminders()
    click.echo(f"{len(started)} reminder(s) started.")
