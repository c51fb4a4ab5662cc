"""Property-based: every form and JSON endpoint of the app, fed generated input, never answers with a
server error, and a page that refuses a form gives it back filled.

Input: strings from the whole of Unicode (control characters, NUL, bidi overrides; lone surrogates in
JSON, where the transport carries them), huge and negative numbers, dates, missing and extra fields,
lists where one value is expected; JSON bodies of every type. Each endpoint is posted to by someone
allowed to use it (a platform admin passes every forum role; exhibitor staff use their portal; a
participant their private link), with a bounded number of examples so the suite stays quick.
"""

from __future__ import annotations

import re
import string

import pytest
from exhibition_factories import make_exhibitor, organiser  # noqa: F401
from flask import url_for
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape
from werkzeug.routing.converters import AnyConverter, NumberConverter

from forum.checkin import services as checkin
from forum.extensions import limiter
from forum.programme.models import Room, Session, SessionKind, Speaker

EXAMPLES = 3
#: endpoints that take JSON bodies (the desk page and the scanning devices)
JSON_ENDPOINTS = {"checkin.desk_scan", "checkin.desk_undo", "checkin.api_scan"}
#: posting to these signs the admin out (the rest of the run needs them signed in)
SIGN_OUT = {"auth.logout", "auth.end_other_sessions", "auth.end_session"}
#: downloads whose rendering is tested elsewhere and costs seconds each (PDF batches, reports)
SLOW = {"badges.batch_pdf", "recommendations.report_pdf", "privacy.data_pdf", "checkin.print_badge"}
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)

ANY_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
NUMBERS = st.integers(min_value=-(10**30), max_value=10**30).map(str)
SPECIAL = st.sampled_from(
    ["", " ", "\x00", "a\x00b", "\u202eevil", "y", "on", "2027-02-19", "2027-02-19T10:00", "1e309", "NaN", "-1", "0"]
)
VALUE = st.one_of(ANY_TEXT, NUMBERS, SPECIAL)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**30), 10**30) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=8,
)
JSON_KEYS = st.sampled_from(["code", "list", "registration_id", "nonce", "exit", "direction", "other"])
JSON_BODY = st.one_of(JSON, st.dictionaries(JSON_KEYS, JSON | st.text(st.characters(), max_size=20), max_size=5))
MARKER = st.text(string.ascii_lowercase, min_size=8, max_size=8).map(lambda s: "kept" + s)


def _fields(html: str) -> list[str]:
    return sorted(set(re.findall(r'name="([^"]+)"', html)) - {"csrf_token"})


def _text_inputs(html: str) -> list[str]:
    """Names of the one visible form's text inputs (when the page has a single form people type in)."""
    forms = [
        f
        for f in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S)
        if re.search(r"<(textarea|input(?![^>]*type=\"(hidden|submit|checkbox|radio|file|password)\"))", f)
    ]
    if len(forms) != 1:
        return []
    names = re.findall(
        r'<input(?![^>]*type="(?:hidden|submit|checkbox|radio|file|password|number|date|datetime-local)")[^>]*name="([^"]+)"',
        forms[0],
    )
    return names + re.findall(r'<textarea[^>]*name="([^"]+)"', forms[0])


@pytest.fixture
def world(app, db, make_forum, make_user, make_registration, make_exhibitor, login, client):  # noqa: F811
    """A forum with a bit of everything, the people who use it, and the values of every address."""
    forum = make_forum()
    admin = make_user(is_admin=True)
    person = make_registration(forum, shares_contact=True)
    exhibitor = make_exhibitor(forum)
    room = Room(forum_id=forum.id, name={"fr": "Salle"}, capacity=30)
    db.session.add(room)
    db.session.flush()
    starts = forum.starts_on
    from datetime import UTC, datetime, timedelta

    at = datetime(starts.year, starts.month, starts.day, 10, tzinfo=UTC)
    session = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"fr": "Atelier"},
        room_id=room.id,
        starts_at=at,
        ends_at=at + timedelta(hours=1),
    )
    speaker = Speaker(forum_id=forum.id, name_latin="Nadia")
    db.session.add_all([session, speaker])
    desk, token = checkin.create_desk(forum, "Desk", actor=None)
    lists = checkin.ensure_lists(forum)
    db.session.commit()
    ids = {
        "desk_id": desk.id,
        "list_id": lists[0].id,
        "registration_id": person.id,
        "session_id": session.id,
        "room_id": room.id,
        "speaker_id": speaker.id,
        "exhibitor_id": exhibitor.id,
    }
    values = {"forum_slug": forum.slug, "access_key": person.access_key, "fmt": "csv", "code": "fr", "token": "x"}
    staff = app.test_client()
    staff.post("/login", data={"email": exhibitor.staff[0].user.email, "password": "correct horse battery"})
    login(admin)
    return {
        "admin": client,
        "admin_user": admin,
        "staff": staff,
        "token": token,
        "values": values,
        "ids": ids,
        "app": app,
        "person": person,
        "forum": forum,
        "make_registration": make_registration,
    }


