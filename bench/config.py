"""The run config: a YAML file validated with pydantic.

Unknown keys are errors everywhere. ``load_config`` returns the resolved config
(every default filled in, summarizer settings validated by each summarizer's own
settings model); that is what a run saves as ``config.yaml``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SerializeAsAny, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from bench.api.article import TARGETS
from bench.api.strict_values import refuse_switches_as_numbers
from bench.api.engine import EngineSettings, broken_engines, engine_config_adapter, engine_settings_by_type
from bench.errors import ConfigError, UnknownNameError, UserError
from bench.strict_yaml import YamlProblem, dump_yaml, parse_yaml, read_yaml_file
# The scoring section belongs to the metrics layer (which never imports this module).
from bench.metrics.rouge_types import DEFAULT_TYPES as ROUGE_TYPES  # noqa: F401 (re-exported)
from bench.metrics.settings import DEFAULT_BUDGETS, LengthBudget, ScoringConfig  # noqa: F401 (re-exported)


class Strict(BaseModel):
    """Unknown keys are errors, a switch is never a number (``seed: true`` is
    not seed 1, see ``bench.api.strict_values``), and NaN and infinity are never
    a setting, so a config cannot parse into something it does not say."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    _no_switches = model_validator(mode="before")(refuse_switches_as_numbers)


class DatasetConfig(Strict):
    """Where articles come from: ``task`` (a corpus by name, see ``bench list``)
    and/or ``source``: a seeds folder, a JSONL/CSV/Parquet file, or
    ``hf:NAME[:CONFIG]`` for a dataset on the Hugging Face Hub. With both, the
    task's settings apply to ``source`` (a local copy of the task's corpus)."""

    task: str | None = None
    source: str | None = None
    format: str = "auto"  # a registered format (bench list), or auto: by the source's name
    split: str = "test"
    revision: str | None = None
    # Hub only: files inside the repository to read as this split, e.g. "english/test/*.parquet"
    # with revision: refs/convert/parquet (the Hub's Parquet export of a repository).
    data_files: str | None = None
    # Article field -> column. A target may name several columns, each holding
    # one reference or a list of them: {standfirst: [summary_1, summary_2]}.
    fields: dict[str, str | list[str]] = Field(default_factory=dict)
    limit: int | None = Field(default=None, ge=1)
    seed: int | None = Field(default=None, ge=0, le=2**32 - 1)
    on_empty: Literal["error", "skip"] = "error"
    # lines: a reference's line breaks end its sentences (CNN/DailyMail highlights, one a line);
    # split: a reference is running text and its line breaks are wrapping (joined with spaces).
    reference_sentences: Literal["lines", "split"] = "lines"
    # A body longer than this is rejected as a broken row (the longest real
    # article in ../shared/data is ~100,000 characters); raise it for long-form text.
    max_body_chars: int = Field(default=200_000, ge=1)
    # The same for a reference (the longest real one at hand has ~700 characters).
    max_reference_chars: int = Field(default=20_000, ge=1)

    @model_validator(mode="before")
    @classmethod
    def _task_settings(cls, value: Any) -> Any:
        """A named task's settings, under the ones this config sets itself."""
        if isinstance(value, dict) and value.get("task") is not None:
            from bench.data.tasks import dataset_settings

            return dataset_settings(value)
        return value

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, str | list[str]]) -> dict[str, str | list[str]]:
        allowed = {"id", "headline", "standfirst", "body"}
        unknown = set(value) - allowed
        if unknown:
            raise ValueError(f"unknown article field(s) {sorted(unknown)}; map only {sorted(allowed)}")
        for name, columns in value.items():
            if isinstance(columns, list):
                if name in ("id", "body"):
                    raise ValueError(f"{name}: map the {name} to one column, not a list")
                if not columns or len(set(columns)) != len(columns):
                    raise ValueError(f"{name}: list each column once, at least one")
            if any(not c for c in ([columns] if isinstance(columns, str) else columns)):
                raise ValueError(f"{name}: a column name cannot be empty")
        return value

    @field_validator("format")
    @classmethod
    def _registered_format(cls, value: str) -> str:
        from bench.data.formats import format_names

        names = ["auto", *format_names()]
        if value not in names:
            listed = ", ".join(repr(n) for n in names[:-1]) + f" or {names[-1]!r}"
            raise ValueError(f"Input should be {listed} (the registered formats), not {value!r}")
        return value

    @model_validator(mode="after")
    def _has_a_source(self) -> "DatasetConfig":
        if self.source is None:
            what = f"task {self.task!r} gives no source" if self.task else "no source"
            raise ValueError(f"{what}; set dataset.source (a file, a seeds folder or hf:NAME) or dataset.task")
        return self


# What every config.yaml written before engines had their own settings says for
# the default engine: still read, so old runs can be resumed and reproduced.
LEGACY_LOCAL_ENGINE = {"type": "local", "address": None, "workers": 1, "num_gpus_per_worker": 0,
                       "num_cpus_per_worker": 1}


