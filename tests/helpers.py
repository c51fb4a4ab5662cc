"""Helpers shared by the tests: the test password, the SMTP mailbox, e-mail bodies, free ports, Redis
round trips counted."""

from __future__ import annotations

import socket
import threading
import time
from datetime import UTC, date, datetime
from datetime import time as clock
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the test SMTP server received, with a wait for mail sent by background jobs."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self._lock = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
            self._lock.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} e-mail(s), received {len(self.messages)}")
                self._lock.wait(remaining)
            return list(self.messages)

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()


def body_of(message: EmailMessage, subtype: str = "plain") -> str:
    return message.get_body(preferencelist=(subtype,)).get_content()


def local(forum, day: date, hour: int, minute: int = 0) -> datetime:
    """A local time of the forum, as the UTC instant stored."""
    return datetime.combine(day, clock(hour, minute), tzinfo=forum.zone).astimezone(UTC)


def race(app: Any, contenders: list[tuple], attempt: Any, refusal: type[Exception]) -> list[str]:
    """Runs `attempt(*contender)` in one thread per contender, all released at once, each in its own request
    and session; answers "won" for each that committed and the refusal's message for each that was refused."""
    from forum.extensions import db

    barrier = threading.Barrier(len(contenders))
    outcomes: list[str] = []

    def run(*arguments: Any) -> None:
        with app.test_request_context(headers={"Accept-Language": "en"}):
            # All start together; more threads than the pool has connections, so none holds one while waiting.
            barrier.wait()
            try:
                attempt(*arguments)
                db.session.commit()
                outcomes.append("won")
            except refusal as error:
                db.session.rollback()
                outcomes.append(str(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=contender) for contender in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


#: a forum and a registration written by hand, for the migrations' tests (the schema of any revision
#: since 7c3e9a1d5b42)
FORUM_ROW = (
    "INSERT INTO forum (id, slug, title, theme, description, venue, region, city, timezone, starts_on, ends_on,"
    " capacity, status, default_locale, created_at, updated_at) VALUES (1, 'old', '{}', '{}', '{}', '{}',"
    " 'souss-massa', '{}', 'Africa/Casablanca', '2027-02-19', '2027-02-20', 10, 'open', 'ar', :at, :at)"
)
REGISTRATION_ROW = (
    "INSERT INTO registration (forum_id, email, name_latin, category, gender, locale, accessibility_needs,"
    " has_disability, consent_at, shares_contact, status, holds_place, access_key, badge_secret, badge_version,"
    " created_at, updated_at) VALUES (1, :email, :email, :category, 'female', 'ar', '[]', false, :at, false,"
    " :status, :holds, :email, :email, 1, :at, :at)"
)


def counting_connection(sent: list) -> type:
    """A redis-py connection class that notes each command (or pipeline) it sends, one per round trip."""
    from redis import Connection

    class Counted(Connection):
        def send_packed_command(self, command, check_health=True):
            sent.append(command)
            return super().send_packed_command(command, check_health)

    return Counted


def triggers_on(db: Any, table: str) -> set[str]:
    """The names of the triggers on `table` (SQLite or PostgreSQL): a migration that rebuilds a table on
    SQLite (batch mode) drops them, so each counter's test checks its own are there at head."""
    import sqlalchemy as sa

    if db.engine.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :table"
    else:
        query = "SELECT tgname FROM pg_trigger WHERE tgrelid = CAST(:table AS regclass) AND NOT tgisinternal"
    return set(db.session.scalars(sa.text(query), {"table": table}))
