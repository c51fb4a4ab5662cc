"""A participant's partnership pages (no account needed, under their private link): profile, directory,
suggestions and requests."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address

from forum import geo
from forum.extensions import limiter
from forum.forms import ConfirmForm
from forum.partnerships import bp, services
from forum.partnerships.forms import DeclineForm, ProfileForm, RequestForm, ScanForm
from forum.partnerships.models import Outcome
from forum.partnerships.vocabulary import Support
from forum.registration.access import participant_required
from forum.registration.models import Category, RegistrationStatus
from forum.web import run

ME = "/f/<forum_slug>/me/<access_key>/partners"
confirmed = participant_required(RegistrationStatus.confirmed)
#: meeting requests one person may send: enough for a busy day, not for spamming a whole directory
REQUEST_LIMIT = "30 per hour"


def _person() -> str:
    """The rate limit's key: the participant of the link (people of one venue share its address)."""
    return f"registration:{g.registration.id}" if g.get("registration") is not None else get_remote_address()


@bp.route(f"{ME}/")
@confirmed
def hub():
    return render_template(
        "partnerships/hub.html",
        forum=g.forum,
        **vars(services.partners_page(g.registration, g.forum)),
        outcome_choices=Outcome.choices(),
        support_choices=Support.choices(),
        scan_form=ScanForm(),
        decline_form=DeclineForm(),
    )


@bp.route(f"{ME}/profile", methods=["GET", "POST"])
@confirmed
def profile():
    registration, forum = g.registration, g.forum
    existing = services.profile_of(registration)
    form = ProfileForm(
        obj=existing,
        data=services.initial_profile(registration) | ({"consent": True} if existing else {}),
        themes=services.themes_of(forum),
        region=forum.region,
    )
    if form.validate_on_submit() and run(
        lambda: services.save_profile(registration, form.profile(), consent=form.consent.data),
        success=_("Your partnership profile is published."),
        field=form.consent,
    ):
        return redirect(url_for(".hub"))
    return render_template("partnerships/profile_form.html", forum=forum, form=form, profile=existing)


@bp.route(f"{ME}/profile/withdraw", methods=["POST"])
@confirmed
def withdraw_profile():
    if ConfirmForm().validate_on_submit():
        run(lambda: services.withdraw_profile(g.registration), success=_("Your profile has been taken down."))
    return redirect(url_for(".hub"))


@bp.route(f"{ME}/directory")
@confirmed
def directory():
    filters = {k: request.args.get(k) or None for k in ("offer", "need", "theme", "province", "category")}
    return render_template(
        "partnerships/directory.html",
        forum=g.forum,
        profiles=services.directory(g.forum, **filters),
        filters=filters,
        supports=Support.choices(),
        themes=services.themes_of(g.forum),
        categories=Category.choices(),
        provinces=geo.province_choices(g.forum.region),
    )


@bp.route(f"{ME}/p/<int:profile_id>", methods=["GET", "POST"])
@confirmed
@limiter.limit(REQUEST_LIMIT, methods=["POST"], key_func=_person)
def profile_page(profile_id: int):
    other = services.listed_profile(g.forum, profile_id) or abort(404)
    form = RequestForm()
    if form.validate_on_submit() and run(
        lambda: services.request_meeting(
            g.registration, other, message=form.message.data, is_important=form.is_important.data
        ),
        success=_("Your request has been sent to %(name)s.", name=other.public_name),
        field=form.message,
    ):
        return redirect(url_for(".hub"))
    return render_template(
        "partnerships/profile.html",
        forum=g.forum,
        other=other,
        form=form,
        existing=services.between(g.registration, other.registration),
        is_open=services.booking_is_open(g.forum),
    )


def _request(request_id: int):
    return services.request_of(g.registration, request_id) or abort(404)


@bp.route(f"{ME}/requests/<int:request_id>/accept", methods=["POST"])
@confirmed
def accept(request_id: int):
    meeting_request = _request(request_id)
    if ConfirmForm().validate_on_submit() and run(
        lambda: services.accept(meeting_request, by=g.registration),
        success=_("Accepted. Now choose a time that suits you both."),
    ):
        return redirect(url_for("partnerships.book", request_id=meeting_request.id))
    return redirect(url_for(".hub"))


@bp.route(f"{ME}/requests/<int:request_id>/decline", methods=["POST"])
@confirmed
def decline(request_id: int):
    meeting_request, form = _request(request_id), DeclineForm()
    if form.validate_on_submit():
        run(
            lambda: services.decline(meeting_request, by=g.registration, reason=form.reason.data or ""),
            success=_("The request has been declined."),
        )
    return redirect(url_for(".hub"))


@bp.route(f"{ME}/requests/<int:request_id>/withdraw", methods=["POST"])
@confirmed
def withdraw(request_id: int):
    meeting_request = _request(request_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.withdraw(meeting_request, by=g.registration), success=_("Your request is withdrawn."))
    return redirect(url_for(".hub"))
