"""What the recommendations' pages share: their URL prefixes, the rows of the address, the supports label,
the similar recommendations shown while a text is typed and when it is submitted."""

from __future__ import annotations

from collections.abc import Callable

from flask import Response, abort, g, jsonify
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user
from flask_wtf import FlaskForm

from forum.db import translated
from forum.programme.models import Session, SessionKind
from forum.recommendations import bp, services
from forum.recommendations.models import Recommendation
from forum.web import forum_row_or_404

MANAGE = "/f/<forum_slug>/manage/recommendations"
PARTICIPANT = "/f/<forum_slug>/me/<access_key>/recommendations"
#: the similar recommendations asked while typing (one ask per pause), per person
SIMILAR_RATE_LIMIT = "60 per minute"


@bp.app_template_global()
def supports_label(count: int) -> str:
    """ "12 supports" in the page's language; computed once per number and language (long lists)."""
    labels = g.setdefault("_supports_labels", {})
    key = (str(get_locale()), count)
    if key not in labels:
        labels[key] = ngettext("%(num)s support", "%(num)s supports", count)
    return labels[key]


def recommendation_or_404(recommendation_id: int) -> Recommendation:
    """The recommendation of the forum in the address, or 404."""
    return forum_row_or_404(Recommendation, recommendation_id)


def workshop_or_404(session_id: int) -> Session:
    """The workshop of the forum in the address, or 404."""
    return forum_row_or_404(Session, session_id, kind=SessionKind.workshop)


def editable(session: Session) -> Session:
    """The workshop, when the signed-in user may edit its list (else 403)."""
    if not services.can_edit_workshop(current_user, session):
        abort(403)
    return session


def person_key() -> str:
    """Who asks, for the rate limit: the participant of the link, the signed-in user, else the address
    (people of one venue share its address)."""
    registration = g.get("registration")
    if registration is not None:
        return f"registration:{registration.id}"
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return get_remote_address()


def duplicates_of(form: FlaskForm, workshop: Session) -> list[services.Similar]:
    """What the submitted text probably repeats, to show once before it is added ("Submit anyway"), said
    next to the text."""
    matches = [] if form.submit_anyway.data else services.likely_duplicates(workshop, form.text.data)
    if matches:
        form.text.errors = [
            *form.text.errors,
            _("Recommendations like this one were already entered: see them below."),
        ]
    return matches


def similar_json(matches: list[services.Similar], action_url: Callable[[Recommendation], str | None]) -> Response:
    """The similar recommendations as the form's script shows them, each with the address of its button."""
    return jsonify(
        matches=[
            {
                "id": m.recommendation.id,
                "text": m.recommendation.text,
                "dir": m.recommendation.direction,
                "status": m.recommendation.status.value,
                "status_title": str(m.recommendation.status.title),
                "supports": m.supports,
                "supports_label": supports_label(m.supports),
                "workshop": translated(m.recommendation.session.title),
                "action_url": action_url(m.recommendation),
            }
            for m in matches
        ]
    )
