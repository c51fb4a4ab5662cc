"""Messages pages: the organisers' messages (write, count, preview, send, record) and the stop link."""

from __future__ import annotations

from types import SimpleNamespace

from flask import g, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from forum.auth.access import forum_role_required
from forum.auth.models import Role
from forum.db import writes_on_get
from forum.extensions import db, limiter
from forum.forms import ConfirmForm, clean_translations
from forum.jobs import Job
from forum.messages import bp, services
from forum.messages.forms import MessageForm, PreviewForm, ReminderForm
from forum.messages.models import Channel, Message
from forum.registration.access import participant_required
from forum.web import forum_row_or_404, run


@bp.route("/f/<forum_slug>/manage/messages/")
@forum_role_required(Role.organiser)
def index():
    return render_template("messages/index.html", forum=g.forum, messages=services.messages_of(g.forum))


def _form(message: Message | None = None) -> MessageForm:
    form = MessageForm(obj=None if message is None else _filled(message))
    form.offer(services.workshop_choices(g.forum))
    return form


def _filled(message: Message) -> SimpleNamespace:
    """The stored message shaped like the form."""
    segment = services.Segment.of(message.segment).as_dict()
    texts = {"subject": message.subject, "body": message.body, "channel": message.channel}
    return SimpleNamespace(is_essential=message.is_essential, **texts, **segment)


@bp.route("/f/<forum_slug>/manage/messages/new", methods=["GET", "POST"])
@bp.route("/f/<forum_slug>/manage/messages/<int:message_id>/edit", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def edit(message_id: int | None = None):
    message = forum_row_or_404(Message, message_id) if message_id else None
    form = _form(message)
    if form.validate_on_submit() and (
        saved := run(
            lambda: services.save_message(
                g.forum,
                message,
                segment=form.segment,
                subject=form.texts[0],
                body=form.texts[1],
                is_essential=form.is_essential.data,
                actor=current_user,
                channel=form.channel.data,
            ),
            field=form.is_essential,
            success=_("Message saved. Check who it reaches and preview it before sending."),
        )
    ):
        return redirect(url_for(".show", message_id=saved.value.id))
    return render_template("messages/edit.html", forum=g.forum, form=form, message=message)


@bp.route("/f/<forum_slug>/manage/messages/count")
@forum_role_required(Role.organiser)
def count():
    form = MessageForm(formdata=request.args, meta={"csrf": False})
    form.offer(services.workshop_choices(g.forum))
    channel = form.channel.data if isinstance(form.channel.data, Channel) else Channel.email
    reach = services.count_recipients(g.forum, form.segment, essential=form.is_essential.data, channel=channel)
    return jsonify(
        count=reach, text=ngettext("%(num)s person will receive it.", "%(num)s people will receive it.", reach)
    )


@bp.route("/f/<forum_slug>/manage/messages/<int:message_id>")
@forum_role_required(Role.organiser)
def show(message_id: int):
    message = forum_row_or_404(Message, message_id)
    sample = services.sample_recipients(message, g.forum)
    preview_form = PreviewForm(request.args)
    preview_form.recipient.choices = [(r.id, f"{r.display_name} · {r.email}") for r in sample]
    chosen = next((r for r in sample if r.id == preview_form.recipient.data), sample[0] if sample else None)
    lines, pages = services.deliveries_of(message, page=request.args.get("page", 1, type=int))
    return render_template(
        "messages/show.html",
        forum=g.forum,
        message=message,
        preview_form=preview_form,
        lines=lines,
        pages=pages,
        preview=services.preview(message, g.forum, chosen) if chosen else None,
        chosen=chosen,
        reach=services.reach_of(message, g.forum),
        counts=services.delivery_counts(message),
        job=db.session.get(Job, message.job_id) if message.job_id else None,
        send_form=ConfirmForm(),
        sms_count=services.sms_count,
        page=request.args.get("page", 1, type=int),
    )


@bp.route("/f/<forum_slug>/manage/messages/<int:message_id>/send", methods=["POST"])
@forum_role_required(Role.organiser)
def send(message_id: int):
    message = forum_row_or_404(Message, message_id)
    if ConfirmForm().validate_on_submit():
        run(lambda: services.send_message(message, actor=current_user), success=_("Sending has started."))
    return redirect(url_for(".show", message_id=message.id))


@bp.route("/f/<forum_slug>/manage/messages/<int:message_id>/progress")
@forum_role_required(Role.organiser)
def progress(message_id: int):
    message = forum_row_or_404(Message, message_id)
    job = db.session.get(Job, message.job_id) if message.job_id else None
    counts = services.delivery_counts(message)
    return render_template("messages/_progress.html", message=message, job=job, counts=counts)


@bp.route("/f/<forum_slug>/me/<access_key>/messages/stop", methods=["GET", "POST"])
@participant_required()
def stop():
    form = ConfirmForm()
    if form.validate_on_submit():
        choice = request.form.get("choice", "")
        run(lambda: services.set_preference(g.registration, choice), success=lambda said: said)
        return redirect(url_for(".stop"))
    return render_template(
        "messages/stop.html",
        forum=g.forum,
        form=form,
        stopped=services.is_opted_out(g.registration),
        sms=services.has_sms_consent(g.registration),
    )


@bp.route("/f/<forum_slug>/manage/messages/reminder", methods=["GET", "POST"])
@forum_role_required(Role.organiser)
def reminder():
    settings = services.reminder_settings(g.forum)
    form = ReminderForm(obj=settings)
    if form.validate_on_submit() and run(
        lambda: services.save_reminder_settings(
            g.forum,
            is_enabled=form.is_enabled.data,
            days_before=form.days_before.data,
            practical_info=clean_translations(form.practical_info.data),
            actor=current_user,
        ),
        success=_("Reminder saved."),
        field=form.days_before,
    ):
        return redirect(url_for(".reminder"))
    return render_template(
        "messages/reminder.html",
        forum=g.forum,
        form=form,
        day=services.reminder_day(g.forum, settings),
        message=services.reminder_of(g.forum),
    )


@bp.route("/api/messages/sms-report/<token>")
@limiter.limit("600 per minute")
@writes_on_get
def sms_report(token: str):
    """Kannel's delivery report for one SMS (its dlr-url): the status is the report's type."""
    outcome = run(lambda: services.record_report(token, request.args.get("status", 0, type=int)))
    return ("", 204) if outcome.value else ("", 404)
