"""A participant's pages: their agenda and calendar feed, signing up to workshops and giving a seat back."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from forum.db import translated
from forum.forms import ConfirmForm
from forum.i18n import local_date, local_time
from forum.programme import bp, services
from forum.programme.cache import RevisionCache
from forum.programme.models import Session, SignupStatus
from forum.programme.views._rendered import cached, feed, html
from forum.registration.access import participant_required
from forum.registration.models import RegistrationStatus
from forum.web import run


@dataclass
class ChoiceSlot:
    """Workshops starting at the same time: the slot's heading and each workshop's rendered card."""

    heading: str
    cards: list[tuple[int, Markup]]


def _choices(fingerprint: tuple) -> list[ChoiceSlot]:
    """The workshops open to sign-up, by slot, rendered once per programme state and language."""

    def build() -> list[ChoiceSlot]:
        return [
            ChoiceSlot(
                f"{local_date(slot.starts_at, 'EEE d MMM')} · {local_time(slot.starts_at)}",
                [(s.id, html("programme/_session_card.html", session=s)) for s in slot.sessions],
            )
            for day in services.signup_choices(g.forum)
            for slot in day.slots
        ]

    return cached("choices", build, fingerprint=fingerprint)


@dataclass(frozen=True)
class AgendaLine:
    """What a personal agenda shows of a session, in one language, formatted once per revision."""

    when: str
    title: str
    room: str
    url: str


_agenda_lines: RevisionCache[AgendaLine] = RevisionCache()


def _agenda_line(session: Session) -> AgendaLine:
    forum, locale = g.forum, str(get_locale())
    room = translated(session.room.name, locale) if session.room is not None else ""
    key = (forum.slug, forum.timezone, session.id, session.updated_at, locale, room)
    return _agenda_lines.get(
        key,
        lambda: AgendaLine(
            f"{local_date(session.starts_at, 'EEE d MMM')} · "
            f"{local_time(session.starts_at)}–{local_time(session.ends_at)}",
            translated(session.title, locale),
            room,
            url_for("programme.session_page", session_id=session.id),
        ),
    )


def _offers(agenda: services.Agenda) -> list[tuple[services.AgendaEntry, list[str]]]:
    """The seats held for the person, each with the titles of the seats of theirs it overlaps."""
    held = [e.session for e in agenda.entries if e.signup is not None and e.signup.status == SignupStatus.confirmed]
    return [
        (entry, [s.name for s in held if s.overlaps(entry.session) and not s.is_cancelled])
        for entry in agenda.entries
        if entry.signup is not None and entry.signup.status == SignupStatus.offered
    ]


@bp.route("/f/<forum_slug>/me/<access_key>/agenda")
@participant_required()
def agenda():
    registration, forum = g.registration, g.forum
    agenda = services.personal_agenda(registration, forum)
    published = bool(agenda.entries) or services.has_programme(forum)
    return render_template(
        "programme/agenda.html",
        forum=forum,
        registration=registration,
        entries=[(entry, _agenda_line(entry.session)) for entry in agenda.entries],
        choices=_choices(agenda.fingerprint) if published else [],
        unpublished=None if published else services.unpublished_notice(forum, workshops=True),
        signups={entry.session.id for entry in agenda.entries if entry.signup is not None},
        offers=[(entry, _agenda_line(entry.session), held) for entry, held in _offers(agenda)],
        personal=services.personal_events_of(registration),
    )


@bp.route("/f/<forum_slug>/me/<access_key>/calendar.ics")
@participant_required()
def personal_feed():
    agenda = services.personal_agenda(g.registration, g.forum, with_speakers=True)
    personal = services.personal_events_of(g.registration)
    response = feed([entry.session for entry in agenda.entries], g.forum.name, personal)
    response.headers["Content-Disposition"] = f'inline; filename="{g.forum.slug}-agenda.ics"'
    return response


def _chosen_session() -> Session:
    """The session named by the button pressed (name="session_id") in the agenda's form."""
    session_id = request.form.get("session_id", type=int)
    return (session_id and services.published_session(g.forum, session_id)) or abort(404)


@bp.route("/f/<forum_slug>/me/<access_key>/signup", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def signup():
    session = _chosen_session()
    if ConfirmForm().validate_on_submit() and (outcome := run(lambda: services.sign_up(g.registration, session))):
        if outcome.value.status == SignupStatus.confirmed:
            flash(_("You are signed up to “%(title)s”.", title=session.name), "success")
        else:
            flash(_("The session is full: you are on its waiting list."), "warning")
    return redirect(url_for("programme.agenda"))


@bp.route("/f/<forum_slug>/me/<access_key>/signup/cancel", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def signup_cancel():
    session = _chosen_session()
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.cancel_signup(g.registration, session),
            success=_("Your place in “%(title)s” has been given back.", title=session.name),
        )
    return redirect(url_for("programme.agenda"))


@bp.route("/f/<forum_slug>/me/<access_key>/signup/offer", methods=["POST"])
@participant_required(RegistrationStatus.confirmed)
def signup_offer():
    """The answer to a seat held for the person: take it (their overlapping seat goes) or stay."""
    session = _chosen_session()
    if ConfirmForm().validate_on_submit():
        take = request.form.get("answer") == "take"
        run(
            lambda: (services.take_offer if take else services.decline_offer)(g.registration, session),
            success=_(
                "You now have a seat in “%(title)s”; your overlapping seat goes to the next person.", title=session.name
            )
            if take
            else _("You keep your seat; the seat in “%(title)s” goes to the next person.", title=session.name),
        )
    return redirect(url_for("programme.agenda"))
