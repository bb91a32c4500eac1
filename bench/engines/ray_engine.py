"""The ``ray`` engine: a pool of Ray actors, each building the summarizer once.

Every actor runs jobs through the same ``run_job`` as the local engine, so a
run on Ray gives the same predictions, failures and ``stats()`` counts as a
local one, and a run may be resumed on either. A batch that raises is retried
article by article inside the actor that holds the model: nothing is reloaded.

The driver keeps a bounded number of jobs in flight (two per actor, and at most
``4 x workers`` ahead of the job the runner waits for), so memory does not grow
with the dataset, and yields results in job order as they come back. Before
any actor starts it checks that the cluster can place every worker: a worker
asking for a GPU on a cluster without one fails at once with one line instead
of waiting forever.

Ray is an optional extra. headline-bench is not on a package index: install it
from a checkout (``pip install -e '.[ray]'``) or from a wheel built there with
``pip wheel``, on every node of a cluster.
"""

from __future__ import annotations

import atexit
import base64
import logging
import math
import os
import pickle
import traceback
from collections import deque
from typing import Any, Iterable, Iterator, Literal

from pydantic import Field

from bench.api.engine import ArticleFailure, Engine, EngineSettings, Job, JobResult
from bench.api.summarizer import PLUGINS_ENV
from bench.errors import UserError

INSTALL_HINT = "from a headline-bench checkout run pip install -e '.[ray]' (or pip install 'ray>=2.40')"
IN_FLIGHT_PER_WORKER = 2
AHEAD_PER_WORKER = 4


class RayUnavailableError(UserError):
    """``engine: ray`` was asked for but Ray is not installed or not reachable."""


class RayPlacementError(UserError):
    """The cluster has no room for the workers the engine settings ask for."""


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayUnavailableError(f"engine.type: ray needs Ray, which is not installed; {INSTALL_HINT}") from None
    return ray


class RaySettings(EngineSettings):
    """``engine: {type: ray, ...}``; ``engine: ray`` is short for its defaults."""

    type: Literal["ray"] = "ray"
    # None: a running cluster if there is one, else a local Ray started (and stopped) for the run;
    # "auto": a running cluster or an error; "ray://head:10001": a remote cluster (Ray Client).
    address: str | None = None
    workers: int = Field(default=1, ge=1)  # actors; each builds (loads) the summarizer once
    num_gpus_per_worker: float = Field(default=0, ge=0)
    num_cpus_per_worker: float = Field(default=1, gt=0)


class _Worker:
    """A Ray actor holding one summarizer. Results and failures go back as data
    (exceptions pickled), so the driver raises exactly what the local engine
    would (a ``UserError`` stays one line) instead of Ray's wrapped trace."""

    def __init__(self, settings: dict[str, Any], seed: int) -> None:
        from bench.engines.local import build_summarizer

        self.summarizer = None
        self.failure: BaseException | None = None
        try:
            self.summarizer = build_summarizer(settings, seed)
        except Exception as err:  # reported with the jobs, as the local engine does
            self.failure = err

    def run(self, job: Job) -> dict[str, Any]:
        from bench.engines.local import all_failed, run_job

        try:
            if isinstance(self.failure, UserError):
                raise self.failure
            result = all_failed(job, self.failure) if self.failure is not None else run_job(self.summarizer, job)
        except Exception as err:  # a UserError ends the run; anything else here is a bug: keep where
            if not isinstance(err, UserError):
                err.add_note(f"raised on a Ray worker:\n{traceback.format_exc()}")
            return {"fatal": _pack_error(err)}
        return {
            "texts": result.texts,
            "failures": [(f.index, _pack_error(f.error), f.attempted) for f in result.failures],
            "stats": result.stats,
        }

    def close(self) -> None:
        if self.summarizer is not None:
            self.summarizer.close()
            self.summarizer = None


