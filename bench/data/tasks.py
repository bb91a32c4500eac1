"""Standard corpora by name: the task files shipped in ``bench/tasks/*.yaml``.

A task file (lm-evaluation-harness's task YAML is the model) says where a
corpus is (a Hub id, config, split and revision, or a file of the shared data
beside the checkout), how its columns map to article fields, which targets it
has, how its references split into sentences, its licence and citation, what
``bench run --task NAME`` runs, and the published figures of its classic
baselines. ``dataset: {task: NAME}`` in a config uses it; any key the config
also sets wins, so ``dataset: {task: xsum, source: xsum-test.parquet}`` reads
a local copy with the task's mapping. A file with ``variants`` holds one task
per variant (XL-Sum: one per language), named ``TASK_VARIANT``; ``{variant}``
in its strings is replaced by the variant's name.
"""

from __future__ import annotations

import os
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bench.errors import UnknownNameError
from bench.strict_yaml import parse_yaml

DATA_ENV = "HEADLINE_BENCH_DATA"  # the shared data folder, where it is not ../shared/data
TASK_FILES = "tasks"  # package data folder of bench


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PublishedScore(_Strict):
    """One system's published ROUGE F1 (in percent), as its paper reports it."""

    system: str
    rouge1: float | None = None
    rouge2: float | None = None
    rougeL: float | None = None
    rougeLsum: float | None = None
    oracle: bool = False


class Baselines(_Strict):
    source: str  # the paper and table
    scorer: str  # how the paper computed ROUGE: our numbers match only under the same one
    target: Literal["headline", "standfirst"]
    scores: list[PublishedScore]


class Task(_Strict):
    task: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$")
    description: str
    dataset: dict[str, Any] = Field(default_factory=dict)  # dataset config keys
    local_file: str | None = None  # a file of the shared data folder
    targets: list[Literal["headline", "standfirst"]] = Field(min_length=1)
    scoring: dict[str, Any] = Field(default_factory=dict)  # scoring defaults (e.g. the unicode tokenizer)
    license: str
    citation: str
    url: str | None = None
    summarizers: list[dict[str, Any]] = Field(min_length=1)  # what `bench run --task NAME` runs
    baselines: Baselines | None = None

    @property
    def hub(self) -> bool:
        return str(self.dataset.get("source", "")).startswith("hf:")


def shared_data_dir() -> Path:
    """``$HEADLINE_BENCH_DATA``, else ``shared/data`` beside the checkout."""
    if os.environ.get(DATA_ENV):
        return Path(os.environ[DATA_ENV])
    return Path(__file__).resolve().parents[2].parent / "shared" / "data"


@lru_cache(maxsize=1)
def all_tasks() -> dict[str, Task]:
    """Every task of every shipped task file, by name."""
    found: dict[str, Task] = {}
    folder = resources.files("bench") / TASK_FILES
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".yaml"):
            # The strict reader every config goes through: a repeated key in a task file is a bug, not a choice.
            for task in _tasks_of(entry.name, parse_yaml(entry.read_text(encoding="utf-8"))):
                if task.task in found:
                    raise ValueError(f"task {task.task!r} is defined twice (bench/tasks/{entry.name})")
                found[task.task] = task
    return found


def _tasks_of(file: str, raw: dict[str, Any]) -> list[Task]:
    variants = raw.pop("variants", None)
    try:
        if variants is None:
            return [Task.model_validate(raw)]
        return [Task.model_validate(_merge(_fill(raw, name), overrides or {}) | {"task": f"{raw['task']}_{name}"})
                for name, overrides in variants.items()]
    except ValidationError as err:  # a broken shipped file is a bug, not user input
        raise ValueError(f"bench/tasks/{file}: {err}") from None


def _fill(value: Any, variant: str) -> Any:
    if isinstance(value, str):
        return value.replace("{variant}", variant)
    if isinstance(value, dict):
        return {k: _fill(v, variant) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, variant) for v in value]
    return value


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        merged[key] = _merge(merged[key], value) if isinstance(value, dict) and isinstance(merged.get(key), dict) \
            else value
    return merged


def get_task(name: str) -> Task:
    tasks = all_tasks()
    if name not in tasks:
        raise UnknownNameError(f"unknown task {name!r}; 'bench list' shows the tasks")
    return tasks[name]


def dataset_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """A dataset config with its task's settings under it (the config's own keys
    win). A local task's file is looked for here, so a missing one is one line
    before anything runs."""
    try:
        task = get_task(str(raw["task"]))
    except UnknownNameError as err:
        raise ValueError(str(err)) from None  # reported at dataset.task by the config check
    merged = {**task.dataset, **raw}
    if isinstance(raw.get("fields"), dict):  # mapping one field keeps the task's mapping of the others
        merged["fields"] = {**task.dataset.get("fields", {}), **raw["fields"]}
    if task.local_file and "source" not in raw:
        path = shared_data_dir() / task.local_file
        if not path.is_file():
            raise ValueError(
                f"task {task.task!r} reads {path}, which is not there; local tasks read the shared data folder "
                f"beside the checkout (../shared/data): put it there, set {DATA_ENV} to where it is, "
                "or give dataset.source"
            )
        merged["source"] = str(path)
    return merged


def run_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """A run config whose dataset names a task, with the task's targets and
    scoring defaults filled in where the config does not set them."""
    dataset = raw.get("dataset")
    if not isinstance(dataset, dict) or str(dataset.get("task")) not in all_tasks():
        return raw  # no task, or an unknown one: the dataset check names it
    task = all_tasks()[str(dataset["task"])]
    merged = dict(raw)
    merged.setdefault("targets", list(task.targets))
    if task.scoring:
        scoring = raw.get("scoring") if isinstance(raw.get("scoring"), dict) else {}
        merged["scoring"] = {**task.scoring, **scoring}
    return merged


def task_run_config(name: str, base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``bench run --task NAME [CONFIG]``: CONFIG's summarizers and scoring (or the
    task's own baselines) on the task's data, its targets and scoring defaults."""
    task = get_task(name)
    if base is None:
        return {"name": task.task, "dataset": {"task": task.task}, "summarizers": task.summarizers}
    raw = {k: v for k, v in base.items() if k not in ("dataset", "targets")}
    raw["name"] = f"{base.get('name', 'run')}-{task.task}"
    raw["dataset"] = {"task": task.task}
    return raw


def task_listing() -> list[tuple[str, str]]:
    """(name, one line) per task, for ``bench list``."""
    rows = []
    for name, task in all_tasks().items():
        where = task.dataset.get("source") if task.hub else f"../shared/data/{task.local_file}"
        rows.append((name, f"{'+'.join(task.targets)}; {where}; {task.description.split(': ', 1)[0]}"))
    return rows
