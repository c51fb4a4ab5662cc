"""The messages' jobs: sending a message to its segment, with progress."""

from __future__ import annotations

from forum import jobs
from forum.extensions import db
from forum.messages.services import build_certificates, deliver, mark_failed


@jobs.task("messages.send")
def send(job: jobs.Job | None, message_id: int, links: dict[str, str]) -> dict:
    """Send a message to everyone of its segment not reached yet, reporting progress on the job."""
    try:
        return deliver(message_id, links, progress=job.report if job is not None else None)
    except Exception:
        db.session.rollback()
        mark_failed(message_id)
        raise


@jobs.task("messages.certificates")
def certificates(job: jobs.Job | None, forum_id: int, send_mail: bool, links: dict[str, str]) -> dict:
    """Issue the forum's certificates, build their PDF and e-mail the links, reporting progress."""
    return build_certificates(forum_id, send_mail, links, progress=job.report if job is not None else None)
