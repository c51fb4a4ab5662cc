"""The rules of recommendations: who adds and edits them, supports, consolidation, follow-up, compilations."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from forum import audit
from forum.auth.models import Role, User
from forum.db import utcnow
from forum.errors import ForumError, NotAllowed
from forum.events.models import Forum, ForumStatus
from forum.extensions import db
from forum.programme.models import Session, SessionKind
from forum.recommendations.models import (
    Endorsement,
    FollowUp,
    FollowUpNote,
    FollowUpStatus,
    Priority,
    Recommendation,
    RecommendationRevision,
    RecommendationSettings,
    RecommendationStatus,
    TargetActor,
)
from forum.registration.models import Registration, RegistrationStatus


class RecommendationError(ForumError):
    message = _l("This recommendation cannot be changed this way.")


class InputClosed(RecommendationError):
    message = _l("The forum is not taking recommendations or supports at the moment.")


# --- the input window --------------------------------------------------------------------------------


def settings_of(forum: Forum) -> RecommendationSettings | None:
    return db.session.scalar(sa.select(RecommendationSettings).where(RecommendationSettings.forum_id == forum.id))


def input_window(forum: Forum) -> tuple[datetime | None, datetime | None]:
    """When participants may submit and support: the forum's own setting, else its days in local time."""
    settings = settings_of(forum)
    if settings is not None:
        return settings.input_opens_at, settings.input_closes_at
    opens, _ = forum.local_day_bounds(forum.starts_on)
    _, closes = forum.local_day_bounds(forum.ends_on)
    return opens, closes


def input_is_open(forum: Forum, now: datetime | None = None) -> bool:
    now = now or utcnow()
    opens, closes = input_window(forum)
    return (opens is None or now >= opens) and (closes is None or now < closes)


def set_input_window(
    forum: Forum, opens_at: datetime | None, closes_at: datetime | None, *, actor: User
) -> RecommendationSettings:
    if opens_at and closes_at and closes_at <= opens_at:
        raise RecommendationError(_l("The input window must close after it opens."))
    settings = settings_of(forum)
    if settings is None:
        settings = RecommendationSettings(forum_id=forum.id)
        db.session.add(settings)
    settings.input_opens_at, settings.input_closes_at = opens_at, closes_at
    db.session.flush()
    audit.record(
        "recommendations.window",
        actor=actor,
        forum=forum,
        opens_at=opens_at.isoformat() if opens_at else None,
        closes_at=closes_at.isoformat() if closes_at else None,
    )
    return settings


# --- workshops and who edits them ----------------------------------------------------------------------


def workshops(forum: Forum) -> list[Session]:
    """The forum's workshops (programme sessions of kind workshop), in programme order."""
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.forum_id == forum.id, Session.kind == SessionKind.workshop, Session.is_cancelled.is_(False))
            .order_by(Session.starts_at, Session.id)
        )
    )


def workshop_of(forum: Forum, session_id: int) -> Session | None:
    session = db.session.get(Session, session_id)
    if session is None or session.forum_id != forum.id or session.kind != SessionKind.workshop:
        return None
    return session


