"""Benchmark of messages: one message to 5,000 people, sent by its job through a real SMTP server.

Budget: at least 100 messages a second for the whole job (list the deliveries, personalise each mail in
its person's language, hand it to the server over one connection, record who got it). The SMTP server is
aiosmtpd in a process of its own (its Sink handler accepts and drops each mail).
"""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date

import sqlalchemy as sa
from harness import Deployment, _free_port, report

RECIPIENTS = 5_000


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
    finally:
        smtp.terminate()
        smtp.wait(timeout=10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
