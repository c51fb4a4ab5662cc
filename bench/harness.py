"""Benchmark harness: the app as deployed (gunicorn + PostgreSQL) on a fresh database, load generators
that measure honestly, and the one-line report format `bench <name> <figure> <value> <unit> budget …`.

closed_loop: N clients, each sends its next request as soon as the last is answered (capacity).
open_loop:   requests sent at a fixed rate, each latency measured from its *scheduled* time, so a slow
             answer that delays the next ones is not hidden (no coordinated omission).
"""

from __future__ import annotations

import itertools
import json as _json
import math
import os
import runpy
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests
import urllib3

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_ADMIN_URL = os.environ.get("BENCH_PG", "postgresql://127.0.0.1:5432/test")
REDIS_URL = os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/13")
#: the settings the README deploys with (gunicorn.conf.py: workers and threads from the machine's cores)
GUNICORN = runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and of its descendants still running (/proc)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children") as children:
            kids = [int(child) for child in children.read().split()]
    except FileNotFoundError:  # it ended meanwhile
        return 0.0
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime
    return own + sum(_cpu_seconds(kid) for kid in kids)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Response:
    """What the bench scripts read from an answer: status, headers, body."""

    def __init__(self, raw: urllib3.BaseHTTPResponse) -> None:
        self.status_code = raw.status
        self.headers = raw.headers
        self.content = raw.data

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return _json.loads(self.content)

    def raise_for_status(self) -> None:
        if self.status_code >= 400:
            raise HTTPError(f"{self.status_code} answered")


class HTTPError(RuntimeError):
    """The server answered 400 or more (counted as an error by the load generators)."""


_clients = itertools.count(1)


def client_address(n: int | None = None) -> str:
    """The n-th made-up client address (10.0.0.1, 10.0.0.2, …); a new one without n."""
    n = next(_clients) if n is None else n
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


