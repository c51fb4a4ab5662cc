"""The sign-up form's page as nearly every visitor gets it: empty, to someone not signed in. It is the
same page for every such visitor of a forum in one language but for the CSRF token, so each process
renders it once and puts each visitor's own token into it."""

from __future__ import annotations

import secrets

from flask import render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from forum.events.models import Forum
from forum.registration.forms import blank_registration_fields
from forum.registration.forms.signup import blank_fields_key

#: stands for the visitor's token in a kept page (drawn per process, so no page holds it otherwise)
_TOKEN = secrets.token_hex(16)
#: (forum, its last change, address, the fields' key) -> the page with _TOKEN for the token, in this process
_pages: dict[tuple, str] = {}
_PAGES_KEPT = 64


def sign_up_page(forum: Forum) -> str:
    """The empty sign-up form's page. Kept while the forum is unchanged (its updated_at moves with every
    edit), for the same address (the language forms send the visitor back to it) and the same fields
    (language and list of organisations); a signed-in visitor, or one with a message waiting, gets a
    page rendered for them."""
    key = blank_fields_key(forum)
    if current_user.is_authenticated or session.get("_flashes"):
        return _render(forum, key)
    page_key = (forum.id, forum.updated_at, request.full_path, key)
    page = _pages.get(page_key)
    if page is None:
        page = _render(forum, key, csrf_token=lambda: _TOKEN)
        if len(_pages) >= _PAGES_KEPT:
            _pages.clear()
        _pages[page_key] = page
    return page.replace(_TOKEN, generate_csrf())


def _render(forum: Forum, key: tuple, **context) -> str:
    fields = blank_registration_fields(forum, key)
    return render_template("registration/register.html", forum=forum, blank_fields=fields, **context)
