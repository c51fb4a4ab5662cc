"""The sign-up form's page reads outside a transaction on PostgreSQL (no BEGIN, no ROLLBACK), while the
sign-up itself stays one transaction."""

import pytest
import sqlalchemy as sa

from forum.registration import services


def test_the_form_page_reads_without_a_transaction_and_the_sign_up_writes_in_one(client, db, make_forum):
    if not client.application.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("SQLite keeps its read transaction (forum.db._sqlite_begin)")
    forum = make_forum()
    page = f"/f/{forum.slug}/register"
    db.session.rollback()  # the test's own read of the forum ended: each request begins afresh, as served
    autocommit: list[bool] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        autocommit.append(conn.connection.dbapi_connection.autocommit)

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        first = client.get(page)
        reads = list(autocommit)
        autocommit.clear()
        person = {"name_latin": "Salma Idrissi", "email": "salma@example.ma", "phone": "0612345678"}
        answers = {"category": "association", "gender": "female", "province": "errachidia", "area": "urban"}
        sent = client.post(page, data={**person, **answers, "locale": "fr", "consent": "y"})
        writes = list(autocommit)
        autocommit.clear()
        again = client.get(page)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    assert first.status_code == again.status_code == 200 and sent.status_code == 302
    assert reads and all(reads)  # the forum, the organisations' stamp: each on its own
    assert writes and not any(writes)  # the sign-up: one transaction, committed once
    assert all(autocommit) and 'name="email"' in again.text  # the connection came back to the pool as it was
    assert services.find(forum, "salma@example.ma") is not None
