"""Fixtures: the app on a real database (SQLite or PostgreSQL), a real SMTP server, factories, logins.

Choose the database with MULTAQA_TEST_DB=sqlite (default) or postgresql; each test session (each xdist
worker) gets its own fresh database, built by the migrations, and every test starts from empty tables.
"""

from __future__ import annotations

import itertools
import os
import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import g
from helpers import PASSWORD, Mailbox, free_port

from forum import create_app
from forum.auth.models import Membership, Role, User
from forum.db import sqlite_write_intent
from forum.events.models import Forum, ForumStatus
from forum.extensions import db as _db
from forum.extensions import limiter
from forum.registration.forms import signup as signup_forms
from forum.registration.models import (
    Area,
    Category,
    Gender,
    Organisation,
    OrganisationKind,
    Registration,
    RegistrationStatus,
)

PG_ADMIN_URL = os.environ.get("MULTAQA_TEST_PG", "postgresql://127.0.0.1:5432/test")


def _backend() -> str:
    return os.environ.get("MULTAQA_TEST_DB", "sqlite")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Iterator[str]:
    if _backend() == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite3")
        return
    import psycopg

    name = f"multaqa_test_{worker_id}_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield mailbox, port
    controller.stop()


@pytest.fixture(scope="session")
def app(database_url: str, smtp_server: tuple[Mailbox, int], tmp_path_factory: pytest.TempPathFactory):
    application = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "WTF_CSRF_ENABLED": False,
            "JOBS_BACKEND": "eager",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server[1],
            "STORAGE_ROOT": str(tmp_path_factory.mktemp("files")),
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": None,
            "STATIC_BUILD_DIR": "",  # static/ as it is; tests/core/test_static_build.py serves a build
            "SUGGESTIONS_RECHECK_SECONDS": 0,  # organisations made by a test are suggested at once
        }
    )
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()

    def fresh_globals(endpoint, values) -> None:
        # Test code keeps an app context pushed, which the test client's requests reuse; give each
        # request a clean `g` (cached locale, signed-in user, forum), as a real server would.
        for key in list(g):
            g.pop(key)

    application.url_value_preprocessors.setdefault(None, []).insert(0, fresh_globals)
    return application


@pytest.fixture(autouse=True)
def _fresh_tables(app, smtp_server: tuple[Mailbox, int]) -> Iterator[None]:
    """Each test runs inside an app context, on empty tables, with an empty mailbox."""
    smtp_server[0].clear()
    limiter.reset()
    # The blank sign-up form is kept per process, keyed on the version of the list of organisations:
    # emptied tables start it again, which a real database never does.
    signup_forms._blank_fields.clear()
    # Test code reads without taking SQLite's write lock, so server and job threads are never blocked.
    sqlite_write_intent.set(False)
    with app.app_context():
        yield
        _db.session.remove()
        _empty_tables()


def _empty_tables(attempts: int = 5) -> None:
    """Every table emptied. A browser journey's page may still have a request in flight (a desk
    refreshing its roster): PostgreSQL then breaks the deadlock by aborting the TRUNCATE, which is tried
    again once that request has finished."""
    tables = [t for t in reversed(_db.metadata.sorted_tables)]
    for attempt in range(attempts):
        try:
            with _db.engine.begin() as conn:
                if conn.dialect.name == "postgresql":
                    names = ", ".join(f'"{t.name}"' for t in tables)
                    conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                else:
                    for table in tables:
                        conn.execute(table.delete())
            return
        except sa.exc.OperationalError as error:
            if "deadlock" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def mailbox(smtp_server: tuple[Mailbox, int]) -> Mailbox:
    return smtp_server[0]


@pytest.fixture
def client(app):
    test_client = app.test_client()
    test_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return test_client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


_counter = itertools.count(1)


@pytest.fixture
def connect_hook() -> Iterator[Callable[..., Any]]:
    """`connect_hook(hooks.some_hook, receiver, order=...)` connects a receiver for this test only."""
    connected: list[tuple[Any, Callable[..., Any]]] = []

    def connect(hook: Any, receiver: Callable[..., Any], *, order: int = 100) -> Callable[..., Any]:
        hook.connect(receiver, order=order)
        connected.append((hook, receiver))
        return receiver

    yield connect
    for hook, receiver in connected:
        hook.disconnect(receiver)


