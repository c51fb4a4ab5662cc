"""Public sign-up, the participant's self-service pages, the organisers' queue, settings and exports."""

from __future__ import annotations

from flask import Response, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from forum import audit, hooks
from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.auth.services import names_by_id
from forum.db import reads_on_get, utcnow, writes_on_get
from forum.errors import ForumError
from forum.extensions import db, limiter
from forum.forms import LANGUAGE_LABELS, ConfirmForm
from forum.registration import bp, export, services
from forum.registration.access import participant_required
from forum.registration.forms import (
    BulkForm,
    OrganiserAddForm,
    OrganiserDetailsForm,
    ParticipantDetailsForm,
    QueueFilterForm,
    RegistrationForm,
    RejectForm,
    accessibility_choices,
    settings_form_class,
)
from forum.registration.models import Category, Registration, RegistrationStatus
from forum.registration.page import sign_up_page
from forum.security import is_safe_next
from forum.web import forum_row_or_404, run


def _registration_limit() -> str:
    return current_app.config["REGISTRATION_RATE_LIMIT"]


# --- participants -------------------------------------------------------------------------------


@bp.route("/f/<forum_slug>/register", methods=["GET", "POST"])
@limiter.limit(_registration_limit, methods=["POST"])
@reads_on_get
def register():
    forum = g.forum
    if not forum.registration_is_open():
        return render_template("registration/closed.html", forum=forum), 200
    if request.method == "GET":
        prefill = session.get("registration_prefill", {}).get(str(forum.id))  # an invitation's link
        if prefill:
            form = RegistrationForm(forum=forum, formdata=None, data=prefill)
            return render_template("registration/register.html", forum=forum, form=form)
        return sign_up_page(forum)
    form = RegistrationForm(forum=forum)
    if form.validate_on_submit():
        sent_page = url_for(".sent")  # before the commit expires the forum
        user = current_user if current_user.is_authenticated else None
        signed_up = run(lambda: _sign_up(forum, {**form.details(), "email": form.email.data}, user))
        if signed_up and signed_up.value.is_new:
            session.pop("registration_prefill", None)
            return redirect(sent_page)
        if signed_up:
            form.email.errors.append(
                _("This e-mail is already registered for this forum. We have sent the link to manage it again.")
            )
    return render_template("registration/register.html", forum=forum, form=form)


def _sign_up(forum, data: dict, user) -> services.SignUp:
    try:
        return services.register(forum, data, user=user)
    except services.AlreadyRegistered:  # the same e-mail, a moment earlier: answer as for it
        db.session.rollback()
        return services.register(forum, data, user=user)


@bp.route("/f/<forum_slug>/register/sent")
def sent():
    return render_template("registration/sent.html", forum=g.forum)


@bp.route("/f/<forum_slug>/me/<access_key>/confirm/<token>")
@participant_required()
@writes_on_get
def confirm_email(token: str):
    run(lambda: services.confirm_email(g.registration, token), success=_email_confirmed)
    return redirect(url_for(".self_service"))


def _email_confirmed(registration: Registration) -> str:
    messages = {
        RegistrationStatus.confirmed: _("Your e-mail is confirmed, and so is your place."),
        RegistrationStatus.waitlisted: _("Your e-mail is confirmed. The forum is full: you are on the waiting list."),
    }
    return messages.get(registration.status, _("Your e-mail is confirmed. The organisers will decide soon."))


@bp.route("/f/<forum_slug>/me/<access_key>/")
@participant_required()
def self_service():
    registration: Registration = g.registration
    return render_template(
        "registration/self_service.html",
        forum=g.forum,
        registration=registration,
        position=services.waitlist_position(registration),
        links=hooks.registration_links.collect(registration),
        form=ConfirmForm(),
    )


@bp.route("/f/<forum_slug>/me/<access_key>/edit", methods=["GET", "POST"])
@participant_required(RegistrationStatus.pending, RegistrationStatus.confirmed, RegistrationStatus.waitlisted)
def edit():
    registration: Registration = g.registration
    form = ParticipantDetailsForm(obj=registration, forum=g.forum)
    if registration.category.value not in dict(form.category.choices):
        # A category given by the organisers (speaker, exhibitor...) stays selectable for its holder.
        form.category.choices.append((registration.category.value, registration.category.title))
    if request.method == "GET":
        form.organisation_id.data = str(registration.organisation_id or "")
    if form.validate_on_submit() and (saved := run(lambda: services.update(registration, form.details()))):
        if saved.value:
            flash(_("Your details are saved. The change goes back to the organisers for approval."), "warning")
        else:
            flash(_("Your details are saved."), "success")
        return redirect(url_for(".self_service"))
    settings = services.settings_for(g.forum)
    return render_template(
        "registration/edit.html", forum=g.forum, registration=registration, form=form, settings=settings
    )