def can_edit_workshop(user: Any, session: Session) -> bool:
    """Only the workshop's rapporteur (holding the role in the forum) and the forum's organisers."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    forum = db.session.get(Forum, session.forum_id)
    if user.has_role(forum, Role.organiser):
        return True
    return session.rapporteur_id == user.id and Role.rapporteur in user.roles_in(forum)


def workshops_for(user: User, forum: Forum) -> list[Session]:
    """The workshops whose list this user may edit."""
    return [session for session in workshops(forum) if can_edit_workshop(user, session)]


def _require_editor(user: User | None, session: Session) -> None:
    if not can_edit_workshop(user, session):
        raise NotAllowed()


def _require_organiser(user: User, forum: Forum) -> None:
    if not user.has_role(forum, Role.organiser):
        raise NotAllowed()


# --- collecting ---------------------------------------------------------------------------------------


def add_recommendation(
    session: Session,
    *,
    text: str,
    target_actor: TargetActor,
    theme: str = "",
    priority: Priority = Priority.medium,
    actor: User | None = None,
    registration: Registration | None = None,
    now: datetime | None = None,
) -> Recommendation:
    """A rapporteur or organiser (actor) adds to a workshop's list, or a confirmed participant submits one."""
    now = now or utcnow()
    forum = db.session.get(Forum, session.forum_id)
    text = text.strip()
    if not text:
        raise RecommendationError(_l("Write the recommendation."))
    if registration is not None:
        _require_participant(registration, forum, now)
    else:
        _require_editor(actor, session)
    position = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.max(Recommendation.position), 0)).where(
            Recommendation.session_id == session.id
        )
    )
    recommendation = Recommendation(
        forum_id=forum.id,
        session_id=session.id,
        text=text,
        theme=(theme or session.theme or "").strip()[:120],
        target_actor=TargetActor(target_actor),
        priority=Priority(priority),
        position=position + 1,
        author_user_id=actor.id if actor is not None and registration is None else None,
        author_registration_id=registration.id if registration is not None else None,
        created_at=now,
        updated_at=now,
    )
    db.session.add(recommendation)
    db.session.flush()
    audit.record("recommendation.add", actor=actor, forum=forum, target=recommendation, session=session.id)
    return recommendation


def edit_recommendation(
    recommendation: Recommendation,
    *,
    text: str,
    target_actor: TargetActor,
    theme: str,
    priority: Priority,
    actor: User,
    now: datetime | None = None,
) -> Recommendation:
    """Change the wording (the previous wording is kept as a revision)."""
    now = now or utcnow()
    _require_editor(actor, recommendation.session)
    if recommendation.status == RecommendationStatus.merged:
        raise RecommendationError(_l("A merged recommendation is read through the one it was merged into."))
    text, theme = text.strip(), theme.strip()[:120]
    if not text:
        raise RecommendationError(_l("Write the recommendation."))
    changed = (text, theme, TargetActor(target_actor)) != (
        recommendation.text,
        recommendation.theme,
        recommendation.target_actor,
    )
    if changed:
        db.session.add(
            RecommendationRevision(
                recommendation_id=recommendation.id,
                text=recommendation.text,
                theme=recommendation.theme,
                target_actor=recommendation.target_actor,
                edited_by_id=actor.id,
                edited_at=now,
            )
        )
    recommendation.text, recommendation.theme = text, theme
    recommendation.target_actor, recommendation.priority = TargetActor(target_actor), Priority(priority)
    recommendation.updated_at = now
    db.session.flush()
    if changed:
        forum = db.session.get(Forum, recommendation.forum_id)
        audit.record("recommendation.edit", actor=actor, forum=forum, target=recommendation)
    return recommendation


def move(recommendation: Recommendation, offset: int, *, actor: User) -> None:
    """Move one place up (offset -1) or down (+1) in the workshop's list."""
    _require_editor(actor, recommendation.session)
    siblings = list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(
                Recommendation.session_id == recommendation.session_id,
                Recommendation.status != RecommendationStatus.merged,
            )
            .order_by(Recommendation.position, Recommendation.id)
            .with_for_update()
        )
    )
    index = siblings.index(recommendation)
    target = index + offset
    if not 0 <= target < len(siblings):
        return
    siblings[index], siblings[target] = siblings[target], siblings[index]
    for position, item in enumerate(siblings, start=1):
        item.position = position
    db.session.flush()


# --- supports ----------------------------------------------------------------------------------------


def _require_participant(registration: Registration, forum: Forum, now: datetime) -> None:
    if registration.forum_id != forum.id or registration.status != RegistrationStatus.confirmed:
        raise NotAllowed()
    if not input_is_open(forum, now):
        raise InputClosed()


