"""Flask commands: create-admin, seed-demo, translate, jobs worker."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import click
from flask import Flask, current_app

from forum.auth import services as accounts
from forum.extensions import db
from forum.seed import seed

ROOT = Path(__file__).resolve().parent.parent


def register_cli(app: Flask) -> None:
    """Add the platform's commands to `flask`."""
    app.cli.add_command(create_admin)
    app.cli.add_command(seed_demo)
    app.cli.add_command(translate)
    app.cli.add_command(jobs_group)


@click.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a platform administrator (or make an existing account one)."""
    user = accounts.find_user(email)
    if user is None:
        user = accounts.create_user(email, name, password, is_admin=True)
    else:
        user.is_admin = True
        user.set_password(password)
    db.session.commit()
    click.echo(f"Administrator ready: {user.email}")


@click.command("seed-demo")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), hidden=True, help="Lay the demo out for this day.")
def seed_demo(today: datetime | None) -> None:
    """Create the demo forum series around today (idempotent on one day; on a later day it moves there)."""
    seed(click.echo, today=today.date() if today else None)


@click.group("translate")
def translate() -> None:
    """Translation catalogues: extract, update, compile."""


# Babel skips folders named "_..." unless told which to skip: templates/_macros holds texts too.
EXTRACT = ("extract", "-F", "babel.cfg", "-k", "_l", "--ignore-dirs", ".*", "--no-location", "--sort-output")


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


@translate.command("update")
def translate_update() -> None:
    """Extract the messages and merge them into the ar/fr/en catalogues."""
    _pybabel(*EXTRACT, "-o", "messages.pot", ".")
    _pybabel("update", "-i", "messages.pot", "-d", "forum/translations", "--no-fuzzy-matching", "--ignore-obsolete")
    (ROOT / "messages.pot").unlink()


@translate.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalogue for a new language."""
    _pybabel(*EXTRACT, "-o", "messages.pot", ".")
    _pybabel("init", "-i", "messages.pot", "-d", "forum/translations", "-l", language)
    (ROOT / "messages.pot").unlink()


@translate.command("compile")
def translate_compile() -> None:
    """Compile the catalogues (.po to .mo)."""
    _pybabel("compile", "-d", "forum/translations", "--statistics")


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs."""


@jobs_group.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool) -> None:
    """Run an RQ worker for the job queue (needs REDIS_URL)."""
    from rq import Queue, SimpleWorker

    from forum import jobs, quick_jobs

    url = current_app.config["REDIS_URL"]
    if not url:
        raise click.ClickException("REDIS_URL is not set: jobs run in threads inside the web processes.")
    # Jobs run in this process, in the app already built: RQ's default worker forks a process per job
    # and built the whole app again in each (3 e-mails/s); start more workers for more cores.
    jobs.serve_with(current_app._get_current_object())
    connection = jobs.redis_client(url)
    queue = Queue(current_app.config["JOBS_QUEUE"], connection=connection)
    quick_jobs.resume(queue)
    SimpleWorker([queue], connection=connection).work(burst=burst)
