"""Benchmark of badge printing: a 1,000-badge print PDF (A4, four a sheet) built by the print job, drawn
by one process and by one process a core, in turn (1 N 1 N), in the same run.

The whole job counts: render 1,000 badges with shaped Arabic, write the PDF, mark them printed. The
fonts are loaded before, as in a job worker that has printed before. Prints the time on N processes,
the time per badge, the speed-up over one process and the speed-up per core, the CPU a badge (the job's
own process, serial, and the drawing processes, parallel), and the size a badge.
On a machine shared with other work, the speed-up shows only as far as cores are free: Linux's
autogroup gives a session's processes together one session's part of the CPUs. The CPU split does
not depend on it.
Budgets: at most half the 14.4 s the job took before it drew on every core (issue 19), and no more
than its 15.8 KB a badge.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import time
from datetime import date

import sqlalchemy as sa
from harness import Deployment, report

BADGES = 1_000
ROUNDS = 2
#: the job's time and size a badge before it drew on every core (one process, one core)
BEFORE_SECONDS, BEFORE_KB = 14.4, 15.8


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


def _cpu() -> tuple[float, float]:
    """CPU seconds of this process (the job runs in one of its threads) and of its children that have
    ended (the drawing processes)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


def main() -> int:
    from forum import storage
    from forum.badges.models import BadgePrint, PrintBatch
    from forum.badges.render import warm_fonts
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
        warm_fonts()

        def print_all(processes: int) -> tuple[float, tuple[float, float], PrintBatch]:
            """Run a print job of every badge on `processes`; its time, its CPU (the job's process and
            the drawing processes) and its batch."""
            dep.app.config["BADGE_PRINT_PROCESSES"] = processes
            batch = request_print(forum, "confirmed", "a4", actor=None)
            started, cpu_started = time.perf_counter(), _cpu()
            db.session.commit()  # the job runs once the request's transaction commits (eager: here and now)
            elapsed, cpu = time.perf_counter() - started, tuple(b - a for a, b in zip(cpu_started, _cpu(), strict=True))
            batch = db.session.get(PrintBatch, batch.id)
            job = db.session.get(Job, batch.job_id)
            if job.status != JobStatus.done:
                raise RuntimeError(f"job failed: {job.error}")
            return elapsed, cpu, batch

        cores = len(os.sched_getaffinity(0))
        times: dict[int, list[float]] = {1: [], cores: []}
        cpus: dict[int, list[tuple[float, float]]] = {1: [], cores: []}
        for _ in range(ROUNDS):
            for processes in times:
                elapsed, cpu, batch = print_all(processes)
                times[processes].append(elapsed)
                cpus[processes].append(cpu)
        one, every = statistics.mean(times[1]), statistics.mean(times[cores])
        size = len(storage.read(batch.file_key))
        printed = db.session.scalar(sa.select(sa.func.count(BadgePrint.id)).where(BadgePrint.batch_id == batch.id))
        budget = BEFORE_SECONDS / 2
        ok &= report("badges", f"pdf_1000_seconds_{cores}_processes", every, "s", budget=budget, ok=every <= budget)
        report("badges", "pdf_1000_seconds_1_process", one, "s", budget="-", ok=True)
        report("badges", f"ms_per_badge_{cores}_processes", every * 1000 / BADGES, "ms", budget="-", ok=True)
        report("badges", f"speedup_{cores}_processes_vs_1", one / every, "ratio", budget="-", ok=True)
        report("badges", "speedup_per_core", one / every / cores, "ratio", budget="-", ok=True)
        # CPU time: what the job costs whatever else the machine is doing
        for label, processes, part in (
            (f"{cores}_processes_job", cores, 0),
            (f"{cores}_processes_drawing", cores, 1),
            ("1_process", 1, 0),
        ):
            cpu = statistics.mean(cpu[part] for cpu in cpus[processes]) * 1000 / BADGES
            report("badges", f"cpu_ms_per_badge_{label}", cpu, "ms", budget="-", ok=True)
        kb = size / BADGES / 1000
        ok &= report("badges", "bytes_per_badge", kb, "KB", budget=BEFORE_KB, ok=kb <= BEFORE_KB)
        ok &= report("badges", "marked_printed", printed, "badges", budget=BADGES, ok=printed == BADGES)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