def _locked(recommendation: Recommendation) -> Recommendation:
    """Re-read the recommendation under a row lock (serialises supports with merges)."""
    return db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.id == recommendation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()


def endorse(recommendation: Recommendation, registration: Registration, *, now: datetime | None = None) -> Endorsement:
    """Support a recommendation; supporting twice (a double click) leaves one support."""
    now = now or utcnow()
    _require_participant(registration, db.session.get(Forum, recommendation.forum_id), now)
    recommendation = _locked(recommendation)
    if not recommendation.is_open:
        raise RecommendationError(_l("This recommendation no longer takes supports."))
    existing = _endorsement(recommendation.id, registration.id)
    if existing is not None:
        return existing
    endorsement = Endorsement(recommendation_id=recommendation.id, registration_id=registration.id, created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(endorsement)
    except IntegrityError:
        # The same person's other click won the race: one support, as asked.
        existing = _endorsement(recommendation.id, registration.id)
        if existing is None:
            raise
        return existing
    return endorsement


def withdraw(recommendation: Recommendation, registration: Registration, *, now: datetime | None = None) -> bool:
    """Take one's support back; True when there was one."""
    now = now or utcnow()
    _require_participant(registration, db.session.get(Forum, recommendation.forum_id), now)
    result = db.session.execute(
        sa.delete(Endorsement).where(
            Endorsement.recommendation_id == recommendation.id, Endorsement.registration_id == registration.id
        )
    )
    return bool(result.rowcount)


def _endorsement(recommendation_id: int, registration_id: int) -> Endorsement | None:
    return db.session.scalar(
        sa.select(Endorsement).where(
            Endorsement.recommendation_id == recommendation_id, Endorsement.registration_id == registration_id
        )
    )


def supported_by(registration: Registration) -> set[int]:
    """Ids of the recommendations this participant supports."""
    return set(
        db.session.scalars(
            sa.select(Endorsement.recommendation_id).where(Endorsement.registration_id == registration.id)
        )
    )


def support_counts(forum_ids: list[int] | None = None, *, session_id: int | None = None) -> dict[int, int]:
    """{recommendation id: number of supports}, for some forums or one workshop."""
    query = sa.select(Endorsement.recommendation_id, sa.func.count()).join(
        Recommendation, Recommendation.id == Endorsement.recommendation_id
    )
    if forum_ids is not None:
        query = query.where(Recommendation.forum_id.in_(forum_ids))
    if session_id is not None:
        query = query.where(Recommendation.session_id == session_id)
    return dict(db.session.execute(query.group_by(Endorsement.recommendation_id)).tuples().all())


@dataclass
class Ranked:
    recommendation: Recommendation
    supports: int


def ranked(session: Session, *, statuses: tuple[RecommendationStatus, ...] | None = None) -> list[Ranked]:
    """A workshop's recommendations still in play (or of `statuses`), most supported first."""
    statuses = statuses or (RecommendationStatus.submitted, RecommendationStatus.accepted)
    recommendations = db.session.scalars(
        sa.select(Recommendation).where(Recommendation.session_id == session.id, Recommendation.status.in_(statuses))
    ).all()
    counts = support_counts(session_id=session.id)
    rows = [Ranked(r, counts.get(r.id, 0)) for r in recommendations]
    rows.sort(key=lambda row: (-row.supports, row.recommendation.position, row.recommendation.id))
    return rows


def workshop_list(session: Session) -> list[Ranked]:
    """The rapporteur's list for a workshop, in the rapporteur's order (merged ones left out)."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.session_id == session.id, Recommendation.status != RecommendationStatus.merged)
        .order_by(Recommendation.position, Recommendation.id)
    ).all()
    counts = support_counts(session_id=session.id)
    return [Ranked(r, counts.get(r.id, 0)) for r in recommendations]


def by_participant(registration: Registration) -> list[Recommendation]:
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.author_registration_id == registration.id)
            .order_by(Recommendation.created_at.desc())
        )
    )


# --- consolidating -----------------------------------------------------------------------------------


def accept(recommendation: Recommendation, *, actor: User, now: datetime | None = None) -> None:
    forum = db.session.get(Forum, recommendation.forum_id)
    _require_organiser(actor, forum)
    if recommendation.status == RecommendationStatus.merged:
        raise RecommendationError(_l("A merged recommendation is decided through the one it was merged into."))
    recommendation.status = RecommendationStatus.accepted
    recommendation.rejection_reason = None
    recommendation.decided_by_id, recommendation.decided_at = actor.id, now or utcnow()
    db.session.flush()
    audit.record("recommendation.accept", actor=actor, forum=forum, target=recommendation)


def reject(recommendation: Recommendation, reason: str, *, actor: User, now: datetime | None = None) -> None:
    forum = db.session.get(Forum, recommendation.forum_id)
    _require_organiser(actor, forum)
    reason = reason.strip()
    if not reason:
        raise RecommendationError(_l("Give the author a reason."))
    if recommendation.status == RecommendationStatus.merged:
        raise RecommendationError(_l("A merged recommendation is decided through the one it was merged into."))
    recommendation.status = RecommendationStatus.rejected
    recommendation.rejection_reason = reason
    recommendation.decided_by_id, recommendation.decided_at = actor.id, now or utcnow()
    db.session.flush()
    audit.record("recommendation.reject", actor=actor, forum=forum, target=recommendation, reason=reason)


def merge(
    duplicates: list[Recommendation], survivor: Recommendation, *, actor: User, now: datetime | None = None
) -> Recommendation:
    """Merge duplicates into the survivor: their supports are carried over (a person counted once),
    they point to the survivor, and their texts stay readable from it."""
    now = now or utcnow()
    forum = db.session.get(Forum, survivor.forum_id)
    _require_organiser(actor, forum)
    ids = sorted({d.id for d in duplicates} | {survivor.id})
    # Lock every row involved, in id order (no deadlock with a concurrent merge or support).
    locked = {
        r.id: r
        for r in db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.id.in_(ids))
            .order_by(Recommendation.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    }
    survivor = locked[survivor.id]
    dupes = [locked[i] for i in ids if i != survivor.id]
    if not dupes:
        raise RecommendationError(_l("Choose at least one other recommendation to merge."))
    if not survivor.is_open:
        raise RecommendationError(_l("Merge into a recommendation that is still in play."))
    for dupe in dupes:
        if dupe.forum_id != survivor.forum_id:
            raise NotAllowed()
        if dupe.status == RecommendationStatus.merged:
            raise RecommendationError(_l("This recommendation has already been merged."))
    dupe_ids = [d.id for d in dupes]
    already = sa.select(Endorsement.registration_id).where(Endorsement.recommendation_id == survivor.id)
    carried = (
        sa.select(
            sa.literal(survivor.id),
            Endorsement.registration_id,
            sa.func.min(Endorsement.recommendation_id),
            sa.func.min(Endorsement.created_at),
        )
        .where(Endorsement.recommendation_id.in_(dupe_ids), Endorsement.registration_id.not_in(already))
        .group_by(Endorsement.registration_id)
    )
    db.session.execute(
        sa.insert(Endorsement).from_select(
            ["recommendation_id", "registration_id", "carried_from_id", "created_at"], carried
        )
    )
    # Earlier merges into a duplicate now point to the survivor too: one level, always readable.
    db.session.execute(
        sa.update(Recommendation)
        .where(Recommendation.merged_into_id.in_(dupe_ids))
        .values(merged_into_id=survivor.id)
        .execution_options(synchronize_session="fetch")
    )
    for dupe in dupes:
        dupe.status = RecommendationStatus.merged
        dupe.merged_into_id, dupe.merged_by_id, dupe.merged_at = survivor.id, actor.id, now
    survivor.updated_at = now
    db.session.flush()
    audit.record("recommendation.merge", actor=actor, forum=forum, target=survivor, merged=dupe_ids)
    return survivor


def merged_into(recommendation: Recommendation) -> list[Recommendation]:
    """The duplicates merged into this recommendation, oldest merge first."""
    return list(
        db.session.scalars(
            sa.select(Recommendation)
            .where(Recommendation.merged_into_id == recommendation.id)
            .options(selectinload(Recommendation.merged_by), selectinload(Recommendation.session))
            .order_by(Recommendation.merged_at, Recommendation.id)
        )
    )


def revisions(recommendation: Recommendation) -> list[RecommendationRevision]:
    return list(
        db.session.scalars(
            sa.select(RecommendationRevision)
            .where(RecommendationRevision.recommendation_id == recommendation.id)
            .options(selectinload(RecommendationRevision.edited_by))
            .order_by(RecommendationRevision.edited_at.desc(), RecommendationRevision.id.desc())
        )
    )


def forum_recommendations(
    forum: Forum, *, session_id: int | None = None, status: RecommendationStatus | None = None
) -> list[Ranked]:
    """For organisers: a forum's recommendations (merged ones excluded), grouped later by theme."""
    query = sa.select(Recommendation).where(
        Recommendation.forum_id == forum.id, Recommendation.status != RecommendationStatus.merged
    )
    if session_id is not None:
        query = query.where(Recommendation.session_id == session_id)
    if status is not None:
        query = query.where(Recommendation.status == status)
    recommendations = db.session.scalars(
        query.options(selectinload(Recommendation.session)).order_by(Recommendation.theme, Recommendation.position)
    ).all()
    counts = support_counts([forum.id])
    return [Ranked(r, counts.get(r.id, 0)) for r in recommendations]


def status_counts(forum: Forum) -> dict[RecommendationStatus, int]:
    rows = db.session.execute(
        sa.select(Recommendation.status, sa.func.count())
        .where(Recommendation.forum_id == forum.id)
        .group_by(Recommendation.status)
    ).all()
    counts = dict.fromkeys(RecommendationStatus, 0)
    counts.update(dict(rows))
    return counts


# --- following up ------------------------------------------------------------------------------------


def update_follow_up(
    recommendation: Recommendation,
    *,
    responsible: str,
    status: FollowUpStatus,
    note: str = "",
    noted_on: date | None = None,
    actor: User,
    now: datetime | None = None,
) -> FollowUp:
    """Record who is in charge of an accepted recommendation, where it stands, and a dated note."""
    now = now or utcnow()
    forum = db.session.get(Forum, recommendation.forum_id)
    _require_organiser(actor, forum)
    if recommendation.status != RecommendationStatus.accepted:
        raise RecommendationError(_l("Only accepted recommendations are followed up."))
    follow_up = recommendation.follow_up
    if follow_up is None:
        follow_up = FollowUp(recommendation=recommendation)
        db.session.add(follow_up)
    follow_up.responsible = responsible.strip()[:200]
    follow_up.status = FollowUpStatus(status)
    follow_up.updated_at = now
    if note.strip():
        follow_up.notes.append(
            FollowUpNote(
                noted_on=noted_on or now.astimezone(forum.zone).date(),
                text=note.strip(),
                status=follow_up.status,
                author_id=actor.id,
                created_at=now,
            )
        )
    db.session.flush()
    db.session.expire(follow_up, ["notes"])  # reloaded in date order
    audit.record("recommendation.follow_up", actor=actor, forum=forum, target=recommendation, status=status)
    return follow_up


# --- compilations ------------------------------------------------------------------------------------


@dataclass
class ActorGroup:
    actor: TargetActor
    rows: list[Ranked] = field(default_factory=list)


@dataclass
class ThemeGroup:
    theme: str
    actors: list[ActorGroup] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(group.rows) for group in self.actors)


