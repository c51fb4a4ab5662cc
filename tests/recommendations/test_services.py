"""The rules of recommendations, tested through the services."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from forum.audit import AuditEntry
from forum.errors import NotAllowed
from forum.events.models import ForumStatus
from forum.recommendations import services
from forum.recommendations.models import (
    Endorsement,
    FollowUpStatus,
    Priority,
    RecommendationStatus,
    TargetActor,
)
from forum.registration.models import RegistrationStatus


@pytest.fixture
def setting(make_forum, make_user, make_workshop, open_input):
    forum = make_forum()
    open_input(forum)
    organiser = make_user(forum=forum, roles=("organiser",))
    rapporteur = make_user(forum=forum, roles=("rapporteur",))
    workshop = make_workshop(forum, rapporteur=rapporteur)
    return forum, organiser, rapporteur, workshop


def add(workshop, actor, text="Créer une plateforme de financement participatif", **kw):
    kw.setdefault("target_actor", TargetActor.government)
    return services.add_recommendation(workshop, text=text, actor=actor, **kw)


def test_only_the_workshops_rapporteur_and_organisers_add_and_edit(db, setting, make_user, make_workshop):
    forum, organiser, rapporteur, workshop = setting
    other_rapporteur = make_user(forum=forum, roles=("rapporteur",))
    agent = make_user(forum=forum, roles=("checkin_agent",))
    make_workshop(forum, rapporteur=other_rapporteur, title="RSE")
    first = add(workshop, rapporteur)
    second = add(workshop, organiser, text="تحفيز المقاولات جبائياً", theme="RSE", priority=Priority.high)
    assert (first.position, second.position) == (1, 2)
    assert first.theme == "Crowdfunding" and second.theme == "RSE"
    for outsider in (other_rapporteur, agent, None):
        with pytest.raises(NotAllowed):
            add(workshop, outsider)
        with pytest.raises(NotAllowed):
            services.edit_recommendation(
                first, text="x", target_actor=TargetActor.donors, theme="", priority=Priority.low, actor=outsider
            )
    # A rapporteur whose role was taken away loses the workshop even if still named on it.
    rapporteur.memberships.clear()
    db.session.flush()
    assert not services.can_edit_workshop(rapporteur, workshop)


def test_editing_keeps_the_earlier_wording(db, setting):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur, text="Première version")
    at = datetime(2026, 2, 14, 12, 0, tzinfo=UTC)
    services.edit_recommendation(
        recommendation,
        text="Deuxième version",
        target_actor=TargetActor.donors,
        theme="Financement",
        priority=Priority.high,
        actor=organiser,
        now=at,
    )
    services.edit_recommendation(
        recommendation,
        text="Deuxième version",
        target_actor=TargetActor.donors,
        theme="Financement",
        priority=Priority.low,
        actor=organiser,
    )
    history = services.revisions(recommendation)
    assert [(r.text, r.target_actor, r.edited_by_id) for r in history] == [
        ("Première version", TargetActor.government, organiser.id)
    ]
    assert recommendation.text == "Deuxième version" and recommendation.priority == Priority.low


def test_reordering_moves_one_place(db, setting):
    forum, organiser, rapporteur, workshop = setting
    a, b, c = (add(workshop, rapporteur, text=t) for t in "ABC")
    services.move(c, -1, actor=rapporteur)
    services.move(a, -1, actor=rapporteur)  # already first: nothing happens
    assert [row.recommendation.text for row in services.workshop_list(workshop)] == ["A", "C", "B"]


def test_one_support_per_person_withdrawable(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    amina, omar = make_registration(forum), make_registration(forum)
    first = services.endorse(recommendation, amina)
    again = services.endorse(recommendation, amina)
    services.endorse(recommendation, omar)
    assert again.id == first.id
    assert services.support_counts([forum.id]) == {recommendation.id: 2}
    assert services.withdraw(recommendation, amina) is True
    assert services.withdraw(recommendation, amina) is False
    assert services.support_counts([forum.id]) == {recommendation.id: 1}


def test_the_database_refuses_a_second_support(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    registration = make_registration(forum)
    db.session.add(Endorsement(recommendation_id=recommendation.id, registration_id=registration.id))
    db.session.flush()
    db.session.add(Endorsement(recommendation_id=recommendation.id, registration_id=registration.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_supports_need_a_confirmed_participant_and_an_open_window(db, setting, make_registration, make_forum):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    pending = make_registration(forum, status=RegistrationStatus.pending)
    stranger = make_registration(make_forum())
    confirmed = make_registration(forum)
    for person in (pending, stranger):
        with pytest.raises(NotAllowed):
            services.endorse(recommendation, person)
    later = datetime.now(UTC) + timedelta(days=3)
    with pytest.raises(services.InputClosed):
        services.endorse(recommendation, confirmed, now=later)
    with pytest.raises(services.InputClosed):
        services.add_recommendation(
            workshop, text="Trop tard", target_actor=TargetActor.donors, registration=confirmed, now=later
        )


def test_the_default_window_is_the_forums_days(make_forum):
    forum = make_forum(starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14))
    # Casablanca is UTC+1 in February: the window runs from 12 Feb 23:00 to 14 Feb 23:00 UTC.
    assert services.input_is_open(forum, datetime(2026, 2, 12, 23, 30, tzinfo=UTC))
    assert services.input_is_open(forum, datetime(2026, 2, 14, 22, 59, tzinfo=UTC))
    assert not services.input_is_open(forum, datetime(2026, 2, 14, 23, 0, tzinfo=UTC))
    assert not services.input_is_open(forum, datetime(2026, 2, 12, 22, 0, tzinfo=UTC))


def test_a_participant_submits_and_sees_the_reason_of_a_rejection(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    author = make_registration(forum)
    mine = services.add_recommendation(
        workshop, text="Former les jeunes", target_actor=TargetActor.associations, registration=author
    )
    assert mine.author_registration_id == author.id and mine.author_user_id is None
    with pytest.raises(services.RecommendationError):
        services.reject(mine, "   ", actor=organiser)
    with pytest.raises(NotAllowed):
        services.reject(mine, "Hors sujet", actor=rapporteur)
    services.reject(mine, "Déjà couverte par la recommandation 3", actor=organiser)
    assert services.by_participant(author)[0].rejection_reason == "Déjà couverte par la recommandation 3"
    assert services.by_participant(author)[0].status == RecommendationStatus.rejected


def test_merge_carries_supports_over_once_and_keeps_the_history(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    survivor = add(workshop, rapporteur, text="Plateforme nationale de crowdfunding")
    duplicate = add(workshop, rapporteur, text="منصة وطنية للتمويل الجماعي")
    older = add(workshop, rapporteur, text="Une plateforme de dons en ligne")
    people = [make_registration(forum) for _ in range(5)]
    for person in people[:3]:
        services.endorse(survivor, person)
    for person in people[2:4]:
        services.endorse(duplicate, person)  # people[2] supports both: counted once after the merge
    services.endorse(older, people[4])
    services.endorse(older, people[3])
    services.merge([older], duplicate, actor=organiser)
    at = datetime(2026, 2, 14, 16, 0, tzinfo=UTC)
    services.merge([duplicate], survivor, actor=organiser, now=at)

    counts = services.support_counts([forum.id])
    assert counts[survivor.id] == 5
    assert duplicate.status == RecommendationStatus.merged and duplicate.merged_into_id == survivor.id
    assert (duplicate.merged_by_id, duplicate.merged_at) == (organiser.id, at)
    assert {r.text for r in services.merged_into(survivor)} == {
        "منصة وطنية للتمويل الجماعي",
        "Une plateforme de dons en ligne",
    }
    assert [r.recommendation.id for r in services.ranked(workshop)] == [survivor.id]
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "recommendation.merge")).all()
    assert entry[-1].data == {"merged": [duplicate.id]} and entry[-1].actor_id == organiser.id
    with pytest.raises(services.RecommendationError):
        services.endorse(duplicate, people[0])
    with pytest.raises(services.RecommendationError):
        services.merge([duplicate], survivor, actor=organiser)
    with pytest.raises(services.RecommendationError):
        services.accept(duplicate, actor=organiser)
    with pytest.raises(NotAllowed):
        services.merge([add(workshop, rapporteur)], survivor, actor=rapporteur)


def test_follow_up_of_accepted_recommendations(db, setting):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    with pytest.raises(services.RecommendationError):
        services.update_follow_up(
            recommendation, responsible="Conseil régional", status=FollowUpStatus.in_progress, actor=organiser
        )
    services.accept(recommendation, actor=organiser)
    services.update_follow_up(
        recommendation,
        responsible="Conseil régional",
        status=FollowUpStatus.in_progress,
        note="Étude lancée",
        noted_on=date(2026, 4, 1),
        actor=organiser,
    )
    services.update_follow_up(
        recommendation,
        responsible="Conseil régional",
        status=FollowUpStatus.done,
        note="Plateforme en ligne",
        noted_on=date(2026, 9, 1),
        actor=organiser,
    )
    rows = services.follow_up_rows(forum)
    assert rows[0].status == FollowUpStatus.done
    assert [(n.noted_on, n.status) for n in rows[0].follow_up.notes] == [
        (date(2026, 9, 1), FollowUpStatus.done),
        (date(2026, 4, 1), FollowUpStatus.in_progress),
    ]
    assert services.follow_up_summary([forum.id])[forum.id][FollowUpStatus.done] == 1


def test_report_groups_accepted_by_theme_and_actor_ranked_by_support(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    low = add(workshop, rapporteur, text="Peu soutenue", theme="Numérique")
    high = add(workshop, rapporteur, text="Très soutenue", theme="Numérique")
    other = add(workshop, rapporteur, text="Aux bailleurs", theme="Numérique", target_actor=TargetActor.donors)
    add(workshop, rapporteur, text="Pas encore acceptée", theme="Numérique")
    for person in [make_registration(forum) for _ in range(3)]:
        services.endorse(high, person)
    services.endorse(low, make_registration(forum))
    for recommendation in (low, high, other):
        services.accept(recommendation, actor=organiser)
    [outcome] = services.accepted_by_workshop(forum)
    assert (outcome.count, outcome.supports) == (3, 4)
    [theme] = outcome.themes
    assert [(g.actor, [r.recommendation.text for r in g.rows]) for g in theme.actors] == [
        (TargetActor.government, ["Très soutenue", "Peu soutenue"]),
        (TargetActor.donors, ["Aux bailleurs"]),
    ]


def test_national_compilation_spans_public_forums(db, make_forum, make_user, make_workshop, make_registration):
    compiled = []
    for region, status in (("draa-tafilalet", ForumStatus.closed), ("guelmim-oued-noun", ForumStatus.archived)):
        forum = make_forum(region=region, status=status, starts_on=date(2026, 2, 13), ends_on=date(2026, 2, 14))
        organiser = make_user(forum=forum, roles=("organiser",))
        workshop = make_workshop(forum)
        recommendation = add(workshop, organiser, text=f"Fonds régional {region}", theme="Financement")
        services.endorse(recommendation, make_registration(forum), now=datetime(2026, 2, 14, 10, tzinfo=UTC))
        services.accept(recommendation, actor=organiser)
        compiled.append(forum)
    draft = make_forum(status=ForumStatus.draft)
    hidden = add(make_workshop(draft), make_user(forum=draft, roles=("organiser",)), text="Brouillon")
    services.accept(hidden, actor=make_user(is_admin=True))
    result = services.national_compilation()
    assert [f.id for f, _, _ in result.forums] == [f.id for f in compiled]
    assert (result.count, result.supports) == (2, 2)
    [theme] = result.themes
    assert theme.theme == "Financement"
    [group] = theme.actors
    assert (group.count, group.supports, group.more) == (2, 2, False)
    assert {row.forum.region for row in group.rows} == {"draa-tafilalet", "guelmim-oued-noun"}


def test_export_rows_list_supports(db, setting, make_registration):
    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    person = make_registration(forum)
    services.endorse(recommendation, person)
    [row] = services.export_rows(forum)
    assert row["supports"] == 1 and row["supporters"][0]["registration_id"] == person.id
    assert row["status"] == "submitted" and row["target_actor"] == "government"


@pytest.mark.postgres_only
def test_concurrent_double_clicks_give_one_support(app, db, setting, make_registration):
    import threading

    forum, organiser, rapporteur, workshop = setting
    recommendation = add(workshop, rapporteur)
    db.session.commit()
    recommendation_id, person_id = recommendation.id, make_registration(forum).id
    barrier = threading.Barrier(6)
    errors = []

    def click() -> None:
        with app.app_context():
            try:
                from forum.extensions import db as local_db
                from forum.recommendations.models import Recommendation
                from forum.registration.models import Registration

                barrier.wait()
                services.endorse(
                    local_db.session.get(Recommendation, recommendation_id),
                    local_db.session.get(Registration, person_id),
                )
                local_db.session.commit()
            except Exception as error:  # noqa: BLE001  (collected and asserted below)
                errors.append(error)
            finally:
                local_db.session.remove()

    threads = [threading.Thread(target=click) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Endorsement))
    assert count == 1
