"""The broken rules of registration, as errors the views show."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from forum.errors import ForumError


class RegistrationError(ForumError):
    message = _l("This registration action is not possible.")


class RegistrationClosed(RegistrationError):
    message = _l("Registration for this forum is closed.")


class InvalidLink(RegistrationError):
    message = _l("This link is not valid or has expired.")


class AlreadyRegistered(RegistrationError):
    message = _l("This e-mail is already registered for this forum.")


class OfferExpired(RegistrationError):
    message = _l("This offer has expired; the place was passed on.")


class ForumFull(RegistrationError):
    message = _l("The forum is full: free a place or raise its capacity first.")


class QuotaWouldBreak(RegistrationError):
    message = _l("This change would break the forum's quotas: %(problems)s")


class EmailTaken(RegistrationError):
    message = _l("%(email)s is already registered at this forum.")
