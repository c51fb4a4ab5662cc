"""The series' slow work: looking for likely duplicates among all organisations."""

from __future__ import annotations

from forum import jobs
from forum.series.services.duplicates import find_duplicates

FIND_DUPLICATES = "series.find_duplicates"
#: the pairs kept in the job's result (the best ones first)
MAX_PAIRS = 2000


@jobs.task(FIND_DUPLICATES)
def find_duplicates_job(job: jobs.Job | None) -> dict:
    """Compare every organisation with the others of its province (and by registration number)."""
    progress = job.report if job is not None else None
    pairs = find_duplicates(progress)
    return {
        "count": len(pairs),
        "pairs": [[p.first_id, p.second_id, p.score, p.reason] for p in pairs[:MAX_PAIRS]],
    }
