"""The scan's fast path (forum/checkin/scan.py) against the slow, obvious version of its rules, and
the text statements' SQL against the model's rules they repeat."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from forum.badges.services import badge_code
from forum.checkin import scan, services, welcome
from forum.checkin.models import Admission, CheckInList, Desk, ListKind
from forum.programme.models import Session, SessionKind, Signup, SignupStatus
from forum.registration.models import RegistrationStatus

ZONE = ZoneInfo("Africa/Casablanca")


def obvious_answer(db, registration, checkin_list: CheckInList, today, *, exit: bool) -> tuple[str, str]:
    """The rules of a scan written the plain way, with ORM objects and one query per question."""
    if registration.status == RegistrationStatus.cancelled:
        return "refused", "cancelled"
    if registration.status != RegistrationStatus.confirmed:
        return "refused", "not_approved"
    if checkin_list.day != today:
        return "refused", "wrong_day"
    session = checkin_list.session
    if checkin_list.kind == ListKind.session and session.is_signup_required:
        seat = sa.select(Signup).filter_by(
            session_id=session.id, registration_id=registration.id, status=SignupStatus.confirmed
        )
        if db.session.scalar(seat) is None:
            return "refused", "not_signed_up"
    live = [
        admission
        for admission in db.session.scalars(
            sa.select(Admission).filter_by(list_id=checkin_list.id, registration_id=registration.id)
        )
        if admission.is_live
    ]
    if exit:
        if not checkin_list.records_exits:
            return "refused", "exits_not_recorded"
        if not live or not live[0].is_inside:
            return "refused", "not_inside"
        return "exit", "exit"
    if not live:
        return "ok", "ok"
    if not live[0].is_inside:
        return ("ok", "reentry") if checkin_list.allows_reentry else ("duplicate", "no_reentry")
    return "duplicate", "already_checked_in"


@pytest.fixture
def today_forum(make_forum):
    today = datetime.now(UTC).astimezone(ZONE).date()
    return make_forum(starts_on=today, ends_on=today + timedelta(days=1))


def test_the_fast_path_decides_as_the_obvious_version(db, today_forum, make_registration):
    forum = today_forum
    desk, token = services.create_desk(forum, "Door", actor=None)
    now = datetime.now(UTC)
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"en": "Crowdfunding"},
        starts_at=now,
        ends_at=now + timedelta(hours=1),
        is_signup_required=True,
    )
    db.session.add(workshop)
    db.session.commit()
    lists = services.ensure_lists(forum)
    seated = make_registration(forum)
    db.session.add(Signup(session_id=workshop.id, registration_id=seated.id, status=SignupStatus.confirmed))
    people = [
        seated,
        make_registration(forum),
        make_registration(forum, status=RegistrationStatus.cancelled),
        make_registration(forum, status=RegistrationStatus.pending),
    ]
    db.session.commit()
    today = now.astimezone(forum.zone).date()
    steps = itertools.product(
        lists, [(False, False), (True, True), (False, True), (True, False)], [False, True, False, False, True]
    )
    for n, (checkin_list, (reentry, exits), exit) in enumerate(steps):
        services.update_list(checkin_list, allows_reentry=reentry, records_exits=exits, actor=None)
        db.session.commit()
        for person in people:
            expected = obvious_answer(db, person, checkin_list, today, exit=exit)
            if n % 2:  # the devices' entry point, then the desk page's
                reading = scan.read_with_token(forum.slug, token, list_id=checkin_list.id, code=badge_code(person))
                result = scan.scan_with_token(reading, exit=exit)
            else:
                result = scan.scan_at_desk(forum, checkin_list, code=badge_code(person), desk=desk, exit=exit)
            db.session.commit()
            assert (result.outcome, result.reason) == expected, (checkin_list, reentry, exits, exit, person.status)


def test_the_admit_statements_condition_is_the_live_admission_rule(db, today_forum, make_registration):
    checkin_list = services.ensure_lists(today_forum)[0]
    people = [make_registration(today_forum) for _ in range(3)]
    admissions = [Admission(list_id=checkin_list.id, registration_id=p.id) for p in people]
    admissions[1].undone_at = datetime.now(UTC)
    db.session.add_all(admissions)
    db.session.commit()
    # the text of the INSERT's conflict target and of the partial unique index, as SQL
    condition = welcome.ADMIT.element.text.split(" WHERE ", 1)[1].split(" DO NOTHING")[0]
    index = next(i for i in Admission.__table__.indexes if i.name == "uq_checkin_admission_live")
    assert {str(index.dialect_options[d]["where"]) for d in ("postgresql", "sqlite")} == {condition}
    by_text = set(db.session.scalars(sa.select(Admission.id).where(sa.text(condition))))
    by_sql = set(db.session.scalars(sa.select(Admission.id).where(Admission.is_live)))
    by_python = {a.id for a in db.session.scalars(sa.select(Admission)) if a.is_live}
    assert by_text == by_sql == by_python == {admissions[0].id, admissions[2].id}


def test_a_desk_is_open_by_the_same_rule_in_python_and_in_sql(db, today_forum):
    (open_desk, token), (closed_desk, closed_token) = (services.create_desk(today_forum, n, actor=None) for n in "AB")
    services.revoke_desk(closed_desk, actor=None)
    db.session.commit()
    by_sql = set(db.session.scalars(sa.select(Desk.id).where(Desk.is_active)))
    assert by_sql == {d.id for d in services.desks_of(today_forum) if d.is_active} == {open_desk.id}
    assert services.open_desks_of(today_forum) == [open_desk]
    assert services.desk_for_token(today_forum, token) == open_desk
    assert services.desk_for_token(today_forum, closed_token) is None
    with pytest.raises(services.DeskRefused):
        scan.scan_with_token(scan.read_with_token(today_forum.slug, closed_token, code="x"))
