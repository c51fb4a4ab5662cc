"""Untracked jobs (e-mails) on a real Redis: a list per queue, drained by one RQ job at a time."""

from __future__ import annotations

import os
import pickle

import pytest
from helpers import counting_connection
from redis import Redis
from rq import Queue, SimpleWorker

from forum import jobs, quick_jobs

URL = os.environ.get("MULTAQA_TEST_REDIS", "redis://127.0.0.1:6379/15")
ran: list[tuple] = []


@jobs.task("test.note")
def _note(job, *args):
    ran.append(args)


@jobs.task("test.break")
def _break(job, *args):
    raise RuntimeError("the SMTP server went away")


@pytest.fixture
def queue(app, db):
    """An RQ queue of this test's own on the real Redis, its worker running in the test's app."""
    name = f"test-quick-{os.getpid()}-{id(db)}"
    app.config.update(JOBS_BACKEND="rq", REDIS_URL=URL, JOBS_QUEUE=name)
    jobs._worker_app = app
    ran.clear()
    connection = Redis.from_url(URL)
    try:
        connection.ping()
    except Exception:  # noqa: BLE001
        pytest.fail("Redis is not running on 127.0.0.1:6379 (make test starts it)")
    yield Queue(name, connection=connection)
    jobs._worker_app = None
    app.config.update(JOBS_BACKEND="eager", REDIS_URL=None, JOBS_QUEUE="multaqa")
    connection.delete(f"rq:queue:{name}", *quick_jobs.keys(name))


def _work(queue: Queue) -> None:
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def test_the_untracked_jobs_of_many_commits_queue_one_drain_that_runs_them_in_order(db, queue):
    for n in range(3):
        jobs.enqueue("test.note", n, track=False)
        db.session.commit()
    listed, flag = quick_jobs.keys(queue.name)
    assert queue.count == 1 and queue.connection.llen(listed) == 3  # one RQ job for the three

    _work(queue)
    assert ran == [(0,), (1,), (2,)]
    assert queue.connection.llen(listed) == 0 and not queue.connection.exists(flag)

    # the drain ended and let its flag go: the next e-mail queues the next drain
    jobs.enqueue("test.note", 3, track=False)
    db.session.commit()
    assert queue.count == 1
    _work(queue)
    assert ran[-1] == (3,)


def test_a_failing_job_is_logged_and_does_not_stop_the_ones_after_it(db, queue, caplog):
    jobs.enqueue("test.break", track=False)
    jobs.enqueue("test.note", "after", track=False)
    db.session.commit()
    _work(queue)
    assert ran == [("after",)]
    assert "the SMTP server went away" in caplog.text
    assert queue.connection.llen(quick_jobs.keys(queue.name)[0]) == 0


def test_tracked_and_untracked_jobs_of_a_commit_each_go_their_way(db, queue):
    tracked = jobs.enqueue("test.note", "tracked")
    jobs.enqueue("test.note", "untracked", track=False)
    db.session.commit()
    assert sorted(job.func_name for job in queue.get_jobs()) == [
        "forum.jobs.run_in_worker",
        "forum.quick_jobs.drain_in_worker",
    ]
    _work(queue)
    assert sorted(ran) == [("tracked",), ("untracked",)]
    db.session.expire_all()
    assert db.session.get(jobs.Job, tracked.id).status == jobs.JobStatus.done


def test_a_commit_while_a_drain_is_queued_is_one_round_trip(db, queue):
    sent = []

    Counted = counting_connection(sent)

    kept = jobs._redis_clients.get(URL)
    jobs._redis_clients[URL] = Redis.from_url(URL, connection_class=Counted)
    try:
        jobs.enqueue("test.note", 1, track=False)
        db.session.commit()  # sets the flag and queues the drain
        sent.clear()
        jobs.enqueue("test.note", 2, track=False)
        db.session.commit()
        assert len(sent) == 1
    finally:
        jobs._redis_clients.pop(URL)
        if kept is not None:
            jobs._redis_clients[URL] = kept
    assert queue.count == 1
    _work(queue)
    assert ran == [(1,), (2,)]


def test_the_worker_resumes_the_jobs_a_dead_drain_left(db, queue, runner):
    listed, flag = quick_jobs.keys(queue.name)
    # a drain died holding the flag; the flag has since lapsed, its jobs wait with no RQ job to run them
    queue.connection.rpush(listed, pickle.dumps(("test.note", ("left",))))
    assert queue.count == 0 and not queue.connection.exists(flag)
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert ran == [("left",)]


def test_a_drain_gives_way_to_the_jobs_queued_behind_it(db, queue, monkeypatch):
    monkeypatch.setattr(quick_jobs, "CHECK_SECONDS", 0)  # look for waiting jobs after every e-mail
    jobs.enqueue("test.note", "first mail", track=False)
    jobs.enqueue("test.note", "second mail", track=False)
    db.session.commit()
    jobs.enqueue("test.note", "a badge batch")  # tracked: an RQ job of its own, queued after the drain
    db.session.commit()
    _work(queue)
    assert ran == [("first mail",), ("a badge batch",), ("second mail",)]


def test_a_job_that_cannot_be_read_is_dropped_and_the_next_one_runs(db, queue):
    listed, _flag = quick_jobs.keys(queue.name)
    queue.connection.rpush(listed, b"not a job")
    jobs.enqueue("test.note", "next", track=False)
    db.session.commit()
    _work(queue)
    assert ran == [("next",)]
