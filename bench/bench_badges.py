"""Benchmark of badge printing: a 1,000-badge print PDF built by the print job, on one core.

Budget: the whole job (render 1,000 badges with shaped Arabic, write the PDF, mark them printed)
within 20 s, and at most 100 KB a badge in the file.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date

import sqlalchemy as sa
from harness import Deployment, report

BADGES = 1_000


def _logo() -> bytes:
    """A forum logo of a few colours on a transparent ground, as an organiser would upload one."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (800, 260), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle([(0, 0), (260, 260)], 40, fill=(15, 92, 77, 255))
    draw.ellipse([(60, 60), (200, 200)], fill=(230, 160, 20, 255))
    draw.rectangle([(300, 90), (780, 170)], fill=(120, 40, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def main() -> int:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the budget says
    from forum import storage
    from forum.badges.models import BadgePrint, PrintBatch
    from forum.badges.services import request_print
    from forum.events.models import Forum, ForumStatus
    from forum.events.services import set_logo
    from forum.extensions import db
    from forum.images import clean_logo
    from forum.jobs import Job, JobStatus
    from forum.registration.models import Area, Category, Gender, Organisation, OrganisationKind, Registration
    from forum.seed import FAMILIES, MEN, ORGANISATIONS, WOMEN

    ok = True
    with Deployment(workers=1) as dep, dep.app.app_context():
        forum = Forum(
            slug="bench-badges",
            title={
                "ar": "المنتدى الجهوي السادس للمجتمع المدني - جهة درعة تافيلالت",
                "fr": "6e Forum régional de la société civile - Drâa-Tafilalet",
            },
            region="draa-tafilalet",
            city={"ar": "الرشيدية", "fr": "Errachidia", "en": "Errachidia"},
            starts_on=date(2026, 2, 13),
            ends_on=date(2026, 2, 14),
            status=ForumStatus.open,
        )
        db.session.add(forum)
        db.session.flush()
        set_logo(forum, clean_logo(_logo()), actor=None)  # badges print the forum's logo in its colours
        organisations = [
            Organisation(name=n, kind=OrganisationKind(k), province=p, area=Area(a)) for n, k, p, a in ORGANISATIONS
        ]
        db.session.add_all(organisations)
        db.session.flush()
        categories = list(Category)
        for n in range(BADGES):
            given = (WOMEN + MEN)[n % (len(WOMEN) + len(MEN))]
            family = FAMILIES[n % len(FAMILIES)]
            db.session.add(
                Registration(
                    forum_id=forum.id,
                    organisation=organisations[n % len(organisations)],
                    name_ar=f"{given[0]} {family[0]}" + (" بن عبد الرحمن الإدريسي الحسني" if n % 10 == 0 else ""),
                    name_latin=f"{given[1]} {family[1]}",
                    email=f"b{n}@bench.ma",
                    category=categories[n % len(categories)],
                    gender=Gender.female,
                    status="confirmed",
                )
            )
        db.session.commit()
        batch = request_print(forum, "unprinted", "a4", actor=None)
        started, cpu_started = time.perf_counter(), time.process_time()
        db.session.commit()  # the job runs once the request's transaction commits (eager: here and now)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        batch = db.session.get(PrintBatch, batch.id)
        job = db.session.get(Job, batch.job_id)
        if job.status != JobStatus.done:
            print("job failed:", job.error, file=sys.stderr)
            return 1
        size = len(storage.read(batch.file_key))
        printed = db.session.scalar(sa.select(sa.func.count(BadgePrint.id)))
        ok &= report("badges", "pdf_1000_seconds", elapsed, "s", budget=20, ok=elapsed <= 20)
        # CPU time of this process: what the job costs, whatever else the machine is doing.
        report("badges", "pdf_1000_cpu_seconds", cpu, "s", budget="none", ok=True)
        ok &= report("badges", "bytes_per_badge", size / BADGES / 1000, "KB", budget=100, ok=size / BADGES <= 100_000)
        ok &= report("badges", "marked_printed", printed, "badges", budget=BADGES, ok=printed == BADGES)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
