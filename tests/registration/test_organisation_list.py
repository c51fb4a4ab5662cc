"""The sign-up form's list of organisations is kept per process while its version is unchanged: every
change to the organisations moves the version in its own transaction, so the next visitor sees it at
once, and a visit reads one row to know, however many organisations there are."""

from __future__ import annotations

import re

import sqlalchemy as sa
from helpers import triggers_on

from forum.registration.models import Organisation, OrganisationListVersion
from forum.series.services.merge import merge

#: a statement that reads or writes the organisations' own table (not their list's version)
_ORGANISATION_TABLE = re.compile(r"\borganisation\b(?!_)", re.IGNORECASE)


def _form(client, forum) -> str:
    response = client.get(f"/f/{forum.slug}/register")
    assert response.status_code == 200
    return response.text


def _version(db) -> int:
    return db.session.scalar(sa.select(OrganisationListVersion.version)) or 0


def test_each_change_to_the_organisations_shows_in_the_form_at_once(client, db, make_forum, make_organisation):
    forum = make_forum()
    kept = make_organisation(name="Cooperative Ziz")
    merged = make_organisation(name="Association Ziz Oasis")
    gone = make_organisation(name="Association Errachidia Sud")
    page = _form(client, forum)
    assert all(name in page for name in ("Cooperative Ziz", "Association Ziz Oasis", "Association Errachidia Sud"))
    kept.name = "Cooperative Ziz Tafilalet"
    db.session.commit()
    assert "Cooperative Ziz Tafilalet" in _form(client, forum)
    merge(kept, merged, actor=None)
    db.session.commit()
    page = _form(client, forum)
    assert "Association Ziz Oasis" not in page and "Cooperative Ziz Tafilalet" in page
    db.session.execute(sa.delete(Organisation).where(Organisation.id == gone.id))
    db.session.commit()
    assert "Association Errachidia Sud" not in _form(client, forum)


def test_a_change_rolled_back_leaves_the_version_and_the_kept_form(client, db, make_forum, make_organisation):
    forum = make_forum()
    make_organisation(name="Cooperative Ziz")
    before = _version(db)
    assert "Cooperative Ziz" in _form(client, forum)
    db.session.add(Organisation(name="Association never made", kind="association", province="errachidia"))
    db.session.flush()
    db.session.rollback()
    assert _version(db) == before and "Association never made" not in _form(client, forum)


def test_a_visit_of_the_kept_form_reads_no_organisation(client, db, make_forum, make_organisation, count_queries):
    forum = make_forum()
    for n in range(30):
        make_organisation(name=f"Association {n:02d}")
    assert "Association 29" in _form(client, forum)  # rendered once, with the list
    with count_queries() as counter:
        assert "Association 29" in _form(client, forum)
    assert counter.count and not [s for s in counter.statements if _ORGANISATION_TABLE.search(s)]
    # a statement that changes many organisations moves the version (once on PostgreSQL, once a row on SQLite)
    before = _version(db)
    db.session.execute(sa.update(Organisation).values(area="urban"))
    db.session.commit()
    assert _version(db) > before


def test_the_triggers_that_move_the_version_are_in_place(db):
    if db.engine.dialect.name == "sqlite":
        expected = {f"organisation_list_changed_{event}" for event in ("insert", "update", "delete")}
    else:
        expected = {"organisation_list_changed"}
    assert expected <= triggers_on(db, "organisation")
