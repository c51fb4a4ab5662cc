"""Benchmark of messages: one message to 5,000 people, sent by its job through a real SMTP server; and
1,000 attendance certificates issued as one batch.

Budgets: at least 100 messages a second for the whole sending job (list the deliveries, personalise each
mail in its person's language, hand it to the server over one connection, record who got it; the SMTP
server is aiosmtpd in a process of its own, its Sink handler accepting and dropping each mail). The
certificate batch (issue 1,000 certificates from check-in, write them all in one PDF with the logo, the
signature and a QR code each) within 10 s, and a person's own certificate PDF at most 60 KB; the CPU
time of the batch is reported too, since it runs in one process: on a busy machine its wall time
depends on the share of a core it gets.
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import sqlalchemy as sa
from harness import Deployment, _free_port, report

RECIPIENTS = 5_000
CERTIFICATES = 1_000


def _smtp_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"]
    )
    import socket

    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("aiosmtpd did not start")


def main() -> int:
    from forum.events.models import Forum, ForumStatus
    from forum.extensions import db
    from forum.jobs import Job, JobStatus
    from forum.messages.models import Delivery, DeliveryStatus
    from forum.messages.services import Segment, save_message, send_message
    from forum.registration.models import Category, Gender, Registration
    from forum.seed import FAMILIES, MEN, WOMEN

    ok = True
    port = _free_port()
    smtp = _smtp_server(port)
    try:
        with Deployment(workers=1) as dep, dep.app.app_context():
            dep.app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
            forum = Forum(
                slug="bench-messages",
                title={"ar": "المنتدى الجهوي السادس للمجتمع المدني", "fr": "6e Forum régional de la société civile"},
                region="draa-tafilalet",
                city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
                starts_on=date(2026, 2, 13),
                ends_on=date(2026, 2, 14),
                status=ForumStatus.open,
            )
            db.session.add(forum)
            db.session.flush()
            people = len(WOMEN) + len(MEN)
            db.session.execute(
                sa.insert(Registration),
                [
                    dict(
                        forum_id=forum.id,
                        name_ar=f"{(WOMEN + MEN)[n % people][0]} {FAMILIES[n % len(FAMILIES)][0]}",
                        name_latin=f"{(WOMEN + MEN)[n % people][1]} {FAMILIES[n % len(FAMILIES)][1]}",
                        email=f"m{n}@bench.ma",
                        category=Category.association,
                        gender=Gender.female,
                        locale=("ar", "fr", "en")[n % 3],
                        status="confirmed",
                        access_key=f"bench-key-{n:06d}-" + "x" * 20,
                        badge_secret=f"bench-secret-{n:06d}-" + "x" * 20,
                    )
                    for n in range(RECIPIENTS)
                ],
            )
            message = save_message(
                forum,
                None,
                segment=Segment(statuses=["confirmed"]),
                subject={"ar": "الحافلة تنطلق على الساعة 8:00", "fr": "Le bus part à 8h00"},
                body={
                    "ar": "مرحبا {name}،\n\nالحافلة إلى {forum} تنطلق على الساعة 8:00 من المحطة.\n\nتسجيلك: {link}",
                    "fr": "Bonjour {name},\n\nLe bus pour {forum} part à 8h00.\n\nVotre inscription : {link}",
                },
                is_essential=False,
                actor=None,
            )
            with dep.app.test_request_context(base_url=dep.url):
                job = send_message(message, actor=None)
            started = time.perf_counter()
            db.session.commit()  # the job runs once the transaction commits (eager: here and now)
            elapsed = time.perf_counter() - started
            job = db.session.get(Job, job.id)
            if job.status != JobStatus.done:
                print("job failed:", job.error, file=sys.stderr)
                return 1
            sent = db.session.scalar(
                sa.select(sa.func.count(Delivery.id)).where(Delivery.status == DeliveryStatus.sent)
            )
            rate = sent / elapsed
            ok &= report("messages", "email_5000_per_second", rate, "messages/s", budget=100, ok=rate >= 100)
            ok &= report("messages", "email_5000_delivered", sent, "messages", budget=RECIPIENTS, ok=sent == RECIPIENTS)
            ok &= _certificates(dep, forum)
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)
    return 0 if ok else 1


def _image(colour: tuple[int, int, int, int], size: tuple[int, int]) -> bytes:
    """A small PNG (a logo, a signature) as an organiser would upload one."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).rounded_rectangle([(0, 0), (size[0] - 1, size[1] - 1)], 30, fill=colour)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _certificates(dep, forum) -> bool:
    """1,000 people present on both days (half of them in a workshop's room too), then the batch."""
    from datetime import UTC, datetime

    from forum.checkin.models import Admission, CheckInList, ListKind
    from forum.events.services import set_logo
    from forum.extensions import db
    from forum.images import clean_logo
    from forum.jobs import Job, JobStatus
    from forum.messages.models import Certificate, CertificateLayout
    from forum.messages.services import (
        certificate_links,
        certificate_pdf,
        request_certificates,
        save_certificate_settings,
    )
    from forum.programme.models import Session, SessionKind
    from forum.registration.models import Registration

    set_logo(forum, clean_logo(_image((15, 92, 77, 255), (600, 200))), actor=None)
    save_certificate_settings(
        forum,
        layout=CertificateLayout.bilingual,
        signatory={"ar": "رئيس اللجنة المنظمة", "fr": "Le président du comité d'organisation"},
        signature_png=clean_logo(_image((20, 20, 120, 255), (400, 120))),
        remove_signature=False,
        actor=None,
    )
    workshop = Session(
        forum_id=forum.id,
        kind=SessionKind.workshop,
        title={"ar": "التمويل التشاركي عبر المنصات الرقمية", "fr": "Le financement participatif par les plateformes"},
        starts_at=datetime(2026, 2, 14, 9, 30, tzinfo=UTC),
        ends_at=datetime(2026, 2, 14, 12, 30, tzinfo=UTC),
    )
    days = [CheckInList(forum_id=forum.id, kind=ListKind.entrance, day=d) for d in (forum.starts_on, forum.ends_on)]
    db.session.add_all([workshop, *days])
    db.session.flush()
    room = CheckInList(forum_id=forum.id, kind=ListKind.session, day=forum.ends_on, session_id=workshop.id)
    db.session.add(room)
    db.session.flush()
    ids = db.session.scalars(sa.select(Registration.id).order_by(Registration.id).limit(CERTIFICATES)).all()
    rows = [dict(list_id=day.id, registration_id=rid) for day in days for rid in ids]
    rows += [dict(list_id=room.id, registration_id=rid) for rid in ids[::2]]
    db.session.execute(sa.insert(Admission), rows)
    with dep.app.test_request_context(base_url=dep.url):
        links = certificate_links(forum)
        job = request_certificates(forum, send_mail=False, links=links, actor=None)
    started, cpu = time.perf_counter(), time.process_time()
    db.session.commit()  # the batch job runs here (eager), in this process
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    job = db.session.get(Job, job.id)
    if job.status != JobStatus.done:
        print("certificate job failed:", job.error, file=sys.stderr)
        return False
    sizes = []
    for certificate in db.session.scalars(sa.select(Certificate).order_by(Certificate.id).limit(20)):
        registration = db.session.get(Registration, certificate.registration_id)
        sizes.append(len(certificate_pdf(certificate, registration, forum, links)))
    ok = report("messages", "certificates_1000_batch_seconds", elapsed, "s", budget=10, ok=elapsed <= 10)
    # the CPU the batch took (it runs in this one process): what the batch costs whatever else the
    # machine is doing, the time above with a core to itself
    ok &= report("messages", "certificates_1000_batch_cpu_seconds", cpu, "s", budget=10, ok=cpu <= 10)
    ok &= report(
        "messages",
        "certificates_issued",
        job.result["count"],
        "certificates",
        budget=CERTIFICATES,
        ok=job.result["count"] == CERTIFICATES,
    )
    largest = max(sizes) / 1000
    ok &= report("messages", "certificate_pdf_largest", largest, "KB", budget=60, ok=largest <= 60)
    return ok


if __name__ == "__main__":
    sys.exit(main())
