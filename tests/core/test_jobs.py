"""Background jobs: after commit, tracked with progress, on threads or on a real RQ queue."""

from __future__ import annotations

import os

import pytest
from flask import current_app

from forum import jobs
from forum.jobs import Job, JobStatus


@jobs.task("test.count")
def _count(job, total: int):
    for n in range(total):
        job.report(n + 1, total)
    return {"counted": total}


@jobs.task("test.where")
def _where(job):
    return {"pid": os.getpid(), "app": id(current_app._get_current_object())}


@jobs.task("test.fail")
def _fail(job):
    raise ValueError("broken on purpose")


NOTED: list[str] = []


@jobs.task("test.noted")
def _note(job, word: str):
    NOTED.append(word)


@pytest.fixture
def noted():
    NOTED.clear()
    yield NOTED
    NOTED.clear()


def test_tracked_job_runs_after_commit_and_records_its_result(db):
    job = jobs.enqueue("test.count", 3)
    assert job.status == JobStatus.queued
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.done and job.progress == 100 and job.result == {"counted": 3}


def test_a_failing_job_is_marked_failed_with_its_error(db):
    job = jobs.enqueue("test.fail")
    db.session.commit()
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.status == JobStatus.failed and "broken on purpose" in job.error


def test_a_savepoint_released_keeps_its_jobs_until_the_transaction_commits(db, noted):
    with db.session.begin_nested():
        jobs.enqueue("test.noted", "inside", track=False)
    jobs.enqueue("test.noted", "after", track=False)
    assert noted == []  # released, not committed: nothing has run yet
    db.session.commit()
    assert noted == ["inside", "after"]


def test_a_savepoint_rolled_back_takes_only_its_own_jobs(db, noted):
    jobs.enqueue("test.noted", "before", track=False)
    with pytest.raises(ValueError), db.session.begin_nested():
        jobs.enqueue("test.noted", "inside", track=False)
        raise ValueError("undone")
    outer = db.session.begin_nested()
    with db.session.begin_nested():
        jobs.enqueue("test.noted", "deeper", track=False)  # released into the outer savepoint...
    outer.rollback()  # ...which then rolls back: it goes too
    jobs.enqueue("test.noted", "last", track=False)
    db.session.commit()
    assert noted == ["before", "last"]


def test_a_transaction_rolled_back_runs_none_of_its_jobs(db, noted):
    with db.session.begin_nested():
        jobs.enqueue("test.noted", "inside", track=False)
    jobs.enqueue("test.noted", "outside", track=False)
    db.session.rollback()
    db.session.commit()
    assert noted == []


def test_thread_backend(app, db):
    app.config["JOBS_BACKEND"] = "thread"
    try:
        job = jobs.enqueue("test.count", 2)
        db.session.commit()
        jobs.wait_for_threads()
    finally:
        app.config["JOBS_BACKEND"] = "eager"
    db.session.expire_all()
    assert db.session.get(Job, job.id).status == JobStatus.done


def test_rq_backend_on_real_redis(app, db):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = os.environ.get("MULTAQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    connection = Redis.from_url(url)
    try:
        connection.ping()
    except Exception:  # noqa: BLE001
        pytest.fail("Redis is not running on 127.0.0.1:6379 (make test starts it)")
    queue_name = f"test-{os.getpid()}-{id(db)}"
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=url, JOBS_QUEUE=queue_name)
    try:
        job = jobs.enqueue("test.count", 4)
        db.session.commit()
        queue = Queue(queue_name, connection=connection)
        assert queue.count >= 1
        # The worker runs the job in this process, with this (test) app.
        jobs._worker_app = app
        SimpleWorker([queue], connection=connection).work(burst=True)
    finally:
        jobs._worker_app = None
        app.config.update(JOBS_BACKEND="eager", REDIS_URL=None, JOBS_QUEUE="multaqa")
    db.session.expire_all()
    assert db.session.get(Job, job.id).result == {"counted": 4}


def test_the_jobs_of_a_commit_reach_redis_in_one_round_trip(app, db):
    from helpers import counting_connection
    from redis import Redis
    from rq import Queue
    from rq.utils import get_version

    sent = []

    Counted = counting_connection(sent)

    url = os.environ.get("MULTAQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    queue_name = f"test-pipe-{os.getpid()}-{id(db)}"
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=url, JOBS_QUEUE=queue_name)
    kept = jobs._redis_clients.get(url)
    jobs._redis_clients[url] = counted = Redis.from_url(url, connection_class=Counted)
    try:
        get_version(counted)  # asked once per client, then known
        sent.clear()
        first, second = jobs.enqueue("test.count", 1), jobs.enqueue("test.count", 2)
        db.session.commit()
        assert len(sent) == 1
        queued = Queue(queue_name, connection=Redis.from_url(url)).get_jobs()
        assert [job.args[1:] for job in queued] == [(first.id, (1,)), (second.id, (2,))]
    finally:
        jobs._redis_clients.pop(url)
        if kept is not None:
            jobs._redis_clients[url] = kept
        app.config.update(JOBS_BACKEND="eager", REDIS_URL=None, JOBS_QUEUE="multaqa")
        Redis.from_url(url).delete(f"rq:queue:{queue_name}")


def test_unknown_job_kind_is_refused(db):
    with pytest.raises(KeyError):
        jobs.enqueue("no.such.task")


def test_a_job_kind_names_one_task(db, noted):
    with pytest.raises(ValueError, match="test.noted"):
        jobs.task("test.noted")(lambda job, word: None)
    jobs.enqueue("test.noted", "still the first", track=False)
    db.session.commit()
    assert noted == ["still the first"]


def test_the_worker_command_runs_jobs_in_its_own_process_and_app_and_shares_one_redis_pool(app, db, runner):
    from redis import Redis

    url = os.environ.get("MULTAQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
    queue_name = f"test-worker-{os.getpid()}-{id(db)}"
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=url, JOBS_QUEUE=queue_name)
    try:
        first, second = jobs.enqueue("test.where"), jobs.enqueue("test.where")
        db.session.commit()
        assert jobs.redis_client(url) is jobs.redis_client(url)  # every dispatch of the process shares it
        result = runner.invoke(args=["jobs", "worker", "--burst"])
        assert result.exit_code == 0, result.output
    finally:
        jobs._worker_app = None
        app.config.update(JOBS_BACKEND="eager", REDIS_URL=None, JOBS_QUEUE="multaqa")
        Redis.from_url(url).delete(f"rq:queue:{queue_name}")
    db.session.expire_all()
    ran = [db.session.get(Job, job.id).result for job in (first, second)]
    # No fork per job, no app built per job: both ran here, in the app the command was given.
    assert ran == [{"pid": os.getpid(), "app": id(app)}] * 2
