"""The badges' jobs: a print batch's PDF, and the e-mail that brings a person their badge."""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from forum import jobs, mail, storage
from forum.auth.models import User
from forum.badges.models import PrintBatch
from forum.badges.pdf import write_badges
from forum.badges.render import badge_parts, badge_png
from forum.badges.services import mark_printed
from forum.db import translated
from forum.extensions import db
from forum.registration.models import Registration


@jobs.task("badges.print_batch")
def print_batch(job: jobs.Job | None, batch_id: int) -> dict:
    """Render every badge of the batch into one PDF, on BADGE_PRINT_PROCESSES processes, reporting
    progress; then mark them printed."""
    batch = db.session.get(PrintBatch, batch_id)
    registrations = list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.id.in_(batch.registration_ids))
            .options(selectinload(Registration.organisation), selectinload(Registration.forum))
        )
    )
    order = {registration_id: n for n, registration_id in enumerate(batch.registration_ids)}
    registrations.sort(key=lambda r: order[r.id])
    total = len(registrations)
    step = max(1, total // 50)

    def progress(done: int) -> None:
        if job is not None and (done % step == 0 or done == total):
            job.report(done, total)

    buffer = io.BytesIO()
    badges = [badge_parts(r) for r in registrations]
    processes = current_app.config["BADGE_PRINT_PROCESSES"]
    write_badges(buffer, badges, layout=batch.layout, progress=progress, processes=processes)
    batch.file_key = storage.save(f"badges/{batch.forum_id}", buffer.getvalue(), ".pdf")
    actor = db.session.get(User, batch.created_by_id) if batch.created_by_id else None
    mark_printed(registrations, batch_id=batch.id, actor=actor)
    db.session.commit()
    return {"count": total, "bytes": len(buffer.getvalue())}


@jobs.task("badges.send_badge")
def send_badge(job: jobs.Job | None, registration_id: int, link: str) -> None:
    """E-mail a confirmed person their badge, as a PNG attached and as a link, in their language."""
    registration = db.session.get(Registration, registration_id)
    if registration is None or not registration.is_confirmed:  # cancelled or deleted while queued
        return
    forum = registration.forum
    mail.send_from_job(
        registration.email,
        _l("Your badge for %(forum)s"),
        "badge",
        locale=registration.locale,
        attachments=[mail.Attachment(f"badge-{forum.slug}.png", "image/png", badge_png(registration))],
        registration=registration,
        forum=translated(forum.title, registration.locale),
        link=link,
    )
