"""Untracked jobs on RQ (an e-mail, a badge sent by e-mail): a list on Redis, drained by one RQ job.

RQ's own bookkeeping costs its worker more than sending a confirmation e-mail does (some fifty Redis
commands a job). So an untracked job is not an RQ job of its own: it is pushed onto its queue's list,
together with a flag that says a drain is queued or running, and only the push that sets the flag
queues an RQ job, the drain. The drain runs each job of the list in turn as `jobs.run` does (a failure
is logged and the next one runs), waits a moment for more, and drops the flag in the same Redis script
that finds the list empty: a later push either finds the flag held by a drain that will still pop its
job, or sets it and queues the next drain.

One drain runs at a time, and it gives way: when other RQ jobs wait in its queue (a badge batch, a
report), it queues the next drain behind them and ends, so a worker alone is not kept on e-mails while
they wait. A worker that dies while draining holds the flag no longer than FLAG_SECONDS, and a worker
that starts queues a drain for whatever a dead one left.
"""

from __future__ import annotations

import logging
import pickle
import time
from typing import Any

from forum import jobs

log = logging.getLogger(__name__)

#: a drain that died without dropping its flag holds it no longer than this
FLAG_SECONDS = 60
#: how long a drain waits for more jobs before it ends
IDLE_SECONDS = 0.1
#: how often a drain holds its flag again and looks for other jobs waiting in its queue
CHECK_SECONDS = 0.5
#: a drain ends after this long and queues the next one, well within RQ's timeout of a job
DRAIN_SECONDS = 300

# KEYS: the list, the flag; ARGV: the flag's seconds. 1 when the list is empty and the flag dropped.
_STOP = """
if redis.call('LLEN', KEYS[1]) > 0 then
  redis.call('EXPIRE', KEYS[2], ARGV[1])
  return 0
end
redis.call('DEL', KEYS[2])
return 1
"""
# KEYS: the list, the flag; ARGV: the flag's seconds. 1 when jobs wait and no drain holds the flag.
_RESUME = """
if redis.call('LLEN', KEYS[1]) == 0 then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[1]) then return 1 end
return 0
"""


def keys(queue: str) -> list[str]:
    """The queue's list of untracked jobs, and its drain's flag."""
    return [f"multaqa:quick:{queue}", f"multaqa:quick:{queue}:draining"]


def push(pipe: Any, queue: str, queued: list[tuple[str, tuple]]) -> None:
    """Add the untracked jobs (kind, args) of one commit to the queue's list, then try to set the
    drain's flag, within the commit's pipeline: its last result is true when this push set the flag
    and must start a drain (`start_drain`). The job is on the list before the flag is tried, so a
    drain that finds the list empty and drops its flag (one script) does so before the push or after
    its job: either the flag is free for the push, or the drain still pops the job."""
    listed, flag = keys(queue)
    pipe.rpush(listed, *(pickle.dumps(job) for job in queued))
    pipe.set(flag, 1, nx=True, ex=FLAG_SECONDS)


def start_drain(rq_queue: Any) -> None:
    """Queue the RQ job that drains the queue's list (its caller holds the flag)."""
    rq_queue.enqueue("forum.quick_jobs.drain_in_worker", rq_queue.name, job_timeout=1800, result_ttl=0)


def resume(rq_queue: Any) -> None:
    """Queue a drain for untracked jobs that a dead worker's drain left behind (`flask jobs worker`)."""
    script = rq_queue.connection.register_script(_RESUME)
    if script(keys=keys(rq_queue.name), args=[FLAG_SECONDS]):
        start_drain(rq_queue)


def drain_in_worker(queue: str) -> None:
    """The drain, an RQ job: run the list's jobs until it has stayed empty for IDLE_SECONDS, or until
    other jobs wait in the queue (then the next drain is queued behind them)."""
    from rq import Queue

    app = jobs.worker_app()
    connection = jobs.redis_client(app.config["REDIS_URL"])
    rq_queue = Queue(queue, connection=connection)
    listed, flag = keys(queue)
    stop = connection.register_script(_STOP)
    started = checked = time.monotonic()
    while True:
        popped = connection.blpop([listed], timeout=IDLE_SECONDS)
        if popped is None:
            if stop(keys=[listed, flag], args=[FLAG_SECONDS]):
                return
        else:
            _run(app, popped[1])
        if time.monotonic() - checked >= CHECK_SECONDS:
            checked = time.monotonic()
            with connection.pipeline() as pipe:
                pipe.expire(flag, FLAG_SECONDS).llen(rq_queue.key)
                _, waiting = pipe.execute()
            if waiting or checked - started >= DRAIN_SECONDS:
                start_drain(rq_queue)  # behind the jobs that wait; the flag stays held for it
                return


def _run(app: Any, pushed: bytes) -> None:
    try:
        kind, args = pickle.loads(pushed)  # noqa: S301 (pushed by our commits; RQ pickles its jobs alike)
    except Exception:
        log.exception("an untracked job could not be read; it is dropped")
        return
    jobs.run_untracked(app, kind, args)
