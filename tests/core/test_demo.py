"""The demo lives on the day it is seeded: each account can act that day, and a later day moves it there.

The seeded demo is large, so the journeys are checked in one test on one seeding (and its same-day rerun).
"""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from forum.auth import services as accounts
from forum.auth.models import Role
from forum.badges import services as badges
from forum.checkin import services as checkin
from forum.checkin.scan import scan_at_desk
from forum.events.models import Forum, ForumStatus
from forum.exhibition import services as exhibition
from forum.extensions import db as _db
from forum.programme import services as programme
from forum.programme.models import SessionKind, SignupStatus
from forum.recommendations import services as recommendations
from forum.recommendations.models import RecommendationStatus, TargetActor
from forum.registration import services as registration
from forum.registration.models import Area, Category, Gender, RegistrationStatus
from forum.seed import DEMO_PASSWORD, clock, demo_visitor

TODAY = date(2026, 3, 10)
ACCEPTED = RecommendationStatus.accepted
COUNTED = _db.metadata.sorted_tables


def _seed(runner, day: date) -> str:
    result = runner.invoke(args=["seed-demo", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    return result.output


def _counts() -> dict[str, int]:
    return {t.name: _db.session.scalar(sa.select(sa.func.count()).select_from(t)) for t in COUNTED}


def _forums() -> dict[str, Forum]:
    _db.session.expire_all()
    forums = _db.session.scalars(sa.select(Forum)).all()
    return {key: next(f for f in forums if f.region.startswith(key)) for key in ("draa", "guelmim", "souss")}


def test_every_demo_account_can_act_on_the_day(runner, client, login, db):
    output = _seed(runner, TODAY)
    before = _counts()
    again = _seed(runner, TODAY)
    assert _counts() == before  # the same day adds nothing
    assert "rebuilt" not in again
    forums = _forums()
    draa, guelmim, souss = forums["draa"], forums["guelmim"], forums["souss"]
    now = clock(forums)
    assert (draa.starts_on, draa.ends_on) == (TODAY - timedelta(days=1), TODAY)
    assert guelmim.status == ForumStatus.archived and guelmim.ends_on < TODAY - timedelta(days=90)
    assert souss.registration_is_open(now) and souss.starts_on > TODAY + timedelta(days=30)
    for address in (f"/f/{souss.slug}/register", f"/f/{draa.slug}/checkin/desk/", f"/f/{guelmim.slug}/manage/"):
        assert f"http://127.0.0.1:5000{address}" in output

    _desk_welcomes_a_demo_badge(draa, now)
    _exhibitor_scans_a_lead(draa, now)
    _rapporteur_has_a_workshop_under_way(draa, now)
    _visitor_registers_and_picks_a_workshop(client, souss, now)
    _archived_report_renders(client, login, guelmim)


def _desk_welcomes_a_demo_badge(draa: Forum, now) -> None:
    agent = accounts.find_user("agent@multaqa.ma")
    assert agent.has_role(draa, Role.checkin_agent)
    [desk, *_] = [d for d in checkin.desks_of(draa) if d.is_active]
    entrance = checkin.entrance_list(draa, TODAY)
    yesterday = checkin.entrance_list(draa, TODAY - timedelta(days=1))
    assert 0 < checkin.inside_count(entrance) < checkin.inside_count(yesterday)  # today's arrivals: partly
    visitor = demo_visitor(draa)
    result = scan_at_desk(draa, entrance, code=badges.badge_code(visitor), desk=desk, agent=agent, now=now)
    assert (result.outcome, result.reason) == ("ok", "ok")


def _exhibitor_scans_a_lead(draa: Forum, now) -> None:
    user = accounts.find_user("exhibitor@multaqa.ma")
    mine = exhibition.exhibitor_of(user, draa)
    assert mine is not None and mine.assignment is not None and mine.assignment.is_published
    visitor = demo_visitor(draa)  # agreed to share their contact details
    outcome = exhibition.record_lead(mine, badges.badge_code(visitor), actor=user, now=now)
    assert outcome.lead.registration_id == visitor.id


def _rapporteur_has_a_workshop_under_way(draa: Forum, now) -> None:
    rapporteur = accounts.find_user("rapporteur@multaqa.ma")
    under_way = [w for w in recommendations.workshops_for(rapporteur, draa) if w.starts_at <= now < w.ends_at]
    assert under_way and under_way[0].starts_at.astimezone(draa.zone).date() == TODAY
    assert recommendations.input_is_open(draa, now)
    added = recommendations.add_recommendation(
        under_way[0],
        text="Former les trésoriers des associations",
        theme="AGR",
        target_actor=TargetActor.donors,
        actor=rapporteur,
        now=now,
    )
    assert added.status == RecommendationStatus.submitted
    counts = recommendations.status_counts(draa)
    assert counts[RecommendationStatus.submitted] > 10 and counts[RecommendationStatus.accepted] == 0


def _visitor_registers_and_picks_a_workshop(client, souss: Forum, now) -> None:
    data = dict(
        email="visiteuse@example.ma",
        name_ar="سناء أيت باها",
        name_latin="Sanaa Ait Baha",
        phone="+212612345678",
        category=Category.association,
        gender=Gender.female,
        province="tiznit",
        area=Area.rural,
        locale="fr",
        organisation_name="Association Tiznit Numérique",
        organisation_kind="association",
        organisation_province="tiznit",
        organisation_area="urban",
    )
    person = registration.register(souss, data, now=now).registration
    registration.confirm_email(person, registration.confirmation_token(person), now=now)
    assert person.status == RegistrationStatus.confirmed
    workshops = [
        s
        for s in programme.sessions_of(souss, published_only=True)
        if s.kind == SessionKind.workshop and s.is_signup_required and s.capacity
    ]
    assert len(workshops) >= 3
    signup = programme.sign_up(person, workshops[-1], now=now)
    assert signup.status == SignupStatus.confirmed
    _db.session.commit()
    feed = client.get(f"/f/{souss.slug}/me/{person.access_key}/calendar.ics")
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert body.count("BEGIN:VEVENT") >= 3 and f"/programme/sessions/{workshops[-1].id}" in body


def _archived_report_renders(client, login, guelmim: Forum) -> None:
    organiser = accounts.find_user("organiser@multaqa.ma")
    assert all(organiser.has_role(f, Role.organiser) for f in _forums().values())
    login(organiser, DEMO_PASSWORD)
    page = client.get(f"/f/{guelmim.slug}/manage/recommendations/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    accepted = [r.recommendation for r in recommendations.forum_recommendations(guelmim, status=ACCEPTED)]
    assert len(accepted) == 4 and all(r.text in html for r in accepted if "'" not in r.text)
    noted = [row.follow_up for row in recommendations.follow_up_rows(guelmim) if row.follow_up is not None]
    assert noted and all(guelmim.ends_on < f.updated_at.date() < TODAY for f in noted)


def test_seeding_on_a_later_day_moves_the_demo_there(runner, db):
    _seed(runner, TODAY)
    later = TODAY + timedelta(days=9)
    output = _seed(runner, later)
    assert f"rebuilt for {later}" in output
    forums = _forums()
    assert (forums["draa"].starts_on, forums["draa"].ends_on) == (later - timedelta(days=1), later)
    assert len(db.session.scalars(sa.select(Forum)).all()) == 3
    now = clock(forums)
    assert checkin.entrance_list(forums["draa"], later) is not None
    assert all(
        s.starts_at.astimezone(forums["draa"].zone).date() >= later - timedelta(days=1)
        for s in programme.sessions_of(forums["draa"])
    )
    assert forums["souss"].registration_is_open(now)
