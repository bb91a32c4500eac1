"""``bench run``: dataset -> summarizers -> predictions -> scores -> run record.

The runner owns everything around the engine that makes a run survive and
repeat: every input is checked before the run directory exists; predictions
already in an unfinished run directory, then those in the prediction cache, are
reused, and only what is missing goes to the engine as jobs (cut from the same
fixed batches an uninterrupted run uses); each result is appended to
``predictions.jsonl`` and the cache as it arrives; a batch that raises is
retried one article at a time so only the failing article is lost.
"""

from __future__ import annotations

import shutil
import signal
import sqlite3
import sys
import threading
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

from tqdm import tqdm

from bench.api.article import Article
from bench.api.summarizer import get_summarizer_class
from bench.cache import PredictionCache, PredictionKeys, resolve_cache_dir
from bench.config import DatasetConfig, RunConfig, dump_config
from bench.data import Dataset, load_dataset_from_config
from bench.engines.base import Engine, Job
from bench.engines import make_engine
from bench.errors import ConfigError, DataError, UserError
from bench.runs.directory import (
    RunDirectory,
    comparable_config,
    config_difference,
    find_unfinished,
    write_atomic,
    write_json,
    write_jsonl,
)
from bench.runs.environment import seed_everything
from bench.runs.evaluate import SystemPredictions, evaluate
from bench.runs.record import results_record

# After this many articles in a row fail for one summarizer, its remaining
# articles are recorded as failed without trying (a broken model, not a bad article).
MAX_FAILURE_STREAK = 5

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


@dataclass
class RunOutcome:
    directory: RunDirectory
    results: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)


class RunInterrupted(KeyboardInterrupt):
    """Ctrl-C during a run: what was done is on disk and the run can be resumed."""

    def __init__(self, directory: RunDirectory, kept: int) -> None:
        super().__init__(f"{directory.path}: interrupted with {kept} predictions kept")
        self.directory = directory
        self.kept = kept


class CtrlC:
    """Ctrl-C stops a run at once, even when Python drops its KeyboardInterrupt.

    A KeyboardInterrupt that arrives while a ``__del__`` or weakref callback
    runs is printed as "Exception ignored" and lost, and the run would go on to
    the end. So a run's SIGINT handler also notes the signal, and ``check()``
    stops the run at the next safe point. Where SIGINT was not Python's own
    handler (ignored, as ``cmd &`` in a script starts it, or set by an embedding
    program) it is left as it is.
    """

    def __init__(self) -> None:
        self.seen = False
        self._installed = False

    def __enter__(self) -> "CtrlC":
        if (threading.current_thread() is threading.main_thread()
                and signal.getsignal(signal.SIGINT) is signal.default_int_handler):
            signal.signal(signal.SIGINT, self._on_sigint)
            self._installed = True
        return self

    def __exit__(self, *exc: object) -> None:
        if self._installed and signal.getsignal(signal.SIGINT) == self._on_sigint:  # not one set since
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def _on_sigint(self, signum: int, frame: object) -> None:
        self.seen = True
        raise KeyboardInterrupt

    def check(self) -> None:
        """A safe point: stop here if SIGINT came, even if its KeyboardInterrupt was swallowed."""
        if self.seen:
            raise KeyboardInterrupt


@dataclass
class Tally:
    """Where one summarizer's predictions came from, for the run record."""

    resumed: int = 0
    hits: int = 0
    misses: int = 0
    failed: int = 0
    generation_s: dict[str, float] = field(default_factory=dict)
    model: dict[str, Any] = field(default_factory=dict)  # the summarizer's stats(), when it has them


