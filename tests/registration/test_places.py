"""The forum's count of places taken (`Forum.places_taken`, kept by triggers on `registration`) against
its reference, the recount of `Registration.takes_place`, after every path that changes the places; and
the shares of its confirmed participants (`Forum.confirmed_*`, kept alike) against the balance's count."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import FORUM_ROW, REGISTRATION_ROW, triggers_on

from forum.events.models import Forum
from forum.extensions import db as _db
from forum.registration import services
from forum.registration.models import ApprovalMode, Category, Registration, RegistrationStatus, WaitlistMode

Status = RegistrationStatus


def recount(forum: Forum) -> int:
    """The slow, obvious count the counter stands for: every registration of the forum, looked at."""
    return _db.session.scalar(
        sa.select(sa.func.count()).where(Registration.forum_id == forum.id, Registration.takes_place)
    )


def assert_counted(forum: Forum, expected: int) -> None:
    assert (services.places_taken(forum), recount(forum)) == (expected, expected)
    kept, counted = services.shares(forum), services.balance(forum)
    shares = [(s.women.count, s.rural_associations.count, s.disability.count, s.confirmed) for s in (kept, counted)]
    assert shares[0] == shares[1]


def details(n: int, **overrides):
    data = dict(
        email=f"person{n}@example.ma",
        name_ar="فاطمة الزهراء",
        name_latin="Fatima Zahra",
        phone="+212612345678",
        category=Category.association,
        gender="female",
        province="errachidia",
        area="rural",
        locale="ar",
    )
    data.update(overrides)
    return data


def sign_up(db, forum, n: int) -> Registration:
    registration = services.register(forum, details(n)).registration
    db.session.commit()
    return registration


def confirm(db, registration) -> Registration:
    services.confirm_email(registration, services.confirmation_token(registration))
    db.session.commit()
    return registration


def test_sign_up_confirmation_cancellation_and_the_waiting_list_keep_the_count(db, make_forum):
    forum = make_forum(capacity=2)
    first, second = sign_up(db, forum, 1), sign_up(db, forum, 2)
    assert_counted(forum, 2)  # held while the e-mails are confirmed
    third = sign_up(db, forum, 3)
    assert third.status == Status.waitlisted
    assert_counted(forum, 2)
    confirm(db, first)
    confirm(db, third)
    assert_counted(forum, 2)
    services.cancel(first)  # the place is offered to the third, who holds it meanwhile
    db.session.commit()
    assert third.has_offer
    assert_counted(forum, 2)
    services.accept_offer(third)
    db.session.commit()
    assert_counted(forum, 2)
    later = datetime.now(UTC) + timedelta(hours=49)
    assert services.expire_unconfirmed(now=later) == 1  # the second never confirmed: its place is freed
    db.session.commit()
    assert second.status == Status.cancelled
    assert_counted(forum, 1)


def test_decisions_and_promotion_keep_the_count(db, make_forum, make_registration, make_user):
    forum = make_forum(capacity=2)
    services.save_settings(forum, {"waitlist": WaitlistMode.promote, "approval": ApprovalMode.manual}, actor=None)
    organiser = make_user(forum=forum, roles=("organiser",))
    pending = make_registration(forum, status=Status.pending)
    confirmed = make_registration(forum)
    waiting = make_registration(forum, status=Status.waitlisted, waitlisted_at=datetime.now(UTC))
    assert_counted(forum, 1)
    services.approve(pending, actor=organiser)
    db.session.commit()
    assert_counted(forum, 2)
    services.move_to_waitlist(confirmed, actor=organiser)  # the waiting one is promoted to its place
    db.session.commit()
    assert waiting.status == Status.confirmed
    assert_counted(forum, 2)
    services.reject(pending, actor=organiser, reason="Duplicate")
    db.session.commit()  # the place goes to the one moved to the waiting list
    assert confirmed.status == Status.confirmed
    assert_counted(forum, 2)
    services.update(waiting, details(9, category=Category.expert, email=waiting.email))
    db.session.commit()  # sent back for approval, its place kept meanwhile
    assert waiting.status == Status.pending and waiting.holds_place
    assert_counted(forum, 2)


def test_the_team_moves_an_organisers_additions_and_capacity_changes_keep_the_count(
    db, make_forum, make_registration, make_user
):
    forum = make_forum(capacity=1)
    organiser = make_user(forum=forum, roles=("organiser",))
    participant = make_registration(forum)
    speaker = services.add_by_organiser(forum, details(5, category=Category.speaker), actor=organiser)
    db.session.commit()
    assert_counted(forum, 1)
    waiting = make_registration(forum, status=Status.waitlisted, waitlisted_at=datetime.now(UTC))
    services.edit_by_organiser(participant, details(1, category=Category.exhibitor), actor=organiser)
    db.session.commit()  # joins the team: the place it held is offered to the waiting one
    assert waiting.has_offer
    assert_counted(forum, 1)
    forum.capacity = 3
    db.session.commit()
    services.save_settings(forum, {"waitlist": WaitlistMode.promote}, actor=None)
    services.edit_by_organiser(speaker, details(5, category=Category.expert), actor=organiser)
    services.add_by_organiser(forum, details(6, category=Category.media), actor=organiser)
    db.session.commit()
    assert_counted(forum, 3)


def test_erasure_bulk_statements_and_another_forum_keep_the_count(db, make_forum, make_registration):
    forum, other = make_forum(capacity=5), make_forum(capacity=5)
    people = [make_registration(forum) for _ in range(3)]
    make_registration(other)
    db.session.delete(people[0])
    db.session.commit()
    assert_counted(forum, 2)
    db.session.execute(sa.update(Registration).where(Registration.id == people[1].id).values(status=Status.cancelled))
    db.session.execute(sa.update(Registration).where(Registration.id == people[2].id).values(forum_id=other.id))
    db.session.commit()
    assert_counted(forum, 0)
    assert_counted(other, 2)
    db.session.execute(sa.delete(Registration).where(Registration.forum_id == other.id))
    db.session.commit()
    assert_counted(other, 0)


def test_the_triggers_that_keep_the_count_are_in_place(db):
    """A migration that rebuilds `registration` on SQLite (batch mode) drops them: it must add them back."""
    if db.engine.dialect.name == "sqlite":
        events = ("insert", "delete", "update")
        expected = {
            f"registration_{counter}_{event}" for counter in ("places_taken", "confirmed_shares") for event in events
        }
    else:
        expected = {
            "registration_places_taken",
            "registration_confirmed_shares",
            "registration_confirmed_shares_update",
        }
    assert expected <= triggers_on(db, "registration")


BEFORE = "7c3e9a1d5b42"


def test_the_migration_counts_the_places_already_taken_and_goes_back(scratch_app):
    from flask_migrate import downgrade, upgrade

    at = datetime(2026, 12, 1)
    rows = [
        ("confirmed", "association", False),
        ("pending", "expert", True),  # holds a place while the e-mail is confirmed
        ("confirmed", "speaker", False),  # the team's
        ("cancelled", "association", False),
        ("waitlisted", "association", False),
    ]
    with scratch_app.app_context():
        upgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            conn.execute(sa.text(FORUM_ROW), {"at": at})
            for n, (status, category, holds) in enumerate(rows):
                values = {"email": f"p{n}@example.ma", "status": status, "category": category, "holds": holds}
                conn.execute(sa.text(REGISTRATION_ROW), {**values, "at": at})
        upgrade()
        with _db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT places_taken FROM forum")).scalar() == 2
            conn.execute(sa.text("UPDATE registration SET status = 'confirmed' WHERE email = 'p4@example.ma'"))
            assert conn.execute(sa.text("SELECT places_taken FROM forum")).scalar() == 3
        downgrade(revision=BEFORE)
        with _db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE registration SET status = 'cancelled' WHERE email = 'p0@example.ma'"))
            assert "places_taken" not in {c["name"] for c in sa.inspect(conn).get_columns("forum")}
        _db.engine.dispose()


def test_the_last_migration_restores_triggers_a_batch_rebuild_dropped_on_sqlite(scratch_app):
    from flask_migrate import upgrade

    with scratch_app.app_context():
        if _db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps its triggers when a table is altered")
        upgrade(revision="e6a6b06c94a8")
        at = datetime(2026, 12, 1)
        with _db.engine.begin() as conn:
            for event in ("insert", "delete", "update"):  # what rebuilding the table does to them
                conn.execute(sa.text(f"DROP TRIGGER registration_places_taken_{event}"))
            conn.execute(sa.text(FORUM_ROW), {"at": at})
            values = {"email": "p@example.ma", "status": "confirmed", "category": "association", "holds": False}
            conn.execute(sa.text(REGISTRATION_ROW), {**values, "at": at})
        upgrade()
        with _db.engine.begin() as conn:
            assert conn.execute(sa.text("SELECT places_taken FROM forum")).scalar() == 1  # recounted
            conn.execute(sa.text("UPDATE registration SET status = 'cancelled'"))
            assert conn.execute(sa.text("SELECT places_taken FROM forum")).scalar() == 0  # counted again
        _db.engine.dispose()


def test_the_migration_counts_the_shares_of_confirmed_participants_and_goes_back(scratch_app):
    from flask_migrate import downgrade, upgrade

    at = datetime(2026, 12, 1)
    rows = [("confirmed", "association"), ("confirmed", "cooperative"), ("confirmed", "speaker"), ("pending", "expert")]
    counters = "SELECT confirmed_participants, confirmed_women, confirmed_rural_associations FROM forum"
    with scratch_app.app_context():
        upgrade(revision="c4a9e1f7d2b3")
        with _db.engine.begin() as conn:
            conn.execute(sa.text(FORUM_ROW), {"at": at})
            for n, (status, category) in enumerate(rows):
                values = {"email": f"p{n}@example.ma", "status": status, "category": category, "holds": False}
                conn.execute(sa.text(REGISTRATION_ROW), {**values, "at": at})
            conn.execute(sa.text("UPDATE registration SET area = 'rural' WHERE email = 'p1@example.ma'"))
        upgrade()
        with _db.engine.begin() as conn:
            assert tuple(conn.execute(sa.text(counters)).one()) == (2, 2, 1)  # the team apart
            conn.execute(sa.text("UPDATE registration SET status = 'confirmed' WHERE email = 'p3@example.ma'"))
            conn.execute(sa.text("UPDATE registration SET gender = 'male' WHERE email = 'p0@example.ma'"))
            assert tuple(conn.execute(sa.text(counters)).one()) == (3, 2, 1)
        downgrade(revision="c4a9e1f7d2b3")
        with _db.engine.begin() as conn:
            conn.execute(sa.text("UPDATE registration SET status = 'cancelled' WHERE email = 'p0@example.ma'"))
            assert "confirmed_women" not in {c["name"] for c in sa.inspect(conn).get_columns("forum")}
        _db.engine.dispose()


def test_the_last_migration_restores_the_confirmed_shares_triggers_on_sqlite(scratch_app):
    from flask_migrate import upgrade

    counted = "SELECT confirmed_participants FROM forum"
    with scratch_app.app_context():
        if _db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL keeps its triggers when a table is altered")
        upgrade(revision="98ad23be3315")  # the last before the one that restores them
        at = datetime(2026, 12, 1)
        with _db.engine.begin() as conn:
            for event in ("insert", "delete", "update"):  # what rebuilding the table does to them
                conn.execute(sa.text(f"DROP TRIGGER registration_confirmed_shares_{event}"))
            conn.execute(sa.text(FORUM_ROW), {"at": at})
            values = {"email": "p@example.ma", "status": "confirmed", "category": "association", "holds": False}
            conn.execute(sa.text(REGISTRATION_ROW), {**values, "at": at})
            assert conn.execute(sa.text(counted)).scalar() == 0  # not counted while they were gone
        upgrade()
        with _db.engine.begin() as conn:
            assert conn.execute(sa.text(counted)).scalar() == 1  # recounted
            conn.execute(sa.text("UPDATE registration SET status = 'cancelled'"))
            assert conn.execute(sa.text(counted)).scalar() == 0  # counted again
        _db.engine.dispose()
