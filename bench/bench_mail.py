"""Benchmark of the e-mail queue as the README deploys it: sign-ups through the real form queue their
confirmation e-mails on Redis (RQ), then `flask jobs worker` drains them through a real SMTP server
(aiosmtpd on a free port). The drain rate counts from the first e-mail received to the last, so the
worker's start-up (building the app once) is printed apart.

Budget: the worker drains >= 40 confirmation e-mails a second.
"""

from __future__ import annotations

import logging
import os
import resource
import secrets
import subprocess
import sys
import threading
import time

from aiosmtpd.controller import Controller
from bench_registration import make_forum, registrar
from harness import ROOT, Deployment, _cpu_seconds, _free_port, closed_loop, report

NAME = "mail"
MAILS = int(os.environ.get("BENCH_MAILS", "400"))
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/14")


class Counter:
    """An SMTP handler that only notes when each message arrived."""

    def __init__(self) -> None:
        self.arrivals: list[float] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook name)
        with self.lock:
            self.arrivals.append(time.perf_counter())
        return "250 OK"


def main() -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command at INFO
    counter, port = Counter(), _free_port()
    smtp = Controller(counter, hostname="127.0.0.1", port=port)
    smtp.start()
    queue = f"bench-mail-{secrets.token_hex(3)}"
    env = {
        "REDIS_URL": REDIS_URL,
        "JOBS_BACKEND": "rq",
        "JOBS_QUEUE": queue,
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(port),
    }
    ok = True
    try:
        with Deployment(workers=2, threads=1, env=env, worker=False) as dep:  # the worker starts below
            with dep.app.app_context():
                make_forum("bench-mail", 100_000)
            result = closed_loop(dep.url, clients=4, total=MAILS, request=registrar("bench-mail", queue))
            if result.errors or counter.arrivals:
                print(f"# sign-ups: {result.errors} errors {result.error_samples}; mails sent early", file=sys.stderr)
                return 1
            started, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
            worker = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker", "--burst"],
                cwd=ROOT,
                env=dep._environment(),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            while not counter.arrivals and worker.poll() is None:
                time.sleep(0.001)
            start_up = _cpu_seconds(worker.pid)  # building the app, until its first e-mail is out
            _, errors = worker.communicate(timeout=600)
            if worker.returncode != 0:
                print(errors[-2000:], file=sys.stderr)
            arrivals = sorted(counter.arrivals)
            ended = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = ended.ru_utime + ended.ru_stime - children.ru_utime - children.ru_stime - start_up
        ok &= report(NAME, "received", len(arrivals), "e-mails", budget=MAILS, ok=len(arrivals) == MAILS)
        if len(arrivals) > 1:
            report(NAME, "worker_first_mail", arrivals[0] - started, "s", budget="-", ok=True)
            rate = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
            ok &= report(NAME, "drain_rate", rate, "e-mails/s", budget=40, ok=rate >= 40)
            report(NAME, "worker_cpu", 1000 * cpu / (len(arrivals) - 1), "ms/e-mail", budget="-", ok=True)
    finally:
        smtp.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