def run(
    config: RunConfig,
    output: Path,
    show_progress: bool = True,
    *,
    use_cache: bool = True,
    resume: Path | None = None,
    fresh: bool = False,
    engine: Engine | None = None,
    log: Log = _stderr,
) -> RunOutcome:
    """Run ``config``; continue ``resume`` (a run directory) or, unless ``fresh``,
    the newest unfinished run of the same config under ``output``."""
    started = time.perf_counter()
    with CtrlC() as ctrl_c, ExitStack() as stack:
        dataset = load_dataset_from_config(config.dataset, config.targets, config.seed)
        check_articles(dataset, config.dataset)
        seeds = seed_everything(config.seed)
        cache = RunCache(open_cache(config, use_cache, log), log)
        stack.callback(cache.close)
        directory, created = open_run_directory(config, dataset.fingerprint, output, resume, fresh, stack, log)
        done = _previous_predictions(directory, config, dataset)
        if done:
            log(f"{len(done)} predictions already in {directory.path} are kept; making the rest")
        try:
            generation_started = time.perf_counter()
            systems, failures, tallies = generate_all(
                config, dataset, directory, show_progress, engine, done=done, cache=cache, log=log,
                after_each_job=ctrl_c.check,
            )
            generation_seconds = time.perf_counter() - generation_started
            ctrl_c.check()  # before the scoring, which can take a while
            write_jsonl(directory.predictions_path, canonical_predictions(systems))

            scoring_started = time.perf_counter()
            references = {f"{t}\t{a.id}": a.references(t) for a in dataset.articles for t in config.targets}
            total = sum(len(s.ids) for s in systems)
            with tqdm(total=total, desc="scoring", unit="pair", disable=not show_progress) as bar:
                score_rows, targets = evaluate(config.scoring, config.seed, references, systems, progress=bar,
                                               bodies={a.id: a.body for a in dataset.articles})
            write_jsonl(directory.scores_path, score_rows)
            scoring_seconds = time.perf_counter() - scoring_started
            results = results_record(
                config.name, config.scoring, config.seed, dataset.record(), targets, failures,
                timings={
                    "generation_s": round(generation_seconds, 3),
                    "scoring_s": round(scoring_seconds, 3),
                    "total_s": round(time.perf_counter() - started, 3),
                    "generation_s_by_system": {name: t.generation_s for name, t in tallies.items()},
                },
                config=config.model_dump(mode="json"),
                seeds=seeds,
                cache=cache_record(config, cache, use_cache, tallies),
            )
            ctrl_c.check()  # last chance: results.json marks the run finished
        except KeyboardInterrupt:
            raise RunInterrupted(directory, len(directory.recover_predictions())) from None
        except UserError:
            if created and not directory.predictions_path.exists():
                shutil.rmtree(directory.path, ignore_errors=True)  # nothing made: leave nothing behind
            raise

        write_json(directory.results_path, results)
        (directory.path / RunDirectory.LOCK).unlink(missing_ok=True)
    return RunOutcome(directory, results, failures)


def check_articles(dataset: Dataset, config: DatasetConfig) -> None:
    """Reject what would make a run fail or crawl long after it started."""
    for article in dataset.articles:
        if len(article.body) > config.max_body_chars:
            raise DataError(
                f"{dataset.source}: article {article.id!r} has a {len(article.body):,}-character body, over "
                f"dataset.max_body_chars ({config.max_body_chars:,}); fix the row, or raise the limit"
            )


def open_cache(config: RunConfig, use_cache: bool, log: Log) -> PredictionCache | None:
    """The shared cache, or None when it is off. A cache that cannot be opened
    is a warning, not an error: it only saves time."""
    if not (use_cache and config.cache.enabled):
        return None
    directory = resolve_cache_dir(config.cache.dir)
    try:
        return PredictionCache(directory)
    except (OSError, sqlite3.Error) as err:
        log(f"warning: prediction cache at {directory} unusable ({err}); running without it")
        return None


def new_run_directory(output: Path, name: str) -> RunDirectory:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    path = output / f"{name}-{stamp}"
    suffix = 1
    while True:
        try:
            path.mkdir(parents=True)
            return RunDirectory(path)
        except FileExistsError:
            if not output.is_dir():
                raise
            suffix += 1
            path = output / f"{name}-{stamp}-{suffix}"


