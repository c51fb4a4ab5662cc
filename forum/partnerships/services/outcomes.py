"""After the meeting: each party's outcome, the partnerships that follow, their history, the status link.

Three months after the forum both parties of every partnership get a signed link (no account needed) to
say where it stands; each change is kept.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload

from forum import mail
from forum.db import utcnow
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.extensions import db
from forum.partnerships.models import (
    Meeting,
    MeetingOutcome,
    Outcome,
    Partnership,
    PartnershipChange,
    PartnershipStatus,
)
from forum.partnerships.services.matching import SEEKERS
from forum.partnerships.vocabulary import Support
from forum.registration.models import Registration

STATUS_LINK_SALT = "partnership-status"
#: how long after the forum's last day the parties are asked where their partnership stands
FOLLOW_UP_AFTER = timedelta(days=90)
SUBJECT = _l("Your partnership started at the forum: where does it stand?")
ORDER = [PartnershipStatus.intended, PartnershipStatus.signed, PartnershipStatus.active, PartnershipStatus.ended]


def outcome_of(meeting: Meeting, registration: Registration) -> MeetingOutcome | None:
    """What this party recorded for the meeting, if anything."""
    return db.session.scalar(
        sa.select(MeetingOutcome).where(
            MeetingOutcome.meeting_id == meeting.id, MeetingOutcome.registration_id == registration.id
        )
    )


def record_outcome(
    meeting: Meeting,
    *,
    by: Registration,
    outcome: Outcome,
    kind: str | None = None,
    amount: int | None = None,
    now: datetime | None = None,
) -> MeetingOutcome:
    """A party says what came of the meeting (once it has begun); "intended" or "signed" opens or
    advances the meeting's partnership."""
    now = now or utcnow()
    if by.id not in {p.registration_id for p in meeting.participants} or now < meeting.slot.starts_at:
        raise NotAllowed()
    kind = Support(kind).value if kind else None
    record = outcome_of(meeting, by) or MeetingOutcome(meeting_id=meeting.id, registration_id=by.id)
    record.outcome, record.kind, record.amount, record.recorded_at = outcome, kind, amount, now
    db.session.add(record)
    if outcome in (Outcome.intended, Outcome.signed):
        status = PartnershipStatus.signed if outcome == Outcome.signed else PartnershipStatus.intended
        _advance(meeting, status, by=by, kind=kind, amount=amount, now=now)
    db.session.flush()
    return record


def _advance(
    meeting: Meeting,
    status: PartnershipStatus,
    *,
    by: Registration,
    kind: str | None,
    amount: int | None,
    now: datetime,
) -> Partnership:
    partnership = db.session.scalar(sa.select(Partnership).where(Partnership.meeting_id == meeting.id))
    if partnership is None:
        first, second = meeting.request.requester, meeting.request.recipient
        beneficiary = next((p for p in (first, second) if p.category in SEEKERS), first)
        partnership = Partnership(
            forum_id=meeting.forum_id,
            meeting_id=meeting.id,
            first_party_id=first.id,
            second_party_id=second.id,
            status=status,
            province=beneficiary.province,
            area=beneficiary.area,
            created_at=now,
        )
        db.session.add(partnership)
    elif ORDER.index(status) <= ORDER.index(partnership.status):
        partnership.kind = partnership.kind or kind
        partnership.amount = partnership.amount or amount
        return partnership
    partnership.status, partnership.kind = status, kind or partnership.kind
    partnership.amount = amount if amount is not None else partnership.amount
    partnership.history.append(PartnershipChange(status=status, amount=partnership.amount, by_id=by.id, at=now))
    return partnership


def status_token(partnership: Partnership, registration: Registration) -> str:
    """The signed token of a party's status link (it names the partnership and the party)."""
    serializer = URLSafeSerializer(current_app.config["SECRET_KEY"], salt=STATUS_LINK_SALT)
    return serializer.dumps([partnership.id, registration.id])


def read_status_token(token: str) -> tuple[Partnership, Registration] | None:
    """The partnership and the party a status link was made for; None when it is altered or stale."""
    try:
        partnership_id, registration_id = URLSafeSerializer(
            current_app.config["SECRET_KEY"], salt=STATUS_LINK_SALT
        ).loads(token)
    except (BadSignature, ValueError, TypeError):
        return None
    partnership = db.session.get(Partnership, partnership_id)
    if partnership is None or registration_id not in (partnership.first_party_id, partnership.second_party_id):
        return None
    return partnership, db.session.get(Registration, registration_id)


def update_status(
    partnership: Partnership,
    *,
    by: Registration,
    status: PartnershipStatus,
    amount: int | None = None,
    now: datetime | None = None,
) -> Partnership:
    """A party says where the partnership stands now; the change joins its history."""
    if by.id not in (partnership.first_party_id, partnership.second_party_id):
        raise NotAllowed()
    partnership.status = status
    if amount is not None:
        partnership.amount = amount
    partnership.history.append(
        PartnershipChange(status=status, amount=partnership.amount, by_id=by.id, at=now or utcnow())
    )
    db.session.flush()
    return partnership


def partnerships_of(forum: Forum) -> list[Partnership]:
    """The forum's partnerships with their parties and history, newest first."""
    return list(
        db.session.scalars(
            sa.select(Partnership)
            .where(Partnership.forum_id == forum.id)
            .options(
                joinedload(Partnership.first_party).joinedload(Registration.organisation),
                joinedload(Partnership.second_party).joinedload(Registration.organisation),
                joinedload(Partnership.history),
            )
            .order_by(Partnership.created_at.desc(), Partnership.id.desc())
        ).unique()
    )


def send_follow_ups(*, now: datetime | None = None) -> int:
    """E-mail both parties of each partnership whose forum ended three months ago a link to update its
    status (once per partnership); returns how many partnerships were followed up."""
    now = now or utcnow()
    due = db.session.scalars(
        sa.select(Partnership)
        .join(Forum, Forum.id == Partnership.forum_id)
        .where(Partnership.follow_up_sent_at.is_(None), Forum.ends_on <= (now - FOLLOW_UP_AFTER).date())
        .options(joinedload(Partnership.first_party), joinedload(Partnership.second_party))
        .order_by(Partnership.id)
    ).unique()
    count = 0
    for partnership in due:
        for party, other in (
            (partnership.first_party, partnership.second_party),
            (partnership.second_party, partnership.first_party),
        ):
            forum = party.forum
            mail.send(
                party.email,
                SUBJECT,
                "partnership_follow_up",
                locale=party.locale,
                forum=forum,
                partnership=partnership,
                party=party,
                other=other,
                link=mail.external_url(
                    "partnerships.status", forum_slug=forum.slug, token=status_token(partnership, party)
                ),
            )
        partnership.follow_up_sent_at = now
        count += 1
    db.session.flush()
    return count
