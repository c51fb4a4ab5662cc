"""What the recommendations' pages share: their URL prefixes, the rows of the address, the supports label."""

from __future__ import annotations

from flask import abort, g
from flask_babel import get_locale, ngettext
from flask_login import current_user

from forum.programme.models import Session, SessionKind
from forum.recommendations import bp, services
from forum.recommendations.models import Recommendation
from forum.web import forum_row_or_404

MANAGE = "/f/<forum_slug>/manage/recommendations"
PARTICIPANT = "/f/<forum_slug>/me/<access_key>/recommendations"


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
