"""gunicorn settings read from the project's folder: the workers, and capability keys masked in the access log.

Workers: one worker per core the process may run on, each with 2 threads, chosen by measurement:
bench/bench_gunicorn.py loads N sync workers, N + 1 sync workers, N x 2 threads and 2N x 2 threads in
turn with check-in scans and sign-ups, and prints each one's ratio to this choice (README, Deploying).
`--workers`/`--threads` on the command line override it.

The access log (enabled with `--access-logfile -`) keeps who, when, the path with private keys masked,
the status, the size and the time taken; not the query string, the referrer or the browser.
"""

import os

workers = len(os.sched_getaffinity(0))
threads = 2
logger_class = "forum.logs.MaskedGunicornLogger"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
