"""The automatic reminder: on its day, each confirmed person's agenda, badge and practical information, once."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from helpers import body_of

from forum import hooks
from forum.auth.models import Role
from forum.messages import services
from forum.registration.models import RegistrationStatus


def _day_before(forum, days: int) -> datetime:
    """Nine in the morning, local time, `days` days before the forum."""
    return datetime.combine(forum.starts_on - timedelta(days=days), time(9), tzinfo=forum.zone).astimezone(UTC)


def test_the_organiser_sets_the_reminder_and_sees_its_day(population, as_role, db):
    client, forum, _user = as_role(Role.organiser, population.forum)
    page = client.post(
        f"/f/{forum.slug}/manage/messages/reminder",
        data={"is_enabled": "y", "days_before": "99", "practical_info-fr": "Navette à 8h"},
    )
    assert "Number must be between 0 and 60." in page.get_data(as_text=True)
    assert "Navette à 8h" in page.get_data(as_text=True)
    client.post(
        f"/f/{forum.slug}/manage/messages/reminder",
        data={"is_enabled": "y", "days_before": "2", "practical_info-fr": "Navette à 8h"},
    )
    settings = services.reminder_settings(forum)
    assert (settings.is_enabled, settings.days_before, settings.practical_info) == (True, 2, {"fr": "Navette à 8h"})
    assert "It will go out on" in client.get(f"/f/{forum.slug}/manage/messages/reminder").get_data(as_text=True)


def test_each_confirmed_person_gets_their_agenda_once(population, db, mailbox, connect_hook, make_registration):
    forum = population.forum
    services.save_reminder_settings(
        forum,
        is_enabled=True,
        days_before=2,
        practical_info={"fr": "La navette part de la gare à 8h00.", "ar": "تنطلق الحافلة من المحطة على الساعة 8:00."},
        actor=None,
    )
    db.session.commit()
    meeting_start = population.workshops[0].starts_at - timedelta(hours=2)

    def meeting(registration):
        if registration.email != "brahim@example.ma":
            return None
        return [
            hooks.PersonalEvent(
                "m1", "Rendez-vous avec Atlas Solar", meeting_start, meeting_start + timedelta(minutes=30), "Table 4"
            )
        ]

    connect_hook(hooks.personal_events, meeting)

    assert services.run_due_reminders(now=_day_before(forum, 3)) == []  # not yet
    assert services.run_due_reminders(now=_day_before(forum, 2))
    mails = mailbox.wait_for(6)
    assert {m["To"].split("@")[0] for m in mails} == {"amina", "brahim", "fadwa", "hamza", "ilham", "kenza"}
    brahim = body_of(next(m for m in mails if m["To"] == "brahim@example.ma"))
    assert "Rendez-vous avec Atlas Solar" in brahim and "(Table 4)" in brahim
    assert "Atelier 2" in brahim and "Atelier 1" not in brahim  # his seat, not the other workshop
    assert brahim.index("Rendez-vous avec Atlas Solar") < brahim.index("Atelier 2")  # in time order
    assert "La navette part de la gare à 8h00." in brahim
    assert f"/me/{population.people['brahim'].access_key}/badge.png" in brahim
    amina = body_of(next(m for m in mails if m["To"] == "amina@example.ma"))
    assert "الورشة 2" in amina and "تنطلق الحافلة من المحطة" in amina

    assert services.run_due_reminders(now=_day_before(forum, 1)) == []  # again: nobody new, nothing sent
    assert len(mailbox.messages) == 6
    make_registration(forum, email="late@example.ma", status=RegistrationStatus.confirmed)
    services.run_due_reminders(now=_day_before(forum, 1))
    assert [m["To"] for m in mailbox.wait_for(7)][6:] == ["late@example.ma"]
    make_registration(forum, email="later@example.ma", status=RegistrationStatus.confirmed)
    assert services.run_due_reminders(now=_day_before(forum, -1)) == []  # the forum has begun
    assert len(mailbox.messages) == 7


def test_a_reminder_turned_off_sends_nothing(population, db, mailbox):
    services.save_reminder_settings(population.forum, is_enabled=False, days_before=2, practical_info={}, actor=None)
    db.session.commit()
    assert services.run_due_reminders(now=_day_before(population.forum, 1)) == []
    assert not mailbox.messages


def test_cron_runs_what_is_due(runner, make_forum, make_registration, mailbox, db):
    forum = make_forum(
        starts_on=datetime.now(UTC).date() + timedelta(days=1), ends_on=datetime.now(UTC).date() + timedelta(days=2)
    )
    make_registration(forum, email="soon@example.ma")
    services.save_reminder_settings(forum, is_enabled=True, days_before=3, practical_info={}, actor=None)
    db.session.commit()
    assert "1 reminder(s) started." in runner.invoke(args=["messages", "remind"]).output
    assert [m["To"] for m in mailbox.wait_for(1)] == ["soon@example.ma"]
    assert "0 reminder(s) started." in runner.invoke(args=["messages", "remind"]).output
    assert len(mailbox.messages) == 1