class Client:
    """A browser-like client bound to the deployment's base URL: client.get("/f/x/").

    Keeps one keep-alive connection, the cookies the server sets (one host, so name -> value is
    enough) and default `headers`. A plain urllib3 pool rather than python-requests: the load
    generator runs on the same two cores as the server, and requests' session machinery (hooks,
    adapters, cookie policy, redirect resolution) costs it about twice urllib3's CPU per request.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        # its own address, as the reverse proxy in front of the app would say (rate limits count per client)
        self.headers: dict[str, str] = {"X-Forwarded-For": client_address()}
        self.cookies: dict[str, str] = {}
        self._pool = urllib3.connection_from_url(base_url, maxsize=1, block=False, retries=False, timeout=30)

    def request(
        self,
        method: str,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        data: dict[str, Any] | None = None,
        json: Any = None,
        timeout: float = 30,
    ) -> Response:
        all_headers = {**self.headers, **(headers or {})}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif json is not None:
            body = _json.dumps(json)
            all_headers["Content-Type"] = "application/json"
        path = url[len(self.base_url) :] if url.startswith(self.base_url) else url
        raw = self._pool.urlopen(method, path, body=body, headers=all_headers, redirect=False, timeout=timeout)
        for header in raw.headers.getlist("Set-Cookie"):
            self._keep_cookie(header)
        return Response(raw)

    def _keep_cookie(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"]:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, url: str, **kwargs: Any) -> Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Response:
        return self.request("POST", url, **kwargs)

    def close(self) -> None:
        self._pool.close()


class Deployment:
    """A fresh database with the migrations applied, and gunicorn serving the app on a free port.

    `dep.app` is an in-process app on the same database, to build data with the services.
    database="postgresql" (default) or "sqlite" (a file in a temporary folder).

    It runs as the README deploys it: rate limits and the job queue on Redis, behind a reverse proxy
    (one trusted X-Forwarded-For: each `Client` is a client address of its own), and a `flask jobs
    worker` for the jobs (`worker=False` to leave the queue to the bench). readme=False: development
    mode, limits off and jobs in threads in the web processes.
    """

    def __init__(
        self,
        workers: int | None = None,
        threads: int | None = None,
        database: str = "postgresql",
        env: dict[str, str] | None = None,
        *,
        readme: bool = True,
        worker: bool = True,
        keep: str | None = None,
    ) -> None:
        self.workers = workers or GUNICORN["workers"]
        self.threads = threads or GUNICORN["threads"]
        self.database = database
        self.readme, self.worker = readme, worker and readme
        self.extra_env = env or {}
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._tmp = tempfile.TemporaryDirectory(prefix="multaqa-bench-")
        self._run = f"multaqa_bench_{os.getpid()}_{secrets.token_hex(3)}"
        self._db_name, self.keep = keep or self._run, keep is not None
        self._server: subprocess.Popen | None = None
        self._floors: list[subprocess.Popen] = []
        #: each gunicorn's master process by its base URL, for its CPU time
        self._masters: dict[str, subprocess.Popen] = {}
        self.app = None

    @property
    def database_url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self._tmp.name}/bench.sqlite3"
        base = PG_ADMIN_URL.rsplit("/", 1)[0].split("://", 1)[1]
        return f"postgresql+psycopg://{base}/{self._db_name}"

    def _environment(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "FLASK_DEBUG")}
        env.update(
            DATABASE_URL=self.database_url,
            SECRET_KEY="bench-secret-key-" + self._db_name,
            MULTAQA_ENV="development",
            RATELIMIT_ENABLED="0",
            MAIL_BACKEND="outbox",
            JOBS_BACKEND="thread",
            STORAGE_ROOT=f"{self._tmp.name}/files",
            PYTHONPATH=str(ROOT),
        )
        if self.readme:
            env.update(
                REDIS_URL=REDIS_URL,
                RATELIMIT_ENABLED="1",
                RATELIMIT_KEY_PREFIX=self._run,
                JOBS_BACKEND="rq",
                JOBS_QUEUE=self._run,
                TRUSTED_PROXIES="1",
            )
        env.update(self.extra_env)
        return env

    def __enter__(self) -> Deployment:
        subprocess.run([str(ROOT / "scripts" / "services.sh")], check=True, stdout=subprocess.DEVNULL)
        if self.database == "postgresql":
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                kept = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self._db_name,)).fetchone()
                if not (self.keep and kept):
                    conn.execute(f'CREATE DATABASE "{self._db_name}"')
        env = self._environment()
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "app", "db", "upgrade"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        from forum import create_app

        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"),
                "SECRET_KEY": env["SECRET_KEY"],
                "MAIL_BACKEND": "outbox",
                "MAIL_OUTBOX": f"{self._tmp.name}/outbox",
                "JOBS_BACKEND": "eager",
                "STORAGE_ROOT": env["STORAGE_ROOT"],
                "RATELIMIT_ENABLED": False,
                "SERVER_NAME": f"127.0.0.1:{self.port}",
            }
        )
        self._server = self._masters[self.url] = self._gunicorn("app:app", self.port, env, ROOT)
        if self.worker:
            with open(f"{self._tmp.name}/worker.log", "w") as log:
                command = [sys.executable, "-m", "flask", "--app", "app", "jobs", "worker"]
                self._floors.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log))
        if self._answers(self.url):
            return self
        self.__exit__(None, None, None)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def serve_floor(self) -> str:
        """Serve bench/floor.py (the least code a request needs) with the same gunicorn settings on the
        same database; returns its base URL. Stopped with the deployment."""
        return self.serve("floor:app", cwd=ROOT / "bench")

    def serve(
        self, target: str = "app:app", *, workers: int | None = None, threads: int | None = None, cwd: Path = ROOT
    ) -> str:
        """One more gunicorn on the same database (`target` with other settings); returns its base URL.
        Stopped with the deployment."""
        port = _free_port()
        server = self._gunicorn(target, port, self._environment(), cwd, workers=workers, threads=threads)
        self._floors.append(server)
        url = f"http://127.0.0.1:{port}"
        self._masters[url] = server
        if not self._answers(url):
            raise RuntimeError(f"gunicorn ({target}) did not answer within 60 s")
        return url

    def cpu_seconds(self, url: str) -> float:
        """The CPU time (user + system) the gunicorn serving `url` has used so far, its master and
        workers together: the server's own cost of what it answered, whatever else the machine does."""
        return _cpu_seconds(self._masters[url].pid)

    def _gunicorn(
        self,
        target: str,
        port: int,
        env: dict[str, str],
        cwd: Path,
        *,
        workers: int | None = None,
        threads: int | None = None,
    ) -> subprocess.Popen:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(workers or self.workers),
                "--threads",
                str(threads or self.threads),
                "--bind",
                f"127.0.0.1:{port}",
                # Keep-alive longer than the clients' idle gaps, as behind a reverse proxy that reuses
                # its upstream connections; gunicorn's 2 s default closes them under the open loop's
                # pooled threads and turns a reused socket into a reset the server never saw.
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
                target,
            ],
            cwd=cwd,
            env=env,
        )

    @staticmethod
    def _answers(url: str) -> bool:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(url + "/", timeout=5).status_code == 200:
                    return True
            except requests.RequestException:
                time.sleep(0.2)
        return False

    def client(self) -> Client:
        return Client(self.url)

    def __exit__(self, *exc: Any) -> None:
        for server in [self._server, *self._floors]:
            if server is None:
                continue
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
        if self.app is not None:
            from forum.extensions import db

            with self.app.app_context():
                db.engine.dispose()
        if self.database == "postgresql" and not self.keep:
            import psycopg

            with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self._db_name}" WITH (FORCE)')
        self._tmp.cleanup()