def _pack_error(err: BaseException) -> str:
    try:
        data = pickle.dumps(err)
        pickle.loads(data)
    except Exception:  # an exception that does not round-trip: keep its type name and message
        data = pickle.dumps(RuntimeError(f"{type(err).__name__}: {err}"))
    return base64.b64encode(data).decode("ascii")


def _unpack_error(text: str) -> BaseException:
    return pickle.loads(base64.b64decode(text))


def _result(job: Job, payload: dict[str, Any]) -> JobResult:
    if "fatal" in payload:
        raise _unpack_error(payload["fatal"])
    failures = [ArticleFailure(i, _unpack_error(e), attempted) for i, e, attempted in payload["failures"]]
    return JobResult(job, list(payload["texts"]), failures, dict(payload["stats"]))


class RayEngine(Engine):
    """Generation on a Ray cluster (or a local Ray started for the run)."""

    Settings = RaySettings
    description = "a pool of Ray actors on a cluster: pip install -e '.[ray]' on every node"
    settings: RaySettings

    def __init__(self, settings: RaySettings | None = None) -> None:
        super().__init__(settings)
        self.ray = _import_ray()  # fail at construction, before any work starts
        self._started = False

    def generate(self, settings: dict[str, Any], seed: int, jobs: Iterable[Job]) -> Iterator[JobResult]:
        jobs = list(jobs)
        if not jobs:
            return
        if not self.ray.is_initialized():
            # Connected once for all the summarizers of a run, and let go when
            # the process ends or close() is called.
            self._connect()
            if not self._started:
                atexit.register(self.close)
            self._started = True
        try:
            nodes = self.ray.nodes()
        except Exception:  # noqa: BLE001 - a client that cannot list nodes: Ray places what it can
            nodes = None
        if nodes is not None:
            check_placement(nodes, self.settings)
        yield from self._run(settings, seed, jobs)

    def close(self) -> None:
        """Shut down the Ray this engine started or connected to; one that was
        already running in this process when it came is left alone."""
        if self._started and self.ray.is_initialized():
            self.ray.shutdown()
        self._started = False

    def _connect(self) -> None:
        """Join a running Ray (or the cluster at ``address``); start a local one only
        if no address was given and none runs."""
        ray, address = self.ray, self.settings.address
        quiet = {"logging_level": logging.WARNING, "include_dashboard": False}
        if address is not None:
            try:
                ray.init(address=address, **quiet)
            except (ConnectionError, RuntimeError, ValueError) as err:
                first_line = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
                raise RayUnavailableError(
                    f"engine.address: cannot connect to Ray at {address!r} ({first_line}); "
                    "start the cluster or fix the address"
                ) from None
            return
        try:
            ray.init(address="auto", **quiet)
        except ConnectionError:
            # No cluster running: start one on this machine big enough for the pool.
            need = math.ceil(self.settings.workers * self.settings.num_cpus_per_worker)
            ray.init(num_cpus=max(os.cpu_count() or 1, need), **quiet)

    def _start_workers(self, settings: dict[str, Any], seed: int, count: int) -> list[Any]:
        # Plugin modules must import by name on the workers too (from where this process finds them).
        plugins = os.environ.get(PLUGINS_ENV)
        options: dict[str, Any] = {
            "num_cpus": self.settings.num_cpus_per_worker,
            "num_gpus": self.settings.num_gpus_per_worker,
            "max_restarts": 1,  # a worker lost with its node is started again, once
            "max_task_retries": 1,
        }
        if plugins:
            path = os.environ.get("PYTHONPATH")
            options["runtime_env"] = {"env_vars": {PLUGINS_ENV: plugins, **({"PYTHONPATH": path} if path else {})}}
        worker = self.ray.remote(_Worker)
        return [worker.options(**options).remote(settings, seed) for _ in range(count)]

    def _run(self, settings: dict[str, Any], seed: int, jobs: list[Job]) -> Iterator[JobResult]:
        ray = self.ray
        actors = self._start_workers(settings, seed, min(self.settings.workers, len(jobs)))
        slots = deque(actor for _ in range(IN_FLIGHT_PER_WORKER) for actor in actors)
        ahead = AHEAD_PER_WORKER * len(actors)
        in_flight: dict[Any, tuple[int, Any]] = {}
        done: dict[int, dict[str, Any]] = {}
        submitted = yielded = 0
        finished = False
        try:
            while yielded < len(jobs):
                while slots and submitted < len(jobs) and submitted - yielded < ahead:
                    actor = slots.popleft()
                    in_flight[actor.run.remote(jobs[submitted])] = (submitted, actor)
                    submitted += 1
                if yielded in done:
                    yield _result(jobs[yielded], done.pop(yielded))
                    yielded += 1
                    continue
                ready, _ = ray.wait(list(in_flight), num_returns=1)
                for ref in ready:
                    index, actor = in_flight.pop(ref)
                    done[index] = self._get(ref)
                    slots.append(actor)
            finished = True
        finally:
            self._stop_workers(actors, graceful=finished)

    def _get(self, ref: Any) -> dict[str, Any]:
        try:
            return self.ray.get(ref)
        except self.ray.exceptions.RayActorError as err:
            first_line = (str(err).strip().splitlines() or [type(err).__name__])[0]
            raise RuntimeError(
                f"a Ray worker died ({first_line}); the predictions made so far are kept: "
                "run the same command again to continue"
            ) from None

    def _stop_workers(self, actors: list[Any], graceful: bool) -> None:
        """Let each actor close its summarizer when the work is done; on an
        interruption or an error, stop them at once (batches in flight are dropped)."""
        ray = self.ray
        if graceful:
            try:
                ray.get([actor.close.remote() for actor in actors], timeout=60)
            except Exception:  # noqa: BLE001 - the actors are killed next anyway
                pass
        for actor in actors:
            ray.kill(actor)


