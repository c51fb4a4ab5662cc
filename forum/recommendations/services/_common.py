"""Checks shared by the rules of the package: the editor, the organiser, the participant."""

from __future__ import annotations

from datetime import datetime

from forum.auth.models import Role, User
from forum.errors import NotAllowed
from forum.events.models import Forum
from forum.programme.models import Session
from forum.recommendations.services.access import can_edit_workshop
from forum.recommendations.services.errors import InputClosed
from forum.recommendations.services.window import input_is_open
from forum.registration.models import Registration, RegistrationStatus


def require_editor(user: User | None, session: Session) -> None:
    """Refuse (NotAllowed) anyone who may not edit this workshop's list."""
    if not can_edit_workshop(user, session):
        raise NotAllowed()


def require_organiser(user: User, forum: Forum) -> None:
    """Refuse (NotAllowed) anyone who is not an organiser of the forum."""
    if not user.has_role(forum, Role.organiser):
        raise NotAllowed()


def require_participant(registration: Registration, forum: Forum, now: datetime) -> None:
    """Refuse anyone but a confirmed participant of the forum, and everyone outside the input window."""
    if registration.forum_id != forum.id or registration.status != RegistrationStatus.confirmed:
        raise NotAllowed()
    if not input_is_open(forum, now):
        raise InputClosed()