@dataclass
class Result:
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: bytes of the last page answered (`sequential`)
    size: int = 0

    @property
    def count(self) -> int:
        return len(self.latencies_ms) + self.errors

    @property
    def throughput(self) -> float:
        return len(self.latencies_ms) / self.elapsed if self.elapsed else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile (nearest rank) of the successful requests' latencies, in ms."""
        if not self.latencies_ms:
            return math.nan
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    def _record(self, lock: threading.Lock, latency_ms: float | None, error: BaseException | None) -> None:
        with lock:
            if error is None:
                self.latencies_ms.append(latency_ms)
            else:
                self.errors += 1
                if len(self.error_samples) < 5:
                    self.error_samples.append(f"{type(error).__name__}: {error}"[:300])


Request = Callable[[Client, int], None]


def closed_loop(base_url: str, *, clients: int, total: int, request: Request) -> Result:
    """`clients` threads share `total` requests; each sends the next as soon as the last is answered."""
    result, lock, counter = Result(), threading.Lock(), iter(range(total))

    def worker() -> None:
        client = Client(base_url)
        try:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                started = time.perf_counter()
                try:
                    request(client, i)
                except Exception as error:  # noqa: BLE001 - every failure counts as an error
                    result._record(lock, None, error)
                else:
                    result._record(lock, (time.perf_counter() - started) * 1000, None)
        finally:
            client.close()  # no idle connection left to the server for the next measurement

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    return result


def open_loop(base_url: str, *, rate: float, duration: float, request: Request, max_workers: int = 64) -> Result:
    """Send `rate` requests a second for `duration` seconds; latency counts from each scheduled time."""
    result, lock, local = Result(), threading.Lock(), threading.local()
    total, clients = int(rate * duration), []

    def send(i: int, scheduled: float) -> None:
        client = getattr(local, "client", None)
        if client is None:
            client = local.client = Client(base_url)
            with lock:
                clients.append(client)
        try:
            request(client, i)
        except Exception as error:  # noqa: BLE001
            result._record(lock, None, error)
        else:
            result._record(lock, (time.perf_counter() - scheduled) * 1000, None)

    with ThreadPoolExecutor(max_workers=max_workers) as pool:
        start = time.perf_counter() + 0.05
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(send, i, scheduled)
    result.elapsed = time.perf_counter() - start
    for client in clients:  # no idle connection left to the server for the next measurement
        client.close()
    return result


