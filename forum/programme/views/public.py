"""The public programme: its page and printable version, a session's page, the .ics feeds, speakers' photos."""

from __future__ import annotations

from flask import Response, abort, g, render_template, request
from flask_babel import force_locale, get_locale
from markupsafe import Markup

from forum import hooks, storage
from forum.programme import bp, services
from forum.programme.models import SessionKind, Speaker
from forum.programme.views._rendered import cached, feed, html
from forum.web import forum_row_or_404


def _programme_body(theme: str | None, kind: str | None) -> Markup:
    forum = g.forum
    return cached(
        "programme",
        lambda: html(
            "programme/_programme_body.html",
            forum=forum,
            days=services.public_programme(forum, theme=theme, kind=kind),
            themes=services.themes_of(forum),
            kinds=SessionKind,
            theme=theme,
            kind=kind,
        ),
        theme,
        kind,
    )


@bp.app_template_global()
def session_parts(session, compact: bool = False) -> Markup:
    """What other modules show under a session (hooks.session_parts), rendered."""
    parts = hooks.session_parts.collect(session, compact)
    return Markup("".join(render_template(part.template, session=session, **part.context) for part in parts))  # noqa: S704


@bp.route("/f/<forum_slug>/programme/")
def programme():
    theme, kind = request.args.get("theme") or None, request.args.get("kind") or None
    if not services.has_programme(g.forum):
        return render_template(
            "programme/programme.html", forum=g.forum, unpublished=services.unpublished_notice(g.forum)
        )
    return render_template("programme/programme.html", forum=g.forum, body=_programme_body(theme, kind))


@bp.route("/f/<forum_slug>/programme/print")
def programme_print():
    lang = request.args.get("lang") or str(get_locale())
    if lang not in ("ar", "fr", "en"):
        abort(404)
    with force_locale(lang):
        return render_template(
            "programme/print.html",
            forum=g.forum,
            days=services.public_programme(g.forum),
            print_lang=lang,
        )


@bp.route("/f/<forum_slug>/programme/sessions/<int:session_id>")
def session_page(session_id: int):
    session = services.published_session(g.forum, session_id) or abort(404)
    return render_template(
        "programme/session.html",
        forum=g.forum,
        session=session,
    )


@bp.route("/f/<forum_slug>/programme.ics")
def forum_feed():
    response = feed(services.sessions_of(g.forum, published_only=True), g.forum.name)
    response.headers["Content-Disposition"] = f'inline; filename="{g.forum.slug}.ics"'
    return response


@bp.route("/f/<forum_slug>/programme/sessions/<int:session_id>.ics")
def session_feed(session_id: int):
    session = services.published_session(g.forum, session_id) or abort(404)
    response = feed([session], session.name)
    response.headers["Content-Disposition"] = f'attachment; filename="session-{session.id}.ics"'
    return response


@bp.route("/f/<forum_slug>/programme/speakers/<int:speaker_id>/photo")
def speaker_photo(speaker_id: int):
    speaker = forum_row_or_404(Speaker, speaker_id)
    if not speaker.photo_key:
        abort(404)
    mimetype = "image/png" if speaker.photo_key.endswith(".png") else "image/jpeg"
    return Response(storage.read(speaker.photo_key), mimetype=mimetype, headers={"Cache-Control": "max-age=3600"})
