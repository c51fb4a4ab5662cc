"""Multaqa: the platform that runs regional civil-society forums and their exhibitions."""

from __future__ import annotations

import logging
from importlib import import_module
from pathlib import Path
from typing import Any

from flask import Flask, g, request
from flask_babel import lazy_gettext
from werkzeug.middleware.proxy_fix import ProxyFix

from forum import config as settings
from forum.assets.serve import register_assets
from forum.auth.access import can
from forum.auth.sessions import load_session_user
from forum.db import sqlite_write_intent, without_transaction
from forum.errors import register_error_handlers
from forum.extensions import babel, csrf, db, limiter, login_manager, migrate
from forum.i18n import register_i18n, select_locale, select_timezone
from forum.inputs import register_input_hygiene
from forum.logs import register_log_masking
from forum.registration.access import register_participant_url_processors
from forum.security import register_security_headers

#: Each module of the platform and the parts of it that connect themselves on import: its routes
#: (views, on the package's blueprint), its hook receivers (hooks), its jobs (tasks), its commands (cli).
#: A package's __init__ holds only its blueprint, so importing a module's models imports nothing else.
MODULES: dict[str, tuple[str, ...]] = {
    "auth": ("views",),
    "events": ("views",),
    "registration": ("views", "hooks", "cli"),
    "programme": ("views", "hooks"),
    "badges": ("views", "hooks", "tasks"),
    "checkin": ("views", "hooks"),
    "exhibition": ("views", "hooks"),
    "recommendations": ("views", "hooks"),
    "privacy": ("views", "hooks", "cli"),
    "series": ("views", "hooks", "tasks"),
    "partnerships": ("views", "hooks", "cli"),
    "messages": ("views", "hooks", "tasks", "cli"),
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides the settings read from the environment."""
    app = Flask("forum", template_folder="../templates", static_folder="../static", instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.update(settings.load(app.instance_path))
    app.config.update(config or {})
    _install_device_gate(app)  # innermost: behind the proxy fix and the static files
    if proxies := app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    _register_extensions(app)
    register_input_hygiene(app)  # before the blueprints: routes take their converters when added
    _register_blueprints(app)
    _register_error_handlers(app)
    _register_cli(app)
    _register_request_hooks(app)
    register_assets(app)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO)
    register_log_masking(app)
    return app


def _install_device_gate(app: Flask) -> None:
    from forum.checkin.device_gate import install  # reaches forum.jobs, which imports create_app

    install(app)


def _register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(
        app,
        locale_selector=select_locale,
        timezone_selector=select_timezone,
        default_translation_directories=str(Path(app.root_path) / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message_category = "info"
    login_manager.login_message = lazy_gettext("Please sign in to open this page.")

    @login_manager.user_loader
    def load_user(user_id: str):
        return load_session_user(user_id)  # the sign-in must still be live, not just the account

    register_i18n(app)


def _register_blueprints(app: Flask) -> None:
    # Here rather than at the top: they reach forum.jobs, which imports create_app from this package.
    from forum import audit, jobs, mail  # noqa: F401  (their tables and tasks)
    from forum.events.services import register_forum_url_processors

    register_forum_url_processors(app)  # first: the participant's key is checked against g.forum
    register_participant_url_processors(app)
    for name, parts in MODULES.items():
        for part in parts:
            import_module(f"forum.{name}.{part}")
        app.register_blueprint(import_module(f"forum.{name}").bp)
    app.jinja_env.globals["can"] = can


def _register_error_handlers(app: Flask) -> None:
    register_error_handlers(app)
    register_security_headers(app)


def _register_cli(app: Flask) -> None:
    from forum.cli import register_cli  # reaches forum.jobs too (through the account services)

    register_cli(app)


def _register_request_hooks(app: Flask) -> None:
    def declare_write_intent(endpoint: str | None, values: dict | None) -> None:
        # Reads need no write lock on SQLite; anything that may change data queues for it up front.
        # Declared before the URL processors run, since loading g.forum already opens the transaction
        # (a transaction opened for reading cannot take the write lock later without "database is locked").
        view = app.view_functions.get(endpoint or "")
        writes = request.method not in ("GET", "HEAD", "OPTIONS") or getattr(view, "writes_on_get", False)
        sqlite_write_intent.set(writes)
        if request.method in ("GET", "HEAD") and getattr(view, "reads_on_get", False):
            g.reads_without_transaction = without_transaction(db.session())

    app.url_value_preprocessors.setdefault(None, []).insert(0, declare_write_intent)

    @app.teardown_request
    def end_reading(_error: BaseException | None) -> None:
        # The request's reads were outside a transaction: the next request begins its own.
        if g.pop("reads_without_transaction", False):
            db.session.rollback()
