"""A new edition from an earlier one's settings, item by item, moved to the new dates, nothing personal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import force_locale

from forum import storage
from forum.checkin.models import CheckInList, Desk, ListKind
from forum.checkin.services import create_desk, desk_for_token, desks_of, revoke_desk
from forum.exhibition.models import Booth, Zone
from forum.messages.models import (
    CertificateLayout,
    CertificateSettings,
    Message,
    MessageKind,
    MessageStatus,
    ReminderSettings,
)
from forum.programme.models import Room, Session, SessionKind, Speaker
from forum.registration.models import ApprovalMode, Registration, RegistrationSettings
from forum.series.services.edition import copy_edition
from forum.series.services.targets import SeriesError


def earlier_edition(db, make_forum, make_registration, make_user):
    source = make_forum(starts_on=date(2025, 10, 14), ends_on=date(2025, 10, 15), capacity=250)
    db.session.add(
        RegistrationSettings(
            forum_id=source.id, approval=ApprovalMode.manual, min_women_percent=40, category_quotas={"donor": 10}
        )
    )
    hall = Room(forum_id=source.id, name={"fr": "Grande salle", "ar": "القاعة الكبرى"}, capacity=300)
    db.session.add(hall)
    db.session.flush()
    speaker = Speaker(forum_id=source.id, name_latin="Dr. Benali")
    db.session.add(speaker)
    db.session.flush()

    def at(day: int, hour: int) -> datetime:
        local = datetime.combine(source.starts_on + timedelta(days=day), time(hour), tzinfo=source.zone)
        return local.astimezone(UTC)

    opening = Session(
        forum_id=source.id, kind=SessionKind.plenary, title={"fr": "Ouverture"}, room_id=hall.id,
        starts_at=at(0, 9), ends_at=at(0, 10), published_at=at(-30, 9), moderator_id=speaker.id,
        rapporteur_id=make_user().id, speakers=[speaker],
    )  # fmt: skip
    workshop = Session(
        forum_id=source.id, kind=SessionKind.workshop, title={"fr": "Atelier RSE"}, room_id=hall.id,
        starts_at=at(1, 14), ends_at=at(1, 16), capacity=40, is_signup_required=True,
    )  # fmt: skip
    cancelled = Session(
        forum_id=source.id, kind=SessionKind.panel, title={"fr": "Annulé"}, starts_at=at(1, 9), ends_at=at(1, 10),
        is_cancelled=True,
    )  # fmt: skip
    db.session.add_all([opening, workshop, cancelled])
    zone = Zone(forum_id=source.id, code="A", name={"fr": "Économie sociale"})
    db.session.add(zone)
    db.session.flush()
    db.session.add_all(
        Booth(forum_id=source.id, zone_id=zone.id, code=f"A{n}", area_m2=9, x=3 * n, has_power=n == 1)
        for n in range(1, 4)
    )
    db.session.add_all(
        [
            CheckInList(forum_id=source.id, kind=ListKind.entrance, day=source.starts_on, allows_reentry=True),
            CheckInList(forum_id=source.id, kind=ListKind.session, day=workshop.starts_at.date(), session=workshop),
        ]
    )
    db.session.commit()
    make_registration(source)
    return source


def test_a_new_forum_starts_from_an_earlier_ones_settings(db, make_forum, make_registration, make_user):
    source = earlier_edition(db, make_forum, make_registration, make_user)
    target = make_forum(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 4), capacity=None)
    result = copy_edition(target, source, ["quotas", "programme", "booths", "lists"], actor=None)
    db.session.commit()
    assert result.counts == {"quotas": 1, "rooms": 1, "programme": 2, "booths": 3, "lists": 2}
    assert target.capacity == 250
    settings = db.session.get(RegistrationSettings, target.id)
    assert (settings.approval, settings.min_women_percent, settings.category_quotas) == (
        ApprovalMode.manual, 40, {"donor": 10},
    )  # fmt: skip
    sessions = db.session.scalars(
        sa.select(Session).where(Session.forum_id == target.id).order_by(Session.starts_at)
    ).all()
    assert [s.title["fr"] for s in sessions] == ["Ouverture", "Atelier RSE"]
    local = [s.starts_at.astimezone(target.zone) for s in sessions]
    assert [(d.date(), d.hour) for d in local] == [(date(2026, 11, 3), 9), (date(2026, 11, 4), 14)]
    # a skeleton: no speaker, moderator or rapporteur, not published; its room is the new forum's
    assert all(s.speakers == [] and s.moderator_id is None and s.rapporteur_id is None for s in sessions)
    assert all(s.published_at is None for s in sessions)
    room = db.session.scalar(sa.select(Room).where(Room.forum_id == target.id))
    assert {s.room_id for s in sessions} == {room.id} and room.name["ar"] == "القاعة الكبرى"
    assert sessions[1].capacity == 40 and sessions[1].is_signup_required
    booths = db.session.scalars(sa.select(Booth).where(Booth.forum_id == target.id).order_by(Booth.code)).all()
    assert [(b.code, b.has_power, b.zone.forum_id) for b in booths] == [
        ("A1", True, target.id),
        ("A2", False, target.id),
        ("A3", False, target.id),
    ]
    lists = db.session.scalars(
        sa.select(CheckInList).where(CheckInList.forum_id == target.id).order_by(CheckInList.id)
    ).all()
    assert [(cl.kind, cl.day, cl.allows_reentry) for cl in lists] == [
        (ListKind.entrance, date(2026, 11, 3), True), (ListKind.session, date(2026, 11, 4), False),
    ]  # fmt: skip
    assert lists[1].session_id == sessions[1].id
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Registration).where(Registration.forum_id == target.id)
        )
        == 0
    )


def test_nothing_is_doubled_and_a_shorter_forum_leaves_sessions_out(db, make_forum, make_registration, make_user):
    source = earlier_edition(db, make_forum, make_registration, make_user)
    short = make_forum(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 3))
    result = copy_edition(short, source, ["programme"], actor=None)
    assert result.counts == {"rooms": 1, "programme": 1} and result.skipped_sessions == 1
    db.session.commit()
    try:
        copy_edition(short, source, ["rooms"], actor=None)
    except SeriesError as error:
        with force_locale("en"):
            assert "already has rooms" in str(error)
    else:
        raise AssertionError("copying the rooms twice must be refused")


def test_organisers_of_the_new_forum_copy_from_the_page(client, db, as_role, make_forum, make_registration, make_user):
    source = earlier_edition(db, make_forum, make_registration, make_user)
    organiser, target, _ = as_role("organiser", make_forum(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 4)))
    page = organiser.get(f"/f/{target.slug}/manage/copy")
    assert page.status_code == 200 and "Copy from a previous edition" in page.text
    empty = organiser.post(f"/f/{target.slug}/manage/copy", data={"source": source.id})
    assert empty.status_code == 422 and "Choose what to copy." in empty.text
    done = organiser.post(
        f"/f/{target.slug}/manage/copy", data={"source": source.id, "items": ["rooms", "booths"]}, follow_redirects=True
    )
    assert "Copied: Rooms (1), Booth plan and zones (3)." in done.text
    other, _forum, _ = as_role("organiser")
    assert other.get(f"/f/{target.slug}/manage/copy").status_code == 403


def test_open_desks_come_with_new_tokens_and_their_creator_is_the_copier(db, make_forum, make_user):
    source, target = make_forum(), make_forum()
    first, copier = make_user(), make_user()
    (hall, old_token), (lost, _lost_token) = (create_desk(source, name, actor=first) for name in ("Hall", "Lost"))
    revoke_desk(lost, actor=first)
    result = copy_edition(target, source, ["desks"], actor=copier)
    db.session.commit()
    assert result.counts == {"desks": 1} and [name for name, _token in result.tokens] == ["Hall"]
    (desk,) = desks_of(target)
    new_token = result.tokens[0][1]
    assert desk.name == "Hall" and desk.is_active and desk.created_by_id == copier.id
    assert new_token != old_token and desk.token_hash != hall.token_hash
    assert desk_for_token(target, new_token) == desk and desk_for_token(target, old_token) is None
    assert desk_for_token(source, old_token) == hall  # the earlier forum's desk keeps working
    try:
        copy_edition(target, source, ["desks"], actor=copier)
    except SeriesError as error:
        with force_locale("en"):
            assert "already has desks" in str(error)
    else:
        raise AssertionError("copying the desks twice must be refused")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Desk).where(Desk.forum_id == target.id)) == 1


def test_email_texts_are_copied_the_reminder_switched_off_sent_messages_never(
    db, make_forum, make_registration, make_user
):
    source = earlier_edition(db, make_forum, make_registration, make_user)
    target = make_forum(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 4))
    workshop = db.session.scalar(sa.select(Session).where(Session.forum_id == source.id, Session.capacity == 40))
    signature = storage.save(f"certificates/{source.id}", b"\x89PNG signature", ".png")
    author = make_user()
    db.session.add_all(
        [
            ReminderSettings(forum_id=source.id, is_enabled=True, days_before=3, practical_info={"fr": "Tram T1"}),
            CertificateSettings(
                forum_id=source.id, layout=CertificateLayout.personal, signatory={"ar": "رئيس اللجنة"},
                signature_key=signature,
            ),
            Message(
                forum_id=source.id, subject={"fr": "Bienvenue"}, body={"fr": "Bonjour {name}"},
                segment={"statuses": ["confirmed"]}, created_by_id=author.id,
            ),
            Message(forum_id=source.id, subject={"fr": "Atelier"}, segment={"sessions": [workshop.id]}),
            Message(forum_id=source.id, subject={"fr": "Envoyé"}, status=MessageStatus.sent),
            Message(forum_id=source.id, kind=MessageKind.reminder, subject={"fr": "Rappel"}),
        ]
    )  # fmt: skip
    db.session.commit()
    result = copy_edition(target, source, ["texts"], actor=None)
    db.session.commit()
    assert result.counts == {"texts": 3} and result.skipped_drafts == 1
    reminder = db.session.get(ReminderSettings, target.id)
    assert (reminder.is_enabled, reminder.days_before, reminder.practical_info) == (False, 3, {"fr": "Tram T1"})
    certificate = db.session.get(CertificateSettings, target.id)
    assert (certificate.layout, certificate.signatory) == (CertificateLayout.personal, {"ar": "رئيس اللجنة"})
    assert certificate.signature_key not in (None, signature) and str(target.id) in certificate.signature_key
    assert storage.read(certificate.signature_key) == b"\x89PNG signature"
    storage.delete(signature)  # the two forums do not share the file
    assert storage.read(certificate.signature_key) == b"\x89PNG signature"
    (draft,) = db.session.scalars(sa.select(Message).where(Message.forum_id == target.id)).all()
    assert (draft.subject, draft.body, draft.segment, draft.status) == (
        {"fr": "Bienvenue"}, {"fr": "Bonjour {name}"}, {"statuses": ["confirmed"], "sessions": []}, MessageStatus.draft,
    )  # fmt: skip
    assert draft.created_by_id is None
    try:
        copy_edition(target, source, ["texts"], actor=None)
    except SeriesError as error:
        with force_locale("en"):
            assert "already has e-mail texts" in str(error)
    else:
        raise AssertionError("copying the e-mail texts twice must be refused")


def test_a_draft_for_a_workshop_follows_the_copied_programme(db, make_forum, make_registration, make_user):
    source = earlier_edition(db, make_forum, make_registration, make_user)
    target = make_forum(starts_on=date(2026, 11, 3), ends_on=date(2026, 11, 4))
    workshop = db.session.scalar(sa.select(Session).where(Session.forum_id == source.id, Session.capacity == 40))
    db.session.add(Message(forum_id=source.id, subject={"fr": "Atelier"}, segment={"sessions": [workshop.id]}))
    db.session.commit()
    result = copy_edition(target, source, ["programme", "texts"], actor=None)
    db.session.commit()
    assert result.counts["texts"] == 1 and result.skipped_drafts == 0
    new_workshop = db.session.scalar(sa.select(Session).where(Session.forum_id == target.id, Session.capacity == 40))
    draft = db.session.scalar(sa.select(Message).where(Message.forum_id == target.id))
    assert draft.segment["sessions"] == [new_workshop.id]


def test_the_page_shows_each_copied_desks_token_once(client, db, as_role, make_forum, make_user):
    source = make_forum()
    create_desk(source, "Entrée nord", actor=None)
    db.session.commit()
    organiser, target, _ = as_role("organiser", make_forum())
    done = organiser.post(f"/f/{target.slug}/manage/copy", data={"source": source.id, "items": ["desks"]})
    assert done.status_code == 200 and "Entrée nord" in done.text
    (desk,) = desks_of(target)
    token = done.text.split('<code class="token" data-select-all>')[1].split("</code>")[0]
    assert desk_for_token(target, token) == desk
    again = organiser.get(f"/f/{target.slug}/manage/copy")
    assert token not in again.text