def open_run_directory(
    config: RunConfig, fingerprint: str, output: Path, resume: Path | None, fresh: bool, stack: ExitStack, log: Log
) -> tuple[RunDirectory, bool]:
    """The directory to write, locked for this process; True when it is new."""
    current = config.model_dump(mode="json")
    if resume is not None:
        directory = RunDirectory(resume)
        if not directory.path.is_dir():
            raise UserError(f"{resume}: run directory not found; pass a folder written by 'bench run'")
        if directory.finished:
            raise UserError(f"{resume}: this run already finished; start a new one with 'bench run CONFIG'")
        saved = directory.saved_config()
        differs = config_difference(comparable_config(saved), comparable_config(current))
        if differs:
            raise ConfigError(
                f"{directory.config_path}: the run was started with a different {differs}; "
                "resume with the same config and --set values, or start a new run"
            )
        if directory.saved_fingerprint() not in (None, fingerprint):
            raise DataError(
                f"{resume}: the articles differ from those this run was started on (dataset fingerprint); "
                "the data changed since, so start a new run"
            )
        stack.enter_context(directory.lock())
        return directory, False
    if not fresh:
        found = find_unfinished(output, config.name, current, fingerprint, stack)
        if found is not None:
            log(f"continuing the unfinished run {found.path} of this config (pass --fresh for a new run)")
            return found, False
    try:
        directory = new_run_directory(output, config.name)
    except OSError as err:
        raise UserError(f"{output}: cannot create a run directory there ({err.strerror}); choose another --output") from None
    stack.enter_context(directory.lock())  # before config.yaml exists, so no one else takes it as unfinished
    directory.save_fingerprint(fingerprint)
    write_atomic(directory.config_path, dump_config(config))
    return directory, True


def _previous_predictions(directory: RunDirectory, config: RunConfig, dataset: Dataset) -> dict[tuple[str, str, str], str]:
    """Predictions an earlier, interrupted attempt made for this run, by
    (summarizer, target, id); rows the config no longer asks for are ignored."""
    wanted_names = {s["name"] for s in config.summarizers}
    ids = set(dataset.ids)
    done: dict[tuple[str, str, str], str] = {}
    for row in directory.recover_predictions():
        key = (row["summarizer"], row["target"], row["id"])
        if row["summarizer"] in wanted_names and row["target"] in config.targets and row["id"] in ids:
            done.setdefault(key, row["prediction"])
    return done


