"""The published programme's fingerprint: one prebuilt query whose answer changes with anything the public sees."""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa

from forum.events.models import Forum
from forum.extensions import db
from forum.programme.models import Session


def programme_state() -> list[sa.ScalarSelect]:
    """The published programme's state as scalar subqueries of the forum `:forum_id`: the last change to
    a published session, their number and the seats taken. Any change the public sees changes one."""
    published = (Session.forum_id == sa.bindparam("forum_id"), Session.published_at.is_not(None))
    return [
        sa.select(aggregate).where(*published).scalar_subquery()
        for aggregate in (sa.func.max(Session.updated_at), sa.func.count(Session.id), sa.func.sum(Session.signed_up))
    ]


@cache
def _fingerprint_query() -> sa.Select:
    # Built once: pages read it on every request, and building a statement costs more than running it.
    return sa.select(*programme_state())


def programme_fingerprint(forum: Forum) -> tuple:
    """Changes whenever a published session (its times, texts, seats taken...) changes: one query."""
    return tuple(db.session.execute(_fingerprint_query(), {"forum_id": forum.id}).one())