def engine_config(value: Any) -> EngineSettings:
    """Validate an ``engine:`` section: the discriminated union of every
    registered engine's settings, keyed on ``type`` (``local`` when absent;
    ``engine: ray`` is short for ``{type: ray}``). A setting that belongs to
    another engine is an error that says which. Outputs are the same on every
    engine, so the engine is not part of the signature."""
    if isinstance(value, EngineSettings):
        return value
    if isinstance(value, str):
        value = {"type": value}
    if not isinstance(value, dict):
        raise _at("engine", "expected an engine name (local, ray) or a mapping with a 'type'")
    value = {"type": "local", **value}
    if value == LEGACY_LOCAL_ENGINE:
        value = {"type": "local"}
    broken = broken_engines().get(str(value["type"]))
    if broken is not None:
        raise _at("engine.type", f"engine {value['type']!r} cannot be loaded ({broken}); "
                                 "reinstall the package that provides it")
    try:
        return engine_config_adapter().validate_python(value)
    except ValidationError as err:
        first = err.errors()[0]
        by_type = engine_settings_by_type()
        if first["type"] in ("union_tag_invalid", "union_tag_not_found"):
            raise _at("engine.type", f"unknown engine {value['type']!r}; registered engines: "
                                     f"{', '.join(by_type)}") from None
        key = ".".join(str(p) for p in first["loc"][1:])
        if first["type"] == "extra_forbidden":
            takes = [name for name, cls in by_type.items() if key in cls.model_fields]
            if takes:
                raise _at(f"engine.{key}", f"does not apply to engine type {value['type']!r} (it is a setting of "
                                           f"{' and '.join(takes)}); remove it, or set engine.type: {takes[0]}") from None
            raise _at(f"engine.{key}", "unknown key; remove it or check its spelling") from None
        raise _at(f"engine.{key}", first["msg"].removeprefix("Value error, ")) from None


class CacheConfig(Strict):
    """The prediction cache shared across runs (see ``bench.cache``). ``dir``
    defaults to ~/.cache/headline-bench; the HEADLINE_BENCH_CACHE environment
    variable overrides it. Neither changes any score."""

    enabled: bool = True
    dir: str | None = None


