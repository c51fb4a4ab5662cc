"""Registration rules: places, quotas, double opt-in, decisions, the waiting list, expiry."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import force_locale
from helpers import body_of

from forum import hooks
from forum.audit import entries_for
from forum.registration import services
from forum.registration.models import (
    ApprovalMode,
    Area,
    Category,
    Gender,
    Registration,
    RegistrationStatus,
    WaitlistMode,
)

Status = RegistrationStatus


def details(n: int = 1, **overrides):
    data = dict(
        email=f"Person{n}@Example.ma ",
        name_ar="فاطمة الزهراء",
        name_latin="Fatima Zahra",
        phone="+212612345678",
        category=Category.association,
        gender=Gender.female,
        province="errachidia",
        area=Area.rural,
        locale="ar",
        accessibility_needs=["wheelchair", "not-a-need"],
        organisation_name="Association Oasis",
        organisation_kind="association",
        organisation_province="errachidia",
        organisation_area="rural",
    )
    data.update(overrides)
    return data


@pytest.fixture
def confirmed_seen(connect_hook):
    """The registrations passed to the registration_confirmed hook during the test."""
    seen: list[Registration] = []
    connect_hook(hooks.registration_confirmed, seen.append)
    return seen


def set_up(db, forum, **settings):
    services.save_settings(forum, settings, actor=None)
    db.session.commit()


def sign_up(db, forum, n=1, **overrides) -> Registration:
    registration = services.register(forum, details(n, **overrides)).registration
    db.session.commit()
    return registration


def confirm(db, registration, **kwargs) -> Registration:
    services.confirm_email(registration, services.confirmation_token(registration), **kwargs)
    db.session.commit()
    return registration


def test_sign_up_keeps_a_place_and_the_confirmation_link_confirms_it(db, make_forum, mailbox):
    forum = make_forum(capacity=10)
    registration = sign_up(db, forum)
    assert registration.email == "person1@example.ma"
    assert registration.status == Status.pending and registration.holds_place
    assert registration.accessibility_needs == ["wheelchair"]
    assert registration.organisation.name == "Association Oasis" and registration.organisation.area == Area.rural
    assert services.places_left(forum) == 9
    message = mailbox.wait_for(1)[0]
    assert message["To"] == "person1@example.ma" and message["Content-Language"] == "ar"
    assert f"/me/{registration.access_key}/confirm/" in body_of(message)
    confirm(db, registration)
    assert registration.status == Status.confirmed and not registration.holds_place
    assert registration.email_confirmed_at is not None
    assert services.places_left(forum) == 9


def test_the_same_email_does_not_register_twice_and_gets_its_link_again(db, make_forum, mailbox):
    forum = make_forum()
    first = sign_up(db, forum, 1)
    again = services.register(forum, details(1, name_latin="Someone Else"))
    db.session.commit()
    assert not again.is_new and again.registration.id == first.id
    assert db.session.query(Registration).count() == 1
    assert first.name_latin == "Fatima Zahra"
    messages = mailbox.wait_for(2)
    assert first.access_key in body_of(messages[1]) and "/confirm/" not in body_of(messages[1])


def test_closed_or_not_yet_open_forum_refuses(db, make_forum):
    now = datetime.now(UTC)
    forum = make_forum(registration_opens_at=now + timedelta(days=1))
    with pytest.raises(services.RegistrationClosed):
        services.register(forum, details())


def test_full_forum_puts_newcomers_on_the_waiting_list_in_order(db, make_forum):
    forum = make_forum(capacity=2)
    first, second = sign_up(db, forum, 1), sign_up(db, forum, 2)
    third, fourth = sign_up(db, forum, 3), sign_up(db, forum, 4)
    assert [r.status for r in (first, second)] == [Status.pending, Status.pending]
    assert [r.status for r in (third, fourth)] == [Status.waitlisted, Status.waitlisted]
    assert services.waitlist_position(third) == 1 and services.waitlist_position(fourth) == 2
    assert services.places_left(forum) == 0


def test_a_cancellation_offers_the_place_to_the_next_one_who_can_accept_it(db, make_forum, mailbox):
    forum = make_forum(capacity=1)
    holder = confirm(db, sign_up(db, forum, 1))
    unconfirmed = sign_up(db, forum, 2)
    waiting = confirm(db, sign_up(db, forum, 3))
    assert waiting.status == Status.waitlisted
    mailbox.clear()
    services.cancel(holder)
    db.session.commit()
    # The unconfirmed e-mail is skipped; the place is offered (held) to the next confirmed one.
    assert unconfirmed.status == Status.waitlisted and not unconfirmed.holds_place
    assert waiting.has_offer and waiting.holds_place
    assert waiting.offer_expires_at - datetime.now(UTC) > timedelta(hours=47)
    assert services.places_left(forum) == 0
    assert any(m["To"] == waiting.email for m in mailbox.wait_for(1))
    services.accept_offer(waiting)
    db.session.commit()
    assert waiting.status == Status.confirmed


def test_an_offer_not_taken_in_time_passes_on_and_its_holder_waits_again_behind_the_others(db, make_forum, mailbox):
    forum = make_forum(capacity=1)
    holder = confirm(db, sign_up(db, forum, 1))
    second = confirm(db, sign_up(db, forum, 2, locale="en"))
    third = confirm(db, sign_up(db, forum, 3))
    fourth = confirm(db, sign_up(db, forum, 4))
    services.cancel(holder)
    db.session.commit()
    assert second.has_offer and services.waitlist_position(third) == 1
    later = datetime.now(UTC) + timedelta(hours=49)
    with pytest.raises(services.OfferExpired):
        services.accept_offer(second, now=later)
    db.session.rollback()
    mailbox.clear()
    assert services.expire_unconfirmed(now=later) == 1
    db.session.commit()
    # The registration is kept, at the end of the list; the place goes to the next one.
    assert second.status == Status.waitlisted and not second.has_offer and not second.holds_place
    assert third.has_offer
    assert services.waitlist_position(fourth) == 1 and services.waitlist_position(second) == 2
    lapsed = mailbox.wait_for(2) and mailbox.to(second.email)[0]
    assert lapsed["Subject"] == f"The place offered to you at {forum.title['en']} has been passed on"
    text = body_of(lapsed)
    assert "you are back on the waiting list, in position 2" in text and f"/me/{second.access_key}/" in text
    # When the place frees again, the others come first: third declines, fourth is offered it.
    services.cancel(third, reason="declined", now=later)
    db.session.commit()
    assert fourth.has_offer and services.waitlist_position(second) == 1
    assert [e.action for e in entries_for(forum, target=f"registration:{second.id}")][0] == "registration.offer_lapsed"


def test_a_lapsed_offer_nobody_else_can_take_is_made_again_rather_than_left_to_a_newcomer(db, make_forum, mailbox):
    forum = make_forum(capacity=1)
    holder = confirm(db, sign_up(db, forum, 1))
    alone = confirm(db, sign_up(db, forum, 2))
    mailbox.clear()
    services.cancel(holder)
    db.session.commit()
    first_offer = alone.offer_expires_at
    offer_subject = mailbox.wait_for(1) and mailbox.to(alone.email)[0]["Subject"]
    later = datetime.now(UTC) + timedelta(hours=49)
    mailbox.clear()
    services.expire_unconfirmed(now=later)
    db.session.commit()
    assert alone.has_offer and alone.offer_expires_at > first_offer
    # One e-mail: the new offer (not the "passed on" one as well).
    assert [m["Subject"] for m in mailbox.wait_for(1)] == [offer_subject]
    newcomer = sign_up(db, forum, 3, locale="en")
    assert newcomer.status == Status.waitlisted


def test_promotion_mode_confirms_the_next_one_directly(db, make_forum, confirmed_seen):
    forum = make_forum(capacity=1)
    set_up(db, forum, waitlist=WaitlistMode.promote)
    holder = confirm(db, sign_up(db, forum, 1))
    waiting = confirm(db, sign_up(db, forum, 2))
    assert confirmed_seen == [holder]
    services.reject(holder, actor=None, reason="Duplicate person")
    db.session.commit()
    assert waiting.status == Status.confirmed
    assert confirmed_seen == [holder, waiting]


def test_unconfirmed_registrations_expire_and_free_their_place(db, make_forum, runner):
    forum = make_forum(capacity=1)
    stale = sign_up(db, forum, 1)
    waiting = confirm(db, sign_up(db, forum, 2))
    assert waiting.status == Status.waitlisted
    stale.created_at = datetime.now(UTC) - timedelta(hours=49)
    db.session.commit()
    result = runner.invoke(args=["registration", "expire"])
    assert result.exit_code == 0 and "1 registration(s) expired" in result.output
    db.session.expire_all()
    assert db.session.get(Registration, stale.id).status == Status.cancelled
    assert db.session.get(Registration, waiting.id).has_offer


def test_an_expired_signup_can_be_made_again(db, make_forum):
    forum = make_forum(capacity=5)
    stale = sign_up(db, forum, 1)
    stale.created_at = datetime.now(UTC) - timedelta(hours=49)
    db.session.commit()
    again = services.register(forum, details(1))
    db.session.commit()
    assert again.is_new and again.registration.id == stale.id
    assert again.registration.status == Status.pending and again.registration.holds_place


def test_a_signup_expires_the_overdue_ones_first_and_takes_the_place_they_freed(db, make_forum):
    forum = make_forum(capacity=1)
    stale = sign_up(db, forum, 1)
    assert stale.holds_place
    stale.created_at = datetime.now(UTC) - timedelta(hours=47)
    db.session.commit()
    assert sign_up(db, forum, 2).status == Status.waitlisted  # within its 48 hours, the place is kept
    stale.created_at = datetime.now(UTC) - timedelta(hours=49)
    db.session.commit()
    newcomer = sign_up(db, forum, 3)
    assert stale.status == Status.cancelled and stale.cancel_reason == "expired"
    assert newcomer.status == Status.pending and newcomer.holds_place


def test_confirmation_link_of_another_registration_or_tampered_is_refused(db, make_forum):
    forum = make_forum()
    mine, theirs = sign_up(db, forum, 1), sign_up(db, forum, 2)
    with pytest.raises(services.InvalidLink):
        services.confirm_email(mine, services.confirmation_token(theirs))
    with pytest.raises(services.InvalidLink):
        services.confirm_email(mine, services.confirmation_token(mine) + "x")


def test_manual_approval_waits_for_the_organiser_and_never_exceeds_capacity(db, make_forum, make_user):
    forum = make_forum(capacity=1)
    set_up(db, forum, approval=ApprovalMode.manual)
    organiser = make_user(forum=forum, roles=("organiser",))
    first, second = confirm(db, sign_up(db, forum, 1)), confirm(db, sign_up(db, forum, 2))
    assert first.status == Status.pending and not first.holds_place
    assert services.approve(first, actor=organiser).status == Status.confirmed
    assert services.approve(second, actor=organiser).status == Status.waitlisted
    db.session.commit()
    assert services.places_left(forum) == 0
    entries = entries_for(forum, target=f"registration:{first.id}")
    actions = [(e.action, e.actor_id, e.data.get("result")) for e in entries]
    assert ("registration.approve", organiser.id, "confirmed") in actions


def test_rejection_emails_the_reason_and_is_audited(db, make_forum, make_user, mailbox):
    forum = make_forum()
    organiser = make_user(forum=forum, roles=("organiser",))
    registration = confirm(db, sign_up(db, forum, 1, locale="fr"))
    mailbox.clear()
    services.reject(registration, actor=organiser, reason="Hors de la région")
    db.session.commit()
    message = [m for m in mailbox.wait_for(1) if "Hors de la région" in body_of(m)][0]
    assert message["Content-Language"] == "fr"
    entry = entries_for(forum, target=f"registration:{registration.id}")[0]
    assert entry.action == "registration.reject" and entry.actor_id == organiser.id


def test_quotas_hold_places_for_women_and_cap_categories(db, make_forum):
    forum = make_forum(capacity=10)
    set_up(db, forum, min_women_percent=40, category_quotas={"private_sector": 1})
    men = [sign_up(db, forum, n, gender=Gender.male, category=Category.association) for n in range(1, 8)]
    # 10 places, 4 kept for women: the 7th man is not admitted automatically.
    assert [m.holds_place for m in men] == [True] * 6 + [False]
    assert men[-1].status == Status.pending
    woman = sign_up(db, forum, 20)
    assert woman.holds_place
    company = sign_up(db, forum, 21, category=Category.private_sector)
    second_company = sign_up(db, forum, 22, category=Category.private_sector)
    assert company.holds_place and not second_company.holds_place
    problems = services.quota_problems(
        services.settings_for(forum), forum.capacity, services.place_counts(forum), second_company
    )
    assert len(problems) == 1  # the category quota, and only it


def test_balance_counts_shares_among_confirmed(db, make_forum, make_registration):
    forum = make_forum(capacity=10)
    set_up(db, forum, min_women_percent=50)
    make_registration(forum, gender=Gender.female, area=Area.rural, category=Category.association)
    make_registration(forum, gender=Gender.male, area=Area.urban, category=Category.association)
    make_registration(forum, gender=Gender.male, area=Area.rural, category=Category.expert, has_disability=True)
    make_registration(forum, status=Status.waitlisted)
    balance = services.balance(forum)
    assert balance.confirmed == 3 and balance.by_status["waitlisted"] == 1 and balance.left == 7
    assert round(balance.women.percent) == 33 and not balance.women.meets_target
    assert balance.rural_associations.count == 1 and balance.disability.count == 1
    pending = make_registration(forum, status=Status.pending, gender=Gender.female)
    assert services.shares(forum).after(pending)["women"] == (pytest.approx(100 / 3), 50.0)


def test_editing_key_fields_of_a_confirmed_registration_sends_it_back(db, make_forum):
    forum = make_forum(capacity=5)
    set_up(db, forum, approval=ApprovalMode.manual)
    registration = confirm(db, sign_up(db, forum, 1))
    services.approve(registration, actor=None)
    db.session.commit()
    assert not services.update(registration, details(1, phone="+212600000000"))
    assert registration.status == Status.confirmed
    assert services.update(registration, details(1, province="midelt"))
    db.session.commit()
    assert registration.status == Status.pending and registration.holds_place
    assert services.places_left(forum) == 4


def test_automatic_mode_keeps_an_edit_confirmed_when_it_fits_the_quotas(db, make_forum):
    forum = make_forum(capacity=5)
    registration = confirm(db, sign_up(db, forum, 1))
    assert not services.update(registration, details(1, province="midelt"))
    assert registration.status == Status.confirmed and registration.province == "midelt"


def test_confirmed_hook_runs_once_confirmed(db, make_forum, confirmed_seen):
    forum = make_forum(capacity=5)
    registration = sign_up(db, forum, 1)
    assert confirmed_seen == []
    confirm(db, registration)
    confirm(db, registration)  # a second click changes nothing
    assert confirmed_seen == [registration]


def test_confirmation_mail_in_arabic_carries_an_rtl_body(db, make_forum, mailbox):
    forum = make_forum()
    sign_up(db, forum, 1)
    message = mailbox.wait_for(1)[0]
    html = body_of(message, "html")
    assert 'dir="rtl"' in html and re.search(r"[\u0600-\u06FF]", message["Subject"])


def test_rows_made_elsewhere_on_the_waiting_list_keep_their_arrival_order(db, make_forum, make_registration):
    forum = make_forum(capacity=0)
    early = make_registration(forum, status=Status.waitlisted, created_at=datetime.now(UTC) - timedelta(days=2))
    late = make_registration(forum, status=Status.waitlisted)
    assert early.waitlisted_at is None
    assert services.waitlist_position(early) == 1 and services.waitlist_position(late) == 2
    assert services.waitlist_positions(forum, [late, early]) == {early.id: 1, late.id: 2}


def test_the_team_holds_badges_but_none_of_the_participants_places(db, make_forum, make_registration, make_user):
    forum = make_forum(capacity=1)
    participant = make_registration(forum)
    organiser = make_user(forum=forum, roles=("organiser",))
    # A full forum still takes its speakers, exhibitors and organisers, confirmed at once.
    speaker = services.add_by_organiser(forum, details(5, category=Category.speaker), actor=organiser)
    pending = make_registration(forum, status=Status.pending, category=Category.organiser)
    assert services.approve(pending, actor=organiser).status == Status.confirmed
    db.session.commit()
    assert speaker.status == Status.confirmed and services.places_taken(forum) == 1
    balance = services.balance(forum)
    assert (balance.confirmed, balance.team, balance.left) == (1, 2, 0)
    with pytest.raises(services.ForumFull):
        services.add_by_organiser(forum, details(6, category=Category.media), actor=organiser)
    db.session.rollback()
    # Joining the team frees a participant's place for the waiting list; leaving it needs a free one.
    waiting = make_registration(forum, status=Status.waitlisted, waitlisted_at=datetime.now(UTC))
    services.edit_by_organiser(participant, details(1, category=Category.exhibitor), actor=organiser)
    db.session.commit()
    assert waiting.has_offer and services.places_taken(forum) == 1
    with pytest.raises(services.ForumFull):
        services.edit_by_organiser(speaker, details(5, category=Category.expert), actor=organiser)
    db.session.rollback()
    assert db.session.get(Registration, speaker.id).category == Category.speaker and services.places_taken(forum) == 1


def test_approval_warns_of_a_broken_minimum_share_but_is_bounded_by_capacity_alone(db, make_forum, make_registration):
    forum = make_forum(capacity=4)
    set_up(db, forum, approval=ApprovalMode.manual, min_women_percent=50)
    for _ in range(2):
        make_registration(forum, gender=Gender.male, area=Area.urban)
    man = make_registration(forum, status=Status.pending, gender=Gender.male, area=Area.urban)
    woman = make_registration(forum, status=Status.pending, gender=Gender.female)
    # Half of the 4 places are kept for women: a third man would break that promise.
    with force_locale("en"):
        warnings = services.approval_warnings(forum, [man, woman])
    assert warnings == {man.id: ["The remaining places are kept for women."], woman.id: []}
    assert services.approve(man, actor=None).status == Status.confirmed
    make_registration(forum, gender=Gender.female)
    db.session.commit()
    late = make_registration(forum, status=Status.pending, gender=Gender.male, area=Area.urban)
    assert services.approval_warnings(forum, [late])[late.id]
    assert services.approve(late, actor=None).status == Status.waitlisted  # no place is left
