"""A sign-up asks its forum for the oldest sign-up still unconfirmed and the first waiting-list offer to
lapse (to expire them first): each answer is one index entry, however many sign-ups wait for their
e-mail, so a sign-up costs the same after 60 unconfirmed ones as after none."""

import json
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from forum.extensions import db as _db
from forum.privacy.services.consent import consent_digest
from forum.registration.models import Registration, RegistrationStatus
from forum.registration.services import signup


def _crowd(forum, make_forum, other_forum_waiting: int = 30, unconfirmed: int = 60) -> None:
    """Sign-ups waiting for their e-mail here, and a waiting list with offers at another forum."""
    now = datetime.now(UTC)
    other = make_forum()
    rows = [
        dict(forum_id=forum.id, email=f"waiting{n}@example.ma", created_at=now - timedelta(minutes=n))
        for n in range(unconfirmed)
    ] + [
        dict(
            forum_id=other.id,
            email=f"listed{n}@example.ma",
            status=RegistrationStatus.waitlisted,
            waitlisted_at=now,
            offer_expires_at=now + timedelta(hours=n + 1),
            created_at=now,
        )
        for n in range(other_forum_waiting)
    ]
    for row in rows:
        person = dict(name_latin="Amina Bennani", category="association", gender="female", area="rural", locale="fr")
        _db.session.add(Registration(**person, **row))
    _db.session.commit()


def _statement_and_params(forum):
    dialect = _db.session.get_bind().dialect.name
    params = {
        "forum_id": forum.id,
        "email": "new@example.ma",
        "consent_digest": consent_digest(),
        "at": datetime.now(UTC),
    }
    return signup._SIGN_UP_STATE[dialect], params


def _rows_read_from_registration(plan: dict) -> int:
    """Rows the two questions read (the e-mail's own registration is looked up by the unique index, or
    on a table as small as this one by a scan PostgreSQL rightly finds cheaper)."""
    read = 0
    asks_for_the_email = "email" in plan.get("Filter", "") + plan.get("Index Cond", "")
    if plan.get("Relation Name") == "registration" and not asks_for_the_email:
        read += plan["Actual Rows"] * plan["Actual Loops"] + plan.get("Rows Removed by Filter", 0)
    return read + sum(_rows_read_from_registration(child) for child in plan.get("Plans", []))


def test_a_sign_up_reads_one_entry_for_each_question_however_many_wait(app, db, make_forum):
    forum = make_forum()
    _crowd(forum, make_forum)
    statement, params = _statement_and_params(forum)
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("ANALYZE registration")  # as autovacuum has, once a forum has sign-ups
        compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        explained = connection.exec_driver_sql(
            "EXPLAIN (ANALYZE, FORMAT JSON) " + compiled.string, compiled.construct_params(params)
        ).scalar()
        plan = (explained if isinstance(explained, list) else json.loads(explained))[0]["Plan"]
        # the oldest unconfirmed (1), the first offer (none here), this e-mail's registration (none)
        assert _rows_read_from_registration(plan) <= 1  # the oldest unconfirmed; no offer here
    else:
        compiled = statement.compile(dialect=connection.dialect, compile_kwargs={"render_postcompile": True})
        values = compiled.construct_params(params)
        steps = connection.exec_driver_sql(
            "EXPLAIN QUERY PLAN " + compiled.string, tuple(values[name] for name in compiled.positiontup)
        ).all()
        searches = " ".join(step[-1] for step in steps)
        assert "ix_registration_unconfirmed" in searches and "ix_registration_offer" in searches
    db.session.rollback()

    # and the answers are the ones the sign-up acts on
    state = signup._sign_up_state(forum, "new@example.ma", datetime.now(UTC) + timedelta(days=30))
    assert state.overdue and state.registered_id is None
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).where(Registration.forum_id == forum.id)) == 60