@bp.route("/f/<forum_slug>/me/<access_key>/cancel", methods=["POST"])
@participant_required()
def cancel():
    if ConfirmForm().validate_on_submit():
        services.cancel(g.registration)
        db.session.commit()
        flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
    return redirect(url_for(".self_service"))


@bp.route("/f/<forum_slug>/me/<access_key>/offer/accept", methods=["POST"])
@participant_required(RegistrationStatus.waitlisted)
def accept_offer():
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.accept_offer(g.registration),
            success=_("The place is yours: your registration is confirmed."),
        )
    return redirect(url_for(".self_service"))


@bp.route("/f/<forum_slug>/me/<access_key>/offer/decline", methods=["POST"])
@participant_required(RegistrationStatus.waitlisted)
def decline_offer():
    if ConfirmForm().validate_on_submit():
        services.cancel(g.registration, reason="declined")
        db.session.commit()
        flash(_("You declined the place; it goes to the next person on the waiting list."), "info")
    return redirect(url_for(".self_service"))


# --- organisers ---------------------------------------------------------------------------------


def _filters() -> QueueFilterForm:
    return QueueFilterForm(request.args, forum=g.forum)


@bp.route("/f/<forum_slug>/manage/registration/")
@forum_role_required(Role.organiser)
def queue():
    forum = g.forum
    filters = _filters()
    page = _queue_page(forum, filters.filters())
    return render_template(
        "registration/queue.html",
        forum=forum,
        filters=filters,
        page=page,
        count=services.queue_count(forum, filters.filters()),
        shares=services.shares(forum),
        settings=services.settings_for(forum),
        warnings=services.approval_warnings(forum, page.items),
        positions=services.waitlist_positions(forum, page.items),
        bulk=BulkForm(),
        form=ConfirmForm(),
        query_args={k: v for k, v in request.args.items() if k not in ("after", "before", "page")},
    )


def _queue_page(forum, filters: dict[str, str]) -> services.QueuePage:
    """The page of the address's cursor; the first page, with a message, for a cursor that is not one."""
    number = max(1, min(request.args.get("page", 1, type=int), 1_000_000))
    try:
        return services.queue_page(
            forum, filters, after=request.args.get("after"), before=request.args.get("before"), number=number
        )
    except services.BadCursor as error:
        flash(str(error), "warning")
        return services.queue_page(forum, filters)


@bp.route("/f/<forum_slug>/manage/registration/<int:registration_id>")
@forum_role_required(Role.organiser)
def detail(registration_id: int):
    registration = forum_row_or_404(Registration, registration_id)
    entries = audit.entries_for(g.forum, target=f"registration:{registration.id}")
    return render_template(
        "registration/detail.html",
        forum=g.forum,
        registration=registration,
        entries=entries,
        actor_names=names_by_id({e.actor_id for e in entries if e.actor_id}),
        position=services.waitlist_position(registration),
        language_labels=LANGUAGE_LABELS,
        reject_form=RejectForm(),
        form=ConfirmForm(),
    )