def group(rows: list[Ranked]) -> list[ThemeGroup]:
    """Group by theme, then target actor (in the enum's order); each group ranked by support."""
    by_theme: dict[str, dict[TargetActor, list[Ranked]]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        by_theme[row.recommendation.theme or ""][row.recommendation.target_actor].append(row)
    themes = []
    for theme in sorted(by_theme, key=lambda t: (t == "", t.casefold())):
        actors = []
        for actor in TargetActor:
            items = by_theme[theme].get(actor)
            if items:
                items.sort(key=lambda r: (-r.supports, r.recommendation.position, r.recommendation.id))
                actors.append(ActorGroup(actor, items))
        themes.append(ThemeGroup(theme, actors))
    return themes


@dataclass
class WorkshopOutcome:
    session: Session
    themes: list[ThemeGroup]
    count: int
    supports: int


def accepted_by_workshop(forum: Forum) -> list[WorkshopOutcome]:
    """Each workshop's accepted recommendations, grouped by theme and target actor, ranked by support."""
    rows = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.forum_id == forum.id, Recommendation.status == RecommendationStatus.accepted
        )
    ).all()
    counts = support_counts([forum.id])
    per_session: dict[int, list[Ranked]] = defaultdict(list)
    for recommendation in rows:
        per_session[recommendation.session_id].append(Ranked(recommendation, counts.get(recommendation.id, 0)))
    outcomes = []
    for session in workshops(forum):
        items = per_session.get(session.id, [])
        if items:
            outcomes.append(WorkshopOutcome(session, group(items), len(items), sum(item.supports for item in items)))
    return outcomes