def generate_all(
    config: RunConfig,
    dataset: Dataset,
    directory: RunDirectory,
    show_progress: bool,
    engine: Engine | None = None,
    *,
    done: dict[tuple[str, str, str], str] | None = None,
    cache: RunCache | None = None,
    log: Log = _stderr,
    after_each_job: Callable[[], None] = lambda: None,
) -> tuple[list[SystemPredictions], list[dict[str, Any]], dict[str, Tally]]:
    """Every summarizer on every target. Returns the systems to score, the
    failures, and where predictions came from.
    ``after_each_job`` is called once each job's predictions are written."""
    engine = engine or make_engine(config.engine)
    cache = cache or RunCache(None, log)
    done = done or {}
    articles = dataset.articles
    batches = [articles[i : i + config.batch_size] for i in range(0, len(articles), config.batch_size)]
    total = len(config.summarizers) * len(config.targets) * len(articles)
    systems: list[SystemPredictions] = []
    failures: list[dict[str, Any]] = []
    tallies: dict[str, Tally] = {}
    with tqdm(total=total, desc="generating", unit="summary", disable=not show_progress) as bar:
        for settings in config.summarizers:
            name = settings["name"]
            cls = get_summarizer_class(settings["type"])
            tally = tallies[name] = Tally(generation_s={t: 0.0 for t in config.targets})
            outputs: dict[str, dict[str, str]] = {t: {} for t in config.targets}

            for target in config.targets:
                for article in articles:
                    if (name, target, article.id) in done:
                        outputs[target][article.id] = done[(name, target, article.id)]
                        tally.resumed += 1
            bar.update(tally.resumed)

            # Keys hash the summarizer's code and weights: only worth it when something is left to make.
            left = any(len(outputs[t]) < len(articles) for t in config.targets)
            keys = PredictionKeys(cls, settings, config.seed) if cache.active and left else None
            if keys is not None:
                _take_from_cache(cache, keys, name, config.targets, articles, outputs, directory, tally)
                bar.update(tally.hits)

            jobs = [
                Job(target, missing)
                for target in config.targets
                for batch in batches
                if (missing := [a for a in batch if a.id not in outputs[target]])
            ]

            def on_result(job: Job, texts: list[str]) -> None:
                directory.append_predictions([
                    {"id": a.id, "target": job.target, "summarizer": name, "prediction": text}
                    for a, text in zip(job.articles, texts)
                ])
                outputs[job.target].update((a.id, text) for a, text in zip(job.articles, texts))
                tally.misses += len(job.articles)
                if keys is not None:
                    cache.put_many([(keys.key(job.target, a), t) for a, t in zip(job.articles, texts)],
                                   settings["type"])
                bar.set_postfix_str(f"{name}/{job.target}")
                bar.update(len(job.articles))
                after_each_job()

            def on_failure(job: Job, error: BaseException, attempted: bool) -> None:
                article = job.articles[0]
                reason = f"{type(error).__name__}: {error}" if attempted else f"not attempted after {error}"
                failures.append({"summarizer": name, "target": job.target, "id": article.id, "error": reason[:500]})
                tally.failed += 1
                if attempted:
                    log(f"summarizer {name!r} failed on article {article.id!r} ({job.target}): {reason[:300]}")
                bar.update(1)

            if jobs:
                seed_everything(config.seed)  # the same state whatever ran before
                started = time.perf_counter()
                run_jobs(engine, settings, config.seed, jobs, on_result, on_failure)
                elapsed = time.perf_counter() - started
                tally.model = getattr(engine, "summarizer_stats", {}).get(name, {})
                if tally.model.get("truncated"):
                    log(f"summarizer {name!r}: {tally.model['truncated']} of {tally.model.get('inputs')} inputs "
                        f"were cut to the model's limit of {tally.model.get('input_limit')} tokens")
                made = max(1, sum(len(j.articles) for j in jobs))
                for target in config.targets:
                    share = sum(len(j.articles) for j in jobs if j.target == target) / made
                    tally.generation_s[target] = round(elapsed * share, 3)

            is_oracle = cls.is_oracle
            for target in config.targets:
                ids = [a.id for a in articles if a.id in outputs[target]]
                if not ids:
                    continue  # failed on every article: only in results["failures"]
                info = {"type": settings["type"], "oracle": is_oracle}
                systems.append(SystemPredictions(name, target, ids, [outputs[target][i] for i in ids], info))
    return systems, failures, tallies


class RunCache:
    """The prediction cache as a run uses it. It only saves time, so its first
    SQLite error is one warning and the run goes on without it."""

    def __init__(self, cache: PredictionCache | None, log: Log) -> None:
        self._cache = cache
        self._log = log

    @property
    def active(self) -> bool:
        return self._cache is not None

    @property
    def path(self) -> Path | None:
        return self._cache.path if self._cache is not None else None

    def get_many(self, keys: Iterable[str]) -> dict[str, str]:
        if self._cache is not None:
            try:
                return self._cache.get_many(keys)
            except sqlite3.Error as err:
                self._give_up(err)
        return {}

    def put_many(self, records: list[tuple[str, str]], summarizer_type: str) -> None:
        if self._cache is not None:
            try:
                self._cache.put_many(records, summarizer_type)
            except sqlite3.Error as err:
                self._give_up(err)

    def close(self) -> None:
        if self._cache is not None:
            self._cache.close()
            self._cache = None

    def _give_up(self, err: Exception) -> None:
        self._log(f"warning: prediction cache {self.path} failed ({err}); continuing without it")
        self.close()


