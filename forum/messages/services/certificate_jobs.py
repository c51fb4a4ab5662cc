"""The certificates' slow work: the batch (issue, one PDF of every certificate for printing, the e-mails
with each person's link) and one person's PDF, kept in storage per version."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from forum import mail, storage
from forum.db import translated
from forum.events.models import Forum
from forum.extensions import db
from forum.i18n import person_name, text_direction
from forum.messages.models import Certificate
from forum.messages.pdf import batch_of, write_pdf
from forum.messages.services.certificates import certificate_settings, code_of, issue_certificates
from forum.messages.services.channels import EmailSender, Refused
from forum.messages.services.compose import Personalised
from forum.messages.services.sending import _KEY, personal_links
from forum.registration.models import Registration

_CODE = "CERTIFICATECODE"


def certificate_links(forum: Forum) -> dict[str, str]:
    """The verification page's and the personal download's addresses, with markers for code and key."""
    return {
        "verify": mail.external_url("messages.verify", forum_slug=forum.slug, code=_CODE),
        "certificate": mail.external_url("messages.my_certificate", forum_slug=forum.slug, access_key=_KEY),
    }


def verify_url(links: dict[str, str], certificate: Certificate) -> str:
    """The address the certificate's QR code opens."""
    return links["verify"].replace(_CODE, code_of(certificate))


def certificate_pdf(certificate: Certificate, registration: Registration, forum: Forum, links: dict[str, str]) -> bytes:
    """One person's certificate as a PDF (rendered once per version, then read from storage)."""
    if certificate.file_key:
        return storage.read(certificate.file_key)
    batch = batch_of(forum, certificate_settings(forum))
    with current_app.test_request_context():
        pdf = write_pdf(batch, [(certificate, registration, verify_url(links, certificate))])
    certificate.file_key = storage.save(f"certificates/{forum.id}", pdf, ".pdf")
    db.session.flush()
    return pdf


def build_certificates(
    forum_id: int, send_mail: bool, links: dict[str, str], progress: Callable[[int, int], None] | None = None
) -> dict:
    """Issue the forum's certificates, write all of them in one PDF for printing and, if asked, e-mail each
    person whose certificate is new or reissued the link to theirs (never twice for one version)."""
    report = progress or (lambda done, total: None)
    forum = db.session.get(Forum, forum_id)
    outcome = issue_certificates(forum)
    db.session.commit()
    # progress commits expire what the session holds: reported before the rows are read, not while
    # they are drawn (each expired row would be read again, one query each)
    report(1, 10)
    rows = db.session.execute(
        sa.select(Certificate, Registration)
        .join(Registration, Registration.id == Certificate.registration_id)
        .where(Certificate.forum_id == forum.id)
        .order_by(Registration.name_latin, Registration.name_ar, Registration.id)
    ).all()
    unmailed = [(c, r) for c, r in rows if c.mailed_version < c.version]
    batch = batch_of(forum, certificate_settings(forum))
    with current_app.test_request_context():
        entries = [(certificate, registration, verify_url(links, certificate)) for certificate, registration in rows]
        pdf = write_pdf(batch, entries) if entries else b""
    key = storage.save(f"certificates/{forum.id}", pdf, ".pdf") if entries else None
    report(8 if send_mail else 10, 10)
    mailed = _mail(forum, unmailed, links) if send_mail else 0
    return {
        "key": key,
        "count": len(rows),
        "issued": outcome.issued,
        "reissued": outcome.reissued,
        "withdrawn": outcome.withdrawn,
        "mailed": mailed,
    }


def _mail(forum: Forum, rows: list[tuple[Certificate, Registration]], links: dict[str, str]) -> int:
    mailed = 0
    with EmailSender() as sender:
        for certificate, registration in rows:
            locale = registration.locale
            link = personal_links({"certificate": links["certificate"]}, registration)["certificate"]
            with force_locale(locale):
                context = {
                    "name": person_name(registration.name_ar, registration.name_latin, locale),
                    "forum": translated(forum.title, locale),
                    "link": link,
                    "mail_locale": locale,
                    "mail_dir": text_direction(locale),
                }
                subject = str(_l("Your certificate of attendance: %(forum)s", forum=context["forum"]))
                text = render_template("mail/certificate.txt", subject=subject, **context)
                html = render_template("mail/certificate.html", subject=subject, **context)
            letter = Personalised(locale, subject, text, html)
            try:
                sender.send(registration.email, sender.build(registration.email, letter, stop_link=None))
            except Refused:
                continue
            certificate.mailed_version = certificate.version
            db.session.commit()
            mailed += 1
    return mailed