def series_forums() -> list[Forum]:
    """The public forums of the series, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Forum).where(Forum.status != ForumStatus.draft).order_by(Forum.starts_on, Forum.id)
        )
    )


@dataclass
class NationalRow:
    recommendation: Recommendation
    supports: int
    forum: Forum
    workshop: Session


@dataclass
class NationalTheme:
    theme: str
    actors: list[tuple[TargetActor, list[NationalRow]]]

    @property
    def count(self) -> int:
        return sum(len(rows) for _, rows in self.actors)

    @property
    def supports(self) -> int:
        return sum(row.supports for _, rows in self.actors for row in rows)


@dataclass
class NationalCompilation:
    forums: list[tuple[Forum, int, int]]  # forum, accepted recommendations, their supports
    themes: list[NationalTheme]

    @property
    def count(self) -> int:
        return sum(n for _, n, _ in self.forums)

    @property
    def supports(self) -> int:
        return sum(s for _, _, s in self.forums)


def national_compilation(forums: list[Forum] | None = None) -> NationalCompilation:
    """All accepted recommendations of the series, by theme and target actor, with region and forum."""
    forums = forums if forums is not None else series_forums()
    by_id = {forum.id: forum for forum in forums}
    if not by_id:
        return NationalCompilation([], [])
    recommendations = db.session.scalars(
        sa.select(Recommendation).where(
            Recommendation.forum_id.in_(by_id), Recommendation.status == RecommendationStatus.accepted
        )
    ).all()
    sessions = {
        s.id: s
        for s in db.session.scalars(sa.select(Session).where(Session.id.in_({r.session_id for r in recommendations})))
    }
    counts = _accepted_support_counts(list(by_id))
    per_forum: dict[int, list[int]] = {forum_id: [0, 0] for forum_id in by_id}
    grouped: dict[str, dict[TargetActor, list[NationalRow]]] = defaultdict(lambda: defaultdict(list))
    for r in recommendations:
        supports = counts.get(r.id, 0)
        per_forum[r.forum_id][0] += 1
        per_forum[r.forum_id][1] += supports
        row = NationalRow(r, supports, by_id[r.forum_id], sessions[r.session_id])
        grouped[r.theme or ""][r.target_actor].append(row)
    themes = []
    for theme in sorted(grouped, key=lambda t: (t == "", t.casefold())):
        actors = []
        for actor in TargetActor:
            rows = grouped[theme].get(actor)
            if rows:
                rows.sort(key=lambda row: (-row.supports, row.forum.starts_on, row.recommendation.id))
                actors.append((actor, rows))
        themes.append(NationalTheme(theme, actors))
    return NationalCompilation([(by_id[i], n, s) for i, (n, s) in per_forum.items()], themes)


def _accepted_support_counts(forum_ids: list[int]) -> dict[int, int]:
    return dict(
        db.session.execute(
            sa.select(Endorsement.recommendation_id, sa.func.count())
            .join(Recommendation, Recommendation.id == Endorsement.recommendation_id)
            .where(Recommendation.forum_id.in_(forum_ids), Recommendation.status == RecommendationStatus.accepted)
            .group_by(Endorsement.recommendation_id)
        )
        .tuples()
        .all()
    )


@dataclass
class FollowUpRow:
    recommendation: Recommendation
    supports: int
    follow_up: FollowUp | None

    @property
    def status(self) -> FollowUpStatus:
        return self.follow_up.status if self.follow_up else FollowUpStatus.not_started


def follow_up_rows(forum: Forum) -> list[FollowUpRow]:
    """A forum's accepted recommendations with what became of them."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.forum_id == forum.id, Recommendation.status == RecommendationStatus.accepted)
        .options(
            selectinload(Recommendation.follow_up).selectinload(FollowUp.notes),
            selectinload(Recommendation.session),
        )
    ).all()
    counts = _accepted_support_counts([forum.id])
    rows = [FollowUpRow(r, counts.get(r.id, 0), r.follow_up) for r in recommendations]
    rows.sort(key=lambda row: (row.recommendation.session.starts_at, -row.supports, row.recommendation.id))
    return rows


