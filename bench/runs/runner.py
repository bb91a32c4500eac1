"""``bench run``: dataset -> summarizers -> predictions -> scores -> run record.

The runner puts the steps in order and makes a run survive and repeat; each
step is a module of its own:

- every input is checked before the run directory exists (here);
- ``opening``: a new run directory, or the unfinished one to continue;
- ``resume``: predictions an interrupted attempt made, kept unless their
  summarizer changed since;
- ``generation``: the cache, then the engine for what is left, written as it comes
  (``failures``: when to stop trying a summarizer that keeps failing);
- ``scoring``: the predictions scored and recorded;
- ``signals``: Ctrl-C and SIGTERM stop it at once, keeping everything.
"""

from __future__ import annotations

import shutil
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from tqdm import tqdm

from bench.api.engine import Engine
from bench.api.summarizer import get_summarizer_class
from bench.cache import PredictionKeys
from bench.config import DatasetConfig, RunConfig
from bench.data import Dataset, load_dataset_from_config
from bench.engines import make_engine
from bench.errors import DataError, UserError
from bench.runs.caching import RunCache, cache_record
from bench.runs.directory import RunDirectory, write_jsonl
from bench.runs.generation import canonical_predictions, generate_all
from bench.runs.opening import new_run_directory, open_run_directory
from bench.runs.resume import previous_predictions
from bench.runs.scoring import score_run
from bench.runs.signals import RunInterrupted, StopSignals
from bench.seeding import seed_everything

# canonical_predictions and new_run_directory are used by 'bench score' too.
__all__ = ["RunInterrupted", "RunOutcome", "canonical_predictions", "new_run_directory", "run"]

Log = Callable[[str], None]


def _stderr(message: str) -> None:
    tqdm.write(message, file=sys.stderr)


@dataclass
class RunOutcome:
    directory: RunDirectory
    results: dict[str, Any]
    failures: list[dict[str, Any]] = field(default_factory=list)


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
    with StopSignals() as signals, ExitStack() as stack:
        dataset = load_dataset_from_config(config.dataset, config.targets, config.seed)
        check_articles(dataset, config.dataset)
        seeds = seed_everything(config.seed)
        keys = {s["name"]: PredictionKeys(get_summarizer_class(s["type"]), s, config.seed) for s in config.summarizers}
        cache = RunCache.open(config, use_cache, log)
        stack.callback(cache.close)
        if engine is None:
            engine = make_engine(config.engine)
            stack.callback(engine.close)
        directory, created = open_run_directory(config, dataset.fingerprint, output, resume, fresh, stack, log)
        try:
            previous = previous_predictions(directory, config, dataset.ids,
                                            {name: k.identity for name, k in keys.items()}, log)
            kept = sum(len(made) for by_target in previous.values() for made in by_target.values())
            if kept:
                log(f"{kept} predictions already in {directory.path} are kept; making the rest")
            generation_started = time.perf_counter()
            generated = generate_all(
                config.summarizers, config.targets, dataset.articles, seed=config.seed, batch_size=config.batch_size,
                engine=engine, directory=directory, keys=keys, previous=previous, cache=cache,
                show_progress=show_progress, log=log, after_each_job=signals.check,
            )
            generation_s = time.perf_counter() - generation_started
            signals.check()  # before the scoring, which can take a while
            write_jsonl(directory.predictions_path, canonical_predictions(generated.systems))
            results = score_run(
                config, dataset, directory, generated.systems, generated.failures, started=started,
                generation_s=generation_s, show_progress=show_progress,
                generation_s_by_system={name: t.generation_s for name, t in generated.tallies.items()},
                seeds=seeds, cache=cache_record(config, cache.path, use_cache, generated.tallies),
                checkpoint=signals.check,  # last chance: results.json marks the run finished
                prediction_cache=cache.store,  # a judge keeps its verdicts there (None with --no-cache)
            )
        except KeyboardInterrupt as stop:
            raise RunInterrupted(directory, directory.count_predictions(), signals.signum(stop)) from None
        except UserError:
            if created and not directory.predictions_path.exists():
                shutil.rmtree(directory.path, ignore_errors=True)  # nothing made: leave nothing behind
            raise

        (directory.path / RunDirectory.LOCK).unlink(missing_ok=True)
    return RunOutcome(directory, results, generated.failures)


def check_articles(dataset: Dataset, config: DatasetConfig) -> None:
    """Reject what would make a run fail or crawl long after it started."""
    for article in dataset.articles:
        if len(article.body) > config.max_body_chars:
            raise DataError(
                f"{dataset.source}: article {article.id!r} has a {len(article.body):,}-character body, over "
                f"dataset.max_body_chars ({config.max_body_chars:,}); fix the row, or raise the limit"
            )