def check_placement(nodes: list[dict[str, Any]], settings: RaySettings) -> None:
    """Fail at once, in one line, when the cluster cannot place every worker:
    Ray would otherwise leave them pending, and the run at 0/N, indefinitely."""
    cpus, gpus = settings.num_cpus_per_worker, settings.num_gpus_per_worker
    alive = [node.get("Resources", {}) for node in nodes if node.get("Alive", True)]
    placeable = sum(_fits(resources, cpus, gpus) for resources in alive)
    if placeable >= settings.workers:
        return
    need = f"{cpus:g} CPU" + (f" and {gpus:g} GPU" if gpus else "")
    cluster = (f"{len(alive)} node(s), {sum(r.get('CPU', 0) for r in alive):g} CPUs and "
               f"{sum(r.get('GPU', 0) for r in alive):g} GPUs in all")
    if placeable == 0:
        most_gpus = max((r.get("GPU", 0) for r in alive), default=0)
        if gpus > most_gpus:
            raise RayPlacementError(
                f"engine.num_gpus_per_worker: {gpus:g}: no worker can be placed, as no node of the Ray cluster "
                f"({cluster}) has {gpus:g} GPU(s); set engine.num_gpus_per_worker: 0 to run on CPUs, "
                "or add nodes with GPUs to the cluster"
            )
        raise RayPlacementError(
            f"engine.num_cpus_per_worker: {cpus:g}: no worker can be placed, as no node of the Ray cluster "
            f"({cluster}) has room for {need}; lower engine.num_cpus_per_worker, or add larger nodes"
        )
    raise RayPlacementError(
        f"engine.workers: {settings.workers} workers of {need} each, but the Ray cluster ({cluster}) can place "
        f"only {placeable}; set engine.workers: {placeable}, or add nodes"
    )


def _fits(resources: dict[str, float], cpus: float, gpus: float) -> int:
    """How many workers one node can hold."""
    counts = [math.floor(resources.get("CPU", 0) / cpus + 1e-9)]
    if gpus:
        counts.append(math.floor(resources.get("GPU", 0) / gpus + 1e-9))
    return max(0, min(counts))