def _take_from_cache(
    cache: RunCache,
    keys: PredictionKeys,
    name: str,
    targets: list[str],
    articles: list[Article],
    outputs: dict[str, dict[str, str]],
    directory: RunDirectory,
    tally: Tally,
) -> None:
    wanted = {keys.key(t, a): (t, a) for t in targets for a in articles if a.id not in outputs[t]}
    found = cache.get_many(wanted)
    rows = []
    for key, (target, article) in wanted.items():  # dataset order
        if key in found:
            outputs[target][article.id] = found[key]
            rows.append({"id": article.id, "target": target, "summarizer": name, "prediction": found[key]})
    directory.append_predictions(rows)
    tally.hits += len(rows)


def run_jobs(
    engine: Engine,
    settings: dict[str, Any],
    seed: int,
    jobs: list[Job],
    on_result: Callable[[Job, list[str]], None],
    on_failure: Callable[[Job, BaseException, bool], None],
) -> None:
    """Run ``jobs`` on ``engine``. When the summarizer raises, the job in flight
    is split into one-article jobs and the engine restarted on what is left, so
    the failing article is found and every other one still gets its prediction.
    Errors raised by ``on_result`` (a full disk) and user errors (a missing
    model) end the run instead."""
    pending = deque(jobs)
    streak = 0
    while pending:
        outputs = engine.generate(settings, seed, list(pending))
        error: Exception | None = None
        try:
            while pending:
                try:
                    job, texts = next(outputs)
                except StopIteration:
                    raise RuntimeError(f"the engine stopped with {len(pending)} jobs left undone") from None
                except UserError:
                    raise
                except Exception as raised:  # the summarizer failed on the job in flight
                    error = raised
                    break
                if pending[0] == job:
                    pending.popleft()
                else:
                    pending.remove(job)
                on_result(job, texts)
                streak = 0
        finally:
            close = getattr(outputs, "close", None)
            if close is not None:
                close()
        if error is None:
            continue
        failed = pending.popleft()
        if len(failed.articles) > 1:
            pending.extendleft(reversed([Job(failed.target, [a]) for a in failed.articles]))
            continue
        on_failure(failed, error, True)
        streak += 1
        if streak >= MAX_FAILURE_STREAK:
            reason = RuntimeError(f"{streak} failures in a row")
            while pending:
                job = pending.popleft()
                for article in job.articles:
                    on_failure(Job(job.target, [article]), reason, False)


def canonical_predictions(systems: list[SystemPredictions]) -> list[dict[str, Any]]:
    """predictions.jsonl in a fixed order (config order of summarizers and
    targets, dataset order of articles), whatever order they were made in."""
    return [
        {"id": i, "target": s.target, "summarizer": s.name, "prediction": text}
        for s in systems
        for i, text in zip(s.ids, s.texts)
    ]


def cache_record(config: RunConfig, cache: RunCache, use_cache: bool, tallies: dict[str, Tally]) -> dict[str, Any]:
    """Where this run's predictions came from (not compared by 'bench reproduce')."""
    return {
        "enabled": bool(use_cache and config.cache.enabled),
        "path": str(cache.path) if cache.active else None,
        "hits": sum(t.hits for t in tallies.values()),
        "misses": sum(t.misses for t in tallies.values()),
        "resumed": sum(t.resumed for t in tallies.values()),
        "failed": sum(t.failed for t in tallies.values()),
        "by_summarizer": {
            name: {"hits": t.hits, "misses": t.misses, "resumed": t.resumed, "failed": t.failed,
                   **({"model": t.model} if t.model else {})}
            for name, t in tallies.items()
        },
    }
