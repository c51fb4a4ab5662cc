"""Slow work out of the request: one interface, a thread in development, RQ on Redis when configured.

A job is dispatched only once the transaction that asked for it has committed, so the worker always
sees the rows it needs. Tracked jobs keep a Job row (status, progress, result) that pages can poll.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, SessionTransaction, mapped_column
from sqlalchemy.orm import Session as OrmSession

from forum import create_app, mail_relay
from forum.db import UTCDateTime, utcnow
from forum.extensions import db

log = logging.getLogger(__name__)


class JobStatus(enum.StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"

    @property
    def title(self) -> str:
        """The status's display name, in the current language."""
        return str(JOB_STATUS_TITLES[self])


JOB_STATUS_TITLES = {
    JobStatus.queued: _l("Waiting"),
    JobStatus.running: _l("In progress"),
    JobStatus.done: _l("Ready"),
    JobStatus.failed: _l("Failed"),
}


class Job(db.Model):
    __tablename__ = "job"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the registered task name, e.g. "badges.print_batch"
    kind: Mapped[str] = mapped_column(sa.String(80))
    forum_id: Mapped[int | None] = mapped_column(sa.ForeignKey("forum.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    status: Mapped[JobStatus] = mapped_column(
        sa.Enum(JobStatus, native_enum=False, length=20), default=JobStatus.queued
    )
    #: 0..100
    progress: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"

    @property
    def is_finished(self) -> bool:
        """Done or failed: nothing more will happen to this job."""
        return self.status in (JobStatus.done, JobStatus.failed)

    def report(self, done: int, total: int) -> None:
        """Record progress from inside the task (committed at once so a page polling it sees it)."""
        self.progress = min(100, int(100 * done / total)) if total else 100
        db.session.commit()


_tasks: dict[str, Callable[..., dict[str, Any] | None]] = {}
_executor: ThreadPoolExecutor | None = None
_executor_lock = threading.Lock()


def task(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register fn(job, *args) under a name; the job is None for untracked work such as mail. A name is
    one task: a second function under it would silently take the first one's jobs."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        if _tasks.setdefault(name, fn) is not fn:
            raise ValueError(f"the job kind {name!r} is already a task ({_tasks[name].__qualname__})")
        return fn

    return decorator


def enqueue(kind: str, *args: Any, forum: Any = None, user: Any = None, track: bool = True) -> Job | None:
    """Ask for work to run once the current transaction commits; returns the Job row when tracked."""
    if kind not in _tasks:
        raise KeyError(f"unknown job kind {kind!r}")
    job = None
    if track:
        job = Job(kind=kind, forum_id=getattr(forum, "id", None), created_by_id=getattr(user, "id", None))
        db.session.add(job)
        db.session.flush()
    pending = db.session.info.setdefault("pending_jobs", [])
    entry = (current_app._get_current_object(), kind, job.id if job else None, args)
    pending.append(_Pending(db.session().get_nested_transaction(), entry))
    return job


@dataclass
class _Pending:
    """A job waiting for its transaction: `savepoint` is the innermost savepoint open when it was asked
    for (None: the transaction itself), so a savepoint rolled back takes its own jobs with it."""

    savepoint: SessionTransaction | None
    entry: tuple[Flask, str, int | None, tuple]


def _enclosing_savepoint(transaction: SessionTransaction) -> SessionTransaction | None:
    parent = transaction.parent
    while parent is not None and not parent.nested:
        parent = parent.parent
    return parent


def _inside(savepoint: SessionTransaction | None, ended: SessionTransaction) -> bool:
    while savepoint is not None:
        if savepoint is ended:
            return True
        savepoint = _enclosing_savepoint(savepoint)
    return False


@sa.event.listens_for(OrmSession, "after_commit")
def _dispatch_after_commit(session: OrmSession) -> None:
    released = session.get_nested_transaction()
    if released is not None:
        # A savepoint released (SQLAlchemy says "commit" for it too): nothing is durable yet, so its
        # jobs wait for the transaction around it. Dispatched here, a worker could run a job before
        # its rows exist, or for work the transaction then rolls back.
        for pending in session.info.get("pending_jobs", []):
            if pending.savepoint is released:
                pending.savepoint = _enclosing_savepoint(released)
        return
    queues: dict[tuple[str, str], list[tuple[str, int | None, tuple]]] = {}
    for pending in session.info.pop("pending_jobs", []):
        app, kind, job_id, args = pending.entry
        if app.config["JOBS_BACKEND"] == "rq":
            queues.setdefault((app.config["REDIS_URL"], app.config["JOBS_QUEUE"]), []).append((kind, job_id, args))
        else:
            _dispatch(app, kind, job_id, args)
    for (url, name), queued in queues.items():
        _queue_on_redis(url, name, queued)


@sa.event.listens_for(OrmSession, "after_rollback")
def _forget_after_rollback(session: OrmSession) -> None:
    rolled_back = session.get_nested_transaction()
    if rolled_back is None:
        session.info.pop("pending_jobs", None)
        return
    # Only a savepoint: the jobs asked for inside it go with it, those asked for before it stay.
    pending = session.info.get("pending_jobs", [])
    pending[:] = [p for p in pending if not _inside(p.savepoint, rolled_back)]


def _queue_on_redis(url: str, name: str, queued: list[tuple[str, int | None, tuple]]) -> None:
    """The jobs of one commit onto their RQ queue in one round trip to Redis (one pipeline, where RQ
    alone sends two for each job): tracked jobs as RQ jobs, untracked ones onto the queue's list that
    one RQ job drains (forum/quick_jobs.py), with a second round trip when that drain must be queued."""
    from rq import Queue

    from forum import quick_jobs

    connection = redis_client(url)
    queue = Queue(name, connection=connection)
    untracked = [(kind, args) for kind, job_id, args in queued if job_id is None]
    with connection.pipeline() as pipe:
        for kind, job_id, args in queued:
            if job_id is not None:
                queue.enqueue("forum.jobs.run_in_worker", kind, job_id, args, job_timeout=1800, pipeline=pipe)
        if untracked:
            quick_jobs.push(pipe, name, untracked)
        flagged = pipe.execute()[-1]
    if untracked and flagged:
        quick_jobs.start_drain(queue)


def _dispatch(app: Flask, kind: str, job_id: int | None, args: tuple) -> None:
    if app.config["JOBS_BACKEND"] == "eager":
        # Its own thread, so the work gets its own app context and session, and is finished on return.
        thread = threading.Thread(target=_run_in_thread_of_its_own, args=(app, kind, job_id, args))
        thread.start()
        thread.join()
    else:
        _thread_pool().submit(_run_in_app, app, kind, job_id, args)


_redis_clients: dict[str, Any] = {}


def redis_client(url: str) -> Any:
    """One Redis client per process and URL, so one pool of connections: each sign-up used to open a
    new connection to queue its e-mail (redis-py's pool is thread-safe and starts afresh after a fork)."""
    client = _redis_clients.get(url)
    if client is None:
        from redis import Redis

        client = _redis_clients.setdefault(url, Redis.from_url(url))
    return client


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="multaqa-job")
        return _executor


def wait_for_threads() -> None:
    """Block until every job handed to the thread backend so far has finished (tests, shutdown)."""
    global _executor
    with _executor_lock:
        executor, _executor = _executor, None
    if executor is not None:
        executor.shutdown(wait=True)


def _run_in_app(app: Flask, kind: str, job_id: int | None, args: tuple) -> None:
    with app.app_context():
        run(kind, job_id, args)


def _run_in_thread_of_its_own(app: Flask, kind: str, job_id: int | None, args: tuple) -> None:
    try:
        _run_in_app(app, kind, job_id, args)
    finally:
        mail_relay.close()  # the thread ends with the job: its SMTP connection too


_worker_app: Flask | None = None


def serve_with(app: Flask) -> None:
    """Run this process's RQ jobs in `app`, built once before the first job (`flask jobs worker`)."""
    global _worker_app
    _worker_app = app


def worker_app() -> Flask:
    """The app this worker process runs its jobs in: the one `flask jobs worker` was given, or one
    built at the first job."""
    global _worker_app
    if _worker_app is None:
        _worker_app = create_app()
    return _worker_app


def run_in_worker(kind: str, job_id: int | None, args: tuple) -> None:
    """Entry point of the RQ worker for a tracked job: one app per worker process."""
    _run_in_app(worker_app(), kind, job_id, args)


def run_untracked(app: Flask, kind: str, args: tuple) -> None:
    """Run one untracked job in its own app context (the drain of forum/quick_jobs.py)."""
    _run_in_app(app, kind, None, args)


def run(kind: str, job_id: int | None, args: tuple) -> None:
    """Run one task, recording its outcome on its Job row."""
    job = db.session.get(Job, job_id) if job_id is not None else None
    if job is not None:
        job.status = JobStatus.running
        db.session.commit()
    try:
        result = _tasks[kind](job, *args)
    except Exception as error:
        db.session.rollback()
        log.exception("job %s (%s) failed", job_id, kind)
        if job is not None:
            job = db.session.get(Job, job_id)
            job.status, job.error, job.finished_at = JobStatus.failed, str(error)[:2000], utcnow()
            db.session.commit()
        return
    if job is not None:
        job.status, job.progress, job.result, job.finished_at = JobStatus.done, 100, result or {}, utcnow()
    db.session.commit()