def follow_up_summary(forum_ids: list[int]) -> dict[int, dict[FollowUpStatus, int]]:
    """{forum id: {follow-up status: number of accepted recommendations}}."""
    rows = db.session.execute(
        sa.select(Recommendation.forum_id, FollowUp.status, sa.func.count())
        .select_from(Recommendation)
        .outerjoin(FollowUp, FollowUp.recommendation_id == Recommendation.id)
        .where(Recommendation.forum_id.in_(forum_ids), Recommendation.status == RecommendationStatus.accepted)
        .group_by(Recommendation.forum_id, FollowUp.status)
    ).tuples()
    summary: dict[int, dict[FollowUpStatus, int]] = {i: dict.fromkeys(FollowUpStatus, 0) for i in forum_ids}
    for forum_id, status, count in rows:
        summary[forum_id][status or FollowUpStatus.not_started] += count
    return summary


# --- exports -----------------------------------------------------------------------------------------


def export_rows(forum: Forum) -> list[dict[str, Any]]:
    """Every recommendation of the forum with its supports (registration ids and times)."""
    recommendations = db.session.scalars(
        sa.select(Recommendation)
        .where(Recommendation.forum_id == forum.id)
        .options(selectinload(Recommendation.session))
        .order_by(Recommendation.session_id, Recommendation.position, Recommendation.id)
    ).all()
    supports: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for recommendation_id, registration_id, created_at in db.session.execute(
        sa.select(Endorsement.recommendation_id, Endorsement.registration_id, Endorsement.created_at)
        .join(Recommendation, Recommendation.id == Endorsement.recommendation_id)
        .where(Recommendation.forum_id == forum.id)
        .order_by(Endorsement.created_at, Endorsement.id)
    ):
        supports[recommendation_id].append({"registration_id": registration_id, "at": created_at.isoformat()})
    return [
        {
            "id": r.id,
            "workshop_id": r.session_id,
            "workshop": r.session.name,
            "text": r.text,
            "theme": r.theme,
            "target_actor": r.target_actor.value,
            "priority": r.priority.value,
            "status": r.status.value,
            "merged_into": r.merged_into_id,
            "rejection_reason": r.rejection_reason,
            "created_at": r.created_at.isoformat(),
            "supports": len(supports[r.id]),
            "supporters": supports[r.id],
        }
        for r in recommendations
    ]
