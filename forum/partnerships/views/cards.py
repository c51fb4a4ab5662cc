"""Profile cards: the part of a listed profile's card that every reader sees alike, rendered once."""

from __future__ import annotations

from flask import current_app
from flask_babel import get_locale
from markupsafe import Markup

from forum.partnerships.services import Card


def card_body(card: Card) -> Markup:
    """The card's body (organisation, category, offers, needs, pitch, provinces) in the page's language,
    rendered the first time and kept with the card, which the suggestions' cache replaces when a profile
    or a registration changes. The link and the reasons are the reader's own and stay outside."""
    locale = str(get_locale())
    body = card.rendered.get(locale)
    if body is None:
        # the template alone, without the page's context processors (it needs none of them)
        rendered = current_app.jinja_env.get_template("partnerships/_profile_card_body.html").render(p=card)
        body = card.rendered[locale] = Markup(rendered)  # noqa: S704  (autoescaped template output)
    return body