@pytest.fixture
def make_forum(db) -> Callable[..., Forum]:
    def make(**overrides: Any) -> Forum:
        n = next(_counter)
        today = date.today()
        values: dict[str, Any] = dict(
            slug=f"forum-{n}",
            edition=n,
            title={"ar": f"المنتدى الجهوي {n}", "fr": f"Forum régional {n}", "en": f"Regional forum {n}"},
            theme={"fr": "Financements alternatifs", "ar": "التمويلات البديلة", "en": "Alternative financing"},
            region="draa-tafilalet",
            city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
            starts_on=today + timedelta(days=30),
            ends_on=today + timedelta(days=31),
            registration_opens_at=datetime.now(UTC) - timedelta(days=1),
            registration_closes_at=datetime.now(UTC) + timedelta(days=20),
            capacity=100,
            status=ForumStatus.open,
        )
        values.update(overrides)
        forum = Forum(**values)
        db.session.add(forum)
        db.session.commit()
        return forum

    return make


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    def make(
        email: str | None = None,
        *,
        name: str = "Test User",
        is_admin: bool = False,
        forum: Forum | None = None,
        roles: tuple[Role | str, ...] = (),
        locale: str | None = None,
    ) -> User:
        user = User(email=email or f"user{next(_counter)}@example.ma", name=name, is_admin=is_admin, locale=locale)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.flush()
        for role in roles:
            db.session.add(Membership(user_id=user.id, forum_id=forum.id, role=Role(role)))
        db.session.commit()
        return user

    return make


@pytest.fixture
def make_organisation(db) -> Callable[..., Organisation]:
    def make(**overrides: Any) -> Organisation:
        values: dict[str, Any] = dict(
            name=f"Association {next(_counter)}",
            kind=OrganisationKind.association,
            province="errachidia",
            area=Area.rural,
        )
        values.update(overrides)
        organisation = Organisation(**values)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_registration(db) -> Callable[..., Registration]:
    def make(forum: Forum, **overrides: Any) -> Registration:
        n = next(_counter)
        values: dict[str, Any] = dict(
            forum_id=forum.id,
            name_ar=f"فاطمة العلوي {n}",
            name_latin=f"Fatima Alaoui {n}",
            email=f"participant{n}@example.ma",
            phone="+212612345678",
            category=Category.association,
            gender=Gender.female,
            province="errachidia",
            area=Area.rural,
            locale="ar",
            status=RegistrationStatus.confirmed,
            email_confirmed_at=datetime.now(UTC),
        )
        values.update(overrides)
        registration = Registration(**values)
        db.session.add(registration)
        db.session.commit()
        return registration

    return make


@pytest.fixture
def login(client) -> Callable[[User], Any]:
    """Sign a user in on the test client (through the real login form)."""

    def do(user: User, password: str = PASSWORD):
        client.post("/logout")  # whoever was signed in before (the login page would keep them)
        response = client.post("/login", data={"email": user.email, "password": password})
        assert response.status_code == 302, "login failed"
        return client

    return do


@pytest.fixture
def as_role(make_forum, make_user, login) -> Callable[..., tuple[Any, Forum, User]]:
    """A client signed in with one role in a (new or given) forum: as_role("organiser")."""

    def do(role: Role | str | None, forum: Forum | None = None, **user_kwargs: Any):
        forum = forum or make_forum()
        user = make_user(forum=forum, roles=(role,) if role else (), **user_kwargs)
        return login(user), forum, user

    return do


@pytest.fixture
def count_queries(db) -> Callable[[], Any]:
    """with count_queries() as counter: ... ; counter.count is the number of SQL statements run."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        class Counter:
            count = 0
            statements: list[str] = []

        def before(conn, cursor, statement, *args):
            Counter.count += 1
            Counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield Counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


@pytest.fixture(scope="session")
def _scratch_database(database_url: str) -> Iterator[str | None]:
    """One PostgreSQL database per test process for the migrations' tests, emptied before each: dropping
    a database makes PostgreSQL write a checkpoint, which stalled every test process for seconds."""
    if database_url.startswith("sqlite"):
        yield None
        return
    import psycopg

    name = f"multaqa_scratch_{secrets.token_hex(4)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield database_url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def scratch_app(_scratch_database: str | None, tmp_path):
    """An app on an empty database of the same kind as the tests' own, for running migrations."""
    if _scratch_database is None:
        url = "sqlite:///" + str(tmp_path / "scratch.sqlite3")
        yield create_app({"TESTING": True, "SECRET_KEY": "scratch", "SQLALCHEMY_DATABASE_URI": url})
        return
    import psycopg

    with psycopg.connect(_scratch_database.replace("+psycopg", ""), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")  # tables, types, functions and triggers with it
        conn.execute("CREATE SCHEMA public")
    scratch = create_app({"TESTING": True, "SECRET_KEY": "scratch", "SQLALCHEMY_DATABASE_URI": _scratch_database})
    yield scratch
    with scratch.app_context():
        _db.engine.dispose()
