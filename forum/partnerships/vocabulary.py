"""The one list of what partners offer and need, shared by partnership profiles and exhibitors."""

from __future__ import annotations

import functools

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from forum.db import TitledEnum


class Support(TitledEnum):
    """A kind of help one partner offers and another needs."""

    funding = "funding"
    skills = "skills"
    in_kind = "in_kind"
    training = "training"
    market_access = "market_access"
    expertise = "expertise"
    volunteers = "volunteers"
    equipment = "equipment"
    premises = "premises"

    @classmethod
    def __titles__(cls) -> dict:
        return {
            cls.funding: _l("Funding"),
            cls.skills: _l("Skills-based sponsorship"),
            cls.in_kind: _l("In-kind support"),
            cls.training: _l("Training and coaching"),
            cls.market_access: _l("Market access"),
            cls.expertise: _l("Technical expertise"),
            cls.volunteers: _l("Volunteers"),
            cls.equipment: _l("Equipment"),
            cls.premises: _l("Premises"),
        }


def clean(values: list[str] | None) -> list[str]:
    """Known values only, each once, in the list's order (stored form of offers and needs)."""
    chosen = set(values or [])
    return [member.value for member in Support if member.value in chosen]


@functools.lru_cache(maxsize=8)
def _titles_in(locale: str) -> dict[str, str]:
    return {member.value: str(member.title) for member in Support}


def support_title(value: str) -> str:
    """A kind of support's name in the current language (the names are translated once per language)."""
    return _titles_in(str(get_locale()))[value]
