"""Run summarizers on a Ray cluster with Ray Data.

Each job (one batch of articles for one target) becomes one row of a Ray
dataset; ``map_batches`` sends rows to a pool of actors, each of which builds
the summarizer once and calls the same ``summarize_batch`` as the local engine
on exactly the same batches. So a run on Ray gives the same predictions as a
local one, and a run that mixes or resumes across engines stays consistent.

Results stream back as jobs finish and are yielded in job order, so the runner
can write predictions (and cache them) as they arrive.

Ray is an optional extra: ``pip install headline-bench[ray]``. On a real
cluster every node needs headline-bench (and any plugin summarizers) installed.
"""

from __future__ import annotations

import atexit
import base64
import dataclasses
import json
import logging
import math
import os
import pickle
import traceback
from typing import Any, Iterable, Iterator

from bench.api.article import Article
from bench.api.summarizer import PLUGINS_ENV
from bench.engines.base import Engine, Job
from bench.errors import UserError

INSTALL_HINT = "pip install 'headline-bench[ray]'"


class RayUnavailableError(UserError):
    """``engine: ray`` was asked for but Ray is not installed or not reachable."""


def _import_ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401  (Ray Core alone is not enough)
    except ImportError:
        raise RayUnavailableError(f"engine.type: ray needs Ray Data, which is not installed; run {INSTALL_HINT}") from None
    return ray


class _SummarizeJobs:
    """A Ray Data actor: one summarizer per actor, built once, used for every job it gets.

    A failure is sent back as data (the pickled exception) rather than raised, so
    the driver re-raises exactly what the local engine would have raised (a
    ``UserError`` stays a one-line ``UserError``) instead of Ray's wrapped trace.
    """

    def __init__(self, settings: dict[str, Any], seed: int) -> None:
        from bench.engines.local import build_summarizer
        from bench.runs.environment import seed_everything

        self.summarizer = None
        self.failure: BaseException | None = None
        try:
            seed_everything(seed)  # as the runner does before a local engine builds it
            self.summarizer = build_summarizer(settings, seed)
        except Exception as err:  # reported with the first job, as the local engine would raise it
            self.failure = err

    def __call__(self, rows: dict[str, Any]) -> dict[str, list[Any]]:
        from bench.engines.local import summarize_batch

        outputs, errors = [], []
        for target, payload in zip(rows["target"], rows["articles"]):
            try:
                if self.failure is not None:
                    raise self.failure
                articles = [Article(**fields) for fields in json.loads(str(payload))]
                outputs.append(json.dumps(summarize_batch(self.summarizer, articles, str(target))))
                errors.append("")
            except Exception as err:
                if not isinstance(err, UserError):  # a bug: keep where it happened on the worker
                    err.add_note(f"raised on a Ray worker:\n{traceback.format_exc()}")
                outputs.append("")
                errors.append(_pack_error(err))
        return {"index": [int(i) for i in rows["index"]], "outputs": outputs, "error": errors}

    def __del__(self) -> None:  # Ray Data deletes the UDF when the actor exits gracefully
        if getattr(self, "summarizer", None) is not None:
            self.summarizer.close()


def _worker_env() -> dict[str, Any]:
    """Plugin modules named in BENCH_PLUGINS must be importable by name on the workers too."""
    plugins = os.environ.get(PLUGINS_ENV)
    return {"runtime_env": {"env_vars": {PLUGINS_ENV: plugins}}} if plugins else {}


def _pack_error(err: Exception) -> str:
    try:
        data = pickle.dumps(err)
        pickle.loads(data)
    except Exception:  # an exception that does not round-trip: keep its type name and message
        data = pickle.dumps(RuntimeError(f"{type(err).__name__}: {err}"))
    return base64.b64encode(data).decode("ascii")


def _unpack_error(text: str) -> BaseException:
    return pickle.loads(base64.b64decode(text))


class RayEngine(Engine):
    """``engine: {type: ray, address, workers, num_gpus_per_worker, num_cpus_per_worker}``."""

    def __init__(
        self,
        address: str | None = None,
        workers: int = 1,
        num_gpus_per_worker: float = 0,
        num_cpus_per_worker: float = 1,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.address = address
        self.workers = workers
        self.num_gpus_per_worker = num_gpus_per_worker
        self.num_cpus_per_worker = num_cpus_per_worker
        self.ray = _import_ray()  # fail at construction, before any work starts
        self._started = False

    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[tuple[Job, list[str]]]:
        jobs = list(jobs)
        if not jobs:
            return
        if not self.ray.is_initialized():
            # Connected once for all the summarizers of a run (and the runner's
            # retries), and let go when the process ends or close() is called.
            self._connect()
            if not self._started:
                atexit.register(self.close)
            self._started = True
        yield from self._run(settings, seed, jobs)

    def close(self) -> None:
        """Shut down the Ray this engine started or connected to; one that was
        already running when it came is left alone."""
        if self._started and self.ray.is_initialized():
            self.ray.shutdown()
        self._started = False

    def _connect(self) -> None:
        """Join a running Ray (or the cluster at ``address``); start a local one only
        if no address was given and none runs."""
        ray = self.ray
        quiet = {"logging_level": logging.WARNING, "include_dashboard": False}
        if self.address is not None:
            try:
                ray.init(address=self.address, **quiet)
            except (ConnectionError, RuntimeError, ValueError) as err:
                first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise RayUnavailableError(
                    f"engine.address: cannot connect to Ray at {self.address!r} ({first_line}); "
                    "start the cluster or fix the address"
                ) from None
            return
        try:
            ray.init(address="auto", **quiet)
        except ConnectionError:
            # No cluster running: start one on this machine big enough for the pool.
            need = math.ceil(self.workers * self.num_cpus_per_worker)
            ray.init(num_cpus=max(os.cpu_count() or 1, need), **quiet)

    def _run(self, settings: dict[str, Any], seed: int, jobs: list[Job]) -> Iterator[tuple[Job, list[str]]]:
        ray = self.ray
        context = ray.data.DataContext.get_current()
        context.enable_progress_bars = False  # the runner shows its own progress
        context.print_on_execution_start = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # no per-dataset INFO lines
        logging.getLogger("ray.data._internal.progress").setLevel(logging.ERROR)  # "progress bars disabled"
        rows = [
            {
                "index": i,
                "target": job.target,
                "articles": json.dumps([dataclasses.asdict(a) for a in job.articles], ensure_ascii=False),
            }
            for i, job in enumerate(jobs)
        ]
        # One block per job, so jobs spread over the actors and each comes back as soon as it is done.
        dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
            _SummarizeJobs,
            batch_size=1,
            batch_format="numpy",
            compute=ray.data.ActorPoolStrategy(size=self.workers),
            fn_constructor_kwargs={"settings": settings, "seed": seed},
            num_cpus=self.num_cpus_per_worker,
            num_gpus=self.num_gpus_per_worker or None,
            **_worker_env(),
        )
        # Ray may finish jobs out of order: hold results (and failures) until every
        # earlier job is out, so a failure is raised exactly when its job is next.
        waiting: dict[int, dict[str, Any]] = {}
        next_index = 0
        for row in dataset.iter_rows():
            waiting[int(row["index"])] = row
            while next_index in waiting:
                done = waiting.pop(next_index)
                if done["error"]:
                    raise _unpack_error(str(done["error"]))
                yield jobs[next_index], json.loads(str(done["outputs"]))
                next_index += 1
        if next_index != len(jobs):
            raise RuntimeError(f"Ray returned results for {next_index} of {len(jobs)} jobs")