def _routes(app, *, methods: set[str]) -> list[str]:
    return sorted(
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and rule.endpoint not in SLOW and rule.methods & methods
    )


def _url(world, endpoint: str) -> str:
    app = world["app"]
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {}
    for name in rule.arguments:
        converter = rule._converters[name]
        if name in world["values"] or name in world["ids"]:
            args[name] = world["values"].get(name, world["ids"].get(name))
        elif isinstance(converter, AnyConverter):
            args[name] = sorted(converter.items)[0]
        else:
            args[name] = 1 if isinstance(converter, NumberConverter) else "x"
    with app.test_request_context():
        return url_for(endpoint, **args)


def _client(world, url: str):
    return world["staff"] if "/exhibitor/" in url else world["admin"]


def _check_endpoint(world, endpoint: str) -> None:
    url = _url(world, endpoint)
    client = _client(world, url)
    page = client.get(url)
    names = _fields(page.text) if page.status_code == 200 and page.mimetype == "text/html" else []
    text_inputs = _text_inputs(page.text) if names else []
    keys = st.sampled_from([*names, "extra", "title-ar", "name_latin", "email", "code"])

    if endpoint in JSON_ENDPOINTS:

        @SETTINGS
        @given(body=JSON_BODY)
        def check_json(body):
            headers = {"Authorization": f"Bearer {world['token']}"} if endpoint == "checkin.api_scan" else {}
            response = client.post(url, json=body, headers=headers)
            assert response.status_code < 500, (endpoint, body, response.status_code)

        check_json()
        return

    @SETTINGS
    @given(data=st.dictionaries(keys, st.one_of(VALUE, st.lists(VALUE, max_size=3)), max_size=8), marker=MARKER)
    def check_form(data, marker):
        target = next((name for name in text_inputs if name not in data), None)
        if target:
            data = {**data, target: marker}
        response = client.post(url, data=data, headers={"Accept-Language": "en"})
        assert response.status_code < 500, (endpoint, data, response.status_code)
        refused = response.status_code in (200, 422) and 'class="error"' in response.text
        if target and refused and target in _text_inputs(response.text):
            assert str(escape(marker)) in response.text, f"{target} not kept on {url}"

    check_form()


def test_no_form_or_json_endpoint_answers_with_a_server_error(world, db, login):
    endpoints = [e for e in _routes(world["app"], methods={"POST"}) if e not in SIGN_OUT]
    assert len(endpoints) > 50
    for endpoint in endpoints:
        person = world["person"]
        db.session.refresh(person)
        if person.erased_at is not None:  # the erasure form went through: a new person for the next ones
            world["person"] = world["make_registration"](world["forum"], shares_contact=True)
            world["values"]["access_key"] = world["person"].access_key
        limiter.reset()  # the sign-in and sign-up limits would answer 429 to the rest of the run
        if world["admin"].get("/account/").status_code != 200:  # an endpoint ended the sign-in
            login(world["admin_user"])
        _check_endpoint(world, endpoint)


@pytest.mark.parametrize(
    "endpoint",
    [
        "registration.queue",
        "checkin.desk_search",
        "programme.timetable",
        "recommendations.consolidate",
        "events.audit_log",
        "recommendations.follow_up_page",
        "recommendations.national",
        "recommendations.participant_similar",
        "exhibition.directory",
    ],
)
def test_query_arguments_never_break_a_page(world, endpoint):
    url = _url(world, endpoint)
    client = _client(world, url)

    @SETTINGS
    @given(
        query=st.dictionaries(
            st.sampled_from(
                ["q", "status", "category", "province", "page", "workshop", "day", "list", "room_id", "theme", "sort"]
            ),
            VALUE,
            max_size=4,
        )
    )
    def check(query):
        response = client.get(url, query_string=query)
        assert response.status_code < 500, (query, response.status_code)

    check()