class RunConfig(Strict):
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$", max_length=100)
    seed: int = Field(default=1234, ge=0, le=2**32 - 1)
    dataset: DatasetConfig
    targets: list[Literal["headline", "standfirst"]] = Field(default_factory=lambda: list(TARGETS))
    summarizers: list[dict[str, Any]] = Field(min_length=1)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    batch_size: int = Field(default=16, ge=1)
    engine: SerializeAsAny[EngineSettings] = Field(default_factory=lambda: engine_config({}))
    cache: CacheConfig = Field(default_factory=CacheConfig)

    @field_validator("summarizers")
    @classmethod
    def _validate_summarizers(cls, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        from bench.api.summarizer import get_summarizer_class

        resolved, seen = [], set()
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or "type" not in entry or "name" not in entry:
                raise _at(f"summarizers.{i}", "each summarizer needs a 'name' and a 'type'")
            name = entry["name"]
            problem = _bad_summarizer_name(name)
            if problem:
                raise _at(f"summarizers.{i}.name", problem)
            if name in seen:
                raise _at(f"summarizers.{name}", "this name is used twice; summarizer names must be unique")
            seen.add(name)
            try:
                settings_cls = get_summarizer_class(str(entry["type"])).Settings
            except UnknownNameError as err:
                raise _at(f"summarizers.{name}.type", str(err)) from None
            try:
                settings = settings_cls.model_validate(entry)
            except ValidationError as err:
                where, message = _describe(err)
                raise _at(".".join(filter(None, ("summarizers", str(name), where))), message) from None
            resolved.append(settings.model_dump(mode="json"))
        return resolved

    @field_validator("engine", mode="before")
    @classmethod
    def _engine(cls, value: Any) -> EngineSettings:
        return engine_config(value)

    @field_validator("targets")
    @classmethod
    def _targets(cls, value: list[str]) -> list[str]:
        if not value or len(set(value)) != len(value):
            raise ValueError("list each target (headline, standfirst) once")
        return value


def _bad_summarizer_name(name: Any) -> str | None:
    """Why ``name`` cannot name a summarizer (it heads tables, pages and --set
    paths), or None. Any printable text of 1-100 characters will do."""
    if not isinstance(name, str):
        return f"a name is text, not {type(name).__name__} {name!r}; quote it"
    if not name.strip():
        return "the name is empty; give each summarizer a name"
    if len(name) > 100:
        return f"the name is {len(name)} characters long; use at most 100"
    if name != name.strip() or not name.isprintable():
        return f"the name {name!r} holds a line break, a control character or spaces at an end; use plain text"
    return None


def _at(where: str, message: str) -> PydanticCustomError:
    """An error that names its own place, such as ``summarizers.lead-1.sentences``:
    a summarizer is addressed by name (as in ``--set``), not by list index."""
    return PydanticCustomError("located", "{where}: {message}", {"where": where, "message": message})


def _describe(err: ValidationError) -> tuple[str, str]:
    """The first validation error as (dotted key, what is wrong)."""
    first = err.errors()[0]
    if first["type"] == "located":
        return first["ctx"]["where"], first["ctx"]["message"]
    # "[key]": the key itself is wrong; "int", "literal['auto']": which member of a union pydantic tried
    where = ".".join(str(p) for p in first["loc"] if p != "[key]" and not _union_member(p))
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown key; remove it or check its spelling"
    elif first["type"].endswith(("_type", "_parsing")) and not isinstance(first.get("input"), (dict, list)):
        shown = repr(first.get("input"))
        message = message.split(", unable to")[0] + f", not {shown if len(shown) <= 40 else shown[:37] + '...'}"
    return where, message


def _union_member(part: object) -> bool:
    return isinstance(part, str) and (part in ("int", "float", "str", "bool", "none") or "[" in part)


def _first_error(err: ValidationError) -> str:
    where, message = _describe(err)
    return f"{where or '(top level)'}: {message}"


def load_config(path: str | Path, overrides: list[str] | None = None) -> RunConfig:
    """Read, override and validate a config. A relative dataset path resolves
    against the config file's folder, or against the working directory when it
    came from ``--set dataset.source=...`` (typed at the prompt, read from there)."""
    path = Path(path)
    raw = read_config_file(path)
    base_dir = path.parent
    for item in overrides or []:
        apply_override(raw, item)
        if item.partition("=")[0].strip() in ("dataset", "dataset.source"):
            base_dir = Path.cwd()
    return validate_config(raw, base_dir=base_dir, origin=str(path))


def load_task_config(task: str, path: str | Path | None = None, overrides: list[str] | None = None) -> RunConfig:
    """``bench run --task NAME [CONFIG]``: the task's data, targets and scoring
    defaults, with CONFIG's summarizers and settings (or the task's baselines)."""
    from bench.data.tasks import task_run_config

    base = read_config_file(Path(path)) if path is not None else None
    raw = task_run_config(task, base)
    base_dir = Path(path).parent if path is not None else Path.cwd()  # where the config's model folders are
    for item in overrides or []:
        apply_override(raw, item)
        if item.partition("=")[0].strip() in ("dataset", "dataset.source"):
            base_dir = Path.cwd()
    return validate_config(raw, base_dir=base_dir, origin=str(path) if path is not None else f"--task {task}")


def read_config_file(path: Path) -> dict[str, Any]:
    """A config file's YAML mapping, unvalidated; one line when it cannot be read."""
    raw = read_yaml_file(path)
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a config must be a YAML mapping with name, dataset and summarizers")
    return raw


def validate_config(raw: dict[str, Any], base_dir: Path = Path("."), origin: str = "config") -> RunConfig:
    from bench.data.tasks import run_settings

    try:
        config = RunConfig.model_validate(run_settings(raw))
    except ValidationError as err:
        raise ConfigError(f"{origin}: {_first_error(err)}") from None
    except UserError as err:
        raise ConfigError(f"{origin}: {err}") from None
    source = config.dataset.source
    if source is not None and not source.startswith("hf:") and not Path(source).is_absolute():
        config.dataset.source = str((base_dir / source).resolve())
    for entry in config.summarizers:
        # A model folder written relative to the config file is found from anywhere;
        # a Hub id (no such folder there) is left as it is.
        model = entry.get("model")
        if isinstance(model, str) and not Path(model).is_absolute() and (base_dir / model).is_dir():
            entry["model"] = str((base_dir / model).resolve())
    return config


def apply_override(raw: dict[str, Any], item: str) -> None:
    """Apply one ``--set key.path=value`` (value parsed as YAML). A list element
    is addressed by index or, for summarizers, by name: ``summarizers.lead-1.sentences=2``."""
    if "=" not in item:
        raise ConfigError(f"--set {item!r}: expected key=value, e.g. --set dataset.limit=50")
    key, _, text = item.partition("=")
    try:
        value = parse_yaml(text) if text else ""
    except yaml.YAMLError as err:
        problem = err.message if isinstance(err, YamlProblem) else "the value is not valid YAML; quote it"
        raise ConfigError(f"--set {item!r}: {problem}") from None
    parts = [p for p in key.strip().split(".")]
    if not all(parts):
        raise ConfigError(f"--set {item!r}: empty key segment; use dotted keys like scoring.bootstrap")
    node: Any = raw
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(node, list):
            index = _list_index(node, part, item)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if depth == 0 and part == "engine" and isinstance(node.get(part), str):
                    node[part] = {"type": node[part]}  # `engine: ray` shorthand, then --set engine.workers=4
                node = node.setdefault(part, {})
        else:
            raise ConfigError(f"--set {item!r}: {'.'.join(parts[:depth])} is not a mapping or list")


def _list_index(node: list[Any], part: str, item: str) -> int:
    if part.isdigit() and int(part) < len(node):
        return int(part)
    for i, element in enumerate(node):
        if isinstance(element, dict) and element.get("name") == part:
            return i
    raise ConfigError(f"--set {item!r}: no list element {part!r} (use an index below {len(node)} or a summarizer name)")


def dump_config(config: RunConfig) -> str:
    return dump_yaml(config.model_dump(mode="json"))
