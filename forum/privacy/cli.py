"""`flask privacy purge [--dry-run]`: run by cron to erase the personal data of forums past retention."""

from __future__ import annotations

import click

from forum.extensions import db
from forum.privacy import bp, services

bp.cli.short_help = "Personal data: erase what forums past their retention period still hold."


@bp.cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would be erased, and erase nothing.")
def purge(dry_run: bool) -> None:
    """Anonymise the registrations of every forum whose retention period after its last day is over."""
    plans = services.purge_plan()
    if not plans:
        click.echo("No forum is past its retention period with personal data left.")
    for plan in plans:
        if dry_run:
            click.echo(f"would erase {plan.registrations} registration(s) of {plan.forum.slug} (due {plan.due_on})")
            continue
        erased = services.purge(plan)
        db.session.commit()  # forum by forum: a failure later keeps what is done
        click.echo(f"erased {erased} registration(s) of {plan.forum.slug} (due {plan.due_on})")