@bp.route("/f/<forum_slug>/manage/registration/<int:registration_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def organiser_edit(registration_id: int):
    """An organiser corrects a registration (name, organisation, category...) with the sign-up's rules."""
    registration = forum_row_or_404(Registration, registration_id)
    form = OrganiserDetailsForm(obj=registration, forum=g.forum)
    if request.method == "GET":
        form.organisation_id.data = str(registration.organisation_id or "")
    if form.validate_on_submit() and run(
        lambda: services.edit_by_organiser(registration, form.details(), actor=current_user),
        success=lambda _changed: _("The registration of %(name)s is corrected.", name=registration.display_name),
    ):
        return redirect(url_for(".detail", registration_id=registration.id))
    return render_template("registration/organiser_edit.html", forum=g.forum, registration=registration, form=form)


@bp.route("/f/<forum_slug>/manage/registration/new", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def organiser_add():
    """An organiser registers a person themselves (speaker, guest, press, team...), confirmed at once."""
    form = OrganiserAddForm(forum=g.forum)
    existing = None
    if request.method == "GET":
        form.locale.data = str(get_locale())
    if form.validate_on_submit():
        try:  # an e-mail registered already is answered on its field, with that registration; not with run()
            registration = services.add_by_organiser(
                g.forum, {**form.details(), "email": form.email.data}, actor=current_user
            )
        except services.EmailTaken as error:
            db.session.rollback()
            form.email.errors.append(str(error))
            existing = services.find(g.forum, form.email.data)
        except ForumError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_added(registration), "success")
            return redirect(url_for(".detail", registration_id=registration.id))
    return render_template("registration/organiser_add.html", forum=g.forum, form=form, existing=existing)


def _added(registration: Registration) -> str:
    return _(
        "%(name)s is registered and confirmed; their link and badge are on their way.", name=registration.display_name
    )


def _back() -> str:
    target = request.form.get("next", "")
    return target if is_safe_next(target) else url_for(".queue")


@bp.route(
    "/f/<forum_slug>/manage/registration/<int:registration_id>/<any(approve, waitlist, reject):action>",
    methods=["POST"],
)
@forum_role_required(Role.organiser)
def decide(registration_id: int, action: str):
    registration = forum_row_or_404(Registration, registration_id)
    form = RejectForm() if action == "reject" else ConfirmForm()
    reason = getattr(form, "reason", None) and form.reason.data or ""
    if form.validate_on_submit() and (
        decided := run(lambda: services.decide(registration, action, actor=current_user, reason=reason))
    ):
        decision = decided.value
        if action == "approve" and decision.status == RegistrationStatus.waitlisted:
            flash(
                _("The forum is full: %(name)s was put on the waiting list.", name=registration.display_name), "warning"
            )
        else:
            flash(_("%(name)s: %(status)s.", name=registration.display_name, status=decision.status.title), "success")
    return redirect(_back())


@bp.route("/f/<forum_slug>/manage/registration/<int:registration_id>/resend", methods=["POST"])
@forum_role_required(Role.organiser)
def resend(registration_id: int):
    registration = forum_row_or_404(Registration, registration_id)
    if ConfirmForm().validate_on_submit():
        run(
            lambda: services.resend_link(registration, actor=current_user),
            success=lambda _sent: _("The e-mail has been sent again to %(email)s.", email=registration.email),
        )
    return redirect(url_for(".detail", registration_id=registration.id))


@bp.route("/f/<forum_slug>/manage/registration/bulk", methods=["POST"])
@forum_role_required(Role.organiser)
def bulk():
    form = BulkForm()
    ids = [int(value) for value in request.form.getlist("ids") if value.isdigit()]
    if not form.validate_on_submit() or not ids:
        flash(_("Tick at least one registration."), "error")
        return redirect(_back())
    run(
        lambda: services.decide_many(g.forum, ids, form.action.data, actor=current_user, reason=form.reason.data or ""),
        success=lambda outcomes: ngettext(
            "Done for %(num)s registration (%(summary)s).",
            "Done for %(num)s registrations (%(summary)s).",
            len(ids),
            summary=", ".join(f"{status.title}: {count}" for status, count in outcomes.items()),
        ),
    )
    return redirect(_back())


@bp.route("/f/<forum_slug>/manage/registration/balance")
@forum_role_required(Role.organiser)
def balance_panel():
    """The live balance, as a fragment the dashboard panel refreshes."""
    return render_template("registration/_balance.html", balance=services.balance(g.forum), forum=g.forum)


@bp.route("/f/<forum_slug>/manage/registration/settings", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def settings():
    forum = g.forum
    current = services.settings_for(forum)
    form = settings_form_class(forum)(obj=current)
    if request.method == "GET":
        form.category_quotas.process(None, data=current.category_quotas or {})
        form.province_quotas.process(None, data=current.province_quotas or {})
        form.category_minimums.process(None, data=current.category_minimums or {})
    if form.validate_on_submit() and run(
        lambda: services.save_settings(forum, form.data_for_service(), actor=current_user),
        success=_("The registration settings are saved."),
    ):
        return redirect(url_for(".settings"))
    return render_template("registration/settings.html", forum=forum, form=form)


@bp.route("/f/<forum_slug>/manage/registration/export.<any(csv, xlsx):fmt>")
@forum_role_required(Role.organiser)
def export_list(fmt: str):
    forum = g.forum
    registrations = db.session.scalars(services.search(forum, _filters().filters())).unique()
    stamp = utcnow().strftime("%Y%m%d-%H%M")
    name = f"{forum.slug}-registrations-{stamp}.{fmt}"
    if fmt == "csv":
        body, mimetype = export.to_csv(registrations), "text/csv; charset=utf-8"
    else:
        body = export.to_xlsx(registrations, right_to_left=str(get_locale()) == "ar")
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.app_template_global()
def category_title(value: str) -> str:
    try:
        return Category(value).title
    except ValueError:
        return value


@bp.app_template_global()
@bp.app_template_filter()
def accessibility_title(value: str) -> str:
    return str(dict(accessibility_choices()).get(value, value))