def report(name: str, figure: str, value: float, unit: str, *, budget: float | str, ok: bool) -> bool:
    """Print one figure in the project's format, after the machine's load (shared: a figure means little
    without it); returns ok so scripts can set their exit status."""
    print(f"# load {load()}", flush=True)
    shown = f"{value:.{2 if unit == 'ratio' else 1}f}" if isinstance(value, float) else str(value)
    print(f"bench {name} {figure} {shown} {unit} budget {budget} {'ok' if ok else 'OVER'}", flush=True)
    return ok


def load() -> str:
    """The machine's load averages (1, 5, 15 min): printed with the figures, the machine being shared."""
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    import re

    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    if match is None:
        raise ValueError("no CSRF token on the page")
    return match.group(1)


def in_turn(rounds: int, **runs: Callable[[int], Result]) -> dict[str, Result]:
    """Run each measurement in turn, A B A B …, `rounds` times (run(n) for round n), so that what else
    the machine does falls on all alike; returns each one's results merged over its rounds."""
    merged = {name: Result() for name in runs}
    for n in range(rounds):
        for name, run in runs.items():
            result = run(n)
            into = merged[name]
            into.latencies_ms += result.latencies_ms
            into.errors += result.errors
            into.error_samples += result.error_samples[: 5 - len(into.error_samples)]
            into.elapsed += result.elapsed
            into.size = result.size or into.size
    return merged


def sequential(client: Client, url: str, count: int, expect: str) -> Result:
    """`count` GETs of `url`, one after the other, by one client (signed in if it was); a request is an
    error unless answered 200 with `expect` in the page. Keeps the size of the last page (`.size`)."""
    result = Result()
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or expect not in response.text:
            result.errors += 1
            if len(result.error_samples) < 5:
                result.error_samples.append(f"{url}: {response.status_code}")
        else:
            result.latencies_ms.append(elapsed)
            result.size = len(response.content)
    return result


def report_growth(name: str, figure: str, small: Result, large: Result, sizes: tuple[int, int]) -> bool:
    """Each size's p50 and the ratio of the large one's to the small one's (budget: <= 1.3)."""
    p50_small, p50_large = small.percentile(50), large.percentile(50)
    report(name, f"{figure}_p50_{sizes[0]}", p50_small, "ms", budget="-", ok=True)
    report(name, f"{figure}_p50_{sizes[1]}", p50_large, "ms", budget="-", ok=True)
    ratio = p50_large / p50_small
    ok = small.errors == 0 and large.errors == 0
    for result in (small, large):
        if result.errors:
            print(f"# {figure}: {result.error_samples}", file=sys.stderr, flush=True)
    return report(name, f"{figure}_p50", ratio, "ratio", budget=1.3, ok=ok and ratio <= 1.3)


def report_ratio(
    name: str, figure: str, multaqa: float, floor: float, unit: str, *, budget: float, at_least: bool
) -> bool:
    """Multaqa's figure, the floor's, and their ratio against its budget (`at_least`: the ratio must be
    >= budget, as for a capacity; else <= budget, as for a latency)."""
    report(name, figure, multaqa, unit, budget="-", ok=True)
    report(name, f"{figure}_floor", floor, unit, budget="-", ok=True)
    ratio = multaqa / floor if floor else math.inf
    ok = ratio >= budget if at_least else ratio <= budget
    return report(name, f"{figure}_vs_floor", ratio, "ratio", budget=f"{'>=' if at_least else '<='}{budget}", ok=ok)
