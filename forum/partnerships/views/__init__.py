"""Partnership pages: a participant's profile, suggestions, requests and meetings; the organisers' plan.

Importing this package registers every route of the blueprint.
"""

from forum.partnerships import bp
from forum.partnerships.views import (  # noqa: F401
    booth,
    invitations,
    meetings,
    organiser,
    outcomes,
    participant,
    scheduling,
    series,
)
from forum.partnerships.views.cards import card_body
from forum.partnerships.vocabulary import support_title

bp.add_app_template_global(support_title, "support_title")
bp.add_app_template_global(card_body, "card_body")
