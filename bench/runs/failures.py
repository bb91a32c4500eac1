"""When to stop trying a summarizer that keeps failing.

The engine already retries a batch that raised one article at a time (on the
same summarizer, nothing reloaded), so each article that fails costs only its
own output. What is left to decide here spans jobs: after
``MAX_FAILURE_STREAK`` articles in a row have failed, the summarizer is broken
(a bad model, a dead server), not the articles; its remaining jobs are
recorded as not attempted instead of being run.
"""

from __future__ import annotations

from typing import Callable, Iterator

from bench.api.engine import MAX_FAILURE_STREAK, Job, JobResult


def consume(
    results: Iterator[JobResult],
    jobs: list[Job],
    on_result: Callable[[JobResult], None],
    on_not_attempted: Callable[[Job, BaseException], None],
) -> None:
    """Hand each of the engine's ``results`` (one per job of ``jobs``, in order)
    to ``on_result``; stop after a failure streak and hand every job left to
    ``on_not_attempted``. The engine is closed however this ends."""
    streak = done = 0
    try:
        for result in results:
            on_result(result)
            done += 1
            streak = _streak_after(streak, result)
            if streak >= MAX_FAILURE_STREAK:
                break
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
    if done == len(jobs):
        return
    if streak < MAX_FAILURE_STREAK:
        raise RuntimeError(f"the engine stopped with {len(jobs) - done} of {len(jobs)} jobs undone")
    reason = RuntimeError(f"{streak} failures in a row")
    for job in jobs[done:]:
        on_not_attempted(job, reason)


def _streak_after(streak: int, result: JobResult) -> int:
    """Failures in a row at the end of ``result``, counting on from ``streak``."""
    failed = {f.index for f in result.failures if f.attempted}
    for index, text in enumerate(result.texts):
        if text is not None:
            streak = 0
        elif index in failed:
            streak += 1
    return streak
